"""The study's answer and verdicts on synthetic sweeps: one rule (orgsim.stats.judge) and its
four words."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from orgsim.scenario import load_scenario
from orgsim.stats import find_regions, judge
from orgsim.study import Study, key_number_line, study_plan


def _answer_of(sizes, combined, separate) -> dict:
    """The study's answer for synthetic lead times (sizes x replications) of combined and
    separate, whose regions (with the 1-week MID) no structure wins at the top."""
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, sizes=sizes)
    regions = find_regions(list(plan.sizes), combined, separate, minimal=1.0)["regions"]
    assert regions[-1]["winner"] is None
    pair = {"baseline": "combined", "challenger": "separate", "regions": regions, "winner": None}
    pair.update({"crossover": None, "ci_low": None, "ci_high": None, "significant_from": None, "sentence": ""})
    study = Study(scenario, plan, 1, {}, None)
    study._cache[("crossover", plan.culture)] = {"pairs": [pair]}
    study._cache["net_benefit.csv"] = pd.DataFrame(columns=["employees", "structure"])
    return study.answer()


def test_the_answer_names_exactly_the_middle_region():
    """A synthetic sweep where separate wins only in the middle of the range: the answer says
    no practical difference at the top, and lists exactly that region."""
    rng = np.random.default_rng(3)
    base = 20.0 + rng.normal(0, 0.2, (5, 10))
    gain = np.array([[0.0], [0.0], [4.0], [4.0], [0.0]])
    answer = _answer_of([25, 50, 100, 200, 400], base, base - gain)
    assert answer["verdict"] == "no practical difference"
    assert (
        "separate against combined: no practical difference at 25-50, separate better at 100-200, "
        "no practical difference at 400." in answer["sentences"][1]
    )
    assert answer["sentences"][0].startswith("Splitting the roles makes no practical difference")


def test_a_wide_interval_is_cannot_tell_not_no_difference():
    """Separate 5 weeks faster on average but with a CI from -5 to +15: the study says it
    cannot tell, and asks for replications; it does not say there is no difference."""
    rng = np.random.default_rng(5)
    base = 20.0 + rng.normal(0, 0.2, (3, 10))
    noise = rng.normal(0, 12.0, (3, 10))
    answer = _answer_of([25, 50, 100], base, base - 5.0 - noise + noise.mean(axis=1, keepdims=True))
    assert answer["verdict"] == "cannot tell"
    assert "cannot tell yet" in answer["sentences"][0] and "--replications" in answer["sentences"][0]
    assert "separate against combined: cannot tell at 25-100" in answer["sentences"][1]


@pytest.mark.parametrize(
    ("mean", "low", "high", "word"),
    [
        (3.0, 2.0, 4.0, "better"),  # CI excludes 0, beyond the MID of 1
        (-3.0, -4.0, -2.0, "worse"),
        (0.5, 0.2, 0.8, "no practical difference"),  # significant but below the MID
        (0.1, -0.6, 0.8, "no practical difference"),  # CI within +-MID
        (0.5, -2.0, 3.0, "cannot tell"),  # CI wider than the MID either way
        (1.5, 0.5, 2.5, "better"),  # mean beyond the MID, CI excludes 0 (the catalogue's rule)
        (math.nan, math.nan, math.nan, "cannot tell"),
    ],
)
def test_judge_says_better_only_beyond_the_mid_and_cannot_tell_when_the_ci_is_wide(mean, low, high, word):
    """The study's verdicts are orgsim.stats.judge's (the rule the study's own ``call`` was)."""
    assert judge(mean, low, high, 1.0) == word


def test_too_few_finished_projects_is_a_reason_not_a_verdict():
    from orgsim.study.regions import point_verdict

    assert point_verdict(5.0, 4.0, 6.0, 2, 1.0) == "cannot tell (too few finished projects)"
    assert point_verdict(0.1, -0.5, 0.5, 3, 1.0) == "no practical difference"


def test_key_number_line_names_question_verdict_and_number():
    row = SimpleNamespace(question="Q1", verdict="better", quantity="weeks", mean=0.8234, ci_low=-0.97, ci_high=2.6)
    assert key_number_line(row) == "Q1: better [weeks: 0.823 (95% CI -0.97 to 2.6)]"
