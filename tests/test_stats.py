"""Statistics over replications (orgsim.stats): intervals, paired differences, the numbers
a reader sees, crossovers and the warm-up check, on data whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from orgsim.stats import (
    bootstrap_indices,
    find_crossover,
    find_regions,
    format_number,
    mean_interval,
    paired_difference,
    paired_t,
    summarise,
    summary_value,
    t_half_width,
    warmup_check,
)

# ------------------------------------------------------------------ intervals


def _scipy_half_width(values, confidence=0.95):
    low, high = scipy_stats.t.interval(confidence, len(values) - 1, loc=np.mean(values), scale=scipy_stats.sem(values))
    return (high - low) / 2


def test_t_half_width_agrees_with_scipy():
    assert t_half_width([1.0, 2.0, 3.0, 4.0, 5.0]) == pytest.approx(2.776445 * math.sqrt(2.5) / math.sqrt(5), rel=1e-6)
    data = [2.0, 4.0, 4.0, 5.0, 7.0, 9.0, 3.5]
    for confidence in (0.9, 0.95, 0.99):
        assert t_half_width(data, confidence) == pytest.approx(_scipy_half_width(data, confidence), rel=1e-12)
    assert t_half_width(data, 0.99) > t_half_width(data, 0.95) > t_half_width(data, 0.9)
    assert t_half_width([3.0, 3.0, 3.0]) == 0.0
    assert math.isnan(t_half_width([4.2]))
    assert math.isnan(t_half_width([]))


def test_mean_interval_leaves_out_nans_and_has_no_width_with_one_value():
    mean, low, high = mean_interval([1.0, 2.0, math.nan, 3.0])
    half = 4.302653 / math.sqrt(3)  # t(0.975, 2) x std 1 / sqrt(3)
    assert mean == 2.0
    assert low == pytest.approx(2.0 - half, rel=1e-6) and high == pytest.approx(2.0 + half, rel=1e-6)
    mean, low, high = mean_interval([5.0])
    assert mean == 5.0 and math.isnan(low) and math.isnan(high)
    mean, low, high = mean_interval([math.nan, 5.0])
    assert mean == 5.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in mean_interval([math.nan, math.nan]))
    assert all(math.isnan(v) for v in mean_interval([]))


def test_paired_difference_arithmetic():
    a = np.array([10.0, 12.0, 11.0, 13.0])
    b = a + np.array([1.0, 1.2, 0.8, 1.0])
    row = paired_difference(a, b)
    assert row["mean_difference"] == pytest.approx(1.0)
    assert row["ci_low"] < 1.0 < row["ci_high"] and row["significant"]
    assert row["half_width_paired"] == pytest.approx(3.182446 * np.std([1.0, 1.2, 0.8, 1.0], ddof=1) / 2, rel=1e-5)


def test_paired_difference_is_much_narrower_than_unpaired_on_correlated_data():
    """Common random numbers: the shared noise (sd 10) cancels in b - a, the private noise
    (sd 0.5) does not; the unpaired interval sees all of it and cannot tell a from b."""
    rng = np.random.default_rng(42)
    common = rng.normal(100.0, 10.0, 20)
    a = common + rng.normal(0.0, 0.5, 20)
    b = common + 1.0 + rng.normal(0.0, 0.5, 20)
    row = paired_difference(a, b)
    assert row["n"] == 20
    assert row["half_width_paired"] == pytest.approx(t_half_width(b - a), rel=1e-12)
    assert row["half_width_unpaired"] == pytest.approx(math.hypot(t_half_width(a), t_half_width(b)), rel=1e-12)
    assert row["half_width_paired"] < 0.1 * row["half_width_unpaired"]
    assert row["significant"] and row["ci_low"] > 0
    assert row["ci_low"] < 1.0 < row["ci_high"]  # the true difference is inside
    unpaired_low = row["mean_difference"] - row["half_width_unpaired"]
    unpaired_high = row["mean_difference"] + row["half_width_unpaired"]
    assert unpaired_low < 0 < unpaired_high  # two separate intervals would overlap


def test_paired_difference_leaves_out_replications_with_a_nan_on_either_side():
    a = np.array([1.0, math.nan, 3.0, 4.0, 5.0])
    b = np.array([2.0, 3.0, math.nan, 5.5, 6.0])
    row = paired_difference(a, b)
    assert row["n"] == 3
    assert row["mean_difference"] == pytest.approx((1.0 + 1.5 + 1.0) / 3)
    assert row["half_width_paired"] == pytest.approx(t_half_width([1.0, 1.5, 1.0]))
    single = paired_difference([1.0, math.nan], [2.0, 3.0])
    assert single["n"] == 1 and single["mean_difference"] == 1.0 and not single["significant"]
    assert math.isnan(single["half_width_paired"])


def test_paired_t_is_the_t_half_width_of_every_row():
    rng = np.random.default_rng(3)
    diff = rng.normal(0.5, 1.0, size=(4, 12))
    mean, half = paired_t(diff)
    assert mean.shape == half.shape == (4,)
    for i in range(4):
        assert mean[i] == pytest.approx(diff[i].mean())
        assert half[i] == pytest.approx(t_half_width(diff[i]), rel=1e-12)


def test_bootstrap_indices_are_seeded_resamples_with_replacement():
    first = list(bootstrap_indices(10, 50, seed=4))
    again = list(bootstrap_indices(10, 50, seed=4))
    other = list(bootstrap_indices(10, 50, seed=5))
    assert len(first) == 50
    assert all(len(s) == 10 and s.min() >= 0 and s.max() <= 9 for s in first)
    assert all(np.array_equal(x, y) for x, y in zip(first, again, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(first, other, strict=True))
    assert any(len(set(s.tolist())) < 10 for s in first)  # with replacement: repeats occur


# ------------------------------------------------------------------ summaries


def test_summarise_clips_shares_at_one_and_every_metric_at_zero():
    frame = pd.DataFrame(
        {
            "replication": [0, 1, 2, 3],
            "scenario": ["s"] * 4,
            "sla_attainment.total": [0.97, 1.0, 0.99, 1.0],  # share near 1
            "utilisation.it_manager": [0.95, 1.0, 1.0, 0.9],  # share near 1
            "project_on_time_share": [0.0, 0.02, 0.0, 0.01],  # share near 0
            "tickets_per_week.total": [0.0, 0.5, 0.0, 0.1],  # not a share, near 0
            "project_lead_time_weeks_mean": [1.5, 2.5, 0.5, 3.5],  # not a share, above 1
            "cost_per_project": [100.0, math.nan, 120.0, 110.0],
        }
    )
    summary = summarise(frame).set_index("metric")
    assert list(summary.index) == [c for c in frame.columns if c not in ("replication", "scenario")]
    assert list(summary.columns) == ["mean", "std", "ci_low", "ci_high", "n"]

    def half(column):
        return t_half_width(frame[column].dropna())

    for share in ("sla_attainment.total", "utilisation.it_manager"):
        row = summary.loc[share]
        assert row["mean"] + half(share) > 1.0  # the raw interval would pass 1
        assert row["ci_high"] == 1.0
        assert row["ci_low"] == pytest.approx(row["mean"] - half(share))
    for near_zero in ("project_on_time_share", "tickets_per_week.total", "project_lead_time_weeks_mean"):
        row = summary.loc[near_zero]
        assert row["mean"] - half(near_zero) < 0.0  # the raw interval would pass 0
        assert row["ci_low"] == 0.0
        assert row["ci_high"] == pytest.approx(row["mean"] + half(near_zero))
    assert summary.loc["project_lead_time_weeks_mean", "ci_high"] > 1.0  # only shares stop at 1
    cost = summary.loc["cost_per_project"]
    assert cost["n"] == 3 and cost["mean"] == pytest.approx(110.0) and cost["std"] == pytest.approx(10.0)
    assert cost["ci_low"] == pytest.approx(110.0 - half("cost_per_project"))
    assert (summary["ci_low"] >= 0).all()
    assert (
        summary.loc[["sla_attainment.total", "utilisation.it_manager", "project_on_time_share"], "ci_high"].le(1).all()
    )


def test_summarise_gives_no_interval_with_one_replication():
    frame = pd.DataFrame({"replication": [0], "sla_attainment.total": [0.9], "tickets_per_week.total": [5.0]})
    summary = summarise(frame).set_index("metric")
    assert summary.loc["tickets_per_week.total", "mean"] == 5.0
    assert summary[["std", "ci_low", "ci_high"]].isna().all().all()


def test_summary_value_finds_a_metric_and_gives_nans_when_absent():
    summary = summarise(pd.DataFrame({"replication": [0, 1, 2], "headcount.engineer": [3.0, 3.0, 3.0]}))
    assert summary_value(summary, "headcount.engineer") == (3.0, 3.0, 3.0)
    assert all(math.isnan(v) for v in summary_value(summary, "headcount.it_manager"))


# ------------------------------------------------------------------ the numbers a reader sees


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5800, "5,800"),
        (5800.4, "5,800"),
        (1_000_000, "1,000,000"),
        (-5800, "-5,800"),
        (6.2, "6.2"),
        (0.164, "0.164"),
        (0.5, "0.5"),
        (12.0, "12"),
        (100, "100"),
        (999.4, "999"),
        (999.9, "1,000"),  # rounds up into the thousands: separators, no exponent
        (9.9996, "10"),
        (0.001, "0.001"),
        (0.0001, "1.00e-04"),  # tiny: scientific
        (0, "0"),
        (math.nan, "n/a"),
        (np.float64("nan"), "n/a"),
        (None, "n/a"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_number_signed_and_digits():
    assert format_number(6.2, signed=True) == "+6.2"
    assert format_number(2800.0, signed=True) == "+2,800"
    assert format_number(0, signed=True) == "+0"
    assert format_number(-0.5, signed=True) == "-0.5"
    assert format_number(-5800, signed=True) == "-5,800"
    assert format_number(math.nan, signed=True) == "n/a"
    assert format_number(0.1644, digits=2) == "0.16"
    assert format_number(6.2347, digits=4) == "6.235"


# ------------------------------------------------------------------ crossovers


def test_crossover_is_found_where_it_is_by_construction():
    """Challenger's advantage = 0.01 x (x - 100) + noise: it wins from x = 100 on."""
    rng = np.random.default_rng(7)
    xs = np.array([25, 50, 75, 100, 125, 150, 200, 300, 400])
    replications = 40
    common = rng.normal(50, 5, size=(len(xs), replications))  # shared noise: common random numbers
    baseline = common + rng.normal(0, 0.05, size=common.shape)
    challenger = common - 0.01 * (xs[:, None] - 100) + rng.normal(0, 0.05, size=common.shape)
    result = find_crossover(xs, baseline, challenger, higher_is_better=False)
    assert result["winner"] == "challenger"
    assert 100 <= result["crossover"] <= 125  # significance needs a margin above the true zero at 100
    assert result["ci_low"] <= result["crossover"] <= result["ci_high"]
    assert result["ci_low"] >= 75 and result["ci_high"] <= 150
    assert result["significant_from"] == 125


def test_no_crossover_when_the_alternatives_are_equal():
    rng = np.random.default_rng(1)
    xs = np.array([1.0, 2.0, 3.0, 4.0])
    common = rng.normal(10, 1, size=(4, 20))
    result = find_crossover(xs, common + rng.normal(0, 0.1, common.shape), common + rng.normal(0, 0.1, common.shape))
    assert result["winner"] is None and result["crossover"] is None


def test_crossover_interpolates_in_log_x_when_asked():
    """The advantage is -0.35 at x = 100 and +0.35 at x = 200 (nearly noise-free): the zero
    lies half-way, which is 150 on a linear axis and sqrt(100 x 200) = 141.4 on a log axis."""
    rng = np.random.default_rng(11)
    xs = np.array([25.0, 50.0, 100.0, 200.0, 400.0, 800.0])
    advantage = np.log(xs / math.sqrt(100 * 200))
    common = rng.normal(20, 3, size=(len(xs), 10))
    baseline = common + advantage[:, None] + rng.normal(0, 1e-4, size=common.shape)
    challenger = common + rng.normal(0, 1e-4, size=common.shape)
    linear = find_crossover(xs, baseline, challenger, bootstrap=200)
    logarithmic = find_crossover(xs, baseline, challenger, log_x=True, bootstrap=200)
    assert linear["winner"] == logarithmic["winner"] == "challenger"
    assert linear["crossover"] == pytest.approx(150.0, rel=0.01)
    assert logarithmic["crossover"] == pytest.approx(math.sqrt(100 * 200), rel=0.01)
    assert logarithmic["ci_low"] <= logarithmic["crossover"] <= logarithmic["ci_high"]
    assert linear["significant_from"] == logarithmic["significant_from"] == 200.0
    assert not linear["whole_range"]
    assert linear["mean_advantage"] == pytest.approx(advantage, abs=1e-3)


def test_a_baseline_better_everywhere_wins_the_whole_range_when_higher_is_better():
    rng = np.random.default_rng(5)
    xs = np.array([10.0, 20.0, 40.0])
    common = rng.normal(0.8, 0.05, size=(3, 8))
    baseline = common + 0.05 + rng.normal(0, 0.005, size=common.shape)
    challenger = common + rng.normal(0, 0.005, size=common.shape)
    result = find_crossover(xs, baseline, challenger, higher_is_better=True)
    assert result["winner"] == "baseline" and result["whole_range"]
    assert result["crossover"] == 10.0 and result["significant_from"] == 10.0
    assert result["replications"] == 8
    assert all(m == pytest.approx(-0.05, abs=0.01) for m in result["mean_advantage"])
    lower_is_better = find_crossover(xs, baseline, challenger, higher_is_better=False)
    assert lower_is_better["winner"] == "challenger" and lower_is_better["whole_range"]


def test_crossover_needs_three_replications_with_values_at_every_point():
    xs = [1.0, 2.0, 3.0]
    baseline = np.array([[1.0, 2.0, 3.0, 4.0]] * 3)
    challenger = baseline + 1.0
    challenger[1, :2] = math.nan  # two replications lack a value at x = 2
    result = find_crossover(xs, baseline, challenger)
    assert result["replications"] == 2
    assert result["winner"] is None and result["crossover"] is None
    assert "fewer than 3 replications" in result["reason"]


def _paired(xs, advantage, replications=12, seed=3):
    """Baseline and challenger (points x replications) sharing large common noise, the
    challenger lower (better, when lower is better) by exactly ``advantage`` on average at
    each point: the paired noise (sd 0.05) is centred, so a zero advantage is never
    significant by chance."""
    rng = np.random.default_rng(seed)
    baseline = rng.normal(50, 5, size=(len(xs), replications))
    noise = rng.normal(0, 0.05, size=baseline.shape)
    challenger = baseline - np.asarray(advantage, dtype=float)[:, None] + noise - noise.mean(axis=1, keepdims=True)
    return baseline, challenger


def test_regions_find_an_advantage_only_in_the_middle_of_the_range():
    """The challenger is 2 better at 100-400 and equal elsewhere: one region in the middle,
    no difference on either side; the top of the range has no winner, so no crossover."""
    xs = np.array([25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0])
    baseline, challenger = _paired(xs, [0, 0, 2, 2, 2, 0, 0])
    found = find_regions(xs, baseline, challenger)
    assert found["reason"] is None and found["replications"] == 12
    regions = found["regions"]
    assert [(r["winner"], r["from"], r["to"]) for r in regions] == [
        (None, 25.0, 50.0),
        ("challenger", 100.0, 400.0),
        (None, 800.0, 1600.0),
    ]
    assert regions[1]["points"] == [100.0, 200.0, 400.0]
    assert regions[1]["mean_advantage"] == pytest.approx([2.0, 2.0, 2.0])
    assert all(low > 0 for low, _ in regions[1]["ci_advantage"])
    assert all(low < 0 < high for r in (regions[0], regions[2]) for low, high in r["ci_advantage"])
    assert find_crossover(xs, baseline, challenger)["winner"] is None  # the top-of-range view sees nothing


def test_regions_baseline_wins_in_the_middle_and_the_challenger_at_the_top():
    xs = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    baseline, challenger = _paired(xs, [0, -1.5, -1.5, 0, 3, 3])
    regions = find_regions(xs, baseline, challenger)["regions"]
    assert [(r["winner"], r["points"]) for r in regions] == [
        (None, [10.0]),
        ("baseline", [20.0, 30.0]),
        (None, [40.0]),
        ("challenger", [50.0, 60.0]),
    ]
    assert regions[1]["mean_advantage"] == pytest.approx([1.5, 1.5])  # positive: the winner's advantage
    assert regions[3]["mean_advantage"] == pytest.approx([3.0, 3.0])
    crossover = find_crossover(xs, baseline, challenger, bootstrap=200)
    assert crossover["winner"] == "challenger" and crossover["significant_from"] == 50.0
    # higher is better: the same numbers favour the other side, the regions mirror
    mirrored = find_regions(xs, baseline, challenger, higher_is_better=True)["regions"]
    assert [r["winner"] for r in mirrored] == [None, "challenger", None, "baseline"]
    assert mirrored[3]["mean_advantage"] == pytest.approx([3.0, 3.0])


def test_regions_leave_out_replications_with_a_nan_and_need_three():
    xs = [1.0, 2.0, 3.0]
    baseline = np.array([[1.0, 2.0, 3.0, 4.0]] * 3)
    challenger = baseline + 1.0  # worse by exactly 1 everywhere: the baseline wins throughout
    found = find_regions(xs, baseline, challenger)
    assert [(r["winner"], r["from"], r["to"]) for r in found["regions"]] == [("baseline", 1.0, 3.0)]
    assert found["regions"][0]["mean_advantage"] == [1.0, 1.0, 1.0]
    challenger[1, 0] = math.nan  # replication 0 lacks a value at x = 2: left out there only
    found = find_regions(xs, baseline, challenger)
    assert found["replications"] == 3 and found["regions"][0]["replications"] == [4, 3, 4]
    challenger[1, 1] = math.nan  # two pairs at x = 2: no verdict there, the others still judged
    found = find_regions(xs, baseline, challenger)
    assert found["replications"] == 2
    assert [(r["winner"], r["points"], r["undetermined"]) for r in found["regions"]] == [
        ("baseline", [1.0], False),
        (None, [2.0], True),
        ("baseline", [3.0], False),
    ]
    challenger[:, 2:] = math.nan  # at most two pairs anywhere: no regions
    found = find_regions(xs, baseline, challenger)
    assert found["regions"] == [] and found["replications"] == 0
    assert "fewer than 3 replications" in found["reason"]


# ------------------------------------------------------------------ warm-up


def _backlog_timeseries(settled_from_day: int, days: int, replications: int = 2) -> pd.DataFrame:
    """Daily rows like Results.timeseries (days from 1): the work in the system averages 100
    items (queues plus projects) until day ``settled_from_day`` and 10 from the day after."""
    rows = []
    for replication in range(replications):
        spread = 1.0 + 0.1 * (replication - (replications - 1) / 2)  # replications differ, mean as above
        for day in range(1, days + 1):
            level = (100.0 if day <= settled_from_day else 10.0) * spread
            rows.append(
                {
                    "replication": replication,
                    "day": day,
                    "week": (day - 1) // 5 + 1,
                    "queue.ticket_l1": 0.5 * level,
                    "queue.project_work": 0.3 * level,
                    "projects_waiting": 0.2 * level,
                    "busy_hours.engineer": 1000.0,  # not work in the system: left out
                }
            )
    return pd.DataFrame(rows)


def test_warmup_check_finds_the_day_the_backlog_settles():
    """The backlog drops to its steady level after day 50, 10 weeks of 5 days."""
    timeseries = _backlog_timeseries(settled_from_day=50, days=300)
    check = warmup_check(timeseries, warmup_weeks=4, days_per_week=5)
    assert check["steady_backlog"] == pytest.approx(10.0)
    assert check["needed_weeks"] == pytest.approx(10.0)
    assert not check["enough"]
    assert warmup_check(timeseries, warmup_weeks=10, days_per_week=5)["enough"]
    assert not warmup_check(timeseries, warmup_weeks=9.8, days_per_week=5)["enough"]
    six_day_weeks = warmup_check(timeseries, warmup_weeks=4, days_per_week=6)
    assert six_day_weeks["needed_weeks"] == pytest.approx(50 / 6)


def test_warmup_check_with_a_settled_backlog_or_too_little_data():
    settled = warmup_check(_backlog_timeseries(settled_from_day=0, days=200), warmup_weeks=0, days_per_week=5)
    assert settled["needed_weeks"] == 0.0 and settled["enough"]
    short = warmup_check(_backlog_timeseries(settled_from_day=10, days=39), warmup_weeks=0, days_per_week=5)
    assert math.isnan(short["needed_weeks"]) and short["enough"]  # fewer than 4 smoothing windows
    assert warmup_check(pd.DataFrame(), warmup_weeks=0, days_per_week=5) == {"needed_weeks": 0.0, "enough": True}


def test_regions_need_the_minimal_important_difference():
    """A difference that is significant but below the MID wins no region: 'no practical difference'."""
    rng = np.random.default_rng(7)
    xs = [25, 50, 100]
    baseline = np.full((3, 10), 10.0) + rng.normal(0, 0.01, (3, 10))
    challenger = baseline - np.array([[0.5], [3.0], [0.5]])  # 0.5 weeks faster, 3 in the middle
    plain = find_regions(xs, baseline, challenger)["regions"]
    assert [r["winner"] for r in plain] == ["challenger"]
    regions = find_regions(xs, baseline, challenger, minimal=1.0)["regions"]
    assert [(r["winner"], r["from"], r["to"], r["below_mid"]) for r in regions] == [
        (None, 25.0, 25.0, True),
        ("challenger", 50.0, 50.0, False),
        (None, 100.0, 100.0, True),
    ]


# ------------------------------------------------------------------ Kaplan-Meier


def test_kaplan_meier_by_hand():
    from orgsim.stats import kaplan_meier, kaplan_meier_median

    # 1, 2, 2+, 3, 4+, 5 (+ censored): S = 5/6 at 1, 5/6 * 4/5 at 2, * 2/3 at 3 (3 at risk), 0 at 5
    curve = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    assert curve["times"].tolist() == [1, 2, 3, 5]
    assert curve["at_risk"].tolist() == [6, 5, 3, 1]
    assert np.allclose(curve["survival"], [5 / 6, 4 / 6, 4 / 9, 0])
    assert np.allclose(curve["greenwood"][:3], np.cumsum([1 / 30, 1 / 20, 1 / 6]))
    median = kaplan_meier_median([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    assert median["median"] == 3 and median["events"] == 4 and median["censored"] == 2
    # the log(-log) band at 1 week reaches below 0.5 (0.833^exp(1.96 sqrt(1/30) / 0.182) = 0.27);
    # its upper curve stays above 0.5 until S falls to 0, where Greenwood's variance is infinite
    assert median["ci_low"] == 1 and median["ci_high"] == math.inf


def test_kaplan_meier_median_of_censored_exponential_data_covers_ln2_over_the_rate():
    """Exponential durations (rate 0.1: median ln 2 / 0.1 = 6.93) censored uniformly on 0-25
    (about a third censored): the estimate is close, and each interval (Greenwood's and the
    bootstrap over groups) covers the true median in about 95% of 60 samples."""
    from orgsim.stats import kaplan_meier_median

    rng = np.random.default_rng(20)
    rate = 0.1
    truth = math.log(2) / rate
    covered = {"greenwood": 0, "bootstrap": 0}
    samples = 60
    for k in range(samples):
        times, censor = rng.exponential(1 / rate, 400), rng.uniform(0, 25, 400)
        durations, observed = np.minimum(times, censor), times <= censor
        assert 0.2 < 1 - observed.mean() < 0.5  # real censoring
        greenwood = kaplan_meier_median(durations, observed)
        assert abs(greenwood["median"] - truth) < 2.5
        boot = kaplan_meier_median(durations, observed, groups=np.repeat(np.arange(20), 20), bootstrap=200, seed=k)
        assert boot["median"] == greenwood["median"]
        covered["greenwood"] += greenwood["ci_low"] <= truth <= greenwood["ci_high"]
        covered["bootstrap"] += boot["ci_low"] <= truth <= boot["ci_high"]
    for method, hits in covered.items():
        assert 0.85 <= hits / samples <= 1.0, (method, hits)


def test_a_median_that_more_than_half_never_reach_is_longer_than_the_data():
    from orgsim.stats import kaplan_meier_median

    estimate = kaplan_meier_median([1, 2, 10, 10, 10, 10], [1, 1, 0, 0, 0, 0])
    assert estimate["median"] == math.inf and estimate["longest"] == 10
    assert math.isinf(kaplan_meier_median([3, 4], [0, 0])["median"])
