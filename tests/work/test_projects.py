"""Projects (orgsim.work.projects): classes and scheduled projects, the WIP-limited start
queue, intake by a portfolio manager, teams, the lifecycle of a project (initiation,
planning, hand-offs and work packages in the team members' own queues, exception decisions
and the rework their wait causes, closing), weekly coordination and status reports, due
dates planned from the estimate, and the time lost by people on several projects at once."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

import orgsim
from orgsim.engine import Model
from orgsim.metrics import WEEKS_PER_QUARTER, measure
from orgsim.scenario import PRESET_NAMES
from orgsim.work import projects as projects_module
from orgsim.work.projects import Project
from tests.conftest import (
    old_scenario as make_scenario,  # the model before issue 20, each test switching its mechanism in
)

STRUCTURES = PRESET_NAMES  # every preset, from its row
# a project manager who starts a project with whoever is least loaded (the rule without protected teams)
UNPROTECTED = {"project_manager": {"protects_team": False}}


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


def _two_person_office(roles=None, **projects):
    """A custom organisation with no tickets: one project manager and ``eng`` engineers who do
    nothing but project work, and only the initial portfolio (small projects) arriving."""
    return make_scenario(
        org={"employees": 40, "structure": "custom"},
        roles=roles
        or {
            "pm": {"headcount": 1, "duties": ["project_coordination", "status_reporting"]},
            "eng": {"headcount": 1, "duties": ["project_work"]},
        },
        tickets={"per_employee_per_month": 0.0},
        projects={"arrival_scale": 0, **projects},
        simulation={"horizon_weeks": 6, "warmup_weeks": 0},
    )


# ---------------------------------------------------------------- classes and arrivals


def test_every_class_arrives_at_its_rate_times_the_arrival_scale(arrivals):
    """Poisson arrivals per class at employees / 100 x per_100_employees_per_year x arrival_scale
    a year; arrival_scale 0 switches random arrivals off (the initial portfolio still comes, as
    small projects at time 0)."""
    classes = {
        "small": {"per_100_employees_per_year": 12.0},
        "medium": {"per_100_employees_per_year": 2.0, "effort": 300.0, "team_size": 2},
    }
    counts = Counter()
    weeks, runs = 52, 6
    for replication in range(runs):
        scenario = make_scenario(
            org={"employees": 400, "structure": "separate"},
            projects={"arrival_scale": 1.5, "classes": classes},
            simulation={"horizon_weeks": weeks, "warmup_weeks": 0},
        )
        arrivals.clear()
        Model(scenario, replication).run()
        counts.update(p.klass.name for p in arrivals)
    for name, rate in (("small", 12.0), ("medium", 2.0)):
        expected = 400 / 100 * rate * 1.5 * weeks / 52 * runs
        # Poisson: within 4 standard deviations of the expected count
        assert abs(counts[name] - expected) < 4 * math.sqrt(expected), (name, counts[name], expected)
    assert counts["medium"] > 20

    arrivals.clear()
    off = make_scenario(
        org={"employees": 400, "structure": "separate"},
        projects={"arrival_scale": 0, "initial_portfolio": 3, "classes": classes},
        simulation={"horizon_weeks": 20, "warmup_weeks": 0},
    )
    Model(off, 0).run()
    assert [(p.klass.name, p.arrived_at) for p in arrivals] == [("small", 0.0)] * 3


def test_a_scheduled_project_arrives_in_its_week_with_its_effort_team_and_class(arrivals):
    """[[projects.scheduled]]: week x hours per week, the given effort (0: drawn from the class) and
    team (0: the class's).  Its draws do not move the random arrivals: the same projects arrive at
    the same times with the same efforts with or without it."""

    def run(scheduled):
        scenario = make_scenario(
            org={"employees": 200, "structure": "separate"},
            projects={"arrival_scale": 2, "scheduled": scheduled},
            simulation={"horizon_weeks": 30, "warmup_weeks": 2},
        )
        arrivals.clear()
        Model(scenario, 1).run()
        return list(arrivals)

    plain = run([])
    scheduled = run(
        [
            {"week": 10, "class": "medium", "effort_hours": 3000, "team_size": 2},
            {"week": 12.5, "class": "small"},
        ]
    )
    extra = [p for p in scheduled if p.arrived_at in (400.0, 500.0)]
    assert [(p.klass.name, p.arrived_at) for p in extra] == [("medium", 400.0), ("small", 500.0)]
    medium, small = extra
    assert (medium.effort, medium.team_size, medium.package_count) == (3000.0, 2, 75)  # 40-hour packages
    assert medium.package_hours == pytest.approx(40.0)
    assert small.team_size == 1 and small.effort > 0 and small.package_hours <= 16.0
    random_ones = [p for p in scheduled if p not in extra]
    assert len(plain) > 10
    assert [(p.klass.name, p.arrived_at, p.effort) for p in random_ones] == [
        (p.klass.name, p.arrived_at, p.effort) for p in plain
    ]


# ---------------------------------------------------------------- the start queue and intake


def test_projects_respect_the_wip_limit():
    scenario = make_scenario(
        org={"employees": 200, "structure": "separate"},
        roles=UNPROTECTED,  # every coordinator starts what they can, engineers free or not
        projects={"arrival_scale": 3, "wip_limit": 2, "initial_portfolio": 10},
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
    assert coordinators >= 2
    assert peak["active"] == 2 * coordinators
    assert office.completed > 5


def test_a_portfolio_manager_takes_in_every_project_before_it_can_start(arrivals):
    """PMO: each project's first step is an intake of intake_hours, in the shared portfolio
    queue, submitted on arrival; initiation comes after it.  Without a PMO there is none."""
    common = dict(
        projects={"intake_hours": 2.0, "initial_portfolio": 2, "staffing_hours": 0.0},
        simulation={"horizon_weeks": 20, "warmup_weeks": 1},
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


# ---------------------------------------------------------------- teams


def test_a_team_of_distinct_engineers_chosen_by_two_random_choices(monkeypatch):
    """On starting, a project gets min(team_size, engineers) distinct people who do project work;
    each place goes to the less loaded of two drawn at random, so the person taken is never the
    one with the most planned project hours among those still free.  Every member is counted on
    the project (projects, planned hours a week) until it closes."""
    scenario = make_scenario(
        org={"employees": 400, "structure": "separate"},
        roles=UNPROTECTED,
        projects={"arrival_scale": 2, "initial_portfolio": 6, "classes": {"small": {"team_size": 3}}},
        simulation={"horizon_weeks": 20, "warmup_weeks": 0},
    )
    model = Model(scenario, 2)
    office = model.sources["projects"]
    doers = office.doers
    original = office._assign_team
    checked = {"projects": 0, "places": 0}

    def assign(project):
        loads = {id(w): w.project_hours for w in doers}
        original(project)
        team = project.team
        assert len(team) == len({id(w) for w in team}) == min(project.team_size, len(doers))
        assert all(w.holds("project_work") for w in team)
        # no member is the unique most loaded of the free engineers when they were chosen
        free = list(doers)
        for member in team:
            others = [loads[id(w)] for w in free if w is not member]
            assert loads[id(member)] <= max(others)
            free.remove(member)
        checked["projects"] += 1
        checked["places"] += len(team)

    monkeypatch.setattr(office, "_assign_team", assign)
    model.run()
    assert checked["projects"] > 20 and len(doers) == 10
    on_projects, planned = Counter(), Counter()
    for project in office.active.values():
        for worker in project.team:
            on_projects[id(worker)] += 1
            planned[id(worker)] += project.klass.member_hours
    for worker in doers:
        assert worker.projects == on_projects[id(worker)]
        assert worker.project_hours == pytest.approx(planned[id(worker)])
    assert max(on_projects.values()) >= 2, "with 2 choices people do end up on several projects at once"


def test_work_packages_go_in_turn_to_the_team_members_own_queues():
    scenario = make_scenario(
        org={"employees": 400, "structure": "separate"},
        roles=UNPROTECTED,
        projects={
            "initial_portfolio": 4,
            "exception_probability": 0.0,
            "classes": {"small": {"team_size": 3, "effort": 200.0, "work_package_hours": 16.0}},
        },
        simulation={"horizon_weeks": 20, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    checked = 0
    for items in model.by_project().values():
        project = items[0][0].case
        packages = [(item, owner) for item, _, owner in items if item.activity == "work package"]
        for k, (item, owner) in enumerate(packages):
            assert owner is project.team[k % len(project.team)]
            assert item.queue is owner.private["project_work"]
            checked += 1
    assert checked > 100


# ---------------------------------------------------------------- the lifecycle


def test_a_project_runs_its_lifecycle_in_order_with_at_most_a_team_of_packages_in_flight():
    """Initiation (initiation_share x estimate), planning (planning_share x estimate), then
    packages of effort / ceil(effort / work_package_hours) hours each after a hand-off, at most
    one per team member at once, then closing (closing_share x estimate); its lead time is
    closing's end minus its arrival."""
    scenario = make_scenario(
        org={"employees": 400, "structure": "separate"},
        roles=UNPROTECTED,
        projects={
            "initial_portfolio": 4,
            "staffing_hours": 0.0,
            "exception_probability": 0.0,
            "initiation_share": 0.02,
            "planning_share": 0.05,
            "closing_share": 0.01,
            "classes": {
                "small": {
                    "team_size": 2,
                    "work_package_hours": 40.0,
                    "effort": {"dist": "lognormal", "mean": 200, "cv": 0.5},
                }
            },
        },
        simulation={"horizon_weeks": 40, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    lead_times = []
    for items in model.by_project().values():
        project = items[0][0].case
        steps = [
            (item, effort)
            for item, effort, _ in items
            if item.duty != "status_reporting" and item.activity != "weekly coordination"
        ]
        if project.state != "done":
            continue
        activities = [item.activity for item, _ in steps]
        count = math.ceil(project.effort / 40.0 - 1e-9)
        assert activities[:2] == ["initiation", "planning"] and activities[-1] == "closing"
        assert steps[0][1] == pytest.approx(0.02 * project.estimate)
        assert steps[1][1] == pytest.approx(0.05 * project.estimate)
        assert steps[-1][1] == pytest.approx(0.01 * project.estimate)
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
        roles={"project_manager": {"protects_team": False, "exception_factor": 1.0}},
        projects={
            "initial_portfolio": 3,
            "escalation_share": 0.0,
            "staffing_hours": 0.0,
            "exception_probability": 1.0,
            "decision_wait_limit_hours": 10_000.0,
            "rework_per_day_waited": 0.0,
            "classes": {"small": {"team_size": 3}},
        },
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
    assert model.recorder.totals["rework_hours"] == 0.0  # no rework per day waited: none at all


def test_rework_is_the_share_redone_per_day_the_decision_waited_capped():
    """Exact, in a tiny case: one project manager deciding 12-hour exceptions of three one-person
    projects at once.  Each package's rework is min(rework_cap, rework_per_day_waited x wait / 8 h)
    x package hours, in its engineer's own queue; the wait runs from the exception until the
    coordinator turned to it (the end of the decision less its 12 hours), or to the wait limit when
    the decision had not started by then (it is withdrawn); a decision taken at once costs nothing.
    The three branches all occur: decided under the cap, decided and capped, overdue."""
    scenario = _two_person_office(
        roles={
            "pm": {"headcount": 1, "duties": ["project_coordination", "status_reporting"]},
            "eng": {"headcount": 3, "duties": ["project_work"]},
        },
        initial_portfolio=3,
        exception_probability=1.0,
        decision_hours=12.0,
        decision_wait_limit_hours=16.0,
        rework_per_day_waited=0.1,
        rework_cap=0.18,
        classes={"small": {"effort": 64.0, "work_package_hours": 16.0, "team_size": 1}},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    branches = Counter()
    total = 0.0
    for items in model.by_project().values():
        project = items[0][0].case
        reworks = {
            round(item.created_at, 9): (effort, owner) for item, effort, owner in items if item.activity == "rework"
        }
        assert len(reworks) == sum(1 for item, _, _ in items if item.activity == "rework"), "one rework at a time"
        members = {id(w) for w in project.team}
        for decision, _, _ in items:
            if decision.activity != "exception decision":
                continue
            if decision.cancelled:
                at, waited, branch = decision.created_at + 16.0, 16.0, "overdue"
            elif decision.done:
                at = model.done_at[decision.seq]
                waited = at - decision.created_at - 12.0
                if waited <= 1e-9:
                    assert round(at, 9) not in reworks
                    branches["at once"] += 1
                    continue
                branch = "capped" if 0.1 * waited / 8.0 > 0.18 else "decided"
            else:
                continue  # still waiting at the end
            effort, owner = reworks[round(at, 9)]
            assert effort == pytest.approx(min(0.18, 0.1 * waited / 8.0) * 16.0, rel=1e-12)
            assert id(owner) in members
            branches[branch] += 1
            total += effort
    # 12-hour decisions one after another: one at once, one after 12 h (0.15 of the package, under
    # the cap), the third past the 16-hour limit: withdrawn, and 16 h would be 0.2, capped at 0.18
    assert branches["at once"] >= 1 and branches["decided"] >= 1 and branches["overdue"] >= 3, branches
    assert model.recorder.totals["rework_hours"] == pytest.approx(total, rel=1e-12)


def test_a_decision_of_no_effort_causes_no_rework():
    scenario = _two_person_office(
        initial_portfolio=2,
        exception_probability=1.0,
        decision_hours=0.0,
        rework_per_day_waited=0.5,
        classes={"small": {"effort": 64.0, "work_package_hours": 16.0}},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    assert sum(1 for item, _, _ in model.items if item.activity == "exception decision") == 8
    assert not any(item.activity == "rework" for item, _, _ in model.items)
    assert model.recorder.totals["rework_hours"] == 0.0


# ---------------------------------------------------------------- every week


@pytest.mark.parametrize("structure", ["combined", "separate", "no_pm"])
def test_every_active_project_gets_one_coordination_and_one_status_report_a_week(structure):
    """At the start of week w a project active then (started, not yet closed) gets one weekly
    coordination of coordination_share and one status report of status_share x the planned
    team's weekly hours (team_size x member_hours_per_week), both in its coordinator's own
    queue; no other project gets either."""
    scenario = make_scenario(
        org={"employees": 200, "structure": structure},
        roles=UNPROTECTED if structure == "separate" else {},
        projects={
            "arrival_scale": 2,
            "initial_portfolio": 3,
            "staffing_hours": 0.0,
            "status_share": 0.05,
            "coordination_share": 0.1,
            "classes": {"small": {"team_size": 2, "member_hours_per_week": 10.0}},
        },
        simulation={"horizon_weeks": 30, "warmup_weeks": 1},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    hours_per_week = scenario.calendar.hours_per_week
    reports, meetings = Counter(), Counter()
    active_weeks = 0
    for case_id, items in model.by_project().items():
        initiation = next(item for item, _, _ in items if item.activity == "initiation")
        coordinator = next(owner for item, _, owner in items if item.activity == "initiation")
        closing = [item for item, _, _ in items if item.activity == "closing" and item.done]
        closed_at = model.done_at[closing[0].seq] if closing else math.inf
        planned = items[0][0].case.team_size * items[0][0].case.klass.member_hours
        for item, effort, owner in items:
            if item.activity in ("status report", "weekly coordination"):
                duty = "status_reporting" if item.activity == "status report" else "project_coordination"
                share = 0.05 if item.activity == "status report" else 0.1
                assert item.duty == duty and effort == pytest.approx(share * planned)
                assert owner is coordinator and item.queue is coordinator.private[duty]
                week, within = divmod(item.created_at, hours_per_week)
                assert within == 0.0, "issued at the start of a week"
                (reports if item.activity == "status report" else meetings)[case_id, int(week)] += 1
        for week in range(30):
            start = week * hours_per_week
            active = initiation.created_at <= start < closed_at
            active_weeks += active
            assert reports[case_id, week] == meetings[case_id, week] == (1 if active else 0), (case_id, week)
    assert sum(reports.values()) == sum(meetings.values()) == active_weeks > 50
    assert planned == 20.0


# ---------------------------------------------------------------- due dates


@pytest.mark.parametrize("employees", [40, 200])
def test_due_dates_are_the_same_in_every_structure_for_the_same_seed(arrivals, employees):
    """Due = arrival + due_date_factor x estimate / (team_size x member_hours_per_week) weeks: from
    the project's estimate and its class (or its scheduled team), never from who is on staff, so
    every structure sees the same due dates with the same seed."""
    classes = {
        "small": {"due_date_factor": 2.5},
        "medium": {"per_100_employees_per_year": 3.0, "due_date_factor": 1.5, "member_hours_per_week": 15.0},
    }
    scheduled = [{"week": 3, "class": "medium", "effort_hours": 3000, "team_size": 2}]
    seen = {}
    for structure in STRUCTURES:
        scenario = make_scenario(
            org={"employees": employees, "structure": structure},
            projects={"arrival_scale": 3, "initial_portfolio": 2, "classes": classes, "scheduled": scheduled},
            simulation={"horizon_weeks": 30, "warmup_weeks": 1},
        )
        arrivals.clear()
        Model(scenario, 4).run()
        seen[structure] = [
            (p.case_id, p.klass.name, p.arrived_at, p.effort, p.estimate, p.team_size, p.due_at) for p in arrivals
        ]
    assert len(seen["combined"]) > 5
    assert seen["combined"] == seen["separate"] == seen["pmo"] == seen["no_pm"]
    by_name = scenario.projects.by_name()
    kinds = Counter()
    for _, name, arrived_at, effort, estimate, team, due_at in seen["combined"]:
        klass = by_name[name]
        weeks = estimate / (team * klass.member_hours_per_week)
        assert due_at == pytest.approx(arrived_at + klass.due_date_factor * weeks * 40.0, rel=1e-12)
        assert estimate != effort  # planned from the estimate, not from the actual effort
        kinds[name, team] += 1
    assert kinds["medium", 2] >= 1 and kinds["small", 1] >= 3


# ---------------------------------------------------------------- multitasking


def test_an_engineer_on_two_projects_takes_longer_and_books_the_loss_as_multitasking():
    """One engineer on both of two projects at once loses multitasking_loss[1] of their project
    time: a package of h hours takes h / (1 - 0.17) hours, and the extra is booked under the busy
    label ``multitasking``, not as project work; once one project closes, the next package takes h."""
    scenario = _two_person_office(
        initial_portfolio=2,
        exception_probability=0.0,
        closing_share=0.0,
        multitasking_loss=[0.0, 0.17],
        classes={"small": {"effort": 48.0, "work_package_hours": 16.0, "team_size": 1}},
    )
    starts = {}
    durations = []

    class Timed(Model):
        def _log_event(self, item, transition, now, worker):
            if item.activity == "work package" and transition == "start":
                starts[item.seq] = (now, worker.projects)
            elif item.activity == "work package" and transition == "complete":
                began, projects = starts[item.seq]
                durations.append((projects, now - began))

    model = Timed(scenario, 0, event_sink=lambda row: None)
    model.run()
    assert len(durations) == 6
    for projects, hours in durations:
        assert hours == pytest.approx(16.0 / (1 - (0.17 if projects == 2 else 0.0)), rel=1e-9)
    on_two = sum(1 for projects, _ in durations if projects == 2)
    assert on_two >= 4
    engineer = next(w for w in model.workers if w.role_name == "eng")
    assert engineer.busy["project_work"] == pytest.approx(6 * 16.0)
    assert engineer.busy["multitasking"] == pytest.approx(on_two * 16.0 * 0.17 / 0.83)
    metrics = measure(model).metrics
    assert metrics["multitasking_loss.eng"] == pytest.approx(on_two * 0.17 / 0.83 / (6 + on_two * 0.17 / 0.83))
    assert metrics["hours_per_person_week.eng.multitasking"] == pytest.approx(engineer.busy["multitasking"] / 6)
    # the loss is part of the engineer's busy time
    assert metrics["utilisation.eng"] == pytest.approx(sum(engineer.busy.values()) / (6 * 40.0))


def test_the_first_multitasking_loss_applies_to_a_person_on_one_project():
    scenario = _two_person_office(
        initial_portfolio=1,
        exception_probability=0.0,
        multitasking_loss=[0.2],
        classes={"small": {"effort": 32.0, "work_package_hours": 16.0, "team_size": 1}},
    )
    assert scenario.projects.loss(1) == 0.2
    model = Model(scenario, 0)
    model.run()
    engineer = next(w for w in model.workers if w.role_name == "eng")
    assert engineer.busy.get("multitasking", 0.0) == pytest.approx(32.0 * 0.2 / 0.8)


# ---------------------------------------------------------------- accounting


def test_arrived_projects_are_done_or_open_and_the_classes_add_up():
    """Conservation with classes and scheduled projects: every project arrived since time 0 is
    closed or still open (in intake, waiting or active); the per-class counts and metrics add up
    to the totals."""
    scenario = make_scenario(
        org={"employees": 300, "structure": "pmo"},
        projects={
            "initial_portfolio": 2,
            "classes": {"medium": {"per_100_employees_per_year": 1.5, "effort": 400.0}},
            "scheduled": [{"week": 5, "class": "medium", "effort_hours": 1500}, {"week": 20, "class": "small"}],
        },
        simulation={"horizon_weeks": 40, "warmup_weeks": 4},
    )
    model = Model(scenario, 0)
    model.run()  # raises ConservationError when a project is lost
    office = model.sources["projects"]
    state, counts = model.recorder.state, model.recorder.counts
    open_now = state["projects_intake"] + state["projects_waiting"] + state["projects_active"]
    assert office.arrived == office.completed + open_now == office.completed + len(list(office.open_projects()))
    assert counts["projects_completed"] == counts["projects_completed.small"] + counts["projects_completed.medium"]
    assert counts["projects_completed.medium"] >= 1 and counts["projects_completed.small"] > 10
    metrics = measure(model).metrics
    assert metrics["projects_per_quarter"] == pytest.approx(
        metrics["projects_per_quarter.small"] + metrics["projects_per_quarter.medium"], rel=1e-12
    )
    measured_weeks = 36
    assert metrics["projects_per_quarter.medium"] == pytest.approx(
        counts["projects_completed.medium"] / measured_weeks * WEEKS_PER_QUARTER
    )
    assert metrics["projects_open_at_end"] == open_now
    ages = [model.env.now - p.arrived_at for p in office.open_projects()]
    assert metrics["project_open_age_weeks_mean"] == pytest.approx(sum(ages) / len(ages) / 40.0)
    samples = model.recorder.samples
    lead = samples["project_lead_time_hours"]
    by_class = samples["project_lead_time_hours.small"] + samples["project_lead_time_hours.medium"]
    assert sorted(lead) == sorted(by_class)


def test_role_clarity_changes_a_run_only_where_a_coordinator_hands_decisions_over():
    """Role clarity sets the latency of a hand-over to the IT manager: under combined (the IT
    manager coordinates and decides) a run at clarity 0 and at 1 is the same run, which the
    study therefore runs once; beside a PM it is not."""
    from orgsim.work import role_clarity_matters

    base = orgsim.load_scenario("small-combined").with_changes(
        {"org.employees": 200, "simulation.horizon_weeks": 30, "simulation.warmup_weeks": 4}
    )
    for structure, matters in (("combined", False), ("separate", True), ("no_pm", True), ("pmo", True)):
        scenario = base.with_changes({"org.structure": structure})
        assert role_clarity_matters(scenario) is matters, structure
    runs = {
        (structure, clarity): orgsim.simulate(
            base.with_changes({"org.structure": structure, "org.role_clarity": clarity}), replications=2, seed=3, jobs=1
        ).replications
        for structure in ("combined", "separate")
        for clarity in (0.0, 1.0)
    }
    assert runs["combined", 0.0].equals(runs["combined", 1.0])
    assert not runs["separate", 0.0].equals(runs["separate", 1.0])
