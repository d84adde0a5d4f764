"""Fitting: the parameters that made a synthetic export are recovered, within 4 standard errors.

See :mod:`tests.calibrate.synthetic` for the truth and the tolerances.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from orgsim import calibrate
from orgsim.calibrate.survival import km_quantile
from tests.calibrate.synthetic import (
    CUT_KEEP,
    ESCALATED,
    EVENING,
    HOUR,
    LOGNORMAL,
    PRIORITIES,
    USED_WEEKS,
    WEEKEND,
    expected_profile,
    se_share,
)


def test_recovers_rate_window_and_truncation(servicenow):
    _, made, _, fitted = servicenow
    data = fitted.data
    window, arrivals = data["window"], data["arrivals"]
    assert window["whole_weeks_used"] == USED_WEEKS
    assert window["used_from"] == "2026-01-12" and window["used_to"] == "2026-06-05"
    left_out = {(f["edge"], f["week_of"]): f["kind"] for f in window["weeks_left_out"]}
    assert left_out == {
        ("first", "2026-01-05"): "partial",  # from Wednesday, at the full rate
        ("last", "2026-06-15"): "partial",  # Monday and Tuesday, at the full rate
        ("last", "2026-06-08"): "truncated",  # the whole week cut to 40%
    }
    cut = next(f for f in window["weeks_left_out"] if f["kind"] == "truncated")
    assert cut["rate_vs_median_week"] == pytest.approx(CUT_KEEP, abs=0.1)
    assert window["truncated"] is True
    truth = expected_profile().sum()  # 261.5 a week: 250 in working hours, 7.5 evenings, 4 weekends
    se = math.sqrt(truth / USED_WEEKS)
    assert arrivals["tickets_per_working_week"] == pytest.approx(truth, abs=4 * se)
    low, high = arrivals["ci95"]
    assert low < truth < high
    assert arrivals["per_employee_per_month"] == pytest.approx(arrivals["tickets_per_working_week"] * 52 / 12 / 600)


def test_recovers_the_weekday_and_hour_profile_with_outside_hours_in_the_next_hour(servicenow):
    _, made, _, fitted = servicenow
    profile = fitted.data["profile"]
    table = expected_profile()
    n = fitted.data["arrivals"]["tickets"]
    for key, truth in (("weekday", table.sum(axis=1)), ("hour", table.sum(axis=0))):
        share = truth / truth.sum()
        values = np.array(profile[key])
        assert values.mean() == pytest.approx(1.0, abs=1e-9)
        tolerance = 4 * len(share) * np.sqrt(share * (1 - share) / n)
        assert np.all(np.abs(values - len(share) * share) < tolerance), (key, values, len(share) * share)
    # the first hour carries the evening and weekend tickets: 1.6 rather than the 1.4 of working hours alone
    assert profile["hour"][0] > HOUR[0] + 4 * 8 * se_share(0.175, n)
    outside = profile["outside_working_hours"]
    expected_outside = (5 * EVENING + WEEKEND) / table.sum()
    assert outside["share"] == pytest.approx(expected_outside, abs=4 * se_share(expected_outside, n))
    assert outside["weekend_share"] == pytest.approx(WEEKEND / table.sum(), abs=4 * se_share(0.015, n))
    assert profile["separable"]["p_value"] > 0.001  # the truth is weekday x hour


def test_recovers_the_priority_mix_and_reports_the_unmapped(servicenow):
    _, made, _, fitted = servicenow
    mix = fitted.data["mix"]
    assert mix["unmapped"] == 25
    assert mix["unmapped_by_reason"] == {"priority '5 - Planning'": 15, "priority missing": 10}
    assert mix["shares"]["service_request"] == 0.0 and mix["shares"]["change"] == 0.0
    assert sum(mix["shares"].values()) == pytest.approx(1.0, abs=1e-9)
    for priority, p in PRIORITIES.items():
        assert mix["shares"][f"p{priority}"] == pytest.approx(p, abs=4 * se_share(p, mix["known"]))


def test_recovers_lognormal_resolution_times_with_open_incidents_censored(servicenow):
    _, made, _, fitted = servicenow
    resolution = fitted.data["resolution"]
    truth = made["truth"]
    assert resolution["excluded"]["resolved time missing"] == 8
    for name, (mu, sigma) in LOGNORMAL.items():
        entry = resolution["by_class"][name]
        n = entry["resolved"]
        assert entry["mu"] == pytest.approx(mu, abs=4 * sigma / math.sqrt(n)), name
        assert entry["sigma"] == pytest.approx(sigma, abs=4 * sigma / math.sqrt(2 * n)), name
        still_open = truth[(truth["klass"] == name) & truth["open"] & (truth["label"] == truth["priority"])]
        assert entry["open"] <= len(still_open)  # opened after the export's last working hour: no time to count
        assert entry["open"] >= len(still_open) - 5
        q = entry["quantiles"]
        for key in ("p50", "p90"):
            assert q[key]["fitted"] == pytest.approx(q[key]["observed"], rel=0.15), (name, key)
    assert resolution["by_class"]["p4"]["open"] > 100  # enough censoring to matter


def test_escalation_and_sla_attainment(servicenow):
    _, made, _, fitted = servicenow
    truth = made["truth"]
    escalation = fitted.data["escalated"]
    for name, p in ESCALATED.items():
        entry = escalation["by_class"][name]
        assert entry["share"] == pytest.approx(p, abs=4 * se_share(p, entry["tickets"])), name
    resolved = truth[~truth["open"] & ~truth["no_time"]]
    sla = fitted.data["sla"]
    assert sla["known"] == len(resolved)
    assert sla["attainment"] == pytest.approx(resolved["made_sla"].mean(), abs=1e-12)  # a count, not an estimate


def test_censored_lognormal_fit_removes_the_bias_of_dropping_open_tickets():
    rng = np.random.default_rng(3)
    n, mu, sigma = 4000, 3.0, 1.0
    times = np.exp(mu + sigma * rng.standard_normal(n))
    limit = math.exp(3.5)  # about 31% still open
    censored = times > limit
    times = np.minimum(times, limit)
    fitted_mu, fitted_sigma = calibrate.fit_lognormal(times, censored)
    assert fitted_mu == pytest.approx(mu, abs=4 * sigma / math.sqrt(n))
    assert fitted_sigma == pytest.approx(sigma, abs=4 * sigma / math.sqrt(n / 2))
    naive_mu, _ = calibrate.fit_lognormal(times[~censored])
    assert mu - naive_mu > 0.3  # what dropping them would have said
    curve = calibrate.kaplan_meier(times, censored)
    median = km_quantile(curve, 0.5)
    assert median == pytest.approx(math.exp(mu), rel=0.08)
