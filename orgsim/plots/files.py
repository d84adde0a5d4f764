"""Every figure of a result by file name (:func:`figures`), and :func:`save`, which writes a
result's data and its figures into one folder."""

from __future__ import annotations

from ..results import Comparison, OutputFolder, Results, Sweep
from .compare import comparison_figures
from .run import run_figures
from .sweep import sweep_figures

__all__ = ["figures", "save"]


def figures(result, metric: str = "project_lead_time_weeks_mean", crossover: dict | None = None) -> dict:
    """Every figure of a result, by file name: four for a run, five for a comparison, one per
    plotted metric for a sweep (``metric`` first, with ``crossover`` marked)."""
    if isinstance(result, Results):
        return run_figures(result)
    if isinstance(result, Comparison):
        return comparison_figures(result)
    if isinstance(result, Sweep):
        return sweep_figures(result, metric, crossover)
    raise TypeError(f"no figures for {type(result).__name__}")


def save(
    result, directory, plots: bool = True, metric: str = "project_lead_time_weeks_mean", value_per_project_week=None
):
    """Write a result's data (and, with ``plots``, its figures) as the folder ``directory``:
    built beside it and swapped in whole (:meth:`OutputFolder.replace`), so the folder holds
    this result's files and no other, or, if writing fails, stays as it was.  Its run cache
    ``.runs/`` is kept.  Returns the paths written (and, for a sweep, the crossover)."""
    with OutputFolder.replace(directory, files=type(result).FILES) as folder:  # what it declares
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
