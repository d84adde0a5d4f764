"""The figures of one run (orgsim.plots.run)."""

from __future__ import annotations

import pytest

from orgsim import plots
from tests.plots.helpers import RESULTS_PNGS, assert_labelled


def test_figures_of_a_run(results):
    figures = plots.figures(results)
    assert list(figures) == RESULTS_PNGS
    for name, figure in figures.items():
        assert_labelled(name, figure)
        assert "one: 200 employees, pmo structure, 3 replications" in figure.get_suptitle()
    workload = figures["workload.png"]
    ticks = [t.get_text() for t in workload.axes[0].get_xticklabels()]
    assert len(ticks) == sum(1 for n in results.scenario.headcounts().values() if n > 0) == 5
    assert ticks[2] == "it manager\n(1 person)"
    throughput = figures["throughput.png"].axes[0]
    classes = [c.name for c in results.scenario.tickets.classes if c.share > 0]
    assert [t.get_text() for t in throughput.get_xticklabels()] == classes
    heights = [bar.get_height() for bar in throughput.patches]
    expected = [results.metric(f"tickets_per_week.{c}") for c in classes]
    assert heights == pytest.approx(expected)
