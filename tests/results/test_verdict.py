"""One verdict: ``compare``, a sweep's regions (and its sentence), the study's regions and
:func:`orgsim.stats.judge` word the same paired difference the same way (better / worse / no practical difference /
cannot tell), including the two differences of issue 19 that used to get two answers."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from orgsim.results import Comparison
from orgsim.results.wording import DESCRIPTION, crossover_sentence
from orgsim.stats import find_regions, judge
from orgsim.study.regions import regions_phrase, verdict_runs
from orgsim.wording import BETTER, CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, VERDICTS, WORSE

LEAD = "project_lead_time_weeks_mean"  # less is better; its MID is 1 week
N = 10
BASE = np.array([10.0, 12.0, 9.0, 14.0, 11.0, 13.0, 10.5, 12.5, 9.5, 11.5])


def _paired(mean: float, low: float, high: float) -> np.ndarray:
    """N paired differences with mean ``mean`` and a 95% t interval as wide as ``low`` to ``high``
    (the issue's numbers are rounded: the interval is centred on ``mean``)."""
    assert mean == pytest.approx((low + high) / 2, abs=0.01)
    z = np.linspace(-1.0, 1.0, N)
    z = (z - z.mean()) / z.std(ddof=1)  # mean 0, sample sd 1
    sd = (high - low) / 2 / scipy_stats.t.ppf(0.975, N - 1) * math.sqrt(N)
    return mean + sd * z


def _stand_in(name, **columns):
    return SimpleNamespace(
        scenario=SimpleNamespace(name=name, projects=SimpleNamespace(value_per_project_week=0.0)),
        replications=pd.DataFrame({"replication": range(N), **columns}),
    )


def _three_ways(advantage: np.ndarray) -> dict:
    """The separate structure's advantage in lead time (weeks saved, paired by replication)
    worded by compare, by a sweep's regions and sentence, and by judge."""
    separate = BASE - advantage
    row = (
        Comparison([_stand_in("combined", **{LEAD: BASE}), _stand_in("separate", **{LEAD: separate})])
        .differences.set_index("metric")
        .loc[LEAD]
    )
    baseline, challenger = np.vstack([BASE, BASE]), np.vstack([separate, separate])  # two grid points
    found = find_regions([25, 50], baseline, challenger, minimal=1.0)
    (region,) = found["regions"]
    pair = {"baseline": "combined", "challenger": "separate", "x": [25.0, 50.0], "regions": found["regions"]}
    pair.update(winner=None, crossover=None, ci_low=None, ci_high=None)
    mean = float(advantage.mean())
    half = scipy_stats.t.ppf(0.975, N - 1) * advantage.std(ddof=1) / math.sqrt(N)
    return {
        "judge": judge(mean, mean - half, mean + half, 1.0),
        "compare": row.verdict,
        "compare_better": row.better,
        "regions": region["verdicts"],
        "winner": region["winner"],
        "sentence": crossover_sentence(pair, LEAD, "org.employees"),
        "study": verdict_runs(pair, 1.0),
        "study_phrase": regions_phrase(pair, 1.0),
    }


@pytest.mark.parametrize(
    ("mean", "low", "high", "word"),
    [
        (0.02, -0.21, 0.25, NO_PRACTICAL_DIFFERENCE),  # issue 19: compare said "no significant difference"
        (0.82, -0.97, 2.60, CANNOT_TELL),  # issue 19: compare said it too, the study "inconclusive"
        (-0.82, -2.60, 0.97, CANNOT_TELL),
        (0.5, 0.2, 0.8, NO_PRACTICAL_DIFFERENCE),  # significant, but within the MID
        (3.0, 2.5, 3.5, BETTER),
        (-3.0, -3.5, -2.5, WORSE),
    ],
)
def test_compare_the_sweep_and_judge_say_the_same_thing(mean, low, high, word):
    advantage = _paired(mean, low, high)
    said = _three_ways(advantage)
    assert said["judge"] == word
    assert said["compare"] == word  # the scenario against the baseline, oriented by the metric
    assert said["regions"] == [word, word]  # the challenger against the baseline, at each point
    assert said["compare_better"] == {BETTER: "separate", WORSE: "combined"}.get(word, "")
    assert said["winner"] == {BETTER: "challenger", WORSE: "baseline"}.get(word)
    study_word = {BETTER: "separate better", WORSE: "combined better"}.get(word, word)
    assert said["study"] == [(study_word, 25.0, 50.0)]  # the study's regions, in the same words
    assert said["study_phrase"] == f"{study_word} at 25-50"
    if word in (BETTER, WORSE):
        winner, loser = ("separate", "combined") if word == BETTER else ("combined", "separate")
        assert said["sentence"].startswith(f"{winner} beats {loser} on project lead time across the whole range")
    else:
        assert said["sentence"].endswith(f"neither is better anywhere, {word} across the range")


def test_compare_speaks_only_the_four_verdicts_and_the_one_exception():
    """Every verdict is one of the four; a description (neither more nor less is better) is
    reported, not judged, and is the only exception."""
    rng = np.random.default_rng(3)
    columns = {
        LEAD: BASE,
        "staff_cost_per_week": np.full(N, 9800.0),
        "project_on_time_share": rng.uniform(0.4, 0.6, N),
        "headcount.engineer": np.full(N, 2.0),
    }
    other = {
        LEAD: BASE - 3.0 + rng.normal(0, 0.01, N),
        "staff_cost_per_week": np.full(N, 12600.0),
        "project_on_time_share": rng.uniform(0.4, 0.6, N),
        "headcount.engineer": np.full(N, 3.0) + rng.normal(0, 0.01, N),
    }
    differences = Comparison([_stand_in("a", **columns), _stand_in("b", **other)]).differences.set_index("metric")
    for metric, row in differences.iterrows():
        expected = {VERDICTS[0], VERDICTS[1]} if row.practical else set(VERDICTS[2:]) | {DESCRIPTION}
        assert row.verdict in expected, metric
    assert differences.loc["headcount.engineer", "verdict"] == DESCRIPTION
    assert DESCRIPTION not in VERDICTS
    assert differences.loc[LEAD, "verdict"] == BETTER and differences.loc["staff_cost_per_week", "verdict"] == WORSE


def test_a_sweep_sentence_names_where_it_cannot_tell_and_where_there_is_no_practical_difference():
    """A region without a winner is worded point by point, in judge's words."""
    small, wide, large = _paired(0.02, -0.21, 0.25), _paired(0.82, -0.97, 2.60), _paired(3.0, 2.5, 3.5)
    advantage = np.vstack([small, wide, wide, large])
    baseline = np.vstack([BASE] * 4)
    found = find_regions([25, 50, 100, 200], baseline, baseline - advantage, minimal=1.0)
    assert [(r["winner"], r["verdicts"]) for r in found["regions"]] == [
        (None, [NO_PRACTICAL_DIFFERENCE, CANNOT_TELL, CANNOT_TELL]),
        ("challenger", [BETTER]),
    ]
    pair = {"baseline": "combined", "challenger": "separate", "x": [25.0, 50.0, 100.0, 200.0]}
    pair.update(regions=found["regions"], winner=None, crossover=None, ci_low=None, ci_high=None)
    assert crossover_sentence(pair, LEAD, "org.employees") == (
        "no practical difference between combined and separate on project lead time at 25 employees; "
        "cannot tell at 50-100; separate beats combined at the top of the range (200 employees)"
    )
