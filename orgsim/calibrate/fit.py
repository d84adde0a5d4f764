"""Fitting a scenario's parameters to an export: what an export can tell about an organisation.

- the **observation window**, and whether arrivals look truncated at its edges: rate and profile
  are fitted on the whole working weeks (Monday to Friday) between the day of the first and the
  day after the last opened ticket; a partial week at either edge is left out, as is an edge week
  with fewer than half the arrivals of the median week (reported as truncated);
- the **arrival rate** in tickets per working week (``tickets.per_employee_per_month`` when the
  number of employees served is given);
- the **weekday x hour profile** of arrivals on orgsim's working calendar (``[tickets.profile]``);
- the **class mix**;
- the **share escalated** (reassigned, or handled by more than one assignment group);
- **resolution times** by class: a lognormal fitted by maximum likelihood to the working hours
  from opened to resolved (lead time — waiting plus work — not effort; resolved - opened, or
  closed - opened when the resolved time is missing), tickets still open at the export's end
  taken as right-censored;
- the observed **SLA attainment** (``made_sla``).

What an export cannot tell (:data:`CANNOT_TELL`) stays at orgsim's defaults.  The fit is a
:class:`Calibration`: ``data`` is what ``calibration.json`` holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..scenario import DEFAULT_TICKET_CLASSES, ScenarioError, Tickets
from ..scenario.schema import Org
from ..stats import t_half_width
from ..wording import format_number, printable
from .clock import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK, outside_hours, time_of_day, week_start, working_hours
from .read import Export
from .scenario_file import report_lines, scenario_toml
from .survival import fit_lognormal, kaplan_meier, km_cdf, km_quantile, lognormal_quantile

__all__ = [
    "CLASS_ORDER",
    "QUANTILES",
    "CANNOT_TELL",
    "Calibration",
    "fit",
]

CLASS_ORDER = tuple(DEFAULT_TICKET_CLASSES)  # p1, p2, p3, p4, service_request, change
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
MIN_FIT = 5  # resolved tickets a class needs for a lognormal fit
TRUNCATED_BELOW = 0.5  # an edge week under half the median week looks truncated

CANNOT_TELL = [
    "effort as against waiting: a resolution time is lead time (queueing, waiting for the user, hand-overs and"
    " work together), so the effort of each step (tickets.classes.*.l1_effort, l2_effort, manager_effort) keeps"
    " orgsim's defaults",
    "staff numbers: how many people work in IT and in which roles; the roles follow org.structure's headcount rules",
    "which assignment group is the service desk: a reassignment is not necessarily an escalation from level 1,"
    " so l1_resolution_share keeps its defaults (the file suggests values in comments)",
    "the organisation's SLA targets: made_sla says whether a target was met, not what it was",
    "public holidays and shutdowns: they count as ordinary working days with few tickets",
]


@dataclass
class Calibration:
    """The fit: ``data`` (what ``calibration.json`` holds), the export it came from, and the
    arrays the figure draws."""

    export: Export
    data: dict
    day_start: float
    employees: int | None
    table: np.ndarray  # observed arrivals per working weekday x hour, whole weeks used
    wall_weekday: np.ndarray  # arrivals per week by wall-clock weekday (Mon..Sun)
    wall_hour: np.ndarray  # arrivals per week by wall-clock hour (0..23)
    curves: dict = field(default_factory=dict)  # class -> Kaplan-Meier curve

    def scenario_toml(self, name: str) -> str:
        """The scenario file: every fitted value, with its basis in comments."""
        return scenario_toml(self.data, name, self.day_start, self.employees)

    def report(self) -> list[str]:
        """The fit in lines for the terminal."""
        return report_lines(self.data, self.day_start)


def fit(export: Export, employees: int | None = None, day_start: float = 9.0) -> Calibration:
    """Fit rate, profile, mix, escalation, resolution times and SLA attainment to ``export``."""
    if not 0 <= day_start <= 24 - HOURS_PER_DAY:
        raise ScenarioError(
            "--day-start", f"found {day_start:g} h; allowed: 00:00 to {24 - HOURS_PER_DAY:02d}:00", "command line"
        )
    t = export.tickets
    position = working_hours(t["opened"], day_start)
    week = np.floor(position / HOURS_PER_WEEK).astype(int)
    first_day = t["opened"].min().normalize()
    last_day = t["opened"].max().normalize() + pd.Timedelta(days=1)
    start, end = working_hours(pd.Series([first_day, last_day]), day_start)
    k0 = int(math.ceil(start / HOURS_PER_WEEK - 1e-9))
    k1 = int(math.floor(end / HOURS_PER_WEEK + 1e-9))
    counts = {k: int(n) for k, n in zip(*np.unique(week, return_counts=True), strict=True)}
    whole = list(range(k0, k1))
    if not whole:
        raise ScenarioError(
            "",
            f"the tickets were opened from {first_day:%Y-%m-%d} to {last_day - pd.Timedelta(days=1):%Y-%m-%d}: "
            "less than one whole working week (Monday to Friday), too short to fit arrivals",
            export.source,
        )
    edges = []
    if start < k0 * HOURS_PER_WEEK - 1e-9:
        edges.append(("first", k0 - 1, k0 * HOURS_PER_WEEK - start))
    if end > k1 * HOURS_PER_WEEK + 1e-9:
        edges.append(("last", k1, end - k1 * HOURS_PER_WEEK))
    median = float(np.median([counts.get(k, 0) for k in whole]))
    window = _window(export, first_day, last_day)
    findings = []
    for side, k, covered in edges:
        n = counts.get(k, 0)
        share = (n / covered) / (median / HOURS_PER_WEEK) if median > 0 and covered > 0 else math.nan
        kind = "truncated" if share < TRUNCATED_BELOW else "partial"
        findings.append(
            {
                "edge": side,
                "week_of": week_start(k, day_start),
                "kind": kind,
                "tickets": n,
                "working_hours_covered": round(float(covered), 2),
                "rate_vs_median_week": _round(share, 3),
                "used": False,
            }
        )
    if len(whole) >= 3:
        for side in ("first", "last"):
            for _ in range(2):  # at most two whole weeks at each edge
                if len(whole) < 3:
                    break
                k = whole[0] if side == "first" else whole[-1]
                n = counts.get(k, 0)
                if median > 0 and n < TRUNCATED_BELOW * median:
                    whole.remove(k)
                    findings.append(
                        {
                            "edge": side,
                            "week_of": week_start(k, day_start),
                            "kind": "truncated",
                            "tickets": n,
                            "working_hours_covered": HOURS_PER_WEEK,
                            "rate_vs_median_week": _round(n / median, 3),
                            "used": False,
                        }
                    )
                else:
                    break
    used = np.isin(week, whole)
    weeks = len(whole)
    weekly = np.array([counts.get(k, 0) for k in whole], dtype=float)
    n_used = int(used.sum())
    rate = n_used / weeks
    if weeks >= 3:
        half = t_half_width(weekly)
        ci_basis = f"t interval over the {weeks} weekly counts"
    else:
        half = 1.96 * math.sqrt(max(n_used, 1)) / weeks
        ci_basis = "Poisson"
    arrivals = {
        "tickets_per_working_week": rate,
        "ci95": [max(rate - half, 0.0), rate + half],
        "ci_basis": ci_basis,
        "tickets": n_used,
        "weeks": weeks,
        "weekly_counts": weekly.astype(int).tolist(),
        "dispersion_index": float(weekly.var(ddof=1) / weekly.mean()) if weeks >= 2 and weekly.mean() > 0 else None,
    }
    default_rate = Tickets().per_employee_per_month
    if employees:
        arrivals["employees"] = employees
        arrivals["per_employee_per_month"] = rate * 52.0 / 12.0 / employees
        arrivals["per_employee_basis"] = f"{format_number(rate)} x 52 / 12 / {employees:,} employees (--employees)"
    else:
        arrivals["employees"] = None
        arrivals["per_employee_per_month"] = None
        arrivals["per_employee_basis"] = (
            f"needs the number of employees served (--employees N): {format_number(rate)} x 52 / 12 / N; at orgsim's"
            f" default {default_rate:g} per employee per month this volume fits about "
            f"{max(1, round(rate * 52 / 12 / default_rate)):,} employees"
        )

    profile, table = _profile(position[used], n_used, weeks)
    weekend, night = outside_hours(t["opened"], day_start)
    profile["outside_working_hours"] = {
        "share": float((weekend | night)[used].mean()) if n_used else math.nan,
        "weekend_share": float(weekend[used].mean()) if n_used else math.nan,
        "evening_night_share": float(night[used].mean()) if n_used else math.nan,
        "counted_as": "in the next working hour (the first hour of the next working day): orgsim's clock has no"
        " nights or weekends, so such a ticket is waiting when the day starts",
    }
    wall = t["opened"][used]
    wall_weekday = np.bincount(wall.dt.day_of_week.to_numpy(), minlength=7) / weeks
    wall_hour = np.bincount(wall.dt.hour.to_numpy(), minlength=24) / weeks

    mix = _mix(t)
    mix["types_seen"] = export.types  # the commonest values of the type column and the class each gave
    escalation = _escalation(t)
    resolution, curves = _resolution(export, day_start)
    sla = _sla(t, curves)
    data = {
        "source": export.source,
        "orgsim_calibrate": {
            "format": export.format,
            "columns": {k: printable(v) for k, v in export.columns.items()},
            "dates": export.dates,
            "audit_rows": f"merged by ticket number; the last state wins: for each field the latest non-missing"
            f" value, by {export.order_basis}",
            "working_calendar": f"Monday to Friday, {HOURS_PER_DAY} hours from {time_of_day(day_start)}",
        },
        "rows": {
            "read": export.rows_read,
            "tickets": len(t),
            "earlier_states_merged": export.merged,
            "dropped": dict(export.dropped),
            "dropped_total": int(sum(export.dropped.values())),
            "unreadable_cells": export.unreadable,
            "notes": export.notes,
        },
        "window": {
            **window,
            "whole_weeks_used": weeks,
            "used_from": week_start(whole[0], day_start),
            "used_to": (pd.Timestamp(week_start(whole[-1], day_start)) + pd.Timedelta(days=4)).strftime("%Y-%m-%d"),
            "weeks_left_out": findings,
            "truncated": any(f["kind"] == "truncated" for f in findings),
        },
        "arrivals": arrivals,
        "profile": profile,
        "mix": mix,
        "escalated": escalation,
        "resolution": resolution,
        "sla": sla,
        "cannot_tell": CANNOT_TELL,
        "defaults_kept": _defaults_kept(employees, mix),
    }
    return Calibration(export, data, day_start, employees, table, wall_weekday, wall_hour, curves)


def _defaults_kept(employees, mix) -> list[str]:
    kept = [
        "org.structure, org.culture and every role and headcount",
        "every ticket class's effort (l1_effort, l2_effort, manager_effort), l1_resolution_share, sla_hours,"
        " priority and preemption",
        "tickets.manager_escalation_share and manager_escalation_effort",
        "projects, management and dispatch",
        "calendar (Monday to Friday, 8 hours)",
    ]
    if not employees:
        kept.insert(
            0,
            f"org.employees ({Org().employees}) and tickets.per_employee_per_month "
            f"({Tickets().per_employee_per_month:g}): the export gives tickets per week, not per employee",
        )
    if not mix.get("fitted"):
        kept.append("tickets.mix (too few tickets with a known class)")
    return kept


def _window(export, first_day, last_day) -> dict:
    t = export.tickets
    return {
        "first_opened": t["opened"].min().isoformat(),
        "last_opened": t["opened"].max().isoformat(),
        "days": int((last_day - first_day) / pd.Timedelta(days=1)),
        "export_end": export.export_end.isoformat() if pd.notna(export.export_end) else None,
    }


def _round(value, digits):
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _relative(values: np.ndarray, digits: int = 3) -> list[float]:
    """``values`` scaled to mean 1 and rounded, the largest adjusted so that the mean stays 1."""
    values = np.asarray(values, dtype=float)
    if values.sum() <= 0:
        return [1.0] * len(values)
    scaled = values * len(values) / values.sum()
    rounded = np.round(scaled, digits)
    top = int(np.argmax(rounded))
    rounded[top] = round(rounded[top] + len(values) - rounded.sum(), digits)
    return [float(v) for v in rounded]


def _profile(position: np.ndarray, n: int, weeks: int) -> tuple[dict, np.ndarray]:
    rest = np.mod(position, HOURS_PER_WEEK)
    day = np.minimum((rest // HOURS_PER_DAY).astype(int), DAYS_PER_WEEK - 1)
    hour = np.minimum((np.mod(rest, HOURS_PER_DAY)).astype(int), HOURS_PER_DAY - 1)
    table = np.zeros((DAYS_PER_WEEK, HOURS_PER_DAY))
    np.add.at(table, (day, hour), 1)
    by_day, by_hour = table.sum(axis=1), table.sum(axis=0)
    expected = np.outer(by_day, by_hour) / max(n, 1)
    separable = {"test": "chi-square test of weekday x hour independence (the profile is weekday x hour)"}
    if n and (expected >= 5).all():
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        separable.update(chi2=float(chi2), dof=int(dof), p_value=float(p))
    else:
        separable.update(chi2=None, dof=None, p_value=None, note="too few tickets per cell (fewer than 5 expected)")
    profile = {
        "weekday": _relative(by_day),
        "hour": _relative(by_hour),
        "weekday_tickets": by_day.astype(int).tolist(),
        "hour_tickets": by_hour.astype(int).tolist(),
        "weekday_se": [float(math.sqrt(p * (1 - p) / n) * DAYS_PER_WEEK) if n else None for p in by_day / max(n, 1)],
        "hour_se": [float(math.sqrt(p * (1 - p) / n) * HOURS_PER_DAY) if n else None for p in by_hour / max(n, 1)],
        "basis": f"{n:,} tickets in {weeks} whole working weeks; relative rate, mean 1 (each weekday occurs"
        f" {weeks} times, so counts are rates)",
        "separable": separable,
    }
    return profile, table


def _mix(t: pd.DataFrame) -> dict:
    known = t["klass"].dropna()
    counts = known.value_counts()
    unmapped = t.loc[t["klass"].isna(), "why_unmapped"].value_counts()
    total = int(len(known))
    fitted = total >= 20
    shares = {}
    if fitted:
        names = [c for c in CLASS_ORDER if c in counts]
        raw = {c: float(counts[c]) / total for c in names}
        rounded = {c: round(v, 4) for c, v in raw.items()}
        top = max(rounded, key=rounded.get)
        rounded[top] = round(rounded[top] + 1.0 - sum(rounded.values()), 6)
        shares = {c: rounded.get(c, 0.0) for c in CLASS_ORDER}
    return {
        "fitted": fitted,
        "shares": shares,
        "tickets": {c: int(counts.get(c, 0)) for c in CLASS_ORDER},
        "known": total,
        "unmapped": int(t["klass"].isna().sum()),
        "unmapped_by_reason": {str(k): int(v) for k, v in unmapped.items()},
        "basis": f"{total:,} tickets with a known class (all tickets, whole window); priorities 1-4 -> p1-p4, a type"
        " naming a request -> service_request, a change -> change",
        "classes_not_seen": [c for c in CLASS_ORDER if fitted and counts.get(c, 0) == 0],
    }


def _escalation(t: pd.DataFrame) -> dict:
    known = t["escalated"].notna()
    out = {
        "basis": "reassignment_count > 0, or more than one assignment group in the rows of a ticket",
        "known": int(known.sum()),
        "share": float(t.loc[known, "escalated"].mean()) if known.any() else None,
        "by_class": {},
    }
    for name in CLASS_ORDER:
        rows = t[(t["klass"] == name) & known]
        if len(rows):
            share = float(rows["escalated"].mean())
            out["by_class"][name] = {
                "tickets": len(rows),
                "share": share,
                "suggested_l1_resolution_share": round(1.0 - share, 3),
                "default_l1_resolution_share": DEFAULT_TICKET_CLASSES[name].l1_resolution_share,
            }
    return out


def _resolution(export: Export, day_start: float):
    t = export.tickets
    opened = working_hours(t["opened"], day_start)
    end = working_hours(t["end"].fillna(t["opened"]), day_start)
    export_end = export.export_end
    horizon = working_hours(pd.Series([export_end]), day_start)[0] if pd.notna(export_end) else math.nan
    duration = np.where(t["status"] == "resolved", end - opened, horizon - opened)
    out = {
        "clock": f"working hours (Monday to Friday, {HOURS_PER_DAY} a day from {time_of_day(day_start)}), opened to"
        " resolved (closed when the resolved time is missing): the clock of orgsim's ticket_resolution_hours",
        "meaning": "lead time — waiting, hand-overs and work together — not effort",
        "method": "lognormal, maximum likelihood; tickets still open at the export's end are right-censored at it;"
        " observed quantiles by Kaplan-Meier (the plain empirical quantiles when nothing is censored)",
        "excluded": {},
        "closed_used_for_resolved": int((t["end_from"] == "closed").sum()),
        "by_class": {},
    }
    excluded = t.loc[~t["status"].isin(["resolved", "open"]), "status"].value_counts()
    out["excluded"] = {str(k): int(v) for k, v in excluded.items()}
    zero = (t["status"] == "resolved") & (duration <= 1e-9)
    if zero.any():
        out["excluded"]["resolved in 0 working hours (opened and resolved outside working hours)"] = int(zero.sum())
    no_time = (t["status"] == "open") & ~(duration > 1e-9)
    if no_time.any():
        out["excluded"]["open, opened after the export's last working hour"] = int(no_time.sum())
    curves = {}
    for name in (*CLASS_ORDER, "all"):
        rows = (t["klass"] == name) if name != "all" else t["klass"].notna()
        rows = rows & t["status"].isin(["resolved", "open"]) & (duration > 1e-9)
        times = duration[rows.to_numpy()]
        censored = (t.loc[rows, "status"] == "open").to_numpy()
        resolved = int((~censored).sum())
        if resolved < MIN_FIT:
            if len(times):
                out["by_class"][name] = {"resolved": resolved, "open": int(censored.sum()), "fitted": False}
            continue
        mu, sigma = fit_lognormal(times, censored)
        curve = kaplan_meier(times, censored)
        curves[name] = curve
        entry = {
            "resolved": resolved,
            "open": int(censored.sum()),
            "fitted": True,
            "mu": mu,
            "sigma": sigma,
            "mu_se_approx": sigma / math.sqrt(resolved),
            "sigma_se_approx": sigma / math.sqrt(2 * resolved),
            "median_hours": math.exp(mu),
            "mean_hours": math.exp(mu + sigma**2 / 2),
            "cv": math.sqrt(math.expm1(sigma**2)),
            "quantiles": {
                f"p{round(100 * q)}": {
                    "observed": km_quantile(curve, q),
                    "fitted": lognormal_quantile(mu, sigma, q),
                }
                for q in QUANTILES
            },
        }
        if name in DEFAULT_TICKET_CLASSES:
            target = DEFAULT_TICKET_CLASSES[name].sla_hours
            entry["within_default_sla"] = {"sla_hours": target, "share_observed": km_cdf(curve, target)}
        out["by_class"][name] = entry
    return out, curves


def _sla(t: pd.DataFrame, curves) -> dict:
    rows = t[(t["status"] == "resolved") & t["made_sla"].notna()]
    out = {
        "basis": "made_sla of the resolved tickets (the latest value); the targets themselves are not in the export",
        "known": len(rows),
        "attainment": float(rows["made_sla"].mean()) if len(rows) else None,
        "by_class": {},
    }
    for name in CLASS_ORDER:
        part = rows[rows["klass"] == name]
        if len(part):
            out["by_class"][name] = {"tickets": len(part), "attainment": float(part["made_sla"].mean())}
    return out
