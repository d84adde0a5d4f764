"""Work that scales with what a manager serves (issue 20, item 2), each behind a field whose
default is today's model: admin per direct report, interrupts per report and per 100 employees
(not per manager), the coordinator's hand-off at milestones instead of every work package, and
weekly coordination only for projects that moved.  Each switch is isolated with common random
numbers."""

from __future__ import annotations

import math
from collections import Counter

import pytest

import orgsim
from orgsim.engine import Model
from orgsim.metrics import measure
from orgsim.work.projects import Project
from orgsim.work.recurring import RecurringWork
from tests.conftest import SCENARIOS, before_issue_20  # the model before issue 20, each test switching its mechanism in
from tests.conftest import old_scenario as make_scenario


class _Recording(Model):
    """The model, keeping every item submitted: (activity, case, item)."""

    def __init__(self, scenario, replication=0, **kwargs):
        self.items = []
        super().__init__(scenario, replication, **kwargs)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        item = super().submit(duty, effort, case, then, activity, owner, priority, preemptive)
        self.items.append((activity, case, item))
        return item


def _pmo(weeks, **management):
    return make_scenario(
        org={"employees": 1500, "structure": "pmo"},
        management={
            "one_to_one_hours_per_report_per_week": 0.0,
            "appraisal_hours_per_report_per_year": 0.0,
            "admin_hours_per_week": 3.0,
            **management,
        },
        projects={"portfolio_review_hours_per_week": 0.0},
        simulation={"horizon_weeks": weeks, "warmup_weeks": 1},
    )


def test_admin_per_report_adds_to_the_fixed_hours_of_each_manager():
    model = Model(_pmo(12, admin_hours_per_report_per_week=0.4), source_types=[RecurringWork])
    model.run()
    for worker in model.holders("admin"):
        n = len(worker.person.reports)
        assert n > 0
        assert worker.measured_busy()["admin"] == pytest.approx(11 * (3.0 + 0.4 * n))
    # off (0): exactly the fixed hours, whatever the reports
    model = Model(_pmo(12), source_types=[RecurringWork])
    model.run()
    assert all(w.measured_busy()["admin"] == pytest.approx(11 * 3.0) for w in model.holders("admin"))


def test_interrupts_scale_with_reports_and_employees_not_with_managers():
    """With no fixed load per manager (the recalibration), interrupts come from the reports and the
    employees served: at 200 employees (one IT manager, 7 reports) 2 x 7 + 14.5 x 2 = 43 a week,
    which at 0.2 h each is the 8.6 h that makes firefighting ~30% of the week; at 400 employees
    (three holders) 2 x their reports + 14.5 x 4, whoever holds the duty."""
    rates = {
        "interrupts_per_manager_per_day": 0.0,
        "interrupts_per_report_per_week": 2.0,
        "interrupts_per_100_employees_per_week": 14.5,
    }
    for employees in (200, 400):
        scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
            {
                "org.employees": employees,
                "simulation.horizon_weeks": 104,
                "simulation.warmup_weeks": 0,
                **{f"management.{k}": v for k, v in rates.items()},
            }
        )
        model = Model(scenario, seed=1)
        reports = sum(len(w.person.reports) for w in model.holders("escalation"))
        expected = 2.0 * reports + 14.5 * employees / 100
        model.run()
        per_week = model.recorder.counts["interrupts"] / 104
        assert abs(per_week - expected) < 3 * math.sqrt(expected / 104), (employees, per_week, expected)
        if employees == 200:
            assert reports == 7 and expected == pytest.approx(43.0)


def _office(weeks=40, **projects):
    """One project manager and three engineers who do only project work; small projects, no tickets."""
    return make_scenario(
        org={"employees": 40, "structure": "custom"},
        roles={
            "pm": {"headcount": 1, "duties": ["project_coordination", "status_reporting"]},
            "eng": {"headcount": 3, "duties": ["project_work"]},
        },
        tickets={"per_employee_per_month": 0.0},
        projects={"arrival_scale": 0, "initial_portfolio": 4, **projects},
        simulation={"horizon_weeks": weeks, "warmup_weeks": 0},
    )


def _per_project(model, activity):
    return Counter(case.case_id for act, case, _ in model.items if act == activity and isinstance(case, Project))


def test_with_milestones_the_coordinator_hands_off_once_a_milestone_not_every_package():
    package = _Recording(_office())
    package.run()
    milestone = _Recording(_office(handoff="milestone", milestones_per_project=3))
    milestone.run()
    office = milestone.sources["projects"]
    assert office.completed == 4 and package.sources["projects"].completed == 4
    packages = _per_project(milestone, "work package")
    assert _per_project(package, "hand-off") == _per_project(package, "work package")  # today: one each
    assert not _per_project(milestone, "hand-off")
    gates = _per_project(milestone, "milestone hand-off")
    for case_id, count in packages.items():
        assert count >= 3 and gates[case_id] == 3
    # and the same work done: the draws of each project are its own (common random numbers)
    assert packages == _per_project(package, "work package")
    lead = measure(milestone).metrics["project_lead_time_weeks_mean"]
    assert lead < measure(package).metrics["project_lead_time_weeks_mean"]  # fewer waits for the PM


def test_a_milestone_opens_only_when_every_package_before_it_has_finished():
    model = _Recording(_office(handoff="milestone", milestones_per_project=2))
    model.run()
    done_at = {}
    for activity, case, item in model.items:
        if activity == "work package":
            done_at.setdefault(case.case_id, []).append(item)
    for activity, case, gate in model.items:
        if activity != "milestone hand-off":
            continue
        before = [p for p in done_at[case.case_id] if p.created_at < gate.created_at]
        assert all(p.done for p in before)


def test_coordination_only_for_projects_that_moved():
    every = _Recording(_office(weeks=30))
    every.run()
    moved = _Recording(_office(weeks=30, coordinate_only_moved=True))
    moved.run()
    weekly_every = sum(_per_project(every, "weekly coordination").values())
    weekly_moved = sum(_per_project(moved, "weekly coordination").values())
    assert 0 < weekly_moved < weekly_every
    # status reports stay weekly for every active project
    assert sum(_per_project(moved, "status report").values()) > weekly_moved
    # a project coordinated in a week had finished a package or rework since its last one (or just started)
    office = moved.sources["projects"]
    assert all(p.progress_seen <= p.progress for p in office.active.values())


def test_the_values_before_issue_20_spelled_out_are_the_model_before_issue_20():
    defaults = {
        "projects.max_open_per_coordinator": 0,
        "projects.handoff": "package",
        "projects.milestones_per_project": 7,  # ignored with package hand-offs
        "projects.coordinate_only_moved": False,
        "projects.skipped_coordination_exception_factor": 3.0,  # ignored without skipping
        "management.skip_superseded": False,
        "management.admin_hours_per_report_per_week": 0.0,
    }
    scenario = before_issue_20(
        orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
            {"simulation.horizon_weeks": 26, "simulation.warmup_weeks": 4}
        )
    )
    today = orgsim.simulate(scenario, replications=2, seed=9, jobs=1)
    spelled = orgsim.simulate(scenario.with_changes(defaults), replications=2, seed=9, jobs=1)
    assert today.replications.equals(spelled.replications)
    assert today.timeseries.equals(spelled.timeseries)
