"""``orgsim calibrate --check``: run the fitted scenario and set it beside the export.

A few replications of a short horizon (about 2,000 arrivals) of the scenario the fit wrote,
with its event log (``simulate(events=True)``): the arrivals by weekday and hour come from the
log's arrival rows, the resolution times and SLA attainment from the results.  Resolution times
differ where orgsim's default efforts and staff differ from the organisation's: the gap says
what an export cannot (waiting or effort).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..engine import ARRIVAL, CALENDAR_ORIGIN
from ..results import simulate
from ..scenario import scenario_from_toml
from ..wording import format_number, percent
from ..work.tickets import Ticket
from .clock import DAYS_PER_WEEK, HOURS_PER_DAY, WEEKDAYS, time_of_day
from .fit import Calibration

__all__ = ["CHECK_REPLICATIONS", "check_fit", "ticket_arrivals"]

CHECK_REPLICATIONS = 3


def _n(value) -> str:
    return format_number(value)


def _pct(share) -> str:
    return percent(share, 1)


def check_fit(
    cal: Calibration,
    name: str,
    replications: int = CHECK_REPLICATIONS,
    seed: int = 1,
    jobs: int | None = None,
    progress: bool = False,
) -> tuple[dict, list[str]]:
    """Run the fitted scenario (few replications, a short horizon) and set its arrivals by
    weekday and hour and its resolution times and SLA attainment beside the export's.
    Returns the comparison (``calibration.json``'s ``check``) and its lines for the terminal.

    Every number comes from one :func:`orgsim.results.simulate` with the event log: the
    arrivals from its arrival rows of tickets in every replication (the whole horizon: arrivals
    do not depend on the warm-up), resolution times and SLA attainment from the results."""
    scenario = scenario_from_toml(cal.scenario_toml(name), "the fitted scenario")
    per_week = scenario.ticket_rate_per_hour * scenario.calendar.hours_per_week
    weeks = float(min(104, max(8, math.ceil(2000 / max(per_week, 1e-9)) + 2)))  # about 2,000 arrivals
    scenario = scenario.with_changes(
        {"simulation.horizon_weeks": weeks, "simulation.warmup_weeks": 2.0, "simulation.replications": replications}
    )
    results = simulate(scenario, replications=replications, seed=seed, jobs=jobs, events=True, progress=progress)
    try:
        sim_day, sim_hour = ticket_arrivals(results.events)
    finally:
        results.discard_events()
    arrived = int(sim_day.sum())
    observed_day = np.asarray(cal.data["profile"]["weekday_tickets"], float)
    observed_hour = np.asarray(cal.data["profile"]["hour_tickets"], float)
    check = {
        "replications": replications,
        "horizon_weeks": weeks,
        "warmup_weeks": 2.0,
        "seed": seed,
        "arrival_basis": f"every ticket's arrival time in the event log of the {replications} replications"
        f" ({arrived:,} tickets)",
        "tickets_per_working_week": {
            "observed": cal.data["arrivals"]["tickets_per_working_week"],
            "simulated": arrived / (weeks * replications),
        },
        "weekday_share": {
            "observed": (observed_day / max(observed_day.sum(), 1)).tolist(),
            "simulated": (sim_day / max(sim_day.sum(), 1)).tolist(),
        },
        "hour_share": {
            "observed": (observed_hour / max(observed_hour.sum(), 1)).tolist(),
            "simulated": (sim_hour / max(sim_hour.sum(), 1)).tolist(),
        },
        "resolution_hours": {},
        "sla_attainment": {},
    }
    times = results.ticket_times
    for klass, entry in cal.data["resolution"]["by_class"].items():
        if not entry.get("fitted") or klass == "all":
            continue
        rows = times[times["ticket_class"] == klass]
        check["resolution_hours"][klass] = {
            f"p{round(100 * q)}": {
                "observed": entry["quantiles"][f"p{round(100 * q)}"]["observed"],
                "fitted": entry["quantiles"][f"p{round(100 * q)}"]["fitted"],
                "simulated": _histogram_quantile(rows, q),
            }
            for q in (0.5, 0.9)
        }
    for klass, entry in cal.data["sla"]["by_class"].items():
        row = results.summary[results.summary["metric"] == f"sla_attainment.{klass}"]
        check["sla_attainment"][klass] = {
            "observed": entry["attainment"],
            "simulated": float(row["mean"].iloc[0]) if len(row) else None,
        }
    return check, _check_lines(check, cal)


def ticket_arrivals(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Tickets arrived per working weekday (Monday first) and per working hour (the first hour
    of the day first), from an event log's arrival rows.  The log's timestamps are on the
    engine's calendar, whose working day starts at ``CALENDAR_ORIGIN``'s hour: a weekday is the
    working day, the hour since that start the working hour."""
    tickets = events["case:concept:name"].str.contains(f"-{Ticket.kind}-", regex=False)
    stamps = events.loc[(events["concept:name"] == ARRIVAL) & tickets, "time:timestamp"]
    day = stamps.dt.day_of_week.to_numpy()
    hour = np.clip(stamps.dt.hour.to_numpy() - CALENDAR_ORIGIN.hour, 0, HOURS_PER_DAY - 1)
    by_day = np.bincount(day, minlength=DAYS_PER_WEEK)[:DAYS_PER_WEEK]
    by_hour = np.bincount(hour, minlength=HOURS_PER_DAY)[:HOURS_PER_DAY]
    return by_day, by_hour


def _histogram_quantile(rows: pd.DataFrame, q: float) -> float:
    """A quantile of a resolution-time histogram (bins on a log scale, interpolated within)."""
    total = rows["tickets"].sum()
    if total == 0:
        return math.nan
    target = q * total
    seen = 0
    for low, high, n in zip(rows["bin_low_hours"], rows["bin_high_hours"], rows["tickets"], strict=True):
        if seen + n >= target:
            return float(low * (high / low) ** ((target - seen) / n))
        seen += n
    return float(rows["bin_high_hours"].iloc[-1])


def _check_lines(check: dict, cal: Calibration) -> list[str]:
    lines = [
        f"check: {check['replications']} replications x {check['horizon_weeks']:g} weeks (warm-up"
        f" {check['warmup_weeks']:g}) of the fitted scenario with its [tickets.profile]",
        f"  tickets per working week: observed {_n(check['tickets_per_working_week']['observed'])}, simulated"
        f" {_n(check['tickets_per_working_week']['simulated'])}"
        + ("" if cal.employees else " (orgsim's default employees and rate: give --employees N to match)"),
        f"  arrivals simulated by: {check['arrival_basis']}",
        "  share of arrivals by weekday   " + " ".join(f"{d:>6}" for d in WEEKDAYS[:DAYS_PER_WEEK]),
    ]
    for side in ("observed", "simulated"):
        lines.append(f"    {side:<28}" + " ".join(f"{100 * v:5.1f}%" for v in check["weekday_share"][side]))
    hours = [time_of_day(cal.day_start + i)[:2] + "h" for i in range(HOURS_PER_DAY)]
    lines.append("  share of arrivals by hour      " + " ".join(f"{h:>6}" for h in hours))
    for side in ("observed", "simulated"):
        lines.append(f"    {side:<28}" + " ".join(f"{100 * v:5.1f}%" for v in check["hour_share"][side]))
    if check["resolution_hours"]:
        lines.append(
            "  resolution time, working hours   p50 observed  fitted  simulated    p90 observed  fitted  simulated"
        )
        for klass, q in check["resolution_hours"].items():
            lines.append(
                f"    {klass:<28} {_n(q['p50']['observed']):>10} {_n(q['p50']['fitted']):>7}"
                f" {_n(q['p50']['simulated']):>10}    {_n(q['p90']['observed']):>10} {_n(q['p90']['fitted']):>7}"
                f" {_n(q['p90']['simulated']):>10}"
            )
        lines.append(
            "    (simulated times come from orgsim's default efforts and staff: a gap says what the export cannot:"
            " waiting or effort)"
        )
    if check["sla_attainment"]:
        lines.append(
            "  SLA attainment, observed made_sla vs simulated at orgsim's default targets: "
            + ", ".join(
                f"{k} {_pct(v['observed'])} vs {_pct(v['simulated'])}" for k, v in check["sla_attainment"].items()
            )
        )
    return lines
