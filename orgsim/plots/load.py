"""The study's figure of the answer in load per IT manager (manager_load.csv): separate's
lead-time advantage over combined against the load on one IT manager under combined (reports
per IT manager; projects per IT manager per year), one line per span of control."""

from __future__ import annotations

import numpy as np

from .. import catalogue
from ..wording import format_number
from .common import Figure, new_figure, scenario_colour

__all__ = ["manager_load_figure"]

_PANELS = (
    ("reports_per_it_manager", "reports per IT manager (combined)"),
    ("projects_per_it_manager_per_year", "projects per IT manager per year (combined)"),
)


def manager_load_figure(table, facts) -> Figure:
    """manager_load.csv: separate's advantage (combined - separate project lead time, paired,
    95% CI) against the load on one IT manager, one line per span of control (in size order,
    each point labelled with its employees); a point where either structure is over capacity
    has no lead time: an x on the top edge."""
    figure = new_figure(figsize=(13, 5.2), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    mid = catalogue.minimal_difference("project_lead_time_weeks_mean").value
    spans = sorted(dict.fromkeys(table["span_of_control"]))
    finite = table["ci_high"].to_numpy(dtype=float)
    top = np.nanmax(finite) if np.isfinite(finite).any() else 1.0
    for ax, (column, label) in zip(axes, _PANELS, strict=True):
        labelled: set = set()  # a point two spans share (the same run) is labelled once
        for j, span in enumerate(spans):
            rows = table[table["span_of_control"] == span].sort_values("employees")
            colour = scenario_colour(j)
            # spans that hire the same people share a point: a small dodge keeps each line visible
            x = rows[column].to_numpy(dtype=float) + (j - (len(spans) - 1) / 2) * 0.015 * table[column].max()
            y = rows["separate_advantage_weeks"].to_numpy(dtype=float)
            error = np.vstack([y - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - y])
            ax.errorbar(
                x,
                y,
                yerr=np.nan_to_num(np.clip(error, 0, None)),
                color=colour,
                marker="os^Dv"[j % 5],
                capsize=3,
                label=f"one IT manager per {span} reports",
            )
            over = ~np.isfinite(y)
            if over.any():
                ax.plot(x[over], np.full(over.sum(), top * 1.1 + 1), "x", color=colour, markersize=10, mew=2)
            for xi, yi, n, raw in zip(
                x, np.where(over, top * 1.1 + 1, y), rows["employees"], rows[column], strict=True
            ):
                if (n, raw, yi) in labelled:
                    continue
                labelled.add((n, raw, yi))
                ax.annotate(
                    format_number(n), (xi, yi), xytext=(4, 4), textcoords="offset points", fontsize=7, color=colour
                )
        ax.axhline(0, color="black", linewidth=0.8)
        for level in (mid, -mid):
            ax.axhline(level, color="0.5", linewidth=0.8, linestyle="--")
        ax.set_xlabel(label)
        ax.set_ylim(bottom=min(-mid * 2, float(np.nanmin(table["ci_low"])) if table["ci_low"].notna().any() else 0))
        ax.set_ylim(top=top * 1.1 + 2)
    axes[0].set_ylabel("combined - separate project lead time (weeks)\n> 0: separate faster; dashed: the MID")
    axes[0].legend(fontsize="small", title="span of control")
    axes[1].text(
        0.98,
        0.02,
        "x on the top edge: over capacity (no lead time)\nlabels: employees",
        transform=axes[1].transAxes,
        va="bottom",
        ha="right",
        fontsize="small",
    )
    figure.suptitle(
        f"Separate's advantage against the load on one IT manager: {facts.scenario}, {facts.culture}, "
        f"{facts.replications} replications per point",
        fontweight="bold",
    )
    return figure
