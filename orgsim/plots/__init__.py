"""Plots: the only place orgsim imports matplotlib (in :mod:`orgsim.plots.common`), and
:func:`save`, which writes a result's data and its figures into one folder.

Figures are ``matplotlib.figure.Figure`` objects on their own Agg canvas (no pyplot), so
nothing global is touched and no window ever opens.  Each function takes a
:class:`~orgsim.results.Results`, :class:`~orgsim.results.Comparison`,
:class:`~orgsim.results.Sweep` or :class:`~orgsim.study.Study` and returns a Figure;
:func:`figures` gives every figure of one of the first three by file name,
:func:`study_figures` every figure of the study report.

- :mod:`~orgsim.plots.common`: matplotlib, colours, titles, axis helpers;
- :mod:`~orgsim.plots.run`: one run (throughput, workload, backlog, lead times);
- :mod:`~orgsim.plots.compare`: a comparison (the dashboard and the side-by-side figures);
- :mod:`~orgsim.plots.sweep`: a sweep (a metric against the varied parameter, net benefit);
- :mod:`~orgsim.plots.study`: the study report's figures, drawn from its tables;
- :mod:`~orgsim.plots.calibrate`: ``orgsim calibrate``'s figure, observed against fitted;
- :mod:`~orgsim.plots.files`: every figure of a result by file name, and saving.
"""

from __future__ import annotations

from .calibrate import calibration_figure
from .compare import (
    comparison_backlog,
    comparison_dashboard,
    comparison_leadtimes,
    comparison_throughput,
    comparison_workload,
)
from .files import figures, save
from .run import backlog_figure, leadtimes_figure, throughput_figure, workload_figure
from .study import (
    study_figures,
    study_it_manager_figure,
    study_net_benefit_figure,
    study_q1_figure,
    study_q2_figure,
    study_q3_figure,
    study_q4_figure,
    study_q6_figure,
    study_q7_figure,
    study_q8_figure,
    study_sensitivity_figure,
    study_tradeoffs_figure,
)
from .sweep import net_benefit_figure, sweep_figure

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
    "net_benefit_figure",
    "figures",
    "save",
    "study_figures",
    "study_tradeoffs_figure",
    "study_net_benefit_figure",
    "study_it_manager_figure",
    "study_q1_figure",
    "study_q2_figure",
    "study_q3_figure",
    "study_q4_figure",
    "study_q6_figure",
    "study_q7_figure",
    "study_q8_figure",
    "study_sensitivity_figure",
    "calibration_figure",
]
