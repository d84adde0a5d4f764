"""The figure of the answer in load per IT manager (orgsim/plots/load.py)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd

from orgsim.plots.load import manager_load_figure


def test_the_load_figure_draws_one_line_per_span_and_marks_over_capacity():
    """Two panels (reports, projects per IT manager per year); an over-capacity point (no lead
    time) is an x on the top edge, not a line's point."""
    rows = []
    for span, managers in ((8, (1, 2)), (16, (1, 1))):
        for n, k in zip((200, 400), managers, strict=True):
            over = span == 16 and n == 400
            rows.append(
                {
                    "span_of_control": span,
                    "employees": n,
                    "reports_per_it_manager": (7 if n == 200 else 15) / k,
                    "projects_per_it_manager_per_year": n * 0.1108 / k,
                    "separate_advantage_weeks": math.nan if over else 0.5,
                    "ci_low": math.nan if over else -0.5,
                    "ci_high": math.nan if over else 1.5,
                }
            )
    facts = SimpleNamespace(scenario="s", culture="operations_first", replications=3)
    figure = manager_load_figure(pd.DataFrame(rows), facts)
    axes = figure.axes
    assert len(axes) == 2
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == [
        "one IT manager per 8 reports",
        "one IT manager per 16 reports",
    ]
    crosses = [line for line in axes[0].lines if line.get_marker() == "x"]
    assert len(crosses) == 1 and crosses[0].get_xdata()[0] > 14  # the one manager's 15 reports at 400
