"""One replication: conservation, determinism, common random numbers, the clock, the
event log, the work sources the model builds and the restart of every monitor at the end
of the warm-up."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import orgsim
from orgsim.engine import ARRIVAL, EVENT_LOG_COLUMNS, ConservationError, Model
from orgsim.metrics import measure
from orgsim.work import sources
from orgsim.work.interrupts import ManagerInterrupts
from orgsim.work.projects import ProjectOffice
from orgsim.work.recurring import RecurringWork
from orgsim.work.routine import RoutineOperations
from orgsim.work.tickets import TicketDesk
from tests.conftest import make_scenario


def _run(scenario, replication=0):
    model = Model(scenario, replication)
    model.run()
    return model, measure(model)


@pytest.mark.parametrize("structure", ["combined", "separate", "pmo", "no_pm", "combined_engineer", "combined_deputy"])
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
    open_projects += state.get("projects_deferred", 0)  # intake control's deferred backlog
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


def test_results_do_not_depend_on_the_executor():
    """The same numbers in this process and on any executor, whatever order the runs finish
    in.  A thread pool stands in for a process pool: no test starts processes inside a
    pytest-xdist worker."""
    scenario = make_scenario(
        org={"employees": 150, "structure": "combined"}, simulation={"horizon_weeks": 20, "warmup_weeks": 2}
    )
    serial = orgsim.simulate(scenario, replications=4, seed=5, jobs=1)
    with ThreadPoolExecutor(2) as pool:
        parallel = orgsim.simulate(scenario, replications=4, seed=5, executor=pool)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.summary, parallel.summary)
    pd.testing.assert_frame_equal(serial.people, parallel.people)


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


def test_clock_runs_in_working_hours():
    scenario = make_scenario(
        calendar={"hours_per_day": 7.5, "days_per_week": 4}, simulation={"horizon_weeks": 10, "warmup_weeks": 1}
    )
    model, output = _run(scenario)
    assert model.env.now == pytest.approx(10 * 30.0)
    assert len(output.timeseries) == 40  # one row per working day
    assert model.timestamp(7.5 * 4) == "2026-01-12T09:00:00"  # day 5 is the next Monday
    assert model.timestamp(3.25) == "2026-01-05T12:15:00"


def test_the_model_builds_every_work_source_in_start_order():
    assert sources() == [TicketDesk, RoutineOperations, ManagerInterrupts, RecurringWork, ProjectOffice]
    model = Model(make_scenario(simulation={"horizon_weeks": 2, "warmup_weeks": 1}), 0)
    assert list(model.sources) == ["tickets", "routine", "interrupts", "recurring", "projects"]
    assert all(source.org is model for source in model.sources.values())
    only_tickets = Model(
        make_scenario(simulation={"horizon_weeks": 2, "warmup_weeks": 1}), 0, source_types=[TicketDesk]
    )
    only_tickets.run()
    assert list(only_tickets.sources) == ["tickets"]
    assert sum(only_tickets.created.values()) == sum(only_tickets.created[d] for d in TicketDesk.duties) > 0


def test_the_event_log_accounts_for_every_item():
    """One row per start, suspend, resume and completion: every item completed has one
    completion row, every item begun one start row, every suspension is resumed or still
    paused, the rows come in time order and the person of each row holds its duty."""
    scenario = make_scenario(
        org={"employees": 200, "structure": "separate"},
        projects={"initial_portfolio": 3},
        simulation={"horizon_weeks": 12, "warmup_weeks": 2},
    )
    rows = []
    model = Model(scenario, 3, event_sink=rows.append)
    census = model.run()
    assert all(len(row) == len(EVENT_LOG_COLUMNS) == 7 for row in rows)
    assert {row[0] for row in rows} == {3}
    arrivals = [row for row in rows if row[5] == "schedule"]
    assert all(row[2] == ARRIVAL and row[6] == "" for row in arrivals)
    assert len({row[1] for row in arrivals}) == len(arrivals) == len({row[1] for row in rows}), "one arrival a case"
    rows = [row for row in rows if row[5] != "schedule"]
    transitions = Counter(row[5] for row in rows)
    assert set(transitions) <= {"start", "suspend", "resume", "complete"}
    assert transitions["complete"] == sum(model.completed.values()) > 1000
    assert transitions["start"] == sum(model.completed.values()) + sum(census["in_progress"].values())
    paused = sum(len(worker.paused) for worker in model.workers)
    assert transitions["suspend"] == transitions["resume"] + paused
    assert [row[3] for row in rows] == sorted(row[3] for row in rows)
    duties = {role.name: role.duties for role in scenario.roles}
    assert all(row[6] in duties[row[4].split("#")[0]] for row in rows)
    assert all(row[1].startswith("r3-") for row in rows), "case ids name their replication"
    kinds = Counter(row[1].split("-")[1] for row in rows)
    assert set(kinds) == {"ticket", "project", "management", "routine", "interrupt"}
    # a completed ticket's level-1 step is logged as its class says
    desk = model.sources["tickets"]
    names = {f"level 1 {klass.name}" for klass in desk.classes}
    assert {row[2] for row in rows if row[6] == "ticket_l1"} <= names


def test_the_end_of_the_warmup_restarts_every_monitor():
    scenario = make_scenario(org={"employees": 200}, simulation={"horizon_weeks": 6, "warmup_weeks": 2.5})
    model = Model(scenario, 0)
    seen = {}

    def look(_event):  # just after the restart
        for worker in model.workers:
            worker.flush(model.env.now)
        seen["busy"] = [dict(worker.busy) for worker in model.workers]
        seen["resolved"] = sum(model.sources["tickets"].resolved)
        seen["created"] = dict(model.created)

    model.env.timeout(2.5 * 40 + 1e-9).callbacks.append(look)
    model.run()
    assert model.measure_start == model.recorder.started_at == 100.0
    for worker, busy in zip(model.workers, seen["busy"], strict=True):
        # busy hours since 0 are kept; the part before the warm-up ended is set aside
        assert set(worker.busy_at_restart) <= set(busy)
        for label, hours in worker.busy_at_restart.items():
            assert hours == pytest.approx(busy[label], abs=1e-6)
    resolved = sum(model.recorder.counts[f"tickets_resolved.{k.name}"] for k in model.sources["tickets"].classes)
    assert resolved == sum(model.sources["tickets"].resolved) - seen["resolved"]
    entered = Counter()
    for queue in model.all_queues():
        entered[queue.duty] += queue.entered
    created = {duty: model.created[duty] - seen["created"][duty] for duty in model.created}
    assert entered == Counter({duty: n for duty, n in created.items() if n}), "queues count from the restart"
    assert sum(entered.values()) > 200
