"""The figures of a sweep (a :class:`~orgsim.results.Sweep`): a metric against the varied
parameter, one line per alternative with its 95% CI band and below it the paired difference
to the first alternative, the crossover and every headcount step marked; and the net
benefit of each alternative against the first when a project-week has a value."""

from __future__ import annotations

import textwrap

import numpy as np

from .. import catalogue
from ..results import cost_with_delay
from ..stats import paired_difference
from ..wording import format_number
from .common import Figure, NullFormatter, first_upper, new_figure, scenario_colour

__all__ = ["sweep_figure", "net_benefit_figure", "sweep_figures"]


def sweep_figure(sweep, metric: str, crossover: dict | None = None) -> Figure:
    """``metric`` against the first varied parameter, one line per ``across`` value with its
    95% CI band; below, each ``across`` value minus the first, paired by replication."""
    summary = sweep.summary
    rows = summary[summary["metric"] == metric]
    x_path = next(iter(sweep.vary))
    across_path = next(iter(sweep.across), None)
    labels = sweep.across[across_path] if across_path else [None]
    paired = across_path is not None and len(labels) >= 2
    figure = new_figure(figsize=(10, 8.5 if paired else 6), layout="constrained")
    axes = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2]) if paired else [figure.subplots()]
    top = axes[0]
    others = [p for p in sweep.parameters if p not in (x_path, across_path)]
    for j, label in enumerate(labels):
        frame = rows if label is None else rows[rows[across_path] == label]
        if others:  # more parameters varied: average over them for the plot
            frame = frame.groupby(x_path, as_index=False)[["mean", "ci_low", "ci_high"]].mean()
        frame = frame.sort_values(x_path)
        colour = scenario_colour(j)
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
            colour = scenario_colour(j)
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
        f"{first_upper(catalogue.label(metric))} against {x_path}: {sweep.scenario.name}, {n} replications per point"
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
    value = crossover["value_per_project_week"]
    x_path, across_path = crossover["parameter"], crossover["across"]
    labels = sweep.across[across_path]
    data = sweep.frame
    xs = sorted(sweep.vary[x_path])
    figure = new_figure(figsize=(10, 6), layout="constrained")
    ax = figure.subplots()
    for j, label in enumerate(labels[1:], start=1):
        # base - other: what the alternative saves
        means, lows, highs = _paired_curve(
            data, xs, x_path, across_path, label, labels[0], lambda rows: cost_with_delay(rows, value)
        )
        colour = scenario_colour(j)
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
                texts.append((f"{labels[j]}: {_step_list(own)}", scenario_colour(j)))
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


def sweep_figures(sweep, metric: str = "project_lead_time_weeks_mean", crossover: dict | None = None) -> dict:
    """Every figure of a sweep, by file name: one per plotted metric (``metric`` first, with
    ``crossover`` marked when it is about ``metric``), and the net benefit when the crossover
    has one; none when nothing was varied."""
    if not sweep.vary:
        return {}
    available = set(sweep.frame.columns)
    shown = crossover if crossover and crossover["metric"] == metric else None
    out = {
        f"sweep-{name}.png": sweep_figure(sweep, name, shown if name == metric else None)
        for name in dict.fromkeys((metric, *catalogue.sweep_metrics()))
        if name in available
    }
    if crossover and crossover.get("net_benefit"):
        out["sweep-net-benefit.png"] = net_benefit_figure(sweep, crossover)
    return out
