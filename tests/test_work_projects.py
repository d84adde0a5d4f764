"""Projects (orgsim.work.projects): the WIP-limited start queue, intake by a portfolio
manager, the lifecycle of a project (initiation, planning, hand-offs and work packages,
exception decisions or rework, closing), weekly status reports and due dates."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

import orgsim
from orgsim.engine import Model
from orgsim.work import projects as projects_module
from orgsim.work.projects import Project
from tests.conftest import make_scenario


class RecordingModel(Model):
    """The model, keeping every project item submitted (with its effort and owner) and when
    each was done."""

    def __init__(self, scenario, replication=0, **kwargs):
        self.items = []  # (item, effort at submission, owner)
        self.done_at = {}
        super().__init__(scenario, replication, **kwargs)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        item = super().submit(duty, effort, case, then, activity, owner, priority, preemptive)
        if isinstance(case, Project):
            self.items.append((item, effort, owner))
        return item

    def _finished(self, item, now, worker):
        self.done_at[item.seq] = now
        super()._finished(item, now, worker)

    def by_project(self):
        out = defaultdict(list)
        for item, effort, owner in self.items:
            out[item.case.case_id].append((item, effort, owner))
        return out


@pytest.fixture
def arrivals(monkeypatch):
    """Every project created, in order, as the project office builds them."""
    created = []

    class Recorded(Project):
        def __init__(self, *args):
            super().__init__(*args)
            created.append(self)

    monkeypatch.setattr(projects_module, "Project", Recorded)
    return created


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


@pytest.mark.parametrize("structure", ["combined", "separate"])
def test_every_active_project_gets_exactly_one_status_report_a_week(structure):
    """At the start of week w a project active then (started, not yet closed) gets one
    status report of status_hours_per_week, in its coordinator's own queue; no other
    project gets one."""
    scenario = make_scenario(
        org={"employees": 200, "structure": structure},
        projects={"per_100_employees_per_year": 20, "initial_portfolio": 3, "status_hours_per_week": 1.5},
        simulation={"horizon_weeks": 30, "warmup_weeks": 1},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    hours_per_week = scenario.calendar.hours_per_week
    reports = Counter()
    active_weeks = 0
    for case_id, items in model.by_project().items():
        initiation = next(item for item, _, _ in items if item.activity == "initiation")
        coordinator = next(owner for item, _, owner in items if item.activity == "initiation")
        closing = [item for item, _, _ in items if item.activity == "closing" and item.done]
        closed_at = model.done_at[closing[0].seq] if closing else math.inf
        for item, effort, owner in items:
            if item.duty == "status_reporting":
                assert item.activity == "status report" and effort == 1.5
                assert owner is coordinator and item.queue is coordinator.private["status_reporting"]
                week, within = divmod(item.created_at, hours_per_week)
                assert within == 0.0, "issued at the start of a week"
                reports[case_id, int(week)] += 1
        for week in range(30):
            start = week * hours_per_week
            active = initiation.created_at <= start < closed_at
            active_weeks += active
            assert reports[case_id, week] == (1 if active else 0), (case_id, week, initiation.created_at, closed_at)
    assert sum(reports.values()) == active_weeks > 50
    assert max(reports.values()) == 1


@pytest.mark.parametrize(("employees", "team"), [(40, 1), (200, 3)])
def test_due_dates_are_the_same_in_every_structure_for_the_same_seed(arrivals, employees, team):
    """Due = arrival + due_date_factor x effort / planned team, the team being team_size or
    fewer when fewer people do project work without coordinating it: 1 engineer at 40
    employees, 5 at 200, whoever coordinates."""
    seen = {}
    for structure in ("combined", "separate", "pmo", "no_pm"):
        scenario = make_scenario(
            org={"employees": employees, "structure": structure},
            projects={"per_100_employees_per_year": 30, "initial_portfolio": 2, "due_date_factor": 2.5},
            simulation={"horizon_weeks": 30, "warmup_weeks": 1},
        )
        arrivals.clear()
        model = Model(scenario, 4)
        model.run()
        assert model.sources["projects"].planned_team == team
        seen[structure] = [(p.case_id, p.arrived_at, p.effort, p.due_at) for p in arrivals]
    assert len(seen["combined"]) > 5
    assert seen["combined"] == seen["separate"] == seen["pmo"] == seen["no_pm"]
    for _, arrived_at, effort, due_at in seen["combined"]:
        assert due_at == pytest.approx(arrived_at + 2.5 * effort / team, rel=1e-12)


def test_a_portfolio_manager_takes_in_every_project_before_it_can_start(arrivals):
    """PMO: each project's first step is an intake of intake_hours, in the shared portfolio
    queue, submitted on arrival; initiation comes after it.  Without a PMO there is none."""
    common = dict(
        projects={"intake_hours": 2.0, "initial_portfolio": 2}, simulation={"horizon_weeks": 20, "warmup_weeks": 1}
    )
    model = RecordingModel(make_scenario(org={"employees": 1500, "structure": "pmo"}, **common), 0)
    model.run()
    arrived = {p.case_id: p.arrived_at for p in arrivals}
    by_project = model.by_project()
    assert set(by_project) == set(arrived) and len(arrived) > 30
    started_at_intake_end = 0
    for case_id, items in by_project.items():
        intake, effort, owner = items[0]
        assert (intake.duty, intake.activity, effort, owner) == ("portfolio_management", "intake", 2.0, None)
        assert intake.created_at == arrived[case_id]
        assert [item.activity for item, _, _ in items].count("intake") == 1
        if len(items) > 1:
            initiation = items[1][0]
            assert initiation.activity == "initiation" and intake.done
            assert initiation.created_at >= model.done_at[intake.seq]
            started_at_intake_end += initiation.created_at == model.done_at[intake.seq]
    assert started_at_intake_end > 20, "with a free coordinator a project starts when its intake ends"
    intake_left = sum(1 for items in by_project.values() if not items[0][0].done)
    assert model.recorder.state["projects_intake"] == intake_left

    arrivals.clear()
    combined = RecordingModel(make_scenario(org={"employees": 1500, "structure": "combined"}, **common), 0)
    combined.run()
    assert not any(item.activity == "intake" for item, _, _ in combined.items)
    assert {p.case_id: p.arrived_at for p in arrivals} == arrived, "the same projects arrive"


def test_a_project_runs_its_lifecycle_in_order_with_at_most_a_team_of_packages_in_flight():
    """Initiation, planning, then packages of effort / ceil(effort / work_package_hours) hours
    each after a hand-off, at most team_size at once, then closing; its lead time is closing's end
    minus its arrival."""
    scenario = make_scenario(
        org={"employees": 400, "structure": "separate"},
        projects={
            "initial_portfolio": 4,
            "per_100_employees_per_year": 10,
            "exception_probability": 0.0,
            "team_size": 2,
            "work_package_hours": 40.0,
        },
        simulation={"horizon_weeks": 40, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    lead_times = []
    for items in model.by_project().values():
        project = items[0][0].case
        steps = [(item, effort) for item, effort, _ in items if item.duty != "status_reporting"]
        if project.state != "done":
            continue
        activities = [item.activity for item, _ in steps]
        count = math.ceil(project.effort / 40.0 - 1e-9)
        assert activities[:2] == ["initiation", "planning"] and activities[-1] == "closing"
        assert activities.count("hand-off") == activities.count("work package") == count
        packages = [(item, effort) for item, effort in steps if item.activity == "work package"]
        assert all(effort == pytest.approx(project.effort / count) for _, effort in packages)
        assert sum(effort for _, effort in packages) == pytest.approx(project.effort)
        handoffs = [item for item, _ in steps if item.activity == "hand-off"]
        for handoff, (package, _) in zip(handoffs, packages, strict=True):
            assert package.created_at == model.done_at[handoff.seq]
        # packages in flight: from their hand-off's creation to their completion
        events = sorted([(h.created_at, 1) for h in handoffs] + [(model.done_at[p.seq], -1) for p, _ in packages])
        level = peak = 0
        for _, step in events:
            level += step
            peak = max(peak, level)
        assert peak <= 2
        closing = steps[-1][0]
        assert closing.created_at == max(model.done_at[p.seq] for p, _ in packages)
        lead_times.append(model.done_at[closing.seq] - project.arrived_at)
    assert len(lead_times) > 10
    assert sorted(model.recorder.samples["project_lead_time_hours"]) == pytest.approx(sorted(lead_times))


def test_every_exception_gets_a_decision_from_the_coordinator_before_its_slot_is_freed():
    scenario = make_scenario(
        org={"employees": 200, "structure": "separate"},
        projects={"initial_portfolio": 3, "exception_probability": 1.0, "decision_wait_limit_hours": 10_000.0},
        simulation={"horizon_weeks": 30, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    decided = later = 0
    for items in model.by_project().values():
        coordinator = items[0][2]
        packages = [item for item, _, _ in items if item.activity == "work package" and item.done]
        decisions = [(item, owner) for item, _, owner in items if item.activity == "exception decision"]
        assert len(decisions) == len(packages), "every package finished raises one"
        assert all(owner is coordinator for _, owner in decisions), "in the coordinator's own queue"
        # each raised when a package is done, in the order they finish
        assert [d.created_at for d, _ in decisions] == sorted(model.done_at[p.seq] for p in packages)
        # the package's slot is held until the decision: every hand-off after the first
        # team_size (3) comes when a decision is done, not when a package is
        decided_at = {model.done_at[d.seq] for d, _ in decisions if d.done}
        handoffs = [item for item, _, _ in items if item.activity == "hand-off"]
        assert all(h.created_at in decided_at for h in handoffs[3:])
        later += len(handoffs[3:])
        decided += sum(1 for decision, _ in decisions if decision.done)
    assert decided > 20 and later > 5
    assert model.recorder.totals["rework_hours"] == 0.0
