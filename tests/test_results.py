"""What experiments produce (orgsim.results): Results of one scenario, a Comparison with
common random numbers, a Sweep and its crossover, and the files they write."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import orgsim
from orgsim.engine import EVENT_LOG_COLUMNS
from orgsim.results import OutputFolder, compare, sweep
from tests.conftest import make_scenario

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}


# ------------------------------------------------------------------ one scenario


def test_a_warm_up_that_is_too_short_is_reported():
    """60 projects waiting at time 0 take months to clear: a 1-week warm-up is not enough.  Without
    them half a year of warm-up is (projects of the medium class run for months: the shipped large
    scenarios warm up for 26 weeks)."""
    crowded = make_scenario(
        org={"employees": 400, "structure": "separate"},
        projects={"initial_portfolio": 60},
        simulation={"horizon_weeks": 78, "warmup_weeks": 1},
    )
    results = orgsim.simulate(crowded, replications=3, seed=1, jobs=1)
    assert any("warm-up" in w and "too short" in w for w in results.warnings)
    calm = make_scenario(
        org={"employees": 400, "structure": "separate"}, simulation={"horizon_weeks": 78, "warmup_weeks": 26}
    )
    assert not any("warm-up" in w for w in orgsim.simulate(calm, replications=3, seed=1, jobs=1).warnings)


def test_simulate_takes_replications_and_seed_from_the_scenario():
    scenario = make_scenario(org={"employees": 60}, simulation={"horizon_weeks": 10, "warmup_weeks": 2, "seed": 9})
    scenario = scenario.with_changes({"simulation.replications": 2})
    default = orgsim.simulate(scenario, jobs=1)
    explicit = orgsim.simulate(scenario, replications=2, seed=9, jobs=1)
    assert default.seed == 9 and list(default.replications["replication"]) == [0, 1]
    pd.testing.assert_frame_equal(default.replications, explicit.replications)
    other_seed = orgsim.simulate(scenario, replications=2, seed=10, jobs=1)
    assert not default.replications.equals(other_seed.replications)


def test_results_frames_metric_and_headline_table():
    scenario = make_scenario(name="frames", org={"employees": 200}, simulation={"horizon_weeks": 10, "warmup_weeks": 2})
    results = orgsim.simulate(scenario, replications=3, seed=2, jobs=1)
    assert len(results.replications) == 3
    summary = results.summary.set_index("metric")
    assert set(summary.index) == set(results.replications.columns) - {"replication"}
    assert (summary["n"] <= 3).all()
    cost = results.metric("staff_cost_per_week")
    assert cost == pytest.approx(results.replications["staff_cost_per_week"].mean())
    with pytest.raises(KeyError, match="no metric"):
        results.metric("utilisation.nobody")
    days = scenario.simulation.horizon_weeks * scenario.calendar.days_per_week
    assert len(results.timeseries) == 3 * days
    assert set(results.people["replication"]) == {0, 1, 2}
    assert results.ticket_times["tickets"].sum() > 0
    assert (results.ticket_times["bin_low_hours"] < results.ticket_times["bin_high_hours"]).all()
    table = results.headline_table()
    assert table.splitlines()[0] == "frames: 3 replications, seed 2, 200 employees, structure combined"
    assert "IT manager utilisation (share of working time)" in table
    assert "staff cost (currency per week)" in table and "95% CI" in table


def test_results_write_summary_json_and_the_event_log(tmp_path):
    scenario = make_scenario(name="written", org={"employees": 60}, simulation={"horizon_weeks": 6, "warmup_weeks": 1})
    results = orgsim.simulate(scenario, replications=2, seed=3, jobs=1, events=True)
    folder = OutputFolder(tmp_path)
    results.write(folder)
    names = sorted(p.name for p in folder.written)
    assert names == ["events.csv", "people.csv", "projects.csv", "replications.csv", "summary.json", "timeseries.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no partial files left
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["replications"] == 2 and data["seed"] == 3 and data["confidence"] == 0.95
    cost = data["metrics"]["staff_cost_per_week"]
    assert cost["mean"] == pytest.approx(results.metric("staff_cost_per_week"))
    assert cost["n"] == 2
    events = pd.read_csv(tmp_path / "events.csv")
    assert tuple(events.columns) == EVENT_LOG_COLUMNS
    assert len(events) > 100
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "replications.csv"), results.replications, check_dtype=False)


# ------------------------------------------------------------------ several scenarios


def test_paired_differences_are_much_tighter_than_separate_intervals():
    """Common random numbers: combined and separate see the same tickets and projects, so
    the noise of the arrivals cancels in their difference."""
    scenarios = [
        make_scenario(name=s, org={"employees": 200, "structure": s}, **SHORT) for s in ("combined", "separate")
    ]
    comparison = compare(scenarios, replications=10, seed=3, jobs=1)
    differences = comparison.differences.set_index("metric")
    for metric in ("tickets_per_week.total", "ticket_resolution_hours_mean.total", "project_lead_time_weeks_mean"):
        row = differences.loc[metric]
        assert row.half_width_paired < 0.5 * row.half_width_unpaired, metric
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
    assert cost.loc["separate", "mean_difference"] == pytest.approx(2800.0)  # a project manager at 70 per hour, 40 h
    assert cost.loc["separate", "better"] == "combined"  # cost: lower is better
    twin = differences[differences["scenario"] == "separate-2"].set_index("metric")
    twin_separate = differences[differences["scenario"] == "separate"].set_index("metric")
    pd.testing.assert_series_equal(twin["mean_difference"], twin_separate["mean_difference"])  # same seed, same runs
    table = comparison.table()
    assert "separate - combined: +2,800" in table and "-> combined better" in table
    with pytest.raises(ValueError, match="at least two"):
        compare(scenarios[:1], replications=2, seed=1, jobs=1)


# ------------------------------------------------------------------ a grid


def test_net_of_cost_weighs_the_metric_against_staff_cost():
    """Separate has a shorter lead time but costs a project manager: valued at nothing a
    week, lead time cannot pay for one, so combined wins net of cost everywhere."""
    base = make_scenario(name="cost", simulation={"horizon_weeks": 20, "warmup_weeks": 2})
    result = sweep(
        base,
        vary={"org.employees": [100, 400, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=2,
        jobs=1,
    )
    cheap = result.crossover("project_lead_time_weeks_mean", net_of_cost=1e-9)["pairs"][0]
    assert cheap["winner"] == "baseline" and cheap["whole_range"]
    assert "combined beats separate" in cheap["sentence"] and "net of staff cost" in cheap["sentence"]


def test_sweep_frames_and_what_a_crossover_needs():
    base = make_scenario(name="grid", simulation={"horizon_weeks": 8, "warmup_weeks": 2})
    result = sweep(
        base,
        vary={"org.employees": [40, 80]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=6,
        jobs=1,
    )
    assert result.parameters == ["org.employees", "org.structure"]
    assert result.log_scale == set()  # two values: not taken for a log range
    frame = result.frame
    assert len(frame) == 2 * 2 * 3
    assert list(frame.columns[:3]) == ["org.employees", "org.structure", "replication"]
    assert list(frame["org.employees"]) == [40] * 6 + [80] * 6
    separate_cost = frame[frame["org.structure"] == "separate"]["staff_cost_per_week"]
    combined_cost = frame[frame["org.structure"] == "combined"]["staff_cost_per_week"]
    assert (separate_cost.to_numpy() - combined_cost.to_numpy()) == pytest.approx([2800.0] * 6)
    summary = result.summary
    assert len(summary) == sum(len(r.summary) for r in result.results)
    costs = summary[summary["metric"] == "staff_cost_per_week"]
    assert list(zip(costs["org.employees"], costs["org.structure"], strict=True)) == [
        (40, "combined"),
        (40, "separate"),
        (80, "combined"),
        (80, "separate"),
    ]
    crossover = result.crossover("staff_cost_per_week")
    assert crossover["parameter"] == "org.employees" and crossover["across"] == "org.structure"
    pair = crossover["pairs"][0]
    assert pair["winner"] == "baseline" and pair["whole_range"]
    assert pair["sentence"] == "combined beats separate on staff cost across the whole range (40-80 employees)"
    with pytest.raises(ValueError, match="no metric"):
        result.crossover("nonsense")
    with pytest.raises(ValueError, match="at least one"):
        sweep(base, vary={}, replications=1, seed=1, jobs=1)
    only_across = sweep(base, vary={}, across={"org.structure": ["combined", "separate"]}, replications=1, jobs=1)
    with pytest.raises(ValueError, match="exactly one --vary and one --across"):
        only_across.crossover("staff_cost_per_week")
    assert math.isclose(
        only_across.frame.set_index("org.structure").loc["separate", "staff_cost_per_week"]
        - only_across.frame.set_index("org.structure").loc["combined", "staff_cost_per_week"],
        2800.0,
    )
