"""One scenario's results (orgsim.results.run): Results, simulate, the files they write."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import orgsim
from orgsim.engine import EVENT_LOG_COLUMNS
from orgsim.results import OutputFolder
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
    assert len(results.events) == len(events)
    results.discard_events()
    with pytest.raises(ValueError, match="no event log was recorded"):
        _ = results.events
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "replications.csv"), results.replications, check_dtype=False)


def test_the_event_log_parts_live_until_the_caller_discards_them(tmp_path):
    """An explicit lifecycle: garbage collection deletes nothing; discard_events, or the end
    of a ``with`` block, deletes the parts; what is left at exit goes then (the safety net)."""
    import gc

    from orgsim.results import run

    scenario = make_scenario(name="kept", org={"employees": 40}, simulation={"horizon_weeks": 3, "warmup_weeks": 1})
    results = orgsim.simulate(scenario, replications=2, seed=3, jobs=1, events=True)
    parts = list(results.event_parts)
    folder = results._events_dir
    assert folder in run._PENDING
    del results
    gc.collect()
    assert all(Path(part).exists() for part in parts)  # not deleted behind anyone's back
    run._discard_pending()  # what the interpreter's exit does
    assert not folder.exists() and folder not in run._PENDING
    with orgsim.simulate(scenario, replications=2, seed=3, jobs=1, events=True) as results:
        folder = results._events_dir
        assert len(results.events) > 10
    assert not folder.exists() and results.event_parts is None and folder not in run._PENDING
