"""Several scenarios (orgsim.results.comparison): a Comparison with common random numbers,
its paired differences, MIDs and verdicts."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from orgsim.results import Comparison, compare, parse_mids
from tests.conftest import make_scenario, overtime_cost

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}

# ------------------------------------------------------------------ several scenarios


def test_paired_differences_are_much_tighter_than_separate_intervals():
    """Common random numbers: combined and separate see the same tickets and projects, so
    the noise of the arrivals cancels in their difference."""
    scenarios = [
        make_scenario(name=s, org={"employees": 200, "structure": s}, **SHORT) for s in ("combined", "separate")
    ]
    comparison = compare(scenarios, replications=10, seed=3, jobs=1)
    differences = comparison.differences.set_index("metric")
    for metric in ("tickets_per_week.total", "ticket_resolution_hours_mean.total"):
        row = differences.loc[metric]
        assert row.half_width_paired < 0.5 * row.half_width_unpaired, metric
    # project lead times share the projects too, but the operations-first combined IT manager at 200
    # employees is saturated and its coordination backlog adds noise of its own (measured: paired
    # half-width 1.9 weeks against 2.8 unpaired)
    row = differences.loc["project_lead_time_weeks_mean"]
    assert row.half_width_paired < 0.8 * row.half_width_unpaired
    utilisation = differences.loc["utilisation.it_manager"]
    assert utilisation.significant and utilisation.mean_difference < 0  # the separate manager has less to do
    assert utilisation.better == "separate"


def test_comparison_frames_and_table():
    scenarios = [
        make_scenario(
            name=s, org={"employees": 100, "structure": s}, simulation={"horizon_weeks": 10, "warmup_weeks": 2}
        )
        for s in ("combined", "separate")
    ]
    comparison = compare([*scenarios, scenarios[1]], replications=3, seed=1, jobs=1)
    assert comparison.names == ["combined", "separate", "separate-2"]  # names made distinct
    frame = comparison.comparison
    assert list(frame.columns) == ["metric", "scenario", "mean", "ci_low", "ci_high"]
    assert list(dict.fromkeys(frame["scenario"])) == comparison.names
    differences = comparison.differences
    assert set(differences["scenario"]) == {"separate", "separate-2"}
    assert (differences["baseline"] == "combined").all()
    cost = differences[differences["metric"] == "staff_cost_per_week"].set_index("scenario")
    # a project manager at 70 per hour, 40 h, and the overtime each side works (paid)
    paid = 2800.0 + overtime_cost(comparison.results[1]).mean() - overtime_cost(comparison.results[0]).mean()
    assert cost.loc["separate", "mean_difference"] == pytest.approx(paid)
    assert cost.loc["separate", "better"] == "combined"  # cost: lower is better
    twin = differences[differences["scenario"] == "separate-2"].set_index("metric")
    twin_separate = differences[differences["scenario"] == "separate"].set_index("metric")
    pd.testing.assert_series_equal(twin["mean_difference"], twin_separate["mean_difference"])  # same seed, same runs
    table = comparison.table()
    assert f"separate - combined: +{paid:,.0f}" in table and "-> combined better (beyond the MID of " in table
    assert {"mid", "practical", "verdict"} <= set(differences.columns)
    with pytest.raises(ValueError, match="at least two"):
        compare(scenarios[:1], replications=2, seed=1, jobs=1)


def _stand_in(name, **columns):
    """What Comparison.differences reads of a Results: a scenario's name and its replications."""
    n = len(next(iter(columns.values())))
    return SimpleNamespace(
        scenario=SimpleNamespace(name=name, projects=SimpleNamespace(value_per_project_week=0.0)),
        replications=pd.DataFrame({"replication": range(n), **columns}),
    )


BASE_WEEKS = np.array([10.0, 12.0, 9.0, 14.0, 11.0, 13.0])
JITTER = np.array([0.01, -0.01, 0.02, -0.02, 0.0, 0.01])


def _lead_time_pair(gain, mid=None):
    metric = "project_lead_time_weeks_mean"
    comparison = Comparison(
        [_stand_in("combined", **{metric: BASE_WEEKS}), _stand_in("separate", **{metric: BASE_WEEKS - gain + JITTER})],
        mid=mid,
    )
    return comparison.differences.set_index("metric").loc[metric]


def test_a_significant_difference_below_the_mid_is_not_called_better():
    """0.3 weeks shorter in every replication: significant, but below the 1-week MID of lead time."""
    row = _lead_time_pair(0.3)
    assert row.significant and row.ci_high < 0
    assert row.mid == 1.0 and not row.practical
    assert row.better == ""
    assert row.verdict == "no practical difference"


def test_a_large_difference_is_called_better():
    row = _lead_time_pair(3.0)
    assert row.significant and row.practical
    assert row.better == "separate" and row.verdict == "better"
    worse = _lead_time_pair(-3.0)
    assert worse.better == "combined" and worse.verdict == "worse"
    noisy = Comparison(
        [
            _stand_in("combined", project_lead_time_weeks_mean=BASE_WEEKS),
            _stand_in("separate", project_lead_time_weeks_mean=BASE_WEEKS[::-1] - 0.5),
        ]
    ).differences.iloc[0]
    assert not noisy.significant and noisy.verdict == "cannot tell" and noisy.better == ""  # CI wider than the MID


def test_the_mid_can_be_overridden_in_python():
    assert _lead_time_pair(0.3, mid={"project_lead_time_weeks_mean": 0.2}).better == "separate"
    assert _lead_time_pair(3.0, mid={"project_lead_time_weeks_mean": "50%"}).better == ""  # 50% of ~11.5 weeks
    assert _lead_time_pair(0.3, mid=["project_lead_time_weeks_mean=0"]).better == "separate"  # CI alone
    for bad, message in (
        ({"no_such_metric": 1}, "unknown metric"),
        ({"project_lead_time_weeks_mean": -1}, "finite number >= 0"),
        ({"project_lead_time_weeks_mean": math.inf}, "finite number >= 0"),
        ({"project_lead_time_weeks_mean": "soon"}, "expected a number"),
        ({"headcount.it_manager": 1}, "describes the organisation"),
        (["project_lead_time_weeks_mean"], "METRIC=VALUE"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_mids(bad)
    scenarios = [make_scenario(name=s, org={"structure": s}, **SHORT) for s in ("combined", "separate")]
    with pytest.raises(ValueError, match="unknown metric"):  # checked before anything runs
        compare(scenarios, replications=2, mid={"lead_time": 1})


def test_a_relative_mid_scales_with_the_baseline():
    """Staff cost's MID is 1% of the baseline: 2,800 on 9,800 is beyond it, 50 is not."""
    base = np.full(4, 9800.0)
    for extra, better in ((2800.0, "combined"), (50.0, "")):
        comparison = Comparison(
            [
                _stand_in("combined", staff_cost_per_week=base),
                _stand_in("separate", staff_cost_per_week=base + extra + np.array([0, 1, 0, 1])),
            ]
        )
        row = comparison.differences.iloc[0]
        assert row.mid == pytest.approx(98.0) and row.better == better


def test_a_description_gets_no_verdict():
    counts = Comparison(
        [
            _stand_in("a", **{"headcount.engineer": np.full(3, 2.0)}),
            _stand_in("b", **{"headcount.engineer": np.array([3.0, 3.0, 3.1])}),
        ]
    )
    row = counts.differences.iloc[0]
    assert row.significant and row.better == "" and math.isnan(row.mid)
    assert row.verdict == "a description, not judged" and not row.practical  # the one exception to the four
