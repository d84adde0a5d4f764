"""The lines the commands print about results (``orgsim.results.wording``), on small hand-made
results: the text is the tool's output, so it is pinned here character for character."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from orgsim.results import NET_BENEFIT, wording


def _comparison(value: float):
    differences = pd.DataFrame(
        [
            {"metric": NET_BENEFIT, "scenario": "b", "baseline": "a", "mean_difference": 1234.5, "ci_low": 12.0,
             "ci_high": 2500.0, "better": "b", "verdict": "better"},
            {"metric": NET_BENEFIT, "scenario": "c", "baseline": "a", "mean_difference": -0.5, "ci_low": -3.25,
             "ci_high": 2.0, "better": "", "verdict": "cannot tell"},
            {"metric": "staff_cost_per_week", "scenario": "b", "baseline": "a", "mean_difference": 1.0, "ci_low": 0.0,
             "ci_high": 2.0, "better": "b", "verdict": "better"},
        ]
    )  # fmt: skip
    return SimpleNamespace(differences=differences, value=value)


def test_net_benefit_lines_one_per_scenario_against_the_first():
    assert wording.net_benefit_lines(_comparison(1000.0)) == [
        "net benefit of b against a (cost of delay 1,000 a project-week): +1,234 a week (95% CI +12 to +2,500)"
        " -> b better",
        "net benefit of c against a (cost of delay 1,000 a project-week): -0.5 a week (95% CI -3.25 to +2)"
        " (cannot tell)",
    ]


def test_net_benefit_lines_none_when_project_weeks_are_not_valued():
    assert wording.net_benefit_lines(_comparison(0.0)) == []


def test_headcount_step_lines_list_every_step_of_each_alternative_once():
    step = {"role": "engineer", "before": 2, "after": 3, "x": 1250.0}
    crossover = {
        "pairs": [
            {"baseline": "combined", "challenger": "separate", "headcount_steps": {"baseline": [step]}},
            {"baseline": "combined", "challenger": "pmo", "headcount_steps": {"challenger": [step, step]}},
        ]
    }
    assert wording.headcount_step_lines(crossover) == [
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
    assert wording.sweep_table(result, "m") == (
        "m: mean (95% CI) per point\n"
        "  org.employees=25, org.structure=combined: 1.23 (1 to 1.5)\n"
        "  org.employees=50, org.structure=combined: 2,000 (n/a to n/a)"
    )
