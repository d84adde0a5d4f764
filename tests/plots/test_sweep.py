"""The figures of a sweep (orgsim.plots.sweep): a metric against the varied parameter with
its paired difference, the headcount steps marked."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.collections import LineCollection

from orgsim import catalogue, plots
from orgsim.wording import format_number
from tests.plots.helpers import assert_labelled


def test_figures_of_a_sweep(sweep_result):
    figures = plots.figures(sweep_result, metric="utilisation.it_manager")
    expected = dict.fromkeys(("utilisation.it_manager", *catalogue.sweep_metrics()))
    assert list(figures) == [f"sweep-{m}.png" for m in expected]
    for name, figure in figures.items():
        assert_labelled(name, figure)
        assert len(figure.axes) == 2  # the alternatives, and their paired difference
        assert figure.axes[-1].get_xlabel().startswith("employees")  # the swept size, in words
        ticks = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
        assert ticks == [format_number(v) for v in sorted(sweep_result.vary["org.employees"])]  # grid values
        assert "grid, 3 replications per point" in figure.get_suptitle()
    top = figures["sweep-utilisation.it_manager.png"].axes[0]
    assert [line.get_label() for line in top.get_lines()] == ["combined", "separate"]
    combined = top.get_lines()[0]
    assert list(combined.get_xdata()) == [40, 120, 360]
    summary = sweep_result.summary
    rows = summary[(summary["metric"] == "utilisation.it_manager") & (summary["org.structure"] == "combined")]
    assert list(combined.get_ydata()) == pytest.approx(list(rows.sort_values("org.employees")["mean"]))


def test_the_sweep_figure_marks_every_headcount_step(sweep_result):
    """40 -> 120 employees: a first service desk agent and two more engineers under both
    structures; 120 -> 360: more of everyone, and under separate a second project manager.
    A dotted line marks both grid values on both panels, labelled with the roles."""
    figure = plots.sweep_figure(sweep_result, "utilisation.it_manager")
    for ax in figure.axes:
        dotted = [c for c in ax.collections if isinstance(c, LineCollection)]
        assert sorted(c.get_segments()[0][0][0] for c in dotted) == [120, 360]
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "all: service_desk 0\N{RIGHTWARDS ARROW}1, engineer 1\N{RIGHTWARDS ARROW}3" in labels
    assert any(t.startswith("separate: ") and "project_manager 1\N{RIGHTWARDS ARROW}2" in t for t in labels)
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["combined", "separate"]  # data only


def test_figures_of_a_sweep_without_a_varied_parameter_and_of_anything_else(sweep_result):
    assert plots.figures(dataclasses.replace(sweep_result, vary={})) == {}
    with pytest.raises(TypeError, match="no figures for DataFrame"):
        plots.figures(sweep_result.frame)
