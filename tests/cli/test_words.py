"""The sentences and tables the command prints about results (``orgsim.cli.words``), on small
hand-made results: the text is the tool's output, so it is pinned here character for character."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from orgsim.cli import words
from orgsim.results import NET_BENEFIT


def _comparison(value: float):
    differences = pd.DataFrame(
        [
            {"metric": NET_BENEFIT, "scenario": "b", "baseline": "a", "mean_difference": 1234.5, "ci_low": 12.0,
             "ci_high": 2500.0, "better": "b"},
            {"metric": NET_BENEFIT, "scenario": "c", "baseline": "a", "mean_difference": -0.5, "ci_low": -3.25,
             "ci_high": 2.0, "better": ""},
            {"metric": "staff_cost_per_week", "scenario": "b", "baseline": "a", "mean_difference": 1.0, "ci_low": 0.0,
             "ci_high": 2.0, "better": "b"},
        ]
    )  # fmt: skip
    return SimpleNamespace(differences=differences, value=value)


def test_net_benefit_lines_one_per_scenario_against_the_first():
    assert words.net_benefit_lines(_comparison(1000.0)) == [
        "net benefit of b against a (cost of delay 1,000 a project-week): +1,234 a week (95% CI +12 to +2,500)"
        " -> b better",
        "net benefit of c against a (cost of delay 1,000 a project-week): -0.5 a week (95% CI -3.25 to +2)"
        " (not significant)",
    ]


def test_net_benefit_lines_none_when_project_weeks_are_not_valued():
    assert words.net_benefit_lines(_comparison(0.0)) == []


def test_headcount_step_lines_list_every_step_of_each_alternative_once():
    step = {"role": "engineer", "before": 2, "after": 3, "x": 1250.0}
    crossover = {
        "pairs": [
            {"baseline": "combined", "challenger": "separate", "headcount_steps": {"baseline": [step]}},
            {"baseline": "combined", "challenger": "pmo", "headcount_steps": {"challenger": [step, step]}},
        ]
    }
    assert words.headcount_step_lines(crossover) == [
        "headcount steps under combined: engineer 2->3 at 1,250",
        "headcount steps under separate: none",
        "headcount steps under pmo: engineer 2->3 at 1,250; engineer 2->3 at 1,250",
    ]


def test_sweep_table_one_line_per_point_of_the_metric():
    summary = pd.DataFrame(
        {
            "org.employees": [25, 50, 25],
            "org.structure": ["combined", "combined", "combined"],
            "metric": ["m", "m", "other"],
            "mean": [1.23456, 2000.0, 9.0],
            "ci_low": [1.0, float("nan"), 8.0],
            "ci_high": [1.5, float("nan"), 10.0],
        }
    )
    result = SimpleNamespace(summary=summary, parameters=["org.employees", "org.structure"])
    assert words.sweep_table(result, "m") == (
        "m: mean (95% CI) per point\n"
        "  org.employees=25, org.structure=combined: 1.23 (1 to 1.5)\n"
        "  org.employees=50, org.structure=combined: 2,000 (n/a to n/a)"
    )


def test_key_number_line_names_question_verdict_and_number():
    row = SimpleNamespace(question="Q1", verdict="better", quantity="weeks", mean=0.8234, ci_low=-0.97, ci_high=2.6)
    assert words.key_number_line(row) == "Q1: better [weeks: 0.823 (95% CI -0.97 to 2.6)]"


def test_scenario_summary_and_realism_title_of_a_shipped_scenario():
    from orgsim.scenario import load_scenario

    scenario = load_scenario("small-combined")
    assert words.scenario_summary("small-combined", scenario) == (
        "small-combined: valid: 'small-combined', 40 employees, structure combined, 2 staff (1 engineer,"
        " 1 it_manager); 20 replications of 104 weeks (warm-up 16), seed 2026"
    )
    results = SimpleNamespace(replications=[None] * 3)
    assert words.realism_title(scenario, results) == (
        "small-combined: 3 replications, 40 employees, structure combined: measurements beside published figures"
    )
