"""Plots: the only module that imports matplotlib, and :func:`save`, which writes a result's
data and its figures into one folder.

Figures are built with ``matplotlib.figure.Figure`` (Agg canvas, no pyplot), so nothing
global is touched and no window ever opens.  Each function takes a
:class:`~orgsim.results.Results`, :class:`~orgsim.results.Comparison` or
:class:`~orgsim.results.Sweep` and returns a Figure; :func:`figures` gives every figure of
one of them by file name.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from . import catalogue, duties
from .monitors import BIN_EDGES, quantile_from_bins
from .results import Comparison, OutputFolder, Results, Sweep
from .stats import format_number, paired_difference, summary_value
from .study import LABELS as STUDY_LABELS

__all__ = [
    "throughput_figure",
    "workload_figure",
    "backlog_figure",
    "leadtimes_figure",
    "comparison_dashboard",
    "comparison_throughput",
    "comparison_workload",
    "comparison_leadtimes",
    "comparison_backlog",
    "sweep_figure",
    "figures",
    "save",
]


def _title(results, what: str) -> str:
    s = results.scenario
    return (
        f"{what}\n{s.name}: {s.org.employees:,} employees, {s.org.structure} structure, "
        f"{len(results.replications)} replications"
    )


def _metric(results, name):
    return summary_value(results.summary, name)


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
        right.legend(loc="lower right")  # the warm-up label stays readable at the top left
    mean, low, high = _metric(results, "projects_per_quarter")
    right.set_title(f"Projects completed, cumulative ({mean:.1f} per quarter)")
    right.set_xlabel("time (working weeks)")
    right.set_ylabel("projects completed")
    figure.suptitle(_title(results, "Throughput"), fontweight="bold")
    return figure


def _stacked_duties(ax, x: float, results, role: str, used: set) -> float:
    """One bar of a role's hours per person per week, stacked by duty; returns its top.
    ``used`` collects the duties already in the legend, so each is named once."""
    bottom = 0.0
    for label in duties.BUSY_LABELS:
        mean, _, _ = _metric(results, f"hours_per_person_week.{role}.{label}")
        if np.isnan(mean) or mean <= 0:
            continue
        ax.bar(
            x,
            mean,
            bottom=bottom,
            color=duties.colour(label),
            edgecolor="white",
            linewidth=0.5,
            label=duties.label(label) if label not in used else None,
        )
        used.add(label)
        bottom += mean
    return bottom


def _duty_legend(ax) -> None:
    """The legend of a stacked-duty chart in the duty table's order (operations, projects,
    management, then setups and multitasking), whatever role drew a duty first."""
    handles, labels = ax.get_legend_handles_labels()
    order = [duties.label(name) for name in duties.BUSY_LABELS]
    pairs = sorted(zip(labels, handles, strict=True), key=lambda pair: order.index(pair[0]) if pair[0] in order else 99)
    ax.legend(
        [h for _, h in pairs],
        [lab for lab, _ in pairs],
        title="duty",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
    )


def workload_figure(results) -> Figure:
    """Hours per person per week by duty, stacked per role, with utilisation."""
    scenario = results.scenario
    roles = [r for r in scenario.roles if scenario.headcounts()[r.name] > 0]
    figure = Figure(figsize=(max(10, 2.0 * len(roles) + 4), 5.5), layout="constrained")
    ax = figure.subplots()
    used = set()
    for i, role in enumerate(roles):
        bottom = _stacked_duties(ax, i, results, role.name, used)
        util, low, high = _metric(results, f"utilisation.{role.name}")
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
    _duty_legend(ax)
    figure.suptitle(_title(results, "Workload by role and duty"), fontweight="bold")
    return figure


def backlog_figure(results) -> Figure:
    """Queue lengths over time: operational duties, and project and management duties."""
    figure = Figure(figsize=(12, 6.5), layout="constrained")
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
    figure.suptitle(_title(results, "Backlog"), fontweight="bold")
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
    figure = Figure(figsize=(12, 5), layout="constrained")
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
            attained, _, _ = _metric(results, f"sla_attainment.{klass.name}")
            above = max(klass.sla_hours, stats[i]["whishi"]) * 1.25  # clear of the target and the whisker
            left.text(i, above, f"{attained:.0%}", ha="center", va="bottom", fontsize=8, color="#de2d26")
        left.set_xticks(range(len(names)), names, rotation=20)
        left.set_yscale("log")
        top = max(max(k.sla_hours for k in classes), max(s["whishi"] for s in stats))
        left.set_ylim(top=top * 3)  # room for the labels above the highest target
        _plain_log_ticks(left)
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
            share, _, _ = _metric(results, f"project_on_time_share.{name}")
            labels.append(f"{name} ({share:.0%} on time)" if not np.isnan(share) else name)
        if samples:
            right.hist(samples, bins=bins, stacked=True, color=shades[: len(samples)], alpha=0.85, label=labels)
        else:
            right.hist(weeks, bins=bins, color="#31a354", alpha=0.8)
        right.set_yscale("log")  # medium projects are few beside the small ones: a log count shows both
        _plain_log_ticks(right)
        mean, low, high = _metric(results, "project_lead_time_weeks_mean")
        right.axvline(mean, color="black", linestyle="--", label=f"mean {mean:.1f} weeks")
        on_time, _, _ = _metric(results, "project_on_time_share")
        right.legend(title=f"{on_time:.0%} on time in all", fontsize=8)
    else:
        right.text(0.5, 0.5, "no project completed after warm-up", ha="center", va="center", transform=right.transAxes)
    right.set_xlabel("project lead time, arrival to closing (working weeks)")
    right.set_ylabel("projects (all replications, log scale)")
    right.set_title("Project lead time")
    figure.suptitle(_title(results, "Lead times"), fontweight="bold")
    return figure


# ------------------------------------------------------------------ comparisons

_SCENARIO_COLOURS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#8c6d31")


def _compare_title(comparison, what: str) -> str:
    names = " vs ".join(comparison.names)
    n = len(comparison.results[0].replications)
    return f"{what}\n{names} ({n} replications each, same seed: common random numbers)"


def _bars_with_ci(ax, comparison, metrics, labels):
    """Grouped bars: one group per metric, one bar per scenario, 95% CI whiskers."""
    count = len(comparison.results)
    width = 0.8 / count
    for j, result in enumerate(comparison.results):
        for i, metric in enumerate(metrics):
            mean, low, high = _metric(result, metric)
            ax.bar(
                i + (j - (count - 1) / 2) * width,
                mean,
                width,
                yerr=_error(mean, low, high),
                capsize=3,
                color=_SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)],
                label=result.scenario.name if i == 0 else None,
            )
    ax.set_xticks(range(len(metrics)), labels, rotation=15)


def _first_upper(text: str) -> str:
    """'IT manager utilisation' stays as it is; 'project lead time' -> 'Project lead time'."""
    return text[:1].upper() + text[1:]


def _plain_log_ticks(ax) -> None:
    """Log-scale y ticks as plain numbers (0.1, 1, 10), not powers of ten; the ticks
    between powers of ten are labelled only when the axis spans little more than one."""
    formatter = FuncFormatter(lambda value, _position: f"{value:g}")
    ax.yaxis.set_major_formatter(formatter)
    low, high = ax.get_ylim()
    ax.yaxis.set_minor_formatter(formatter if high / max(low, 1e-12) < 30 else NullFormatter())


_SHORT_UNITS = {"working weeks": " wk", "working hours": " h", "hours per week": " h/wk", "currency per week": "/wk"}
_VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#b42318"}


def _difference_note(row, metric) -> tuple[str, str]:
    """A bar's label under its mean: the paired difference to the baseline and a short verdict."""
    d = row["mean_difference"]
    if metric.share:
        amount = f"{d * 100:+.1f} pts"
    else:
        amount = format_number(d, signed=True) + _SHORT_UNITS.get(metric.unit, "")
    verdict = row["verdict"]
    short = verdict if verdict in ("better", "worse") else "n.s." if not row["significant"] else "below MID"
    if verdict.startswith("significant ("):
        short = "differs"
    return f"{amount}\n{short}", _VERDICT_COLOURS.get(verdict, "0.35")


def _all_zero(values) -> bool:
    return all((np.isnan(mean) or mean == 0) and (np.isnan(high) or high == 0) for mean, _, high in values)


def comparison_dashboard(comparison) -> Figure:
    """The headline metrics side by side with 95% CIs, one panel each.  Above every bar its
    mean; above every bar after the first, also its paired difference to the first and the
    verdict (better or worse: the CI excludes zero and the difference exceeds the metric's
    minimal important difference; below MID: significant but smaller; n.s.: not significant).
    Panels whose values are all zero (no rework anywhere) are left out and the grid reflows."""
    names = comparison.names
    count = len(names)
    panels = []
    for metric in catalogue.dashboard():
        values = [_metric(result, metric.pattern) for result in comparison.results]
        if not _all_zero(values):
            panels.append((metric, values))
    columns = max(1, len(panels) if len(panels) <= 3 else 2 if len(panels) == 4 else 3)
    rows = max(1, -(-len(panels) // columns))
    panel_width = max(4.4, 1.0 * count + 1.4)
    figure = Figure(figsize=(columns * panel_width, 3.7 * rows + 1.6), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for spare in axes[len(panels) :]:
        spare.remove()
    differences = comparison.differences
    for ax, (metric, values) in zip(axes, panels, strict=False):
        found = differences[differences["metric"] == metric.pattern] if not differences.empty else differences
        by_scenario = {row["scenario"]: row for _, row in found.iterrows()}
        tops = []
        for j, (mean, low, high) in enumerate(values):
            ax.bar(j, mean, yerr=_error(mean, low, high), capsize=4, color=_SCENARIO_COLOURS[j % 7], width=0.6)
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
        ax.set_title(_first_upper(metric.label), fontsize=10, fontweight="bold")
        ax.set_xticks(range(count), [textwrap.fill(n, 12) for n in names], fontsize=8)
        ax.set_xlim(-0.6, count - 0.4)
        ax.set_ylabel(metric.unit)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v)))
    heading = _compare_title(comparison, "Dashboard: headline metrics (95% CI)")
    wrap = int(columns * panel_width * 7.5)  # characters of the bold heading per line that fit
    figure.suptitle("\n".join(textwrap.fill(line, wrap) for line in heading.splitlines()), fontweight="bold")
    omitted = [m.label for m in catalogue.dashboard() if m not in [p[0] for p in panels]]
    key = (
        f"Above each bar: its mean; above the others, the difference to {names[0]} (paired by replication) and"
        " its verdict. better/worse: the 95% CI excludes 0 and the difference exceeds the metric's minimal"
        " important difference (MID); below MID: significant but smaller; n.s.: not significant."
        + (f" Not shown (zero everywhere): {', '.join(omitted)}." if omitted else "")
    )
    figure.supxlabel(textwrap.fill(key, int(columns * panel_width * 13)), fontsize=8, color="0.25")
    return figure


def comparison_throughput(comparison) -> Figure:
    figure = Figure(figsize=(13, 5), layout="constrained")
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
    figure.suptitle(_compare_title(comparison, "Throughput"), fontweight="bold")
    return figure


def comparison_workload(comparison) -> Figure:
    """Hours per person per week by duty for every role of every scenario, side by side."""
    columns = []
    for result in comparison.results:
        counts = result.scenario.headcounts()
        for role in result.scenario.roles:
            if counts[role.name] > 0:
                columns.append((result, role))
    figure = Figure(figsize=(max(10, 1.1 * len(columns) + 4), 6), layout="constrained")
    ax = figure.subplots()
    used = set()
    for x, (result, role) in enumerate(columns):
        bottom = _stacked_duties(ax, x, result, role.name, used)
        util, _, _ = _metric(result, f"utilisation.{role.name}")
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
    _duty_legend(ax)
    figure.suptitle(_compare_title(comparison, "Workload by role and duty"), fontweight="bold")
    return figure


def comparison_leadtimes(comparison) -> Figure:
    figure = Figure(figsize=(13, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[2, 1])
    classes = [c.name for c in comparison.results[0].scenario.tickets.classes if c.share > 0]
    _bars_with_ci(left, comparison, [f"ticket_resolution_hours_mean.{c}" for c in classes], classes)
    left.set_ylabel("mean resolution time (working hours)")
    left.set_xlabel("ticket class")
    left.set_yscale("log")
    _plain_log_ticks(left)
    left.set_title("Ticket resolution time by class (95% CI)")
    left.legend()
    _bars_with_ci(
        right, comparison, ["project_lead_time_weeks_mean", "project_lead_time_weeks_p90"], ["mean", "90th percentile"]
    )
    right.set_ylabel("project lead time (working weeks)")
    right.set_title("Project lead time (95% CI)")
    figure.suptitle(_compare_title(comparison, "Lead times"), fontweight="bold")
    return figure


def comparison_backlog(comparison) -> Figure:
    figure = Figure(figsize=(13, 6), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    for j, result in enumerate(comparison.results):
        colour = _SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)]
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
    figure.suptitle(_compare_title(comparison, "Backlog"), fontweight="bold")
    return figure


# ------------------------------------------------------------------ sweeps


def sweep_figure(sweep, metric: str, crossover: dict | None = None) -> Figure:
    """``metric`` against the first varied parameter, one line per ``across`` value with its
    95% CI band; below, each ``across`` value minus the first, paired by replication."""
    summary = sweep.summary
    rows = summary[summary["metric"] == metric]
    x_path = next(iter(sweep.vary))
    across_path = next(iter(sweep.across), None)
    labels = sweep.across[across_path] if across_path else [None]
    paired = across_path is not None and len(labels) >= 2
    figure = Figure(figsize=(10, 8.5 if paired else 6), layout="constrained")
    axes = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2]) if paired else [figure.subplots()]
    top = axes[0]
    others = [p for p in sweep.parameters if p not in (x_path, across_path)]
    for j, label in enumerate(labels):
        frame = rows if label is None else rows[rows[across_path] == label]
        if others:  # more parameters varied: average over them for the plot
            frame = frame.groupby(x_path, as_index=False)[["mean", "ci_low", "ci_high"]].mean()
        frame = frame.sort_values(x_path)
        colour = _SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)]
        top.plot(
            frame[x_path], frame["mean"], marker="o", color=colour, label=str(label if label is not None else metric)
        )
        top.fill_between(frame[x_path], frame["ci_low"], frame["ci_high"], color=colour, alpha=0.15)
    unit = catalogue.unit(metric)
    top.set_ylabel(catalogue.label(metric) + (f" ({unit})" if unit else ""))
    top.legend(title=across_path)
    top.set_title("mean and 95% CI of each alternative")
    if paired:
        bottom = axes[1]
        data = sweep.frame
        xs = sorted(sweep.vary[x_path])
        for j, label in enumerate(labels[1:], start=1):
            means, lows, highs = _paired_curve(
                data, xs, x_path, across_path, labels[0], label, lambda rows: rows[metric].to_numpy()
            )
            colour = _SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)]
            bottom.plot(xs, means, marker="o", color=colour, label=f"{label} - {labels[0]}")
            bottom.fill_between(xs, lows, highs, color=colour, alpha=0.25)
        bottom.axhline(0, color="black", linewidth=0.8)
        bottom.set_ylabel(f"difference ({unit})" if unit else "difference")
        bottom.set_title("paired difference to the first alternative (same arrivals), 95% CI")
        bottom.legend(loc="best")
    if crossover:
        for pair in crossover["pairs"]:
            if pair.get("crossover") is not None and not pair.get("whole_range"):
                for ax in axes:
                    ax.axvline(pair["crossover"], color="black", linestyle="--", linewidth=1)
                    ax.axvspan(pair["ci_low"], pair["ci_high"], color="0.6", alpha=0.2)
                top.text(
                    pair["crossover"], top.get_ylim()[1], f" crossover ~{pair['crossover']:,.0f}", va="top", fontsize=9
                )
    grid_values = sorted(v for v in sweep.vary[x_path] if isinstance(v, (int, float)) and not isinstance(v, bool))
    if grid_values and not others:
        _mark_headcount_steps(axes, sweep, labels, x_path in sweep.log_scale)
    for ax in axes:
        if x_path in sweep.log_scale:
            ax.set_xscale("log")
        if grid_values:  # ticks at the grid's own values, as plain numbers (25, 50, ..., 1,600)
            ax.set_xticks(grid_values, [format_number(v) for v in grid_values])
            ax.xaxis.set_minor_formatter(NullFormatter())
    x_label = {"org.employees": "employees"}.get(x_path, x_path)
    axes[-1].set_xlabel(x_label + (" (log scale)" if x_path in sweep.log_scale else ""))
    n = len(sweep.results[0].replications)
    heading = (
        f"{_first_upper(catalogue.label(metric))} against {x_path}: {sweep.scenario.name}, {n} replications per point"
    )
    size = "large"
    if crossover and crossover["metric"] == metric:  # a sentence names every region and step: wrapped, smaller
        heading += "\n" + "\n".join(textwrap.fill(p["sentence"], 125) for p in crossover["pairs"])
        size = "medium"
    figure.suptitle(heading, fontweight="bold", fontsize=size)
    return figure


def _paired_curve(data, xs, x_path, across_path, first, second, values):
    """At each grid value, the paired difference ``values(second) - values(first)`` over the
    replications (``values`` reads an array from the rows of one alternative): means, CI lows
    and CI highs."""
    means, lows, highs = [], [], []
    for x in xs:
        at = data[data[x_path] == x]
        a = values(at[at[across_path] == first].sort_values("replication"))
        b = values(at[at[across_path] == second].sort_values("replication"))
        row = paired_difference(a, b)
        means.append(row["mean_difference"])
        lows.append(row["ci_low"])
        highs.append(row["ci_high"])
    return means, lows, highs


def net_benefit_figure(sweep, crossover: dict) -> Figure:
    """The net benefit a week of each ``across`` value against the first (the project-weeks it
    saves valued at ``value_per_project_week``, minus its extra staff cost), mean and 95% CI
    paired by replication, against the varied parameter, with its crossover marked."""
    from .results import cost_with_delay

    value = crossover["value_per_project_week"]
    x_path, across_path = crossover["parameter"], crossover["across"]
    labels = sweep.across[across_path]
    data = sweep.frame
    xs = sorted(sweep.vary[x_path])
    figure = Figure(figsize=(10, 6), layout="constrained")
    ax = figure.subplots()
    for j, label in enumerate(labels[1:], start=1):
        # base - other: what the alternative saves
        means, lows, highs = _paired_curve(
            data, xs, x_path, across_path, label, labels[0], lambda rows: cost_with_delay(rows, value)
        )
        colour = _SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)]
        ax.plot(xs, means, marker="o", color=colour, label=f"{label} against {labels[0]}")
        ax.fill_between(xs, lows, highs, color=colour, alpha=0.25)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("net benefit (currency per week)")
    ax.set_title(
        f"project-weeks saved x {format_number(value)} a project-week, minus the extra staff cost; 95% CI"
        " paired by replication"
    )
    ax.legend(loc="best")
    for pair in crossover["net_benefit"]["pairs"]:
        if pair.get("crossover") is not None and not pair.get("whole_range"):
            ax.axvline(pair["crossover"], color="black", linestyle="--", linewidth=1)
            ax.axvspan(pair["ci_low"], pair["ci_high"], color="0.6", alpha=0.2)
            ax.text(pair["crossover"], ax.get_ylim()[1], f" crossover ~{pair['crossover']:,.0f}", va="top", fontsize=9)
    if x_path in sweep.log_scale:
        ax.set_xscale("log")
    ax.set_xticks(xs, [format_number(v) for v in xs])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(
        {"org.employees": "employees"}.get(x_path, x_path) + (" (log scale)" if x_path in sweep.log_scale else "")
    )
    n = len(sweep.results[0].replications)
    heading = f"Net benefit against {x_path}: {sweep.scenario.name}, {n} replications per point\n"
    heading += "\n".join(textwrap.fill(p["sentence"], 125) for p in crossover["net_benefit"]["pairs"])
    figure.suptitle(heading, fontweight="bold", fontsize="medium")
    return figure


def _mark_headcount_steps(axes, sweep, labels, log_x: bool) -> None:
    """A light dotted line at every grid value where some role's headcount steps, labelled
    along the line (on its left) with the roles and their counts before and after: in an
    alternative's colour where only it hires so, in grey where every alternative hires
    alike.  Where grid values lie close together only the labels that fit in the gap to the
    previous one are written, an alternative's own steps first."""
    per_label = [sweep.headcount_steps(label) for label in labels]
    at: dict = {}
    for j, steps in enumerate(per_label):
        for step in steps:
            at.setdefault(step["x"], {}).setdefault(j, []).append(step)
    grid = sorted(float(x) for x in sweep.vary[next(iter(sweep.vary))])
    scale = np.log if log_x else np.asarray
    span = float(scale(grid[-1]) - scale(grid[0]))
    for x, by_label in sorted(at.items()):
        for ax in axes:  # a collection, not a Line2D: get_lines() stays the data
            ax.vlines(x, 0, 1, transform=ax.get_xaxis_transform(), colors="0.6", linestyles=":", linewidth=1, zorder=0)
        keys = {j: {(s["role"], s["before"], s["after"]) for s in steps} for j, steps in by_label.items()}
        shared = set.intersection(*keys.values()) if len(keys) == len(labels) else set()
        texts = []
        for j, steps in sorted(by_label.items()):
            own = [key for key in ((s["role"], s["before"], s["after"]) for s in steps) if key not in shared]
            if own:
                texts.append((f"{labels[j]}: {_step_list(own)}", _SCENARIO_COLOURS[j % len(_SCENARIO_COLOURS)]))
        if shared:
            prefix = "all: " if len(labels) > 1 else ""
            texts.append((prefix + _step_list(sorted(shared, key=_role_order(by_label))), "0.35"))
        previous = max(g for g in grid if g < float(x))
        room = 560 * float(scale(float(x)) - scale(previous)) / span if span > 0 else 0  # points on a 10-inch figure
        for k, (text, colour) in enumerate(texts[: int((room - 2) // 9)]):
            axes[0].annotate(
                text,
                xy=(x, 0.02),
                xycoords=("data", "axes fraction"),
                xytext=(-2 - 9 * k, 0),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="bottom",
                fontsize=7,
                color=colour,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.3},
            )


def _role_order(by_label: dict):
    order = {s["role"]: i for steps in by_label.values() for i, s in enumerate(steps)}
    return lambda key: order.get(key[0], 0)


def _step_list(steps) -> str:
    return ", ".join(f"{role} {before}\N{RIGHTWARDS ARROW}{after}" for role, before, after in steps)


# ------------------------------------------------------------------ every figure, and saving


def figures(result, metric: str = "project_lead_time_weeks_mean", crossover: dict | None = None) -> dict:
    """Every figure of a result, by file name: four for a run, five for a comparison, one per
    plotted metric for a sweep (``metric`` first, with ``crossover`` marked)."""
    if isinstance(result, Results):
        return {
            "throughput.png": throughput_figure(result),
            "workload.png": workload_figure(result),
            "backlog.png": backlog_figure(result),
            "leadtimes.png": leadtimes_figure(result),
        }
    if isinstance(result, Comparison):
        return {
            "dashboard.png": comparison_dashboard(result),
            "throughput.png": comparison_throughput(result),
            "workload.png": comparison_workload(result),
            "leadtimes.png": comparison_leadtimes(result),
            "backlog.png": comparison_backlog(result),
        }
    if isinstance(result, Sweep):
        if not result.vary:
            return {}
        available = set(result.frame.columns)
        shown = crossover if crossover and crossover["metric"] == metric else None
        out = {
            f"sweep-{name}.png": sweep_figure(result, name, shown if name == metric else None)
            for name in dict.fromkeys((metric, *catalogue.sweep_metrics()))
            if name in available
        }
        if crossover and crossover.get("net_benefit"):
            out["sweep-net-benefit.png"] = net_benefit_figure(result, crossover)
        return out
    raise TypeError(f"no figures for {type(result).__name__}")


def save(
    result, directory, plots: bool = True, metric: str = "project_lead_time_weeks_mean", value_per_project_week=None
):
    """Write a result's data (and, with ``plots``, its figures) as the folder ``directory``:
    built beside it and swapped in whole (:meth:`OutputFolder.replace`), so the folder holds
    this result's files and no other, or, if writing fails, stays as it was.  Its run cache
    ``.runs/`` is kept.  Returns the paths written (and, for a sweep, the crossover)."""
    with OutputFolder.replace(directory) as folder:
        if isinstance(result, Sweep):
            crossover = result.write(folder, metric, value_per_project_week)
            if plots:
                for name, figure in figures(result, metric, crossover).items():
                    folder.figure(name, figure)
        else:
            crossover = None
            result.write(folder)
            if plots:
                for name, figure in figures(result).items():
                    folder.figure(name, figure)
    return (folder.written, crossover) if isinstance(result, Sweep) else folder.written


# ------------------------------------------------------------------ the study's figures
# Each figure is drawn from one of the study's tables (the CSV beside the report), never
# from anything else, so that what a reader sees is what the files hold.

_STRUCTURE_ORDER = ("combined", "separate", "pmo", "embedded", "no_pm")


def _study_label(metric: str) -> str:
    """A study measure's name: the catalogue's, or the study's own (:data:`orgsim.study.LABELS`)."""
    return STUDY_LABELS.get(metric) or catalogue.label(metric)


def _structure_colour(structure: str) -> str:
    index = _STRUCTURE_ORDER.index(structure) if structure in _STRUCTURE_ORDER else len(_STRUCTURE_ORDER)
    return _SCENARIO_COLOURS[index % len(_SCENARIO_COLOURS)]


def _size_axis(ax, sizes, log: bool = True) -> None:
    """Sizes on a log axis with ticks at the grid's own values (25, 50, ..., 1,600)."""
    if log:
        ax.set_xscale("log")
    # the limits first: a panel whose data are all missing has nothing to scale by
    ax.set_xlim(sizes[0] / 1.2, sizes[-1] * 1.2) if log else ax.set_xlim(sizes[0], sizes[-1])
    ax.set_xticks(list(sizes), [format_number(v) for v in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("employees (log scale)" if log else "employees")


def _line_with_band(ax, frame, x, label, colour, mean="mean", low="ci_low", high="ci_high", marker="o"):
    frame = frame.sort_values(x)
    ax.plot(frame[x], frame[mean], marker=marker, color=colour, label=label)
    ax.fill_between(frame[x], frame[low], frame[high], color=colour, alpha=0.15)


def _axis_label(metric: str) -> str:
    unit = catalogue.unit(metric)
    return catalogue.label(metric) + (f" ({unit})" if unit else "")


def study_tradeoffs_figure(study) -> Figure:
    """tradeoffs.csv: the answer's metrics against size, one line per structure (answer's culture)."""
    table = study.tradeoffs()
    table = table[table["culture"] == study.plan.culture]
    metrics = list(dict.fromkeys(table["metric"]))
    figure = Figure(figsize=(15, 7.5), layout="constrained")
    axes = figure.subplots(2, 4).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        rows = table[table["metric"] == metric]
        for structure in study.plan.structures:
            _line_with_band(
                ax, rows[rows["structure"] == structure], "employees", structure, _structure_colour(structure)
            )
        ax.set_title(_first_upper(catalogue.label(metric)), fontsize="medium")
        ax.set_ylabel(_axis_label(metric), fontsize="small")
        _size_axis(ax, study.plan.sizes)
        if catalogue.unit(metric) in ("working weeks",) and (rows["mean"] > 0).all():
            ax.set_ylim(bottom=0)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].legend(title="structure", fontsize="small")
    figure.suptitle(
        f"Trade-offs against size: {study.scenario.name}, {study.plan.culture}, mean and 95% CI of "
        f"{study.plan.replications} replications per point",
        fontweight="bold",
    )
    return figure


def study_net_benefit_figure(study) -> Figure:
    """net_benefit.csv: what each structure costs beyond combined, what it saves in project-weeks,
    and (valued) its net benefit, or (not valued) the value of a project-week it needs to pay."""
    table = study.net_benefit()
    valued = study.value_per_project_week > 0
    figure = Figure(figsize=(13, 4.8), layout="constrained")
    axes = figure.subplots(1, 3)
    panels = [
        ("extra_staff_cost", "extra staff cost against combined (currency per week)"),
        ("project_weeks_saved", "project-weeks saved per week against combined"),
        ("net_benefit", "net benefit against combined (currency per week)")
        if valued
        else ("break_even_value", "break-even value of a project-week (currency)"),
    ]
    for ax, (column, title) in zip(axes, panels, strict=True):
        for structure in study.plan.structures[1:]:
            rows = table[table["structure"] == structure].sort_values("employees")
            colour = _structure_colour(structure)
            if f"{column}_ci_low" in rows:
                _line_with_band(
                    ax, rows, "employees", structure, colour, column, f"{column}_ci_low", f"{column}_ci_high"
                )
            else:
                ax.plot(rows["employees"], rows[column], marker="o", color=colour, label=structure)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(title, fontsize="medium")
        _size_axis(ax, study.plan.sizes)
    if not valued:
        axes[2].text(
            0.98,
            0.98,
            "a project-week worth more than the curve:\nthe structure pays; no point: it saves\nno project-weeks",
            transform=axes[2].transAxes,
            va="top",
            ha="right",
            fontsize="small",
        )
    axes[0].legend(title="structure", fontsize="small")
    what = (
        f"a project-week valued at {format_number(study.value_per_project_week)}"
        if valued
        else "no value of a project-week given (--value-per-project-week)"
    )
    figure.suptitle(f"Cost and benefit of each structure against combined: {what}", fontweight="bold")
    return figure


def study_it_manager_figure(study) -> Figure:
    """it_manager_hours.csv: hours per IT manager per week by duty, at every size (Q1, Q5)."""
    table = study.it_manager_hours()
    figure = Figure(figsize=(13, 5.2), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    used: set = set()
    positions = list(range(len(study.plan.sizes)))
    for ax, structure in zip(axes, ("combined", "separate"), strict=True):
        rows = table[table["structure"] == structure]
        bottom = np.zeros(len(positions))
        for duty in duties.BUSY_LABELS:
            values = np.array(
                [rows[(rows["employees"] == n) & (rows["duty"] == duty)]["mean"].sum() for n in study.plan.sizes]
            )
            if not values.any():
                continue
            ax.bar(positions, values, bottom=bottom, color=duties.colour(duty), label=duties.label(duty), width=0.7)
            bottom += values
            used.add(duty)
        ax.set_xticks(positions, [format_number(n) for n in study.plan.sizes])
        ax.set_xlabel("employees")
        ax.set_title(f"{structure}: one IT manager's week", fontsize="medium")
    axes[0].set_ylabel("hours per IT manager per week")
    handles, labels = axes[0].get_legend_handles_labels()
    more_handles, more_labels = axes[1].get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    seen.update({k: v for k, v in zip(more_labels, more_handles, strict=True) if k not in seen})
    figure.legend(seen.values(), seen.keys(), loc="outside right upper", fontsize="small", title="duty")
    figure.suptitle("Where the IT manager's hours go, by size (mean of replications)", fontweight="bold")
    return figure


def study_q1_figure(study) -> Figure:
    """q1.csv: every role's busy hours by family of duty, combined and separate."""
    table = study.questions()["Q1"]["table"]
    families = ("operations", "project", "management")
    colours = {"operations": "#4c72b0", "project": "#dd8452", "management": "#55a868"}
    figure = Figure(figsize=(12, 4.6), layout="constrained")
    axes = figure.subplots(1, 2, sharex=True)
    for ax, structure in zip(axes, ("combined", "separate"), strict=True):
        rows = table[table["structure"] == structure]
        roles = list(dict.fromkeys(rows["role"]))
        left = np.zeros(len(roles))
        for family in families:
            values = np.array([rows[(rows["role"] == r) & (rows["family"] == family)]["share"].sum() for r in roles])
            ax.barh(roles, values, left=left, color=colours[family], label=family)
            left += values
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the role's busy hours")
        ax.set_title(f"{structure} at {format_number(study.plan.reference_size)} employees", fontsize="medium")
    axes[0].legend(fontsize="small")
    figure.suptitle("Q1: two disciplines: where each role's hours go", fontweight="bold")
    return figure


def _bars(ax, categories, means, lows, highs, colours):
    """Bars with their 95% CI as error bars (none when ``lows`` is None)."""
    positions = np.arange(len(categories))
    means = np.asarray(means, dtype=float)
    error = None
    if lows is not None:
        error = np.vstack([means - np.asarray(lows, dtype=float), np.asarray(highs, dtype=float) - means])
        error = np.nan_to_num(np.clip(error, 0, None))
    ax.bar(positions, np.nan_to_num(means), color=colours, yerr=error, capsize=4)
    ax.set_xticks(positions, categories)
    for x, mean in zip(positions, means, strict=True):
        ax.annotate(format_number(mean), (x, 0), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)


def study_q2_figure(study) -> Figure:
    """q2.csv: combined against separate at the smallest size, on the answer's metrics."""
    table = study.questions()["Q2"]["table"]
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(table))
    for ax, row in zip(np.atleast_1d(axes), table.itertuples(), strict=True):
        _bars(
            ax,
            ["combined", "separate"],
            [row.combined, row.separate],
            None,
            None,
            [_structure_colour("combined"), _structure_colour("separate")],
        )
        ax.set_title(textwrap.fill(_first_upper(catalogue.label(row.metric)), 24), fontsize="small")
        ax.set_xlabel(textwrap.fill(row.verdict_for_separate, 28), fontsize="x-small")
    figure.suptitle(
        f"Q2: combined against separate at {format_number(study.plan.sizes[0])} employees (means; the verdict is "
        "the paired difference against its minimal important difference)",
        fontweight="bold",
    )
    return figure


def study_q3_figure(study) -> Figure:
    """q3.csv: separate's lead-time advantage over combined against size, per culture."""
    table = study.questions()["Q3"]["table"]
    figure = Figure(figsize=(10, 5), layout="constrained")
    ax = figure.subplots()
    for j, culture in enumerate(dict.fromkeys(table["culture"])):
        rows = table[table["culture"] == culture]
        _line_with_band(
            ax,
            rows,
            "employees",
            culture.replace("_", " "),
            _SCENARIO_COLOURS[j + 5],
            "separate_advantage_weeks",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("combined - separate project lead time (weeks)\n> 0: separate faster")
    _size_axis(ax, study.plan.sizes)
    ax.legend(title="culture")
    figure.suptitle("Q3: size and culture: separate's lead-time advantage, paired, 95% CI", fontweight="bold")
    return figure


def study_q4_figure(study) -> Figure:
    """q4.csv: one ERP rollout in a small firm, combined and separate, with and without it."""
    table = study.questions()["Q4"]["table"]
    metrics = list(dict.fromkeys(table["metric"]))
    figure = Figure(figsize=(13, 4.4), layout="constrained")
    axes = figure.subplots(1, len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = table[table["metric"] == metric]
        labels, means, lows, highs, colours = [], [], [], [], []
        for row in rows.itertuples():
            labels.append(f"{row.structure}\n{row.erp} ERP")
            means.append(row.mean)
            lows.append(row.ci_low)
            highs.append(row.ci_high)
            colours.append(_structure_colour(row.structure) if row.erp == "with" else "#bbbbbb")
        _bars(ax, labels, means, lows, highs, colours)
        ax.tick_params(axis="x", labelsize=7)
        title = "ERP rollout lead time" if metric.endswith(".erp") else _study_label(metric)
        ax.set_title(textwrap.fill(_first_upper(title), 30), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(
        f"Q4: one ERP rollout in a {format_number(study.plan.small_firm)}-employee firm (grey: without it)",
        fontweight="bold",
    )
    return figure


def _structure_bars_figure(table, title: str) -> Figure:
    metrics = list(dict.fromkeys(table["metric"]))
    figure = Figure(figsize=(13, 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(metrics)))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = table[table["metric"] == metric]
        _bars(
            ax,
            list(rows["structure"]),
            rows["mean"],
            rows["ci_low"],
            rows["ci_high"],
            [_structure_colour(s) for s in rows["structure"]],
        )
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(textwrap.fill(_first_upper(_study_label(metric)), 30), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(title, fontweight="bold")
    return figure


def study_q6_figure(study) -> Figure:
    """q6.csv: every structure at the reference size."""
    return _structure_bars_figure(
        study.questions()["Q6"]["table"],
        f"Q6: every structure at {format_number(study.plan.reference_size)} employees, mean and 95% CI",
    )


def study_q7_figure(study) -> Figure:
    """q7.csv: PMs reporting to the IT manager (separate) against PMs outside IT (embedded)."""
    return _structure_bars_figure(
        study.questions()["Q7"]["table"],
        f"Q7: reporting lines at {format_number(study.plan.reference_size)} employees: separate against embedded",
    )


def study_q8_figure(study) -> Figure:
    """q8.csv: lead time, rework and on-time share against role clarity under separate."""
    table = study.questions()["Q8"]["table"]
    metrics = list(dict.fromkeys(table["metric"]))
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        _line_with_band(ax, table[table["metric"] == metric], "role_clarity", "separate", _structure_colour("separate"))
        ax.set_xlabel(
            f"role clarity (0: a joint decision waits {format_number(study.scenario.projects.decision_latency_hours)}"
            " working hours; 1: no wait)",
            fontsize="small",
        )
        ax.set_title(textwrap.fill(_first_upper(catalogue.label(metric)), 40), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(
        f"Q8: role clarity under separate at {format_number(study.plan.reference_size)} employees, mean and 95% CI",
        fontweight="bold",
    )
    return figure


def study_sensitivity_figure(study) -> Figure:
    """sensitivity.csv: the crossover of separate against combined, one parameter at a time."""
    table = study.sensitivity()
    figure = Figure(figsize=(11, 0.55 * len(table) + 1.8), layout="constrained")
    ax = figure.subplots()
    labels = [
        "base case" if row.parameter == "base case" else f"{row.parameter} = {row.value}" for row in table.itertuples()
    ]
    positions = np.arange(len(table))[::-1]
    sizes = study.plan.sensitivity_sizes
    for y, row in zip(positions, table.itertuples(), strict=True):
        if np.isfinite(row.crossover):
            ax.plot([row.ci_low, row.ci_high], [y, y], color="0.4", linewidth=3, solid_capstyle="butt")
            ax.plot([row.crossover], [y], "o", color="black")
            text = f" from ~{format_number(row.crossover)}"
        else:
            text = (
                f" {row.winner} better from {format_number(row.practical_from)}"
                if row.winner != "neither"
                else " neither practically better at the top of the range"
            )
        ax.annotate(text, (sizes[0], y), xytext=(2, 4), textcoords="offset points", fontsize=8)
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.7, len(table) - 0.3)
    _size_axis(ax, sizes)
    ax.set_xlim(sizes[0] / 1.2, sizes[-1] * 1.2)
    figure.suptitle(
        "Where one of combined and separate starts to beat the other on project lead time, one parameter at a "
        "time\n(dot: estimate; "
        f"bar: 95% CI; {study.plan.replications} replications per point, "
        f"{format_number(study.plan.sensitivity_sizes[0])}-"
        f"{format_number(study.plan.sensitivity_sizes[-1])} employees)",
        fontweight="bold",
        fontsize="medium",
    )
    return figure


def study_figures(study) -> dict[str, Figure]:
    """Every figure of the study report, by name; each is drawn from the CSV of the same stem
    (``tradeoffs`` from tradeoffs.csv, ``q4`` from q4.csv; Q5 from it_manager_hours.csv)."""
    return {
        "tradeoffs": study_tradeoffs_figure(study),
        "net_benefit": study_net_benefit_figure(study),
        "q1": study_q1_figure(study),
        "q2": study_q2_figure(study),
        "q3": study_q3_figure(study),
        "q4": study_q4_figure(study),
        "q5": study_it_manager_figure(study),
        "q6": study_q6_figure(study),
        "q7": study_q7_figure(study),
        "q8": study_q8_figure(study),
        "sensitivity": study_sensitivity_figure(study),
    }
