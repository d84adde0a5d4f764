"""``orgsim calibrate``: from a ticket export back to the parameters that made it.

The exports are generated here with known parameters (nothing is read from the internet):
a ServiceNow-style incident **audit** export — several rows per incident (New, a reassignment,
Resolved, sometimes Closed), day-first timestamps with a few ISO ones, ``?`` cells, incidents
still open at the export's end (no resolved time), rows shuffled and ordered only by
``sys_updated_on``, a partial first and last week and a last whole week cut to 40% — from
arrivals with a known weekday x hour profile (plus known evening and weekend arrivals), a
known priority mix, known escalation shares and known lognormal resolution times in working
hours.

**Tolerances.** Every recovered value must lie within 4 standard errors of the truth, the
standard error computed here from the sample sizes (a multinomial share p of N: sqrt(p(1-p)/N);
a Poisson rate over W weeks: sqrt(rate/W); a lognormal fitted to n resolved times:
sigma/sqrt(n) for mu and sigma/sqrt(2n) for sigma).  A correct estimator falls outside 4 SE
with probability 6e-5 per check, so the tolerances are not tuned to the seed; a biased one
(an evening ticket counted in the wrong hour, censoring ignored, a truncated week kept) does
not pass.
"""

from __future__ import annotations

import json
import math
import time
import tomllib
from dataclasses import fields
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from orgsim import calibrate
from orgsim.cli import main
from orgsim.scenario import Tickets, scenario_from_dict

# ------------------------------------------------------------------ the truth

START = pd.Timestamp("2026-01-05")  # a Monday
WEEKS = 24
RATE = 250.0  # tickets per working week inside working hours
WEEKDAY = np.array([1.30, 1.05, 1.00, 0.95, 0.70])  # mean 1
HOUR = np.array([1.40, 1.30, 1.10, 0.60, 0.90, 1.00, 0.90, 0.80])  # mean 1; 09:00 first
EVENING = 1.5  # tickets per weekday evening, 17:00-22:00: they count at 09:00 of the next working day
WEEKEND = 4.0  # tickets per weekend: they count at Monday 09:00
PRIORITIES = {1: 0.02, 2: 0.08, 3: 0.55, 4: 0.35}
LABELS = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}
LOGNORMAL = {"p1": (math.log(3.0), 0.6), "p2": (math.log(8.0), 0.8), "p3": (math.log(20.0), 1.0)}
LOGNORMAL["p4"] = (math.log(40.0), 1.1)
ESCALATED = {"p1": 0.9, "p2": 0.6, "p3": 0.35, "p4": 0.3}
SLA_HOURS = {"p1": 4.0, "p2": 8.0, "p3": 24.0, "p4": 72.0}
EXPORT_FROM = pd.Timestamp("2026-01-07")  # a Wednesday: the first week is partial
EXPORT_TO = pd.Timestamp("2026-06-17")  # midnight after Tuesday 16 June: the last week is partial
CUT_WEEK = 22  # the last whole week (of 8 June): only 40% of its tickets are in the export
CUT_KEEP = 0.4
USED_WEEKS = 21  # whole weeks 1..21 are fitted (0 and 23 partial, 22 truncated)


def expected_profile():
    """Expected arrivals per working weekday x hour and week, after evening and weekend
    tickets are counted in the next working hour."""
    table = RATE * np.outer(WEEKDAY, HOUR) / 40.0
    table[:, 0] += EVENING  # the evening before each working day (Friday's for Monday)
    table[0, 0] += WEEKEND
    return table


def _wall(position):
    """Working-clock hours since START 09:00 -> wall-clock time (independent of orgsim)."""
    position = np.asarray(position, float)
    week, rest = np.divmod(position, 40.0)
    day, hour = np.divmod(rest, 8.0)
    return START + pd.to_timedelta((week * 7 + day) * 24 + 9 + hour, unit="h")


def _day_first(times: pd.Series) -> pd.Series:
    """Day-first text (25/11/2026 14:03), one timestamp in 20 as ISO (chosen by its value, so
    that a duplicated row is written the same twice), '?' where missing."""
    text = times.dt.strftime("%d/%m/%Y %H:%M")
    iso = (times.dt.minute * 60 + times.dt.second) % 20 == 7
    return text.where(~iso, times.dt.strftime("%Y-%m-%d %H:%M:%S")).where(times.notna(), "?")


def synthetic_incidents(seed=13):
    """One row per incident of the truth: opened, resolved (wall clock), class, escalated, ..."""
    rng = np.random.default_rng(seed)
    cells = expected_profile() * 0  # only the shape of the table
    probabilities = (np.outer(WEEKDAY, HOUR) / 40.0).ravel()
    positions, kinds = [], []
    for week in range(WEEKS):
        n = rng.poisson(RATE)
        counts = rng.multinomial(n, probabilities)
        for cell, k in enumerate(counts):
            day, hour = divmod(cell, cells.shape[1])
            positions.extend(week * 40.0 + day * 8.0 + hour + rng.random(k))
            kinds.extend(["working"] * k)
    opened = list(_wall(positions))
    for day in pd.date_range(START, START + pd.Timedelta(weeks=WEEKS), freq="D"):
        if day.weekday() < 5:
            for _ in range(rng.poisson(EVENING)):
                opened.append(day + pd.Timedelta(hours=17 + 5 * rng.random()))
                kinds.append("evening")
        elif day.weekday() == 5:
            for _ in range(rng.poisson(WEEKEND)):
                opened.append(day + pd.Timedelta(hours=48 * rng.random()))
                kinds.append("weekend")
    frame = pd.DataFrame({"opened": pd.to_datetime(opened), "kind": kinds}).sort_values("opened", kind="stable")
    frame = frame.reset_index(drop=True)
    n = len(frame)
    priority = rng.choice(list(PRIORITIES), size=n, p=list(PRIORITIES.values()))
    frame["klass"] = [f"p{p}" for p in priority]
    frame["priority"] = [LABELS[p] for p in priority]
    mu = frame["klass"].map(lambda c: LOGNORMAL[c][0]).to_numpy()
    sigma = frame["klass"].map(lambda c: LOGNORMAL[c][1]).to_numpy()
    frame["hours"] = np.exp(mu + sigma * rng.standard_normal(n))
    # on the working clock: an evening or weekend ticket starts at the next working hour
    start = calibrate.working_hours(frame["opened"] - START + pd.Timestamp("1970-01-05"))
    offset = calibrate.working_hours(pd.Series([pd.Timestamp("1970-01-05")]))[0]
    frame["resolved"] = _wall(start - offset + frame["hours"].to_numpy())
    frame["escalated"] = rng.random(n) < frame["klass"].map(ESCALATED).to_numpy()
    frame["made_sla"] = frame["hours"] <= frame["klass"].map(SLA_HOURS)
    frame["number"] = [f"INC{1000000 + i}" for i in range(n)]
    return frame


def audit_export(path: Path, seed=13) -> dict:
    """Write a ServiceNow-style audit export of the truth, with dirty rows of known number;
    returns the truth as the export shows it."""
    rng = np.random.default_rng(seed + 1)
    truth = synthetic_incidents(seed)
    week = ((truth["opened"] - START) / pd.Timedelta(weeks=1)).astype(int)
    shown = (truth["opened"] >= EXPORT_FROM) & (truth["opened"] < EXPORT_TO)
    cut = (week == CUT_WEEK) & (rng.random(len(truth)) > CUT_KEEP)
    truth = truth[shown & ~cut].reset_index(drop=True)
    truth["open"] = truth["resolved"] >= EXPORT_TO
    no_time = rng.choice(np.nonzero(~truth["open"].to_numpy())[0], 8, replace=False)  # resolved, times lost
    truth["no_time"] = False
    truth.loc[no_time, "no_time"] = True
    unmapped = rng.choice(len(truth), 25, replace=False)
    truth["label"] = truth["priority"]
    truth.loc[unmapped[:10], "label"] = "?"
    truth.loc[unmapped[10:], "label"] = "5 - Planning"
    rows = []
    for t in truth.itertuples():
        base = {"number": t.number, "opened_at": t.opened, "priority": t.label, "made_sla": "?", "closed_at": None}
        rows.append(
            {
                **base,
                "incident_state": "New",
                "assignment_group": "Service Desk",
                "reassignment_count": 0,
                "resolved_at": None,
                "sys_updated_on": t.opened,
            }
        )
        group, count = "Service Desk", 0
        if t.escalated:
            group, count = "Network", 1
            rows.append(
                {
                    **base,
                    "incident_state": "In Progress",
                    "assignment_group": group,
                    "reassignment_count": 1,
                    "resolved_at": None,
                    "sys_updated_on": t.opened + pd.Timedelta(minutes=1),
                }
            )
        if not t.open:
            resolved = None if t.no_time else t.resolved
            rows.append(
                {
                    **base,
                    "incident_state": "Resolved",
                    "assignment_group": group,
                    "reassignment_count": count,
                    "resolved_at": resolved,
                    "sys_updated_on": t.resolved,
                    "made_sla": "true" if t.made_sla else "false",
                }
            )
    frame = pd.DataFrame(rows)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # only sys_updated_on orders them
    dirty = _dirty_rows(frame, rng)
    frame = pd.concat([frame, dirty["rows"]], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=seed + 2).reset_index(drop=True)
    out = pd.DataFrame({"number": frame["number"].fillna("?")})
    for name in ("opened_at", "resolved_at", "closed_at", "sys_updated_on"):
        column = frame[name]
        text = column.astype(object).where(column.map(lambda v: isinstance(v, str)))
        parsed = pd.to_datetime(column.where(text.isna()), errors="coerce")
        out[name] = text.fillna(_day_first(parsed))
    for name in ("priority", "assignment_group", "reassignment_count", "made_sla", "incident_state"):
        out[name] = frame[name].astype(str)
    out.to_csv(path, index=False)
    return {"truth": truth, "dirty": dirty, "rows": len(out)}


def _dirty_rows(frame, rng) -> dict:
    """Rows the export must drop and count: duplicates, no number, unreadable opened times,
    canceled incidents; and one unreadable opened cell in tickets that stay."""
    base = {
        "priority": "3 - Moderate",
        "made_sla": "?",
        "assignment_group": "Service Desk",
        "reassignment_count": 0,
        "resolved_at": None,
        "closed_at": None,
    }
    # one unreadable cell in a ticket that has other rows: not dropped, counted as unreadable
    several = frame["number"].value_counts()
    victims = several[several >= 2].index[:20]
    spoiled = frame[frame["number"].isin(victims)].drop_duplicates("number").copy()
    frame["opened_at"] = frame["opened_at"].astype(object)
    frame.loc[spoiled.index, "opened_at"] = "99/99/2026 99:99"
    extra = [frame.iloc[rng.choice(len(frame), 12, replace=False)]]  # exact duplicates
    no_number = [
        {
            **base,
            "number": "?" if i % 2 else "",
            "opened_at": START + pd.Timedelta(days=30, hours=10 + i),
            "incident_state": "New",
            "sys_updated_on": START + pd.Timedelta(days=30, hours=10 + i),
        }
        for i in range(7)
    ]
    bad_opened = []
    for i, text in enumerate(["31/02/2026 10:00", "yesterday", "45/13/2026 25:00", "2026-13-40 10:00", "0/0/0"]):
        for state in ("New", "In Progress"):
            bad_opened.append(
                {
                    **base,
                    "number": f"INCBAD{i}",
                    "opened_at": text,
                    "incident_state": state,
                    "sys_updated_on": START + pd.Timedelta(days=40, hours=11 + (state != "New")),
                }
            )
    canceled = []
    for i in range(6):
        when = START + pd.Timedelta(days=50 + i, hours=10)
        canceled.append(
            {**base, "number": f"INCCAN{i}", "opened_at": when, "incident_state": "New", "sys_updated_on": when}
        )
        canceled.append(
            {
                **base,
                "number": f"INCCAN{i}",
                "opened_at": when,
                "incident_state": "Canceled",
                "sys_updated_on": when + pd.Timedelta(hours=1),
            }
        )
    extra += [pd.DataFrame(no_number), pd.DataFrame(bad_opened), pd.DataFrame(canceled)]
    return {
        "rows": pd.concat(extra, ignore_index=True),
        "duplicates": 12,
        "no_number": 7,
        "bad_opened_rows": len(bad_opened),
        "canceled_rows": len(canceled),
        "spoiled_cells": len(spoiled),
    }


@pytest.fixture(scope="module")
def servicenow(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "incidents.csv"
    made = audit_export(path)
    started = time.perf_counter()
    export = calibrate.read_export(path)
    fitted = calibrate.fit(export, employees=600)
    made["seconds"] = time.perf_counter() - started
    return path, made, export, fitted


def _se_share(p, n):
    return math.sqrt(p * (1 - p) / n)


# ------------------------------------------------------------------ recovery


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
    assert profile["hour"][0] > HOUR[0] + 4 * 8 * _se_share(0.175, n)
    outside = profile["outside_working_hours"]
    expected_outside = (5 * EVENING + WEEKEND) / table.sum()
    assert outside["share"] == pytest.approx(expected_outside, abs=4 * _se_share(expected_outside, n))
    assert outside["weekend_share"] == pytest.approx(WEEKEND / table.sum(), abs=4 * _se_share(0.015, n))
    assert profile["separable"]["p_value"] > 0.001  # the truth is weekday x hour


def test_recovers_the_priority_mix_and_reports_the_unmapped(servicenow):
    _, made, _, fitted = servicenow
    mix = fitted.data["mix"]
    assert mix["unmapped"] == 25
    assert mix["unmapped_by_reason"] == {"priority '5 - Planning'": 15, "priority missing": 10}
    assert mix["shares"]["service_request"] == 0.0 and mix["shares"]["change"] == 0.0
    assert sum(mix["shares"].values()) == pytest.approx(1.0, abs=1e-9)
    for priority, p in PRIORITIES.items():
        assert mix["shares"][f"p{priority}"] == pytest.approx(p, abs=4 * _se_share(p, mix["known"]))


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
        assert entry["share"] == pytest.approx(p, abs=4 * _se_share(p, entry["tickets"])), name
    resolved = truth[~truth["open"] & ~truth["no_time"]]
    sla = fitted.data["sla"]
    assert sla["known"] == len(resolved)
    assert sla["attainment"] == pytest.approx(resolved["made_sla"].mean(), abs=1e-12)  # a count, not an estimate


def test_every_row_is_accounted_for(servicenow):
    _, made, export, fitted = servicenow
    rows = fitted.data["rows"]
    dirty = made["dirty"]
    assert rows["read"] == made["rows"]
    assert rows["dropped"] == {
        "duplicate row (identical to an earlier one)": dirty["duplicates"],
        "canceled (state)": dirty["canceled_rows"],
        "opened time unreadable": dirty["bad_opened_rows"],
        "no ticket number": dirty["no_number"],
    }
    assert rows["read"] == rows["tickets"] + rows["earlier_states_merged"] + rows["dropped_total"]
    assert rows["tickets"] == len(made["truth"])
    assert rows["unreadable_cells"] == {"opened": dirty["spoiled_cells"] + dirty["bad_opened_rows"]}
    assert "day-first" in export.dates and "ISO" in export.dates
    assert export.order_basis.startswith("sys_updated_on")
    assert made["seconds"] < 10


# ------------------------------------------------------------------ units


def test_working_clock_counts_outside_hours_in_the_next_working_hour():
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-03-09 09:00",  # Monday 09:00: 0
                "2026-03-09 12:30",  # Monday 12:30: 3.5
                "2026-03-10 07:00",  # Tuesday before the day: Tuesday 09:00
                "2026-03-10 22:00",  # Tuesday night: Wednesday 09:00
                "2026-03-13 17:00",  # Friday's end: next Monday 09:00
                "2026-03-14 11:00",  # Saturday: next Monday 09:00
            ]
        )
    )
    position = calibrate.working_hours(times)
    assert list(position - position[0]) == [0.0, 3.5, 8.0, 16.0, 40.0, 40.0]
    assert calibrate.working_hours(times, day_start=8.0)[1] - calibrate.working_hours(times, day_start=8.0)[0] == 3.5
    back = calibrate.wall_clock(position[:2])
    assert list(back) == list(times[:2])


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
    median = calibrate._km_quantile(curve, 0.5)
    assert median == pytest.approx(math.exp(mu), rel=0.08)


# ------------------------------------------------------------------ the command


def _run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_scenario_calibration_json_and_png(servicenow, tmp_path, capsys):
    path, made, _, _ = servicenow
    out = tmp_path / "cal"
    code, stdout, err = _run(["calibrate", path, "--out", out, "--employees", 600], capsys)
    assert code == 0, err
    toml = out / "calibrated-incidents.toml"
    assert {p.name for p in out.iterdir()} == {"calibrated-incidents.toml", "calibration.json", "calibration.png"}
    text = toml.read_text(encoding="utf-8")
    assert text.startswith(calibrate.HEADER)
    for phrase in ("lead time", "cannot tell", "Defaults kept", "truncated", "next working hour", "made_sla"):
        assert phrase in text, phrase
    data = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert data["rows"]["tickets"] == len(made["truth"])
    assert data["scenario"]["name"] == "calibrated-incidents"
    image = matplotlib.image.imread(out / "calibration.png")
    assert image.shape[0] > 800 and image.shape[1] > 1000
    assert image[..., :3].std() > 0.05  # not blank
    dirty = made["dirty"]
    dropped = dirty["duplicates"] + dirty["no_number"] + dirty["bad_opened_rows"] + dirty["canceled_rows"]
    assert f"dropped {dropped} rows: duplicate row (identical to an earlier one): {dirty['duplicates']}; " in stdout
    assert "truncated: the last week (of 2026-06-08)" in stdout
    assert "wrote 3 files" in stdout
    # the file was written by calibrate: running it again replaces it
    assert _run(["calibrate", path, "--out", out, "--employees", 600], capsys)[0] == 0


def _without_profile(text: str) -> dict:
    data = tomllib.loads(text)
    data["tickets"].pop("profile")
    return data


def test_written_scenario_loads_without_the_profile_table(servicenow, tmp_path):
    _, _, _, fitted = servicenow
    text = fitted.scenario_toml("calibrated-incidents")
    data = tomllib.loads(text)
    assert data["tickets"]["profile"]["weekday"] == fitted.data["profile"]["weekday"]
    assert len(data["tickets"]["profile"]["weekday"]) == 5 and len(data["tickets"]["profile"]["hour"]) == 8
    assert sum(data["tickets"]["profile"]["hour"]) == pytest.approx(8.0, abs=1e-9)
    scenario = scenario_from_dict(_without_profile(text))
    assert scenario.org.employees == 600
    assert scenario.tickets.per_employee_per_month == pytest.approx(
        fitted.data["arrivals"]["per_employee_per_month"], rel=1e-4
    )
    shares = {c.name: c.share for c in scenario.tickets.classes}
    assert shares["p3"] == pytest.approx(fitted.data["mix"]["shares"]["p3"])
    assert shares["service_request"] == 0.0
    # without --employees the defaults stay, and the file still loads
    bare = calibrate.fit(fitted.export).scenario_toml("bare")
    assert "per_employee_per_month =" not in bare and "--employees N" in bare
    assert scenario_from_dict(_without_profile(bare)).org.employees == 40


PROFILE_KNOWN = "profile" in {f.name for f in fields(Tickets)}


@pytest.mark.skipif(
    not PROFILE_KNOWN, reason="this orgsim has no tickets.profile yet (issue 13, time-varying arrivals)"
)
def test_written_scenario_loads_whole_where_tickets_profile_is_known(servicenow, tmp_path):
    _, _, _, fitted = servicenow
    scenario = scenario_from_dict(tomllib.loads(fitted.scenario_toml("calibrated-incidents")))
    profile = scenario.tickets.profile
    assert list(profile.weekday) == pytest.approx(fitted.data["profile"]["weekday"])
    assert list(profile.hour) == pytest.approx(fitted.data["profile"]["hour"])


def test_check_runs_the_fitted_scenario_and_compares(servicenow, tmp_path, capsys):
    path, _, _, _ = servicenow
    code, stdout, err = _run(
        ["calibrate", path, "--out", tmp_path / "c", "--employees", 600, "--check", "-r", 2, "-j", 1, "-q"], capsys
    )
    assert code == 0, err
    assert "check: 2 replications" in stdout
    for phrase in ("share of arrivals by weekday", "share of arrivals by hour", "resolution time, working hours"):
        assert phrase in stdout
    check = json.loads((tmp_path / "c" / "calibration.json").read_text(encoding="utf-8"))["check"]
    simulated = np.array(check["weekday_share"]["simulated"])
    assert simulated.sum() == pytest.approx(1.0)
    assert check["tickets_per_working_week"]["simulated"] == pytest.approx(
        check["tickets_per_working_week"]["observed"], rel=0.15
    )
    assert "every ticket's arrival time" in check["arrival_basis"]
    if check["profile_in_scenario"]:  # Monday heaviest (27% observed), Friday lightest (14%), as fitted
        assert simulated[0] > simulated[4] + 0.06
    else:  # flat arrivals until the simulator knows tickets.profile
        assert "flat arrivals" in stdout
        assert np.all(np.abs(simulated - 0.2) < 0.04)
    assert set(check["resolution_hours"]) == {"p1", "p2", "p3", "p4"}


# ------------------------------------------------------------------ other exports


def test_generic_export_with_map_types_closed_times_and_month_first_dates(tmp_path, capsys):
    """One row per ticket, other column names (one named with --map), month-first dates with
    AM/PM, types mapped to classes, the closed time used when the resolved one is missing."""
    rng = np.random.default_rng(5)
    n = 400
    opened = pd.Timestamp("2026-02-02 09:00") + pd.to_timedelta(
        np.sort(rng.integers(0, 8 * 7 * 24 * 60, n)), unit="min"
    )
    opened = opened[(opened.hour >= 9) & (opened.hour < 17) & (opened.day_of_week < 5)]
    kinds = rng.choice(["Incident", "Service Request", "Change", "Problem"], len(opened), p=[0.5, 0.3, 0.1, 0.1])
    priority = rng.choice(["P1", "P2", "high", "Medium", "low", "P9"], len(opened))
    resolved = opened + pd.Timedelta(hours=2)
    frame = pd.DataFrame(
        {
            "Ticket ID": [f"T-{i}" for i in range(len(opened))],
            "Created On": opened.strftime("%m/%d/%Y %I:%M %p"),
            "Resolution Date": resolved.strftime("%m/%d/%Y %I:%M %p"),
            "Closed": (resolved + pd.Timedelta(days=1)).strftime("%m/%d/%Y %I:%M %p"),
            "Type": kinds,
            "Priority": priority,
            "Status": "Closed",
        }
    )
    frame.loc[:9, "Resolution Date"] = ""  # ten with only a closed time
    path = tmp_path / "tickets.csv"
    frame.to_csv(path, index=False, sep=";")
    code, out, err = _run(["calibrate", path, "--map", "opened=Created On", "--out", tmp_path / "o"], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "o" / "calibration.json").read_text(encoding="utf-8"))
    meta = data["orgsim_calibrate"]
    assert meta["format"] == "generic"
    assert meta["columns"]["opened"] == "Created On" and meta["columns"]["resolved"] == "Resolution Date"
    assert meta["dates"].startswith("month-first")
    mix = data["mix"]
    incidents = np.isin(kinds, ["Incident", "Problem"])
    assert mix["tickets"]["service_request"] == int((kinds == "Service Request").sum())
    assert mix["tickets"]["change"] == int((kinds == "Change").sum())
    assert mix["unmapped_by_reason"] == {"priority 'P9'": int((incidents & (priority == "P9")).sum())}
    assert mix["tickets"]["p2"] == int((incidents & np.isin(priority, ["P2", "high"])).sum())
    assert mix["types_seen"]["Service Request"]["class"] == "service_request"
    assert mix["types_seen"]["Problem"]["class"] == "incident"
    assert data["resolution"]["closed_used_for_resolved"] == 10
    assert data["profile"]["outside_working_hours"]["share"] == 0.0
    assert data["rows"]["dropped"] == {}
    assert data["escalated"]["share"] is None  # no reassignment or group column: unknown, not 0
    assert "1 - this share" not in (tmp_path / "o" / "calibrated-tickets.toml").read_text(encoding="utf-8")


def test_an_audit_export_without_updated_times_uses_row_order_and_reopened_tickets_are_open(tmp_path):
    rows = [
        ("INC1", "02/03/2026 10:00", "?", "New", "Desk"),
        ("INC1", "02/03/2026 10:00", "02/03/2026 12:00", "Resolved", "Desk"),
        ("INC1", "02/03/2026 10:00", "?", "In Progress", "Network"),  # reopened, handed on: open, escalated
        ("INC2", "03/03/2026 11:00", "03/03/2026 15:00", "Resolved", "Desk"),
        ("INC2", "03/03/2026 11:00", "03/03/2026 15:00", "Closed", "Desk"),
    ]
    for week in range(1, 4):  # enough weeks to fit
        day = pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=week)
        rows.append(
            (f"INC{10 + week}", day.strftime("%d/%m/%Y 09:30"), day.strftime("%d/%m/%Y 10:30"), "Closed", "Desk")
        )
    frame = pd.DataFrame(rows, columns=["number", "opened_at", "resolved_at", "incident_state", "assignment_group"])
    path = tmp_path / "audit.csv"
    frame.to_csv(path, index=False)
    export = calibrate.read_export(path)
    assert export.order_basis == "row order"
    tickets = export.tickets.set_index("id")
    assert tickets.loc["INC1", "status"] == "open" and tickets.loc["INC1", "escalated"] == 1.0
    assert tickets.loc["INC2", "status"] == "resolved" and tickets.loc["INC2", "escalated"] == 0.0
    assert export.merged == 3
    assert calibrate.working_hours(tickets["end"].dropna()).size == 4


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


GOOD_HEADER = "number,opened_at,resolved_at,priority\n"


@pytest.mark.parametrize(
    ("make", "args", "expected"),
    [
        (lambda d: _write_bytes(d / "e.csv", b""), [], "the file is empty"),
        (lambda d: _write_bytes(d / "e.csv", b"\n \n"), [], "the file is empty"),
        (lambda d: _write_bytes(d / "e.csv", bytes(range(256)) * 40), [], "is binary"),
        (lambda d: _write_bytes(d / "e.xlsx", b"PK\x03\x04" + b"x" * 200), [], "spreadsheet"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), [], "no ticket rows"),
        (lambda d: _write_bytes(d / "e.csv", b"number,resolved_at\nINC1,01/02/2026 10:00\n"), [], "no opened"),
        (lambda d: _write_bytes(d / "e.csv", b"number,opened_at\nINC1,01/02/2026 10:00\n"), [], "no resolved"),
        (
            lambda d: _write_bytes(
                d / "e.csv", (GOOD_HEADER + "INC1,yesterday,?,3\nINC2,31/02/2026 10:00,?,3\n").encode()
            ),
            [],
            "no usable ticket in 2 rows; dropped rows by reason: opened time unreadable: 2",
        ),
        (
            lambda d: _write_bytes(d / "e.csv", (GOOD_HEADER + "INC1,02/03/2026 10:00,?,3\n").encode()),
            [],
            "less than one whole working week",
        ),
        (
            lambda d: _write_bytes(d / "e.csv", (GOOD_HEADER + 'INC1,"02/03/2026 10:00,?,3\n').encode()),
            [],
            "opened on line 2 is never closed",
        ),
        (lambda d: d / "missing.csv", [], "no such file"),
        (lambda d: d, [], "is a folder"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opend=Created"], "unknown field"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opened=Created"], "no such column"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opened"], "FIELD=COLUMN"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--day-start", "25:00"], "time of day"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--day-start", "17:00"], "--day-start"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--employees", "0"], "whole number >= 1"),
        (lambda d: _write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--format", "jira"], "invalid choice"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "binary",
        "xlsx",
        "header-only",
        "no-opened-column",
        "no-resolved-column",
        "all-dates-bad",
        "too-short",
        "broken-quote",
        "missing-file",
        "folder",
        "map-field",
        "map-column",
        "map-syntax",
        "day-start-syntax",
        "day-start-late",
        "employees-0",
        "format",
    ],
)
def test_a_bad_export_or_option_is_one_line_and_exit_2(make, args, expected, tmp_path, capsys):
    target = make(tmp_path)
    if expected == "--day-start":  # needs an export that reads: a good one, fitted with a day starting too late
        target.write_text(
            GOOD_HEADER
            + "".join(
                f"INC{i},{(pd.Timestamp('2026-03-02 10:00') + pd.Timedelta(days=i)):%d/%m/%Y %H:%M},?,3\n"
                for i in range(21)
            ),
            encoding="utf-8",
        )
    code, out, err = _run(["calibrate", target, "--out", tmp_path / "out", *args], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("orgsim: error: ") and expected in lines[-1], err
    assert sum(line.startswith("orgsim: ") for line in lines) == 1, err  # before it, argparse's usage at most
    assert "Traceback" not in err and not (tmp_path / "out" / "calibration.json").exists()


def test_refuses_to_overwrite_a_scenario_it_did_not_write(servicenow, tmp_path, capsys):
    path, _, _, _ = servicenow
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\n', encoding="utf-8")
    code, _, err = _run(["calibrate", path, "-o", mine, "--out", tmp_path / "o"], capsys)
    assert code == 2 and "was not written by orgsim calibrate" in err
    assert mine.read_text(encoding="utf-8") == 'name = "mine"\n'


def test_any_export_name_gives_a_valid_scenario_file(servicenow, tmp_path, capsys):
    _, _, export, fitted = servicenow
    name = calibrate.scenario_name("we\u202eird\nname; 'rm -rf' ..[x].csv")
    assert name == "we-ird-name-rm-rf-.-x-.csv" or name[0].isalnum()
    export.source = 'folder\n/we\u202eird\x7f "name".csv'
    text = fitted.scenario_toml(name)
    data = _without_profile(text)
    assert scenario_from_dict(data).name == name
    assert all(line.startswith("#") or "\u202e" not in line for line in text.splitlines())


def test_malformed_lines_are_counted_not_silently_lost(tmp_path):
    lines = [GOOD_HEADER.strip()]
    for i in range(15):
        day = pd.Timestamp("2026-03-02 10:00") + pd.Timedelta(days=i)
        lines.append(f"INC{i},{day:%d/%m/%Y %H:%M},{day + pd.Timedelta(hours=3):%d/%m/%Y %H:%M},3")
    lines[5] += ",an extra field"
    lines[7] = "INC7;;broken"  # too few fields: read, the missing ones empty
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    export = calibrate.read_export(path)
    assert export.dropped == {"malformed line (wrong number of fields)": 1, "opened time missing": 1}
    assert export.rows_read == 15 and len(export.tickets) == 13


def test_readme_calibrate_section_names_the_command_fields_and_decisions():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Is this my organisation? `orgsim calibrate`\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    for name in calibrate.FIELDS:
        assert f"`{name}`" in section, name
    for phrase in ("--employees", "--check", "--map", "next working hour", "truncated", "lead time", "not effort"):
        assert phrase in section, phrase
    for name in ("calibration.json", "calibration.png", "[tickets.profile]", "[tickets.mix]"):
        assert name in section, name
