"""One replication: conservation, determinism, common random numbers, the clock."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import orgsim
from orgsim.engine import ConservationError, Model
from orgsim.metrics import measure
from tests.conftest import make_scenario


def _run(scenario, replication=0):
    model = Model(scenario, replication)
    model.run()
    return model, measure(model)


@pytest.mark.parametrize("structure", ["combined", "separate", "pmo", "no_pm"])
@pytest.mark.parametrize("employees", [40, 400])
def test_conservation_holds_and_is_reported(structure, employees):
    scenario = make_scenario(
        org={"employees": employees, "structure": structure},
        projects={"initial_portfolio": 3},
        simulation={"horizon_weeks": 30, "warmup_weeks": 4},
    )
    model, output = _run(scenario)
    census = model.check_conservation()
    desk, office = model.sources["tickets"], model.sources["projects"]
    state = model.recorder.state
    open_tickets = sum(state[f"tickets_open.{k.name}"] for k in desk.classes)
    assert sum(desk.arrived) == sum(desk.resolved) + open_tickets
    open_projects = state["projects_intake"] + state["projects_waiting"] + state["projects_active"]
    assert office.arrived == office.completed + open_projects
    for duty in model.created:
        assert model.created[duty] == (
            model.completed[duty] + model.cancelled[duty] + census["waiting"][duty] + census["in_progress"][duty]
        )
    assert sum(desk.arrived) > 0 and office.arrived > 0


def test_a_lost_item_is_detected():
    scenario = make_scenario(
        org={"employees": 200},
        tickets={"per_employee_per_month": 8.0},
        simulation={"horizon_weeks": 6, "warmup_weeks": 1},
    )
    model = Model(scenario, 0)
    model.run()
    busy_queue = max(model.queues.values(), key=lambda q: len(q.heap))
    assert len(busy_queue.heap) > 5, "an overloaded run leaves work waiting"
    busy_queue.heap.pop()
    with pytest.raises(ConservationError, match="arrived"):
        model.check_conservation()


def test_same_seed_same_numbers_different_seed_different_numbers():
    scenario = make_scenario(
        org={"employees": 300, "structure": "separate"}, simulation={"horizon_weeks": 20, "warmup_weeks": 2}
    )
    first = orgsim.simulate(scenario, replications=3, seed=11, jobs=1)
    again = orgsim.simulate(scenario, replications=3, seed=11, jobs=1)
    other = orgsim.simulate(scenario, replications=3, seed=12, jobs=1)
    pd.testing.assert_frame_equal(first.replications, again.replications)
    assert not first.replications.equals(other.replications)


def test_results_do_not_depend_on_the_number_of_processes():
    scenario = make_scenario(
        org={"employees": 150, "structure": "combined"}, simulation={"horizon_weeks": 20, "warmup_weeks": 2}
    )
    serial = orgsim.simulate(scenario, replications=4, seed=5, jobs=1)
    parallel = orgsim.simulate(scenario, replications=4, seed=5, jobs=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.summary, parallel.summary)


def test_structures_see_the_same_tickets_and_projects_with_the_same_seed():
    """Common random numbers: changing who does the work does not change what arrives."""
    arrivals = {}
    for structure in ("combined", "separate", "no_pm"):
        scenario = make_scenario(
            org={"employees": 200, "structure": structure}, simulation={"horizon_weeks": 30, "warmup_weeks": 1}
        )
        model = Model(scenario, replication=2)
        seen = []
        original = model.submit

        def record(duty, effort, case, *args, _seen=seen, _original=original):
            if (
                type(case).__name__ == "Ticket"
                and duty in ("ticket_l1",)
                or (type(case).__name__ == "Ticket" and not case.klass.has_l1 and duty == "ticket_l2")
            ):
                _seen.append((round(case.arrived_at, 9), case.klass.name, round(case.l2_effort, 9)))
            return _original(duty, effort, case, *args)

        projects = []
        enqueue = model.sources["projects"]._enqueue

        def record_project(project, _projects=projects, _enqueue=enqueue):
            _projects.append((round(project.arrived_at, 9), round(project.effort, 9), tuple(project.exceptions)))
            _enqueue(project)

        model.submit = record
        model.sources["projects"]._enqueue = record_project
        model.run()
        arrivals[structure] = (seen, projects)
    assert len(arrivals["combined"][0]) > 100 and len(arrivals["combined"][1]) > 5
    assert arrivals["combined"] == arrivals["separate"] == arrivals["no_pm"]


def test_utilisation_and_busy_hours_stay_within_available_time():
    scenario = make_scenario(
        org={"employees": 120, "structure": "combined"},
        tickets={"per_employee_per_month": 6.0},
        simulation={"horizon_weeks": 20, "warmup_weeks": 2},
    )
    results = orgsim.simulate(scenario, replications=2, seed=1, jobs=1)
    people = results.people
    assert (people["utilisation"] <= 1 + 1e-9).all() and (people["utilisation"] >= 0).all()
    assert people["utilisation"].max() > 0.95, "this load should saturate someone"
    hours = people.filter(like="hours_per_week.").sum(axis=1)
    assert (hours <= scenario.calendar.hours_per_week + 1e-6).all()
    assert any("grows" in w for w in results.warnings), "an overloaded run must warn"


def test_clock_runs_in_working_hours():
    scenario = make_scenario(
        calendar={"hours_per_day": 7.5, "days_per_week": 4}, simulation={"horizon_weeks": 10, "warmup_weeks": 1}
    )
    model, output = _run(scenario)
    assert model.env.now == pytest.approx(10 * 30.0)
    assert len(output.timeseries) == 40  # one row per working day
    assert model.timestamp(7.5 * 4) == "2026-01-12T09:00:00"  # day 5 is the next Monday
    assert model.timestamp(3.25) == "2026-01-05T12:15:00"


def test_warmup_excludes_the_start_from_metrics():
    base = dict(org={"employees": 200}, simulation={"horizon_weeks": 20, "warmup_weeks": 10})
    model, output = _run(make_scenario(**base))
    counts = model.recorder.counts
    measured = sum(counts[f"tickets_resolved.{k.name}"] for k in model.sources["tickets"].classes)
    assert 0 < measured < sum(model.sources["tickets"].resolved)
    weeks = output.metrics["tickets_per_week.total"]
    assert weeks == pytest.approx(measured / 10.0)


def test_projects_respect_the_wip_limit():
    scenario = make_scenario(
        org={"employees": 200, "structure": "separate"},
        projects={"per_100_employees_per_year": 30, "wip_limit": 2, "initial_portfolio": 10},
        simulation={"horizon_weeks": 30, "warmup_weeks": 2},
    )
    model = Model(scenario, 0)
    peak = {"active": 0}
    office = model.sources["projects"]
    original = office._start_waiting

    def watch():
        original()
        for count in office.active_count.values():
            assert count <= 2
        peak["active"] = max(peak["active"], len(office.active))

    office._start_waiting = watch
    model.run()
    coordinators = len(model.holders("project_coordination"))
    assert peak["active"] == 2 * coordinators
    assert office.completed > 5


def test_late_decisions_cause_rework_and_prompt_ones_do_not():
    """Every package raises an exception; a patient limit means no rework, an
    impossible one means every package is partly redone (rework_share x package)."""
    common = dict(
        org={"employees": 200, "structure": "separate"},
        simulation={"horizon_weeks": 40, "warmup_weeks": 4},
        projects={
            "exception_probability": 1.0,
            "per_100_employees_per_year": 6,
            "effort": 400.0,
            "work_package_hours": 40.0,
            "rework_share": 0.25,
        },
    )
    patient = dict(common, projects={**common["projects"], "decision_wait_limit_hours": 10_000.0})
    prompt = orgsim.simulate(make_scenario(**patient), replications=2, seed=3, jobs=1)
    hurried = dict(common, projects={**common["projects"], "decision_wait_limit_hours": 1e-6})
    late = orgsim.simulate(make_scenario(**hurried), replications=2, seed=3, jobs=1)
    assert prompt.metric("rework_hours_per_week") == 0.0
    # 10 packages of 40 h; a decision the coordinator cannot take at once is overdue, and
    # costs 0.25 x 40 h = 10 h; at most all 10 packages: 100 h per project
    per_project = late.metric("rework_hours_per_project")
    assert 10.0 < per_project <= 100.0
    project_rework = late.replications["rework_hours_per_week"].to_numpy()
    assert (project_rework > 0).all()


def test_metrics_are_finite_where_work_was_done():
    scenario = make_scenario(org={"employees": 400}, simulation={"horizon_weeks": 20, "warmup_weeks": 2})
    _, output = _run(scenario)
    for name in (
        "tickets_per_week.total",
        "ticket_resolution_hours_mean.p3",
        "sla_attainment.total",
        "utilisation.it_manager",
        "staff_cost_per_week",
        "cost_per_ticket",
        "queue_length_mean.ticket_l2",
    ):
        assert math.isfinite(output.metrics[name]), name
