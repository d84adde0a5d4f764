"""The sections of a scenario and their defaults (orgsim/scenario/schema.py): every field has
the documented default, and every default passes its own check."""

from __future__ import annotations

import dataclasses

import pytest

from orgsim.distributions import Distribution
from orgsim.scenario import (
    needed_duties,
    scenario_from_dict,
)
from orgsim.scenario.schema import DEFAULT_PROJECT_CLASSES, ProjectClass, ScheduledProject
from tests.scenario.helpers import (
    CLASS_NAMES,
    SECTIONS,
)

# ------------------------------------------------------------------------ defaults


def test_empty_dict_gives_the_documented_defaults():
    s = scenario_from_dict({})
    assert s.name == "scenario"
    assert s.description == ""
    assert s.simulation.horizon_weeks == 52.0
    assert s.simulation.warmup_weeks == 8.0
    assert s.simulation.replications == 10
    assert s.simulation.seed == 12345
    assert s.calendar.hours_per_day == 8.0
    assert s.calendar.days_per_week == 5.0
    assert s.calendar.hours_per_week == 40.0
    assert s.org.employees == 40
    assert s.org.structure == "combined"
    assert s.tickets.per_employee_per_month == 1.25
    assert s.management.one_to_one_hours_per_report_per_week == 0.5
    assert s.management.appraisal_hours_per_report_per_year == 3.0
    # issue 20: work that scales with whom a manager serves, superseded work skipped
    assert s.management.admin_hours_per_week == 4.0 and s.management.admin_hours_per_report_per_week == 0.4
    assert s.management.interrupts_per_manager_per_day == 0.0
    assert s.management.interrupts_per_report_per_week == 2.0
    assert s.management.interrupts_per_100_employees_per_week == 14.5
    assert s.management.skip_superseded is True
    assert s.dispatch.context_switch_on == "resume"
    assert (s.projects.handoff, s.projects.milestones_per_project) == ("milestone", 4)
    assert s.projects.coordinate_only_moved is True and s.projects.max_open_per_coordinator == 5
    assert s.org.culture == "operations_first"
    # a coordinator: ageing after a working week; overtime up to a 56 h week (TechRepublic), once 2 h of
    # their own work waits (CMI's ~6.5 h a week is the average, not the cap)
    manager = s.role("it_manager")
    assert dict(manager.max_wait_hours) == {"operations": 40.0, "project": 40.0, "management": 40.0}
    assert manager.overtime_hours_per_week == 16.0 and manager.overtime_threshold_hours == 2.0
    assert s.role("engineer").overtime_hours_per_week == 0.0 and s.role("engineer").max_wait_hours == ()
    assert s.tickets.manager_escalation_share == 0.05
    assert s.dispatch.assign == "longest_idle" and s.dispatch.resume == "same_person"
    assert s.projects.wip_limit == 5
    assert s.projects.arrival_scale == 1.0 and s.projects.initial_portfolio == 0
    assert s.projects.multitasking_loss == (0.0, 0.17)
    assert s.projects.scheduled == ()


def test_default_project_classes():
    """small: frequent, ~120 h, one person; medium: rare, ~4,100 h, a team of 4 (the rates and
    the planned weekly hours are calibrated, so they are read from DEFAULT_PROJECT_CLASSES)."""
    classes = scenario_from_dict({}).projects.by_name()
    assert list(classes) == ["small", "medium"]
    small, medium = classes["small"], classes["medium"]
    assert small.effort == Distribution("lognormal", mean=120.0, cv=0.8)
    assert medium.effort == Distribution("lognormal", mean=4100.0, cv=0.6)
    assert (small.work_package_hours, small.team_size, small.due_date_factor) == (16.0, 1, 1.0)
    assert (medium.work_package_hours, medium.team_size, medium.due_date_factor) == (40.0, 4, 1.0)
    for name, klass in classes.items():
        default = DEFAULT_PROJECT_CLASSES[name]
        assert klass.per_100_employees_per_year == default.per_100_employees_per_year
        assert klass.member_hours_per_week == default.member_hours_per_week
    assert 5 <= small.per_100_employees_per_year <= 20 and 0 < medium.per_100_employees_per_year < 1
    assert 10 <= small.member_hours_per_week <= 25 and 10 <= medium.member_hours_per_week <= 25


def test_default_ticket_classes_and_mix():
    classes = scenario_from_dict({}).tickets.by_name()
    assert list(classes) == CLASS_NAMES
    shares = {name: c.share for name, c in classes.items()}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares == pytest.approx(
        {"p1": 0.01, "p2": 0.04, "p3": 0.275, "p4": 0.175, "service_request": 0.45, "change": 0.05}
    )
    assert {n: c.priority for n, c in classes.items()} == {
        "p1": 1, "p2": 2, "p3": 3, "p4": 4, "service_request": 4, "change": 3,
    }  # fmt: skip
    assert {n: c.sla_hours for n, c in classes.items()} == {
        "p1": 4.0, "p2": 8.0, "p3": 24.0, "p4": 72.0, "service_request": 40.0, "change": 80.0,
    }  # fmt: skip
    assert [n for n, c in classes.items() if c.preemptive] == ["p1"]
    assert classes["p1"].manager_duty == "major_incident"
    assert classes["change"].manager_duty == "approval"
    assert {c.manager_duty for n, c in classes.items() if n not in ("p1", "change")} == {"none"}
    assert classes["p1"].l1_resolution_share == 0.0
    assert classes["p3"].l1_resolution_share == 0.66
    assert classes["p3"].l2_effort == Distribution("lognormal", mean=2.0, cv=1.0)
    assert classes["p2"].manager_effort.is_zero
    assert all(c.has_level1 for c in classes.values())


DEFAULT_OBJECTS = {
    **{section: cls() for section, cls in SECTIONS.items()},
    "project_class": ProjectClass(),
    "scheduled_project": ScheduledProject(),
    **{f"projects.classes.{name}": klass for name, klass in DEFAULT_PROJECT_CLASSES.items()},
}


@pytest.mark.parametrize("section", list(DEFAULT_OBJECTS), ids=list(DEFAULT_OBJECTS))
def test_every_default_passes_its_own_range_check(section):
    defaults = DEFAULT_OBJECTS[section]
    for f in dataclasses.fields(defaults):
        check = f.metadata.get("check")
        if check is not None:
            assert check(getattr(defaults, f.name)) is None, f"{section}.{f.name}"


def test_default_scenario_holds_every_duty_its_work_needs():
    s = scenario_from_dict({})
    counts = s.headcounts()
    held = {d for r in s.roles if counts[r.name] > 0 for d in r.duties}
    needs = needed_duties(s)
    assert set(needs) >= {"ticket_l1", "ticket_l2", "major_incident", "approval", "project_coordination"}
    assert set(needs) <= held


# ------------------------------------------------------------------------ span of control


def test_the_span_of_control_sets_the_it_managers_headcount():
    """One IT manager per org.span_of_control reports, rounded up (default 8, the presets'
    value: 15 reports at 400 employees are two IT managers); a span of 16 leaves one."""
    s = scenario_from_dict({"org": {"employees": 400}})
    assert s.org.span_of_control == 8
    assert s.role("it_manager").headcount.per_reports == 8
    assert s.headcounts()["it_manager"] == 2  # 10 engineers + 5 service desk = 15 reports
    wide = s.with_changes({"org.span_of_control": 16})
    assert wide.headcounts()["it_manager"] == 1 and wide.headcounts()["head_of_it"] == 0
    assert s.with_changes({"org.span_of_control": 5}).headcounts()["it_manager"] == 3
    # a [roles.it_manager] headcount still overrides it
    own = scenario_from_dict(
        {"org": {"employees": 400, "span_of_control": 16}, "roles": {"it_manager": {"headcount": 3}}}
    )
    assert own.headcounts()["it_manager"] == 3


@pytest.mark.parametrize("value", [0, 101, 2.5, "eight", True])
def test_a_bad_span_of_control_is_a_one_line_error_naming_the_field(value):
    from orgsim.scenario import ScenarioError

    with pytest.raises(ScenarioError) as error:
        scenario_from_dict({"org": {"span_of_control": value}})
    message = str(error.value)
    assert "org.span_of_control" in message and "\n" not in message
    assert "whole number" in message
