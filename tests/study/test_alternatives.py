"""The alternatives in the study (orgsim.study.alternatives): their experiments, their tables in
the quick study's folder, and the answer box naming the cheapest alternative."""

from __future__ import annotations

import pandas as pd

from orgsim import load_scenario
from orgsim.scenario import EQUAL_COST_STRUCTURES
from orgsim.study import experiments, study_plan
from orgsim.study.alternatives import alternative_sizes
from tests.study.quick import quick_study_folder


def test_the_alternatives_run_at_the_reference_size_and_the_size_below():
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario)
    assert alternative_sizes(plan) == (200, 400)
    keys = {e.key: e for e in experiments(scenario, plan)}
    assert set(EQUAL_COST_STRUCTURES) <= set(keys["alternatives"].across["org.structure"])
    assert keys["alternatives.protected"].base == {"org.culture": "balanced"}
    # the equal-cost structures are the alternatives', not Q6's
    assert not set(EQUAL_COST_STRUCTURES) & set(keys["structures"].across["org.structure"])


def test_the_quick_study_writes_the_alternatives_the_decomposition_and_the_staff_cost_split(tmp_path_factory):
    folder = quick_study_folder(tmp_path_factory)
    alternatives = pd.read_csv(folder / "alternatives.csv")
    assert set(EQUAL_COST_STRUCTURES) | {"no_pm", "combined, balanced"} <= set(alternatives["alternative"])
    equal = alternatives[alternatives["kind"] == "equal cost"]
    separate = alternatives[alternatives["alternative"] == "separate"].set_index("employees")["extra_staff_cost"]
    for row in equal.itertuples():  # the same money: within overtime of separate's extra cost
        assert abs(row.extra_staff_cost - separate[row.employees]) < 0.1 * separate[row.employees]
    parts = pd.read_csv(folder / "decomposition.csv")
    for _, frame in parts.groupby(["employees", "alternative"]):
        by = frame.set_index("part")["mean_difference"]
        assert abs(by["capacity"] + by["role"] - by["total"]) < 1e-9
    split = pd.read_csv(folder / "staff_cost_split.csv").set_index("employees")
    at = split.loc[400]
    assert at["it_managers_separate"] == at["it_managers_combined"] + 1  # the PMs count toward the span
    assert at["knock_on"] > 0 and at["project_managers"] > 0


def test_the_answer_box_names_the_cheapest_alternative_not_worse_than_separate(tmp_path_factory):
    folder = quick_study_folder(tmp_path_factory)
    html = (folder / "report.html").read_text()
    alternatives = pd.read_csv(folder / "alternatives.csv")
    fine = alternatives[(alternatives["employees"] == 400) & alternatives["not_worse_than_separate"]]
    box = html[html.index('<section class="answer"') : html.index("</section>")]
    if len(fine):
        cheapest = fine.sort_values("extra_staff_cost", kind="stable").iloc[0]["alternative"]
        assert "The cheapest alternative to a PM at 400 employees" in box
        assert cheapest in box
    else:
        assert "no alternative (equal cost or free) is within the MID" in box
    assert "capacity part" in box and "role part" in box
    assert "the split also buys one more IT manager" in box
