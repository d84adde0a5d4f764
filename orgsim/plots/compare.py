"""The figures of a comparison (a :class:`~orgsim.results.Comparison`): the dashboard of
headline metrics, each bar after the first labelled with its paired difference to the first
and the verdict of :func:`orgsim.stats.judge`, and throughput, workload, lead times and
backlog of every scenario side by side."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from .. import catalogue, duties
from ..catalogue import NEITHER
from ..stats import judge
from ..wording import BETTER, CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, WORSE, format_number
from .common import (
    Figure,
    FuncFormatter,
    compare_title,
    duty_legend,
    error_bars,
    first_upper,
    metric_value,
    new_figure,
    plain_log_ticks,
    scenario_colour,
    stacked_duties,
)

__all__ = [
    "comparison_dashboard",
    "comparison_throughput",
    "comparison_workload",
    "comparison_leadtimes",
    "comparison_backlog",
    "comparison_figures",
]


def _bars_with_ci(ax, comparison, metrics, labels):
    """Grouped bars: one group per metric, one bar per scenario, 95% CI whiskers."""
    count = len(comparison.results)
    width = 0.8 / count
    for j, result in enumerate(comparison.results):
        for i, metric in enumerate(metrics):
            mean, low, high = metric_value(result, metric)
            ax.bar(
                i + (j - (count - 1) / 2) * width,
                mean,
                width,
                yerr=error_bars(mean, low, high),
                capsize=3,
                color=scenario_colour(j),
                label=result.scenario.name if i == 0 else None,
            )
    ax.set_xticks(range(len(metrics)), labels, rotation=15)


_SHORT_UNITS = {"working weeks": " wk", "working hours": " h", "hours per week": " h/wk", "currency per week": "/wk"}
_VERDICT_COLOURS = {BETTER: "#1a7f37", WORSE: "#b42318"}
# the verdicts of stats.judge as a bar's label has room for them
_SHORT_VERDICTS = {BETTER: "better", WORSE: "worse", NO_PRACTICAL_DIFFERENCE: "no diff.", CANNOT_TELL: "can't tell"}


def _difference_note(row, metric) -> tuple[str, str]:
    """A bar's label under its mean: the paired difference to the baseline (a row of
    ``Comparison.differences``) and a short verdict with its colour.

    The verdict is :func:`orgsim.stats.judge` of the row's numbers, oriented by the metric's
    direction (positive: good for the scenario) against the row's MID: better, worse, "no
    diff." (no practical difference) or "can't tell".  A metric without a direction (a
    description) is not judged: "differs" when its CI excludes zero, else "n/a"."""
    d, low, high = (float(row[column]) for column in ("mean_difference", "ci_low", "ci_high"))
    if metric.share:
        amount = f"{d * 100:+.1f} pts"
    else:
        amount = format_number(d, signed=True) + _SHORT_UNITS.get(metric.unit, "")
    if metric.better == NEITHER:
        return f"{amount}\n{'differs' if low > 0 or high < 0 else 'n/a'}", "0.35"
    mid = float(row["mid"])
    oriented = (d, low, high) if metric.better > 0 else (-d, -high, -low)
    verdict = judge(*oriented, None if math.isnan(mid) else mid)
    return f"{amount}\n{_SHORT_VERDICTS[verdict]}", _VERDICT_COLOURS.get(verdict, "0.35")


def _all_zero(values) -> bool:
    return all((np.isnan(mean) or mean == 0) and (np.isnan(high) or high == 0) for mean, _, high in values)


def comparison_dashboard(comparison) -> Figure:
    """The headline metrics side by side with 95% CIs, one panel each.  Above every bar its
    mean; above every bar after the first, also its paired difference to the first and the
    verdict of :func:`orgsim.stats.judge` (better or worse: the CI excludes zero and the
    difference exceeds the metric's minimal important difference; no diff.: no practical
    difference; can't tell: the CI is too wide to say).
    Panels whose values are all zero (no rework anywhere) are left out and the grid reflows."""
    names = comparison.names
    count = len(names)
    panels = []
    for metric in catalogue.dashboard():
        values = [metric_value(result, metric.pattern) for result in comparison.results]
        if not _all_zero(values):
            panels.append((metric, values))
    columns = max(1, len(panels) if len(panels) <= 3 else 2 if len(panels) == 4 else 3)
    rows = max(1, -(-len(panels) // columns))
    panel_width = max(4.4, 1.0 * count + 1.4)
    figure = new_figure(figsize=(columns * panel_width, 3.7 * rows + 1.6), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for spare in axes[len(panels) :]:
        spare.remove()
    differences = comparison.differences
    for ax, (metric, values) in zip(axes, panels, strict=False):
        found = differences[differences["metric"] == metric.pattern] if not differences.empty else differences
        by_scenario = {row["scenario"]: row for _, row in found.iterrows()}
        tops = []
        for j, (mean, low, high) in enumerate(values):
            ax.bar(j, mean, yerr=error_bars(mean, low, high), capsize=4, color=scenario_colour(j), width=0.6)
            if np.isnan(mean):
                continue
            top = high if not np.isnan(high) else mean
            tops.append(top)
            ax.annotate(
                format_number(mean),
                (j, top),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                fontweight="bold",
            )
            if j > 0 and names[j] in by_scenario:
                note, colour = _difference_note(by_scenario[names[j]], metric)
                ax.annotate(
                    note,
                    (j, top),
                    xytext=(0, 13),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=colour,
                )
        highest = max([t for t in tops if np.isfinite(t)], default=0.0)
        ax.set_ylim(0, highest * 1.45 if highest > 0 else 1.0)  # room for three lines of labels
        ax.set_title(first_upper(metric.label), fontsize=10, fontweight="bold")
        ax.set_xticks(range(count), [textwrap.fill(n, 12) for n in names], fontsize=8)
        ax.set_xlim(-0.6, count - 0.4)
        ax.set_ylabel(metric.unit)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v)))
    heading = compare_title(comparison, "Dashboard: headline metrics (95% CI)")
    wrap = int(columns * panel_width * 7.5)  # characters of the bold heading per line that fit
    figure.suptitle("\n".join(textwrap.fill(line, wrap) for line in heading.splitlines()), fontweight="bold")
    omitted = [m.label for m in catalogue.dashboard() if m not in [p[0] for p in panels]]
    key = (
        f"Above each bar: its mean; above the others, the difference to {names[0]} (paired by replication) and"
        " its verdict. better/worse: the 95% CI excludes 0 and the difference exceeds the metric's minimal"
        " important difference (MID); no diff.: no practical difference; can't tell: the CI is too wide to say."
        + (f" Not shown (zero everywhere): {', '.join(omitted)}." if omitted else "")
    )
    figure.supxlabel(textwrap.fill(key, int(columns * panel_width * 13)), fontsize=8, color="0.25")
    return figure


def comparison_throughput(comparison) -> Figure:
    figure = new_figure(figsize=(13, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[2, 1])
    classes = [c.name for c in comparison.results[0].scenario.tickets.classes if c.share > 0]
    _bars_with_ci(left, comparison, [f"tickets_per_week.{c}" for c in classes], classes)
    left.set_ylabel("tickets resolved per week")
    left.set_xlabel("ticket class")
    left.set_title("Tickets resolved per week by class (95% CI)")
    left.legend()
    _bars_with_ci(right, comparison, ["projects_per_quarter"], ["projects"])
    right.set_ylabel("projects completed per quarter")
    right.set_title("Projects completed per quarter (95% CI)")
    figure.suptitle(compare_title(comparison, "Throughput"), fontweight="bold")
    return figure


def comparison_workload(comparison) -> Figure:
    """Hours per person per week by duty for every role of every scenario, side by side."""
    columns = []
    for result in comparison.results:
        counts = result.scenario.headcounts()
        for role in result.scenario.roles:
            if counts[role.name] > 0:
                columns.append((result, role))
    figure = new_figure(figsize=(max(10, 1.1 * len(columns) + 4), 6), layout="constrained")
    ax = figure.subplots()
    used = set()
    for x, (result, role) in enumerate(columns):
        bottom = stacked_duties(ax, x, result, role.name, used)
        util, _, _ = metric_value(result, f"utilisation.{role.name}")
        ax.text(x, bottom + 0.5, f"{util:.0%}", ha="center", va="bottom", fontsize=8, fontweight="bold")
    ax.set_xticks(
        range(len(columns)),
        [f"{role.name.replace('_', ' ')}\n{result.scenario.name}" for result, role in columns],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    capacity = comparison.results[0].scenario.calendar.hours_per_week
    ax.axhline(capacity, color="black", linestyle="--", linewidth=1)
    ax.set_ylim(0, capacity * 1.25)
    ax.set_ylabel("hours per person per week (bold: utilisation)")
    duty_legend(ax)
    figure.suptitle(compare_title(comparison, "Workload by role and duty"), fontweight="bold")
    return figure


def comparison_leadtimes(comparison) -> Figure:
    figure = new_figure(figsize=(13, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[2, 1])
    classes = [c.name for c in comparison.results[0].scenario.tickets.classes if c.share > 0]
    _bars_with_ci(left, comparison, [f"ticket_resolution_hours_mean.{c}" for c in classes], classes)
    left.set_ylabel("mean resolution time (working hours)")
    left.set_xlabel("ticket class")
    left.set_yscale("log")
    plain_log_ticks(left)
    left.set_title("Ticket resolution time by class (95% CI)")
    left.legend()
    _bars_with_ci(
        right, comparison, ["project_lead_time_weeks_mean", "project_lead_time_weeks_p90"], ["mean", "90th percentile"]
    )
    right.set_ylabel("project lead time (working weeks)")
    right.set_title("Project lead time (95% CI)")
    figure.suptitle(compare_title(comparison, "Lead times"), fontweight="bold")
    return figure


def comparison_backlog(comparison) -> Figure:
    figure = new_figure(figsize=(13, 6), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    for j, result in enumerate(comparison.results):
        colour = scenario_colour(j)
        ts = result.timeseries
        if ts.empty:
            continue
        operational = [f"queue.{d}" for d in duties.duties_of_family("operations")]
        project = [f"queue.{d}" for d in duties.duties_of_family("project")] + ["projects_waiting"]
        for ax, columns in ((top, operational), (bottom, project)):
            total = ts[columns].sum(axis=1).groupby(ts["day"]).mean()
            ax.plot(
                total.index / result.scenario.calendar.days_per_week,
                total.to_numpy(),
                color=colour,
                label=result.scenario.name,
                linewidth=1.2,
            )
    top.set_title("Tickets waiting (all operational queues, daily average, mean over replications)")
    bottom.set_title("Project work waiting (work, coordination, status, portfolio queues and projects not started)")
    for ax in (top, bottom):
        ax.set_ylabel("items waiting")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left")
    bottom.set_xlabel("time (working weeks)")
    figure.suptitle(compare_title(comparison, "Backlog"), fontweight="bold")
    return figure


def comparison_figures(comparison) -> dict[str, Figure]:
    """Every figure of a comparison, by file name."""
    return {
        "dashboard.png": comparison_dashboard(comparison),
        "throughput.png": comparison_throughput(comparison),
        "workload.png": comparison_workload(comparison),
        "leadtimes.png": comparison_leadtimes(comparison),
        "backlog.png": comparison_backlog(comparison),
    }
