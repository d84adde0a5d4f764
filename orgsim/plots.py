"""Plots of a run: the only module that imports matplotlib.

Figures are built with ``matplotlib.figure.Figure`` (Agg canvas, no pyplot), so
nothing global is touched and no window ever opens.  Each function takes
:class:`~orgsim.experiment.Results` and returns a Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .dispatch import CONTEXT_SWITCH
from .roles import DUTIES

__all__ = ["throughput_figure", "workload_figure", "backlog_figure", "leadtimes_figure"]

DUTY_COLOURS = {
    "ticket_l1": "#9ecae1",
    "ticket_l2": "#3182bd",
    "major_incident": "#de2d26",
    "approval": "#fc9272",
    "project_work": "#31a354",
    "project_coordination": "#a1d99b",
    "status_reporting": "#c7e9c0",
    "portfolio_management": "#74c476",
    "people_management": "#756bb1",
    "admin": "#bcbddc",
    CONTEXT_SWITCH: "#636363",
}


def _title(results, what: str) -> str:
    s = results.scenario
    return (
        f"{what}\n{s.name}: {s.org.employees:,} employees, {s.org.structure} structure, "
        f"{len(results.replications)} replications"
    )


def _metric(results, name):
    row = results.summary.loc[results.summary["metric"] == name]
    if row.empty:
        return np.nan, np.nan, np.nan
    return tuple(float(row[c].iloc[0]) for c in ("mean", "ci_low", "ci_high"))


def _error(mean, low, high):
    if np.isnan(low):
        return [[0.0], [0.0]]
    return [[mean - low], [high - mean]]


def _daily_mean(results, column):
    """Mean over replications of a daily column, indexed by week (fractional)."""
    ts = results.timeseries
    days_per_week = results.scenario.calendar.days_per_week
    grouped = ts.groupby("day")[column]
    frame = pd.DataFrame({"mean": grouped.mean(), "low": grouped.quantile(0.1), "high": grouped.quantile(0.9)})
    frame.index = frame.index / days_per_week
    return frame


def _warmup_line(ax, results):
    warmup = results.scenario.simulation.warmup_weeks
    if warmup > 0:
        ax.axvline(warmup, color="0.5", linestyle=":", linewidth=1)
        low, high = ax.get_ylim()
        ax.text(warmup, low + 0.93 * (high - low), " warm-up ends", color="0.4", fontsize=8, va="top")


def throughput_figure(results) -> Figure:
    """Tickets resolved per week by class (mean, 95% CI) and cumulative projects completed."""
    figure = Figure(figsize=(12, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.1, 1])
    classes = [c.name for c in results.scenario.tickets.classes if c.share > 0]
    for i, name in enumerate(classes):
        mean, low, high = _metric(results, f"tickets_per_week.{name}")
        left.bar(i, mean, yerr=_error(mean, low, high), color="#3182bd", capsize=4)
        left.text(i, mean, f"{mean:.1f}", ha="center", va="bottom", fontsize=8)
    left.set_xticks(range(len(classes)), classes, rotation=20)
    left.set_xlabel("ticket class")
    left.set_ylabel("tickets resolved per week")
    left.set_title("Tickets resolved per week by class (95% CI)")
    if not results.timeseries.empty:
        frame = _daily_mean(results, "projects_completed")
        right.plot(frame.index, frame["mean"], color="#31a354", label="mean over replications")
        right.fill_between(
            frame.index, frame["low"], frame["high"], color="#31a354", alpha=0.2, label="10th-90th percentile"
        )
        _warmup_line(right, results)
        right.legend(loc="upper left")
    mean, low, high = _metric(results, "projects_per_quarter")
    right.set_title(f"Projects completed, cumulative ({mean:.1f} per quarter)")
    right.set_xlabel("time (working weeks)")
    right.set_ylabel("projects completed")
    figure.suptitle(_title(results, "Throughput"), fontweight="bold")
    return figure


def workload_figure(results) -> Figure:
    """Hours per person per week by duty, stacked per role, with utilisation."""
    scenario = results.scenario
    roles = [r for r in scenario.roles if scenario.headcounts()[r.name] > 0]
    figure = Figure(figsize=(max(10, 2.0 * len(roles) + 4), 5.5), layout="constrained")
    ax = figure.subplots()
    labels = [*DUTIES, CONTEXT_SWITCH]
    used = set()
    for i, role in enumerate(roles):
        bottom = 0.0
        for label in labels:
            mean, _, _ = _metric(results, f"hours_per_person_week.{role.name}.{label}")
            if np.isnan(mean) or mean <= 0:
                continue
            ax.bar(
                i,
                mean,
                bottom=bottom,
                color=DUTY_COLOURS[label],
                edgecolor="white",
                linewidth=0.5,
                label=label.replace("_", " ") if label not in used else None,
            )
            used.add(label)
            bottom += mean
        util, low, high = _metric(results, f"utilisation.{role.name}")
        ci = f"\n±{(high - low) / 2:.0%}" if not np.isnan(low) else ""
        ax.text(i, bottom + 0.5, f"{util:.0%}{ci}", ha="center", va="bottom", fontsize=9, fontweight="bold")
    capacity = scenario.calendar.hours_per_week
    ax.axhline(capacity, color="black", linestyle="--", linewidth=1)
    ax.text(len(roles) - 0.5, capacity, f"available: {capacity:g} h per week", ha="right", va="bottom", fontsize=8)
    counts = scenario.headcounts()
    ax.set_xticks(
        range(len(roles)),
        [
            f"{r.name.replace('_', ' ')}\n({counts[r.name]} {'person' if counts[r.name] == 1 else 'people'})"
            for r in roles
        ],
    )
    ax.set_ylim(0, capacity * 1.25)
    ax.set_ylabel("hours per person per week")
    ax.set_xlabel("role (bold: utilisation, ± half the 95% CI)")
    ax.legend(title="duty", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    figure.suptitle(_title(results, "Workload by role and duty"), fontweight="bold")
    return figure


def backlog_figure(results) -> Figure:
    """Queue lengths over time: operational duties, and project and management duties."""
    figure = Figure(figsize=(12, 6.5), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    held = {d for r in results.scenario.roles for d in r.duties}
    groups = (
        (top, ("ticket_l1", "ticket_l2", "major_incident", "approval"), "Operational queues"),
        (
            bottom,
            (
                "project_work",
                "project_coordination",
                "status_reporting",
                "portfolio_management",
                "people_management",
                "admin",
            ),
            "Project and management queues",
        ),
    )
    ts = results.timeseries
    for ax, duties, title in groups:
        for duty in duties:
            if duty not in held or ts.empty:
                continue
            frame = _daily_mean(results, f"queue.{duty}")
            ax.plot(frame.index, frame["mean"], color=DUTY_COLOURS[duty], label=duty.replace("_", " "), linewidth=1.3)
        if ax is bottom and not ts.empty:
            frame = _daily_mean(results, "projects_waiting")
            ax.plot(
                frame.index,
                frame["mean"],
                color="black",
                linestyle="--",
                label="projects waiting to start",
                linewidth=1.3,
            )
        ax.set_ylabel("items waiting (daily average)")
        ax.set_title(f"{title}: mean over replications")
        ax.set_ylim(bottom=0)
        _warmup_line(ax, results)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    bottom.set_xlabel("time (working weeks)")
    figure.suptitle(_title(results, "Backlog"), fontweight="bold")
    return figure


def leadtimes_figure(results) -> Figure:
    """Ticket resolution times by class against their SLA, and project lead times."""
    figure = Figure(figsize=(12, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.2, 1])
    classes = [c for c in results.scenario.tickets.classes if c.share > 0]
    times = results.ticket_times
    data, names = [], []
    for klass in classes:
        values = times.loc[times["ticket_class"] == klass.name, "resolution_hours"].to_numpy()
        data.append(np.maximum(values, 1e-3) if len(values) else np.array([np.nan]))
        names.append(klass.name)
    if data:
        left.boxplot(data, positions=range(len(data)), showfliers=False, widths=0.6, whis=(5, 95))
        for i, klass in enumerate(classes):
            left.plot(
                [i - 0.35, i + 0.35],
                [klass.sla_hours] * 2,
                color="#de2d26",
                linewidth=2,
                label="SLA target" if i == 0 else None,
            )
            attained, _, _ = _metric(results, f"sla_attainment.{klass.name}")
            left.text(
                i, klass.sla_hours * 1.15, f"{attained:.0%}", ha="center", va="bottom", fontsize=8, color="#de2d26"
            )
        left.set_xticks(range(len(names)), names, rotation=20)
        left.set_yscale("log")
        left.legend(loc="upper left")
    left.set_xlabel("ticket class (box: quartiles, whiskers: 5th-95th percentile; red: SLA met)")
    left.set_ylabel("resolution time (working hours, log scale)")
    left.set_title("Ticket resolution time by class")
    weeks = results.project_lead_times["lead_time_weeks"].to_numpy()
    if len(weeks):
        right.hist(weeks, bins=min(30, max(5, len(weeks) // 3)), color="#31a354", alpha=0.8)
        mean, low, high = _metric(results, "project_lead_time_weeks_mean")
        right.axvline(mean, color="black", linestyle="--", label=f"mean {mean:.1f} weeks")
        on_time, _, _ = _metric(results, "project_on_time_share")
        right.legend(title=f"{on_time:.0%} on time")
    else:
        right.text(0.5, 0.5, "no project completed after warm-up", ha="center", va="center", transform=right.transAxes)
    right.set_xlabel("project lead time, arrival to closing (working weeks)")
    right.set_ylabel("projects (all replications)")
    right.set_title("Project lead time")
    figure.suptitle(_title(results, "Lead times"), fontweight="bold")
    return figure
