"""The study report's figures (orgsim.plots.study): each drawn from one of the study's tables
and the facts of its plan, never from the rest of the Study."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd

from orgsim.plots import study_net_benefit_figure
from orgsim.plots.study import STUDY_FIGURES, study_facts, study_table
from orgsim.scenario import load_scenario
from orgsim.study import question_csv, study_plan

QUESTIONS = [f"Q{i}" for i in range(1, 9)]


def test_every_figure_is_drawn_from_a_table_the_study_writes():
    """The rows name twelve figures, each from a CSV of Study.tables() (Q5 from it_manager_hours.csv)."""
    tables = {
        "tradeoffs.csv",
        "net_benefit.csv",
        "sensitivity.csv",
        "manager_load.csv",
        *(question_csv(q) for q in QUESTIONS),
    }
    assert [name for name, _, _ in STUDY_FIGURES] == [
        "tradeoffs",
        "net_benefit",
        *(q.lower() for q in QUESTIONS),
        "sensitivity",
        "manager_load",
    ]
    assert {csv for _, csv, _ in STUDY_FIGURES} == tables
    assert dict((name, csv) for name, csv, _ in STUDY_FIGURES)["q5"] == "it_manager_hours.csv"


def test_a_table_is_found_by_its_csv_name():
    q4 = pd.DataFrame({"metric": ["x"]})
    tables = {"q4.csv": q4, "tradeoffs.csv": "tradeoffs"}
    study = SimpleNamespace(table=tables.__getitem__)
    assert study_table(study, "q4.csv") is q4
    assert study_table(study, "tradeoffs.csv") == "tradeoffs"


def _stand_in(plan, scenario, net_benefit):
    """A stand-in for a Study holding only the plan, the scenario, the value and one table."""
    tables = {"net_benefit.csv": net_benefit}
    return SimpleNamespace(
        plan=plan, scenario=scenario, value_per_project_week=0.0, table=tables.__getitem__, labels={}
    )


def test_the_net_benefit_figure_needs_its_table_and_the_plan_only():
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, sizes=[25, 50, 100])
    rows = [
        {
            "employees": n,
            "structure": s,
            "extra_staff_cost": 2800.0 * i,
            "extra_staff_cost_ci_low": 2700.0 * i,
            "extra_staff_cost_ci_high": 2900.0 * i,
            "project_weeks_saved": 0.5,
            "project_weeks_saved_ci_low": 0.2,
            "project_weeks_saved_ci_high": 0.8,
            "break_even_value": 5600.0 * i,
            "value_per_project_week": 0.0,
            "net_benefit": math.nan,
        }
        for n in plan.sizes
        for i, s in enumerate(plan.structures[1:], start=1)
    ]
    study = _stand_in(plan, scenario, pd.DataFrame(rows))
    facts = study_facts(study)
    assert facts.sizes == (25, 50, 100) and facts.structures == tuple(plan.structures)
    assert facts.decision_latency_hours == scenario.projects.decision_latency_hours
    figure = study_net_benefit_figure(study)
    assert [ax.get_title() for ax in figure.axes][2].startswith("break-even value")
    lines = figure.axes[0].get_lines()
    assert [line.get_label() for line in lines if not line.get_label().startswith("_")] == list(plan.structures[1:])
    assert list(lines[0].get_ydata()) == [2800.0] * 3
    assert "no value of a project-week given" in figure.get_suptitle()
