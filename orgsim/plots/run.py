"""The figures of one run (a :class:`~orgsim.results.Results`): throughput, workload by
role and duty, backlog over time, and lead times (tickets against their SLA, projects).
Each function takes the run and returns a Figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import duties
from ..monitors import BIN_EDGES, quantile_from_bins
from .common import (
    Figure,
    duty_legend,
    error_bars,
    metric_value,
    new_figure,
    plain_log_ticks,
    run_title,
    stacked_duties,
)

__all__ = ["throughput_figure", "workload_figure", "backlog_figure", "leadtimes_figure", "run_figures"]


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
    figure = new_figure(figsize=(12, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.1, 1])
    classes = [c.name for c in results.scenario.tickets.classes if c.share > 0]
    for i, name in enumerate(classes):
        mean, low, high = metric_value(results, f"tickets_per_week.{name}")
        left.bar(i, mean, yerr=error_bars(mean, low, high), color="#3182bd", capsize=4)
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
        right.legend(loc="lower right")  # the warm-up label stays readable at the top left
    mean, low, high = metric_value(results, "projects_per_quarter")
    right.set_title(f"Projects completed, cumulative ({mean:.1f} per quarter)")
    right.set_xlabel("time (working weeks)")
    right.set_ylabel("projects completed")
    figure.suptitle(run_title(results, "Throughput"), fontweight="bold")
    return figure


def workload_figure(results) -> Figure:
    """Hours per person per week by duty, stacked per role, with utilisation."""
    scenario = results.scenario
    roles = [r for r in scenario.roles if scenario.headcounts()[r.name] > 0]
    figure = new_figure(figsize=(max(10, 2.0 * len(roles) + 4), 5.5), layout="constrained")
    ax = figure.subplots()
    used = set()
    for i, role in enumerate(roles):
        bottom = stacked_duties(ax, i, results, role.name, used)
        util, low, high = metric_value(results, f"utilisation.{role.name}")
        ci = f"\n±{(high - low) / 2:.0%}" if not np.isnan(low) else ""
        ax.text(i, bottom + 0.5, f"{util:.0%}{ci}", ha="center", va="bottom", fontsize=9, fontweight="bold")
    capacity = scenario.calendar.hours_per_week
    ax.axhline(capacity, color="black", linestyle="--", linewidth=1)
    ax.text(-0.45, capacity, f"available: {capacity:g} h per week", ha="left", va="bottom", fontsize=8)
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
    duty_legend(ax)
    figure.suptitle(run_title(results, "Workload by role and duty"), fontweight="bold")
    return figure


def backlog_figure(results) -> Figure:
    """Queue lengths over time: operational duties, and project and management duties."""
    figure = new_figure(figsize=(12, 6.5), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    held = {d for r in results.scenario.roles for d in r.duties}
    groups = (
        (top, duties.duties_of_family("operations"), "Operational queues"),
        (
            bottom,
            duties.duties_of_family("project") + duties.duties_of_family("management"),
            "Project and management queues",
        ),
    )
    ts = results.timeseries
    for ax, members, title in groups:
        for duty in members:
            if duty not in held or ts.empty:
                continue
            frame = _daily_mean(results, f"queue.{duty}")
            ax.plot(frame.index, frame["mean"], color=duties.colour(duty), label=duties.label(duty), linewidth=1.3)
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
    figure.suptitle(run_title(results, "Backlog"), fontweight="bold")
    return figure


_BIN_OF_EDGE = {edge: i for i, edge in enumerate(BIN_EDGES)}


def _box_stats(rows, label) -> dict:
    """Box-plot statistics (5th, 25th, 50th, 75th, 95th percentiles) from a histogram."""
    bins = [0] * (len(BIN_EDGES) - 1)
    for low, n in zip(rows["bin_low_hours"], rows["tickets"], strict=True):
        bins[_BIN_OF_EDGE[low]] = int(n)
    q = {p: quantile_from_bins(bins, p) for p in (0.05, 0.25, 0.5, 0.75, 0.95)}
    return {"label": label, "whislo": q[0.05], "q1": q[0.25], "med": q[0.5], "q3": q[0.75], "whishi": q[0.95]}


def leadtimes_figure(results) -> Figure:
    """Ticket resolution times by class against their SLA, and project lead times."""
    figure = new_figure(figsize=(12, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.2, 1])
    classes = [c for c in results.scenario.tickets.classes if c.share > 0]
    histogram = results.ticket_times
    stats, names = [], []
    for klass in classes:
        rows = histogram[histogram["ticket_class"] == klass.name]
        names.append(klass.name)
        stats.append(_box_stats(rows, klass.name))
    if stats:
        left.bxp(stats, positions=range(len(stats)), showfliers=False, widths=0.6)
        for i, klass in enumerate(classes):
            left.plot(
                [i - 0.35, i + 0.35],
                [klass.sla_hours] * 2,
                color="#de2d26",
                linewidth=2,
                label="SLA target" if i == 0 else None,
            )
            attained, _, _ = metric_value(results, f"sla_attainment.{klass.name}")
            above = max(klass.sla_hours, stats[i]["whishi"]) * 1.25  # clear of the target and the whisker
            left.text(i, above, f"{attained:.0%}", ha="center", va="bottom", fontsize=8, color="#de2d26")
        left.set_xticks(range(len(names)), names, rotation=20)
        left.set_yscale("log")
        top = max(max(k.sla_hours for k in classes), max(s["whishi"] for s in stats))
        left.set_ylim(top=top * 3)  # room for the labels above the highest target
        plain_log_ticks(left)
        left.legend(loc="upper left")
    left.set_xlabel("ticket class (box: quartiles, whiskers: 5th-95th percentile; red: SLA met)")
    left.set_ylabel("resolution time (working hours, log scale)")
    left.set_title("Ticket resolution time by class")
    projects = results.projects
    weeks = results.project_lead_times["lead_time_weeks"].to_numpy()
    if len(weeks):
        bins = np.linspace(0, float(weeks.max()) * 1.02, min(30, max(5, len(weeks) // 3)) + 1)
        shades = ("#31a354", "#006d2c", "#74c476", "#00441b")
        names = list(dict.fromkeys(projects["project_class"])) if not projects.empty else []
        samples = [projects.loc[projects["project_class"] == n, "lead_time_weeks"].to_numpy() for n in names]
        labels = []
        for name in names:
            share, _, _ = metric_value(results, f"project_on_time_share.{name}")
            labels.append(f"{name} ({share:.0%} on time)" if not np.isnan(share) else name)
        if samples:
            right.hist(samples, bins=bins, stacked=True, color=shades[: len(samples)], alpha=0.85, label=labels)
        else:
            right.hist(weeks, bins=bins, color="#31a354", alpha=0.8)
        right.set_yscale("log")  # medium projects are few beside the small ones: a log count shows both
        plain_log_ticks(right)
        mean, low, high = metric_value(results, "project_lead_time_weeks_mean")
        right.axvline(mean, color="black", linestyle="--", label=f"mean {mean:.1f} weeks")
        on_time, _, _ = metric_value(results, "project_on_time_share")
        right.legend(title=f"{on_time:.0%} on time in all", fontsize=8)
    else:
        right.text(0.5, 0.5, "no project completed after warm-up", ha="center", va="center", transform=right.transAxes)
    right.set_xlabel("project lead time, arrival to closing (working weeks)")
    right.set_ylabel("projects (all replications, log scale)")
    right.set_title("Project lead time")
    figure.suptitle(run_title(results, "Lead times"), fontweight="bold")
    return figure


def run_figures(results) -> dict[str, Figure]:
    """Every figure of a run, by file name."""
    return {
        "throughput.png": throughput_figure(results),
        "workload.png": workload_figure(results),
        "backlog.png": backlog_figure(results),
        "leadtimes.png": leadtimes_figure(results),
    }
