"""The study's tables, and the figures drawn from them."""

from __future__ import annotations

import math

import pandas as pd

from orgsim.plots import study_net_benefit_figure
from orgsim.scenario import load_scenario
from orgsim.study import Study, study_plan


def test_net_benefit_figure_draws_when_no_structure_saves_project_weeks():
    """Under projects_first no structure may save project-weeks: the break-even panel is all
    missing and the figure must still draw (it used to fail on the log axis)."""
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, sizes=[25, 50, 100])
    study = Study(scenario, plan, 1, {}, None)
    rows = [
        {
            "employees": n,
            "structure": s,
            "extra_staff_cost": 2800.0,
            "extra_staff_cost_ci_low": 2800.0,
            "extra_staff_cost_ci_high": 2800.0,
            "project_weeks_saved": -0.5,
            "project_weeks_saved_ci_low": -1.0,
            "project_weeks_saved_ci_high": 0.0,
            "break_even_value": math.nan,
            "value_per_project_week": 0.0,
            "net_benefit": -2800.0,
            "net_benefit_ci_low": -2800.0,
            "net_benefit_ci_high": -2800.0,
        }
        for n in plan.sizes
        for s in plan.structures[1:]
    ]
    study._cache["net_benefit.csv"] = pd.DataFrame(rows)
    figure = study_net_benefit_figure(study)
    assert len(figure.axes) == 3
    assert [t.get_text() for t in figure.axes[2].get_xticklabels()] == ["25", "50", "100"]
