"""Metrics of one replication, and summaries with confidence intervals over many.

Every metric is a number per replication, named ``family.detail`` (for example
``tickets_per_week.p1`` or ``utilisation.it_manager``), so replications form a
DataFrame with one row per replication and one column per metric.  Everything is
measured after the warm-up.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .dispatch import CONTEXT_SWITCH
from .roles import DUTIES
from .tally import Tally

__all__ = ["replication_metrics", "summarise", "HEADLINE_METRICS", "TICKET_DUTIES", "PROJECT_DUTIES"]

TICKET_DUTIES = ("ticket_l1", "ticket_l2", "major_incident", "approval")
PROJECT_DUTIES = ("project_work", "project_coordination", "status_reporting", "portfolio_management")
WEEKS_PER_QUARTER = 13.0

# The metrics the CLI prints, in order, with a label and unit.
HEADLINE_METRICS = (
    ("tickets_per_week.total", "tickets resolved", "per week"),
    ("ticket_resolution_hours_mean.total", "ticket resolution time", "working h"),
    ("sla_attainment.total", "SLA attainment", "share"),
    ("projects_per_quarter", "projects completed", "per quarter"),
    ("project_lead_time_weeks_mean", "project lead time", "weeks"),
    ("project_on_time_share", "projects on time", "share"),
    ("rework_hours_per_week", "rework", "h per week"),
    ("utilisation.it_manager", "IT manager utilisation", "share"),
    ("staff_cost_per_week", "staff cost", "per week"),
)


def _percentile(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else math.nan


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def replication_metrics(model, census):
    """All metrics of a finished replication (see the module docstring for names)."""
    from .engine import ReplicationOutput

    scenario = model.scenario
    calendar = scenario.calendar
    horizon = model.env.now
    measured_hours = horizon - model.measure_start
    measured_weeks = measured_hours / calendar.hours_per_week
    metrics: dict[str, float] = {}
    _ticket_metrics(model, census, metrics, measured_weeks, horizon)
    _project_metrics(model, census, metrics, measured_weeks)
    people = _workload_metrics(model, metrics, measured_hours, measured_weeks)
    _queue_metrics(model, metrics, measured_hours)
    _cost_metrics(model, metrics, people, measured_weeks)
    warnings = _stability_warnings(model)
    ticket_times = {
        k.name: list(tally.bins) for k, tally in zip(model.tickets.classes, model.tickets.resolution_hours, strict=True)
    }
    return ReplicationOutput(
        replication=model.replication,
        metrics=metrics,
        timeseries=model.timeseries,
        people=people,
        ticket_times=ticket_times,
        project_lead_times=[t / calendar.hours_per_week for t in model.projects.lead_times],
        warnings=warnings,
    )


def _ticket_metrics(model, census, metrics, measured_weeks, horizon):
    desk = model.tickets
    # judged: every ticket resolved after the warm-up, and every ticket still open at the end
    # that is already past its target (it has missed it, whenever it arrived)
    breached_open = [0] * len(desk.classes)
    for ticket in census["open_tickets"]:
        if horizon - ticket.arrived_at > ticket.klass.sla_hours:
            breached_open[ticket.klass.index] += 1
    overall = Tally()
    met_total = judged_total = 0
    for klass in desk.classes:
        i, name = klass.index, klass.name
        tally = desk.resolution_hours[i]
        overall.merge(tally)
        metrics[f"tickets_per_week.{name}"] = desk.resolved_measured[i] / measured_weeks
        metrics[f"ticket_resolution_hours_mean.{name}"] = tally.mean
        metrics[f"ticket_resolution_hours_p50.{name}"] = tally.quantile(0.5)
        metrics[f"ticket_resolution_hours_p90.{name}"] = tally.quantile(0.9)
        judged = desk.resolved_measured[i] + breached_open[i]
        metrics[f"sla_attainment.{name}"] = _ratio(desk.sla_met_measured[i], judged)
        met_total += desk.sla_met_measured[i]
        judged_total += judged
    metrics["tickets_per_week.total"] = sum(desk.resolved_measured) / measured_weeks
    metrics["ticket_resolution_hours_mean.total"] = overall.mean
    metrics["ticket_resolution_hours_p90.total"] = overall.quantile(0.9)
    metrics["sla_attainment.total"] = _ratio(met_total, judged_total)
    metrics["tickets_open_at_end"] = float(len(census["open_tickets"]))


def _project_metrics(model, census, metrics, measured_weeks):
    office = model.projects
    hours_per_week = model.scenario.calendar.hours_per_week
    lead_weeks = [t / hours_per_week for t in office.lead_times]
    metrics["projects_per_quarter"] = office.completed_measured / measured_weeks * WEEKS_PER_QUARTER
    metrics["project_lead_time_weeks_mean"] = _mean(lead_weeks)
    metrics["project_lead_time_weeks_p50"] = _percentile(lead_weeks, 50)
    metrics["project_lead_time_weeks_p90"] = _percentile(lead_weeks, 90)
    # late: completed after the due date, or still open and already past it
    now = model.env.now
    overdue_open = sum(1 for project in office.open_projects() if project.due_at < now)
    judged = len(office.on_time) + overdue_open
    metrics["project_on_time_share"] = _ratio(sum(office.on_time), judged)
    metrics["rework_hours_per_project"] = _mean(office.rework_of_completed)
    metrics["rework_hours_per_week"] = office.rework_hours_measured / measured_weeks
    metrics["projects_active_at_end"] = float(census["projects"]["active"])
    metrics["projects_waiting_at_end"] = float(census["projects"]["waiting"] + census["projects"]["intake"])


def _workload_metrics(model, metrics, measured_hours, measured_weeks):
    """Utilisation, hours per person-week by duty, context switches; returns per-person rows."""
    days = measured_hours / model.scenario.calendar.hours_per_day
    people = []
    by_role: dict[str, dict] = {}
    for worker in model.workers:
        busy = model.measured_busy(worker)
        total = sum(busy.values())
        switches = model.measured_switches(worker)
        finished = model.measured_finished(worker)
        row = {
            "person": worker.person.label,
            "role": worker.role_name,
            "utilisation": total / measured_hours if measured_hours else math.nan,
            "context_switches_per_day": switches / days if days else math.nan,
            "items_completed_per_week": finished / measured_weeks,
            **{f"hours_per_week.{label}": hours / measured_weeks for label, hours in sorted(busy.items())},
        }
        people.append(row)
        role = by_role.setdefault(worker.role_name, {"people": 0, "busy": {}, "switches": 0, "finished": 0})
        role["people"] += 1
        role["switches"] += switches
        role["finished"] += finished
        for label, hours in busy.items():
            role["busy"][label] = role["busy"].get(label, 0.0) + hours
    for role in model.scenario.roles:
        data = by_role.get(role.name)
        if not data:
            continue
        n = data["people"]
        metrics[f"utilisation.{role.name}"] = sum(data["busy"].values()) / (n * measured_hours)
        for label in (*role.duties, CONTEXT_SWITCH):
            metrics[f"hours_per_person_week.{role.name}.{label}"] = data["busy"].get(label, 0.0) / (n * measured_weeks)
        metrics[f"context_switches_per_person_day.{role.name}"] = data["switches"] / (n * days)
        metrics[f"items_completed_per_person_week.{role.name}"] = data["finished"] / (n * measured_weeks)
        metrics[f"headcount.{role.name}"] = float(n)
    return people


def _queue_metrics(model, metrics, measured_hours):
    """Time-average queue length, arrivals and mean wait per duty (Little's law: L = lambda W)."""
    now = model.env.now
    for duty in DUTIES:
        if not model.holders(duty):
            continue
        area = waits = 0.0
        taken = entered = 0
        for queue in _queues_of(model, duty):
            queue._level(now, 0)
            area += queue.area
            waits += queue.waits_sum
            taken += queue.waits_n
            entered += queue.entered
        metrics[f"queue_length_mean.{duty}"] = area / measured_hours
        metrics[f"queue_arrivals_per_hour.{duty}"] = entered / measured_hours
        metrics[f"queue_wait_hours_mean.{duty}"] = _ratio(waits, taken)


def _queues_of(model, duty):
    yield model.queues[duty]
    for worker in model.workers:
        queue = worker.private.get(duty)
        if queue is not None:
            yield queue


def _cost_metrics(model, metrics, people, measured_weeks):
    """Staff cost per week, and activity-based cost per resolved ticket and completed project."""
    hours_per_week = model.scenario.calendar.hours_per_week
    ticket_cost = project_cost = staff_cost = 0.0
    for worker in model.workers:
        rate = worker.person.role.hourly_cost
        staff_cost += rate * hours_per_week
        busy = model.measured_busy(worker)
        ticket_cost += rate * sum(busy.get(d, 0.0) for d in TICKET_DUTIES)
        project_cost += rate * sum(busy.get(d, 0.0) for d in PROJECT_DUTIES)
    resolved = sum(model.tickets.resolved_measured)
    metrics["staff_cost_per_week"] = staff_cost
    metrics["cost_per_ticket"] = _ratio(ticket_cost, resolved)
    metrics["cost_per_project"] = _ratio(project_cost, model.projects.completed_measured)


def _stability_warnings(model) -> list[str]:
    """Queues that grow through the measured period: their load is above capacity.

    A queue counts as growing when its linear trend over the measured period rises by
    more than 10 items and by more than half its mean level.
    """
    columns = model.timeseries.columns
    if not columns:
        return []
    measured = np.frombuffer(columns["hours"], dtype=float) > model.measure_start
    if measured.sum() < 20:
        return []
    growing = []
    days = np.arange(int(measured.sum()), dtype=float)
    for key in [k for k in columns if k.startswith("queue.")] + ["projects_waiting"]:
        level = np.frombuffer(columns[key], dtype=float)[measured]
        rise = np.polyfit(days, level, 1)[0] * len(days)  # linear trend over the measured period
        if rise > max(10.0, 0.5 * level.mean()):
            growing.append(key.removeprefix("queue."))
    return growing


def stability_warnings(growing_per_replication: list[list[str]]) -> list[str]:
    """One sentence per queue that grew without bound in some replications."""
    total = len(growing_per_replication)
    counts: dict[str, int] = {}
    for growing in growing_per_replication:
        for name in growing:
            counts[name] = counts.get(name, 0) + 1
    return [
        f"{name.replace('_', ' ')} queue grows through the run in {n} of {total} replications: "
        "its load is above capacity and its metrics depend on the horizon"
        for name, n in sorted(counts.items())
    ]


_SHARES = ("sla_attainment", "project_on_time_share", "utilisation")


def summarise(replications: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and Student-t confidence interval of every metric column."""
    from scipy import stats

    rows = []
    for column in replications.columns:
        if column in ("replication", "scenario"):
            continue
        values = replications[column].dropna().to_numpy(dtype=float)
        n = len(values)
        mean = float(values.mean()) if n else math.nan
        std = float(values.std(ddof=1)) if n > 1 else math.nan
        if n > 1:
            half = stats.t.ppf((1 + confidence) / 2, n - 1) * std / math.sqrt(n)
        else:
            half = math.nan
        # every metric is >= 0, and shares are <= 1: the t interval is cut to what is possible
        low, high = max(0.0, mean - half), mean + half
        if column.startswith(_SHARES):
            high = min(1.0, high)
        rows.append({"metric": column, "mean": mean, "std": std, "ci_low": low, "ci_high": high, "n": n})
    return pd.DataFrame(rows, columns=["metric", "mean", "std", "ci_low", "ci_high", "n"])


def warmup_check(timeseries: pd.DataFrame, warmup_weeks: float, days_per_week: float) -> dict:
    """Does the warm-up look long enough?  Welch's method on the daily backlog.

    The work in the system (items in all queues, daily averages, plus projects waiting
    and active) is averaged over replications and
    smoothed with a moving average of two weeks; the steady level is the mean of the
    smoothed curve over the second half of the run.  The warm-up should last until the
    curve first comes within 10% (at least half an item) of that level.  Queues that
    grow without bound have no steady level; the growth warning covers them.
    """
    queue_columns = [c for c in timeseries.columns if c.startswith("queue.")]
    queue_columns += [c for c in ("projects_waiting", "projects_active") if c in timeseries.columns]
    if timeseries.empty or not queue_columns:
        return {"needed_weeks": 0.0, "enough": True}
    backlog = timeseries[queue_columns].sum(axis=1).groupby(timeseries["day"]).mean().to_numpy()
    window = max(1, int(round(2 * days_per_week)))
    if len(backlog) < 4 * window:
        return {"needed_weeks": math.nan, "enough": True}
    smooth = np.convolve(backlog, np.ones(window) / window, mode="valid")
    steady = float(smooth[len(smooth) // 2 :].mean())
    band = max(0.1 * steady, 0.5)
    inside = np.flatnonzero(np.abs(smooth - steady) <= band)
    first_day = int(inside[0]) if len(inside) else len(backlog)
    needed = first_day / days_per_week
    return {"needed_weeks": needed, "enough": needed <= warmup_weeks + 1e-9, "steady_backlog": steady}
