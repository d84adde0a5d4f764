"""The answer in load per IT manager (orgsim/study/manager_load.py): the load at a point, the
crossover translated into it, the runs the span sweep shares, and what doubling the span of
control does to the crossover."""

from __future__ import annotations

import math

import pytest

import orgsim
from orgsim.results import Sweep, sweep
from orgsim.study import Study, study_plan
from orgsim.study import manager_load as load
from tests.conftest import SCENARIOS

SHORT = {"simulation.horizon_weeks": 30, "simulation.warmup_weeks": 4}


def _scenario(**changes):
    return orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes({**SHORT, **changes})


def test_the_load_at_a_point_is_the_headcounts_and_the_project_rate_per_it_manager():
    """At 400 employees, span 8: 10 engineers + 5 service desk = 15 reports on 2 IT managers
    (7.5 each); the projects expected a year (400/100 x the classes' rates) on 2; the offered
    coordination hours are the metric's mean.  Separate: 2 PMs report too, 17 on 3 managers."""
    scenario = _scenario(**{"org.employees": 400})
    result = orgsim.simulate(scenario.with_changes({"simulation.horizon_weeks": 6}), replications=2, seed=3, jobs=1)
    row = load.point_load(result)
    per_year = 4.0 * sum(c.per_100_employees_per_year for c in scenario.projects.classes)
    assert row["it_managers"] == 2
    assert row["reports_per_it_manager"] == 7.5
    assert row["projects_per_it_manager_per_year"] == pytest.approx(per_year / 2)
    hours = result.replications[load.COORDINATION].to_numpy()
    assert row["coordination_hours"] == pytest.approx(hours.mean()) and hours.mean() > 0
    separate = scenario.with_changes({"org.structure": "separate"})
    counts = separate.headcounts()
    assert (counts["engineer"], counts["service_desk"], counts["project_manager"], counts["it_manager"]) == (
        10,
        5,
        2,
        3,
    )


def test_a_span_that_hires_the_same_people_is_the_same_run():
    """The span is read only through the headcounts: at 100 employees (3 reports, one IT
    manager) spans 8 and 16 are one run, bit for bit, and the study runs it once; at 400 they
    are not."""
    small = _scenario(**{"org.employees": 100, "simulation.horizon_weeks": 8})
    wide = small.with_changes({"org.span_of_control": 16})
    assert load.shared_run(wide, 8) == small.with_changes({"org.span_of_control": 8})
    assert load.shared_run(wide.with_changes({"org.employees": 400}), 8).org.span_of_control == 16
    a = orgsim.simulate(small, replications=2, seed=5, jobs=1).replications
    b = orgsim.simulate(wide, replications=2, seed=5, jobs=1).replications
    assert a.equals(b)


def test_a_crossover_is_translated_into_the_load_as_it_is_interpolated():
    """In log size between the grid's neighbours; the CI becomes the load's range over it (a
    grid point inside the CI counts: the load need not grow with size)."""
    sizes, loads = [100, 200, 400], [3.0, 7.0, 7.5]
    mean, low, high = load.translate(math.sqrt(200 * 400), 150, 300, sizes, loads)
    assert mean == pytest.approx(7.25)
    assert low == pytest.approx(3 + 4 * math.log(1.5) / math.log(2))
    assert high == pytest.approx(7 + 0.5 * math.log(1.5) / math.log(2))
    stepped = load.translate(300, 150, 350, sizes, [3.0, 9.0, 7.5])  # the grid's 9 lies inside the CI
    assert stepped[2] == 9.0
    assert all(math.isnan(v) for v in load.translate(math.nan, math.nan, math.nan, sizes, loads))


@pytest.fixture(scope="module")
def doubled():
    """Combined and separate at 200 and 400 employees with one IT manager per 8 and per 16
    reports (short runs, 3 replications), as a study holds them; at 200 the two spans hire the
    same people, so span 16 shares span 8's runs there (as the study does)."""
    scenario = _scenario(**{"simulation.horizon_weeks": 20})
    plan = study_plan(scenario, sizes=[200, 400, 800], structures=["combined", "separate"], replications=3)
    pair = {"org.structure": ["combined", "separate"]}
    narrow = sweep(
        scenario, {"org.employees": [200, 400]}, pair, replications=3, seed=21, jobs=1, log_scale={"org.employees"}
    )
    top = sweep(
        scenario.with_changes({"org.span_of_control": 16}),
        {"org.employees": [400]},
        pair,
        replications=3,
        seed=21,
        jobs=1,
    )
    shared = [i for i, p in enumerate(narrow.points) if p["org.employees"] == 200]
    wide = Sweep(
        top.scenario,
        {"org.employees": [200, 400]},
        pair,
        [narrow.points[i] for i in shared] + top.points,
        [narrow.results[i] for i in shared] + top.results,
        21,
        {"org.employees"},
    )
    sweeps = {f"main.{plan.culture}": narrow, "span.16": wide}  # span 8's points are the answer's
    return Study(scenario, plan, 21, sweeps, None)


def test_doubling_the_span_moves_the_crossover_in_employees_not_to_one_load(doubled, monkeypatch):
    """One IT manager per 8 reports never carries more than 7.5 reports here (15 at 400 are two
    managers) and separate is not better at the top; per 16 the one manager carries 7 reports at
    200 (the same run as span 8's) and 15 at 400, where, working longer weeks (up to 56 hours),
    the manager still carries the load (not over capacity) but separate is better by ~4 weeks.
    The crossover moves in employees (from beyond the sizes studied to ~365).  In reports per IT
    manager it lands between the grid's 7 and 15 reports, above the 7.5 at which span 8's
    managers show no advantage: consistent, but the doubling grid cannot tell the load at which
    separate starts to win more closely (a finding, see the study report's load section)."""
    monkeypatch.setattr(load, "SPAN_FACTORS", (2.0,))
    doubled._cache.clear()
    table = doubled.table("span_crossover.csv").set_index(["grid", "span_of_control"])
    narrow = table.loc[("the span sweep's sizes", 8)]
    wide = table.loc[("the span sweep's sizes", 16)]
    assert narrow["winner"] != "separate" and math.isnan(narrow["crossover"])
    assert narrow["top_reports_per_it_manager"] == 7.5
    assert wide["winner"] == "separate" and 200 <= wide["crossover"] < 400
    assert math.isnan(wide["over_capacity_from"])  # the longer weeks carry the 15 reports
    assert 7 <= wide["reports_per_it_manager_ci_low"] <= wide["reports_per_it_manager"] <= 15
    assert wide["reports_per_it_manager"] > narrow["top_reports_per_it_manager"]
    rows = doubled.table("manager_load.csv")
    assert set(rows["span_of_control"]) == {8, 16}
    at400 = rows[rows["employees"] == 400].set_index("span_of_control")
    assert at400.loc[16, "verdict_for_separate"] == "better" and at400.loc[16, "ci_low"] > 0
    assert (at400.loc[8, "it_managers"], at400.loc[16, "it_managers"]) == (2, 1)
    assert at400.loc[8, "verdict_for_separate"] != "better"
    sentence = load.load_sentence(doubled)
    assert "one IT manager per 16 reports: split when one IT manager carries more than" in sentence
    assert "one IT manager per 8 reports: neither" in sentence
