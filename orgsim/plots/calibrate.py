"""The calibration's figure, ``calibration.png``: observed against fitted.

Arrivals by weekday and by hour (wall clock) against the fitted profile, the weekday x hour
table against the fitted profile, and resolution-time quantiles observed (Kaplan-Meier) against
the fitted lognormal by class.  It reads a fitted calibration (``orgsim calibrate``'s
``Calibration``: its ``data``, ``wall_weekday``, ``wall_hour``, ``table`` and ``day_start``) and
imports nothing from :mod:`orgsim.calibrate`, which sits above the plots: the working week's
shape comes from the fitted profile itself (one value per working day and per working hour).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..scenario import DEFAULT_TICKET_CLASSES
from .common import TwoSlopeNorm, new_figure

__all__ = ["calibration_figure"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CLASS_COLOURS = dict(
    zip(
        (*DEFAULT_TICKET_CLASSES, "all"),
        ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#7f7f7f"),
        strict=True,
    )
)


def _time_of_day(hours: float) -> str:
    return f"{int(hours):02d}:{round((hours % 1) * 60):02d}"


def calibration_figure(cal):
    """Observed vs fitted arrivals by weekday and hour, the weekday x hour table against the
    fitted profile, and resolution-time quantiles observed vs fitted by class."""
    d = cal.data
    prof, arrivals = d["profile"], d["arrivals"]
    rate = arrivals["tickets_per_working_week"]
    days_per_week, hours_per_day = len(prof["weekday"]), len(prof["hour"])  # the working week: 5 x 8
    hours_per_week = days_per_week * hours_per_day
    figure = new_figure(figsize=(13, 10), layout="constrained")
    axes = figure.subplots(2, 2)
    figure.suptitle(
        f"Calibration from {Path(d['source']).name}: {arrivals['tickets']:,} tickets in {arrivals['weeks']} whole"
        f" working weeks ({d['window']['used_from']} to {d['window']['used_to']})"
    )
    ax = axes[0][0]
    ax.bar(range(7), cal.wall_weekday, color="#9ecae1", label="observed (wall clock, day opened)")
    fitted = [rate * v / days_per_week for v in prof["weekday"]]
    ax.plot(range(days_per_week), fitted, "o-", color="#d62728", label="fitted profile (weekend arrivals on Monday)")
    ax.set_xticks(range(7), WEEKDAYS)
    ax.set_ylabel("tickets per day (mean over the weeks)")
    ax.set_xlabel("weekday")
    ax.set_title("Arrivals by weekday")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    ax.bar(range(24), cal.wall_hour / 7.0, color="#9ecae1", label="observed (wall clock, hour opened, all days)")
    start = cal.day_start
    hours = [start + i + 0.5 for i in range(hours_per_day)]
    ax.plot(
        [h - 0.5 for h in hours],
        [rate * v / hours_per_week * days_per_week / 7.0 for v in prof["hour"]],
        "o-",
        color="#d62728",
        label="fitted profile (outside hours counted in the next working hour)",
    )
    ax.axvspan(start - 0.5, start + hours_per_day - 0.5, color="#eeeeee", zorder=0, label="working hours")
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of the day (bar: tickets opened from that hour on)")
    ax.set_ylabel("tickets per hour (mean over all days)")
    ax.set_title("Arrivals by hour of day")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # room for the legend above the morning peak
    ax.legend(fontsize=8, loc="upper left")

    ax = axes[1][0]
    table = cal.table
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / max(table.sum(), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, table / expected, np.nan)
    image = ax.imshow(ratio, cmap="RdBu_r", norm=TwoSlopeNorm(vcenter=1.0, vmin=0.5, vmax=1.5), aspect="auto")
    for (i, j), value in np.ndenumerate(ratio):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(hours_per_day), [_time_of_day(start + i)[:2] + "h" for i in range(hours_per_day)])
    ax.set_yticks(range(days_per_week), WEEKDAYS[:days_per_week])
    ax.set_xlabel("working hour (start)")
    ax.set_ylabel("working day")
    sep = prof["separable"]
    note = f" (independence test p = {sep['p_value']:.2g})" if sep.get("p_value") is not None else ""
    ax.set_title(f"Arrivals per weekday x hour, observed / fitted{note}")
    figure.colorbar(image, ax=ax, label="observed / fitted (1 = as fitted)")

    ax = axes[1][1]
    res = d["resolution"]["by_class"]
    low, high = math.inf, 0.0
    for name, entry in res.items():
        if not entry.get("fitted") or name == "all":
            continue
        quantiles = entry["quantiles"]  # p10 ... p95, in order
        observed = [quantiles[p]["observed"] for p in quantiles]
        fitted_q = [quantiles[p]["fitted"] for p in quantiles]
        ax.plot(observed, fitted_q, "o-", color=CLASS_COLOURS[name], label=f"{name} (n {entry['resolved']:,})")
        for p, x, y in zip(quantiles, observed, fitted_q, strict=True):
            if p in ("p50", "p90") and math.isfinite(x):
                ax.annotate(p, (x, y), fontsize=7, xytext=(3, -8), textcoords="offset points")
        finite = [v for v in observed + fitted_q if math.isfinite(v) and v > 0]
        if finite:
            low, high = min(low, min(finite)), max(high, max(finite))
    if high > 0:
        ax.plot([low / 1.5, high * 1.5], [low / 1.5, high * 1.5], ":", color="black", label="observed = fitted")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("observed quantile (working hours, Kaplan-Meier)")
    ax.set_ylabel("fitted lognormal quantile (working hours)")
    ax.set_title("Resolution time (lead time) quantiles p10-p95 by class")
    if ax.get_legend_handles_labels()[0]:  # no class fitted: no legend (and no matplotlib warning)
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no class with enough resolved tickets to fit", ha="center", transform=ax.transAxes)
    return figure
