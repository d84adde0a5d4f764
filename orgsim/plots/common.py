"""What every figure of orgsim shares: matplotlib (imported here and nowhere else in the
package), a new figure on an Agg canvas, the colours of scenarios and structures, titles,
and the small axis helpers (error bars, plain log ticks, a size axis, a line with its CI
band, stacked duties).

Figures are ``matplotlib.figure.Figure`` objects with their own Agg canvas
(:func:`new_figure`): no pyplot, nothing global is touched (not even the backend of a
notebook the user has open) and no window ever opens.  The other modules of
:mod:`orgsim.plots` take matplotlib's names from here.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .. import catalogue, duties
from ..scenario import PRESET_NAMES, preset_colour
from ..stats import summary_value
from ..wording import format_number

__all__ = [
    "Figure",
    "FuncFormatter",
    "NullFormatter",
    "TwoSlopeNorm",
    "SCENARIO_COLOURS",
    "STRUCTURE_ORDER",
    "axis_label",
    "compare_title",
    "duty_legend",
    "error_bars",
    "first_upper",
    "line_with_band",
    "metric_value",
    "new_figure",
    "plain_log_ticks",
    "run_title",
    "scenario_colour",
    "size_axis",
    "stacked_duties",
    "structure_colour",
]


def new_figure(**options) -> Figure:
    """A Figure (``figsize``, ``layout``, ...) on its own Agg canvas: it draws and saves as
    PNG without pyplot and without choosing a backend for anyone else."""
    figure = Figure(**options)
    FigureCanvasAgg(figure)
    return figure


# ------------------------------------------------------------------ colours

SCENARIO_COLOURS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#8c6d31")

# The structures in the order of the PRESETS table of orgsim.scenario, whose rows give each
# its colour (the study's figures, Q2-Q7).
STRUCTURE_ORDER = PRESET_NAMES


def scenario_colour(index: int) -> str:
    """The colour of the ``index``-th scenario (or alternative) of a figure."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def structure_colour(structure: str) -> str:
    """A structure's colour, the same in every figure: its row's in PRESETS (any other name:
    the one colour for 'another structure')."""
    return preset_colour(structure)


# ------------------------------------------------------------------ titles and words


def run_title(results, what: str) -> str:
    """A run's figure title: what it shows, then the scenario, its size and replications."""
    s = results.scenario
    return (
        f"{what}\n{s.name}: {s.org.employees:,} employees, {s.org.structure} structure, "
        f"{len(results.replications)} replications"
    )


def compare_title(comparison, what: str) -> str:
    """A comparison's figure title: what it shows, then the scenarios compared."""
    names = " vs ".join(comparison.names)
    n = len(comparison.results[0].replications)
    return f"{what}\n{names} ({n} replications each, same seed: common random numbers)"


def first_upper(text: str) -> str:
    """'IT manager utilisation' stays as it is; 'project lead time' -> 'Project lead time'."""
    return text[:1].upper() + text[1:]


def axis_label(metric: str) -> str:
    """A metric's name and unit for an axis: 'project lead time (working weeks)'."""
    unit = catalogue.unit(metric)
    return catalogue.label(metric) + (f" ({unit})" if unit else "")


# ------------------------------------------------------------------ values and axes


def metric_value(results, name):
    """(mean, ci_low, ci_high) of one metric of a run."""
    return summary_value(results.summary, name)


def error_bars(mean, low, high):
    """The ``yerr`` of one bar from its CI (none when there is no CI)."""
    if np.isnan(low):
        return [[0.0], [0.0]]
    return [[mean - low], [high - mean]]


def plain_log_ticks(ax) -> None:
    """Log-scale y ticks as plain numbers (0.1, 1, 10), not powers of ten; the ticks
    between powers of ten are labelled only when the axis spans little more than one."""
    formatter = FuncFormatter(lambda value, _position: f"{value:g}")
    ax.yaxis.set_major_formatter(formatter)
    low, high = ax.get_ylim()
    ax.yaxis.set_minor_formatter(formatter if high / max(low, 1e-12) < 30 else NullFormatter())


def size_axis(ax, sizes, log: bool = True) -> None:
    """Sizes on a log axis with ticks at the grid's own values (25, 50, ..., 1,600)."""
    if log:
        ax.set_xscale("log")
    # the limits first: a panel whose data are all missing has nothing to scale by
    ax.set_xlim(sizes[0] / 1.2, sizes[-1] * 1.2) if log else ax.set_xlim(sizes[0], sizes[-1])
    ax.set_xticks(list(sizes), [format_number(v) for v in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("employees (log scale)" if log else "employees")


def line_with_band(ax, frame, x, label, colour, mean="mean", low="ci_low", high="ci_high", marker="o"):
    """A line of ``frame[mean]`` against ``frame[x]`` with its CI as a light band."""
    frame = frame.sort_values(x)
    ax.plot(frame[x], frame[mean], marker=marker, color=colour, label=label)
    ax.fill_between(frame[x], frame[low], frame[high], color=colour, alpha=0.15)


def stacked_duties(ax, x: float, results, role: str, used: set) -> float:
    """One bar of a role's hours per person per week, stacked by duty; returns its top.
    ``used`` collects the duties already in the legend, so each is named once."""
    bottom = 0.0
    for label in duties.BUSY_LABELS:
        mean, _, _ = metric_value(results, f"hours_per_person_week.{role}.{label}")
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


def duty_legend(ax) -> None:
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
