"""Ticket exports made with known parameters, for the tests of ``orgsim calibrate``.

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

import math
from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.calibrate import working_hours
from orgsim.cli import main

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
    start = working_hours(frame["opened"] - START + pd.Timestamp("1970-01-05"))
    offset = working_hours(pd.Series([pd.Timestamp("1970-01-05")]))[0]
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


def se_share(p, n):
    """The standard error of a share ``p`` of ``n``."""
    return math.sqrt(p * (1 - p) / n)


def run_cli(args, capsys):
    """``orgsim ARGS``: (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


GOOD_HEADER = "number,opened_at,resolved_at,priority\n"
