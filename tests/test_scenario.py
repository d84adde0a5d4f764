"""The scenario layer: defaults, presets, merging, overrides, validation and output.

Everything here is pure data handling (no simulation runs), so the whole file takes
well under a second.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from orgsim.distributions import Distribution
from orgsim.duties import DUTIES
from orgsim.scenario import (
    Calendar,
    Management,
    Org,
    Projects,
    Scenario,
    ScenarioError,
    Simulation,
    TicketClass,
    Tickets,
    load_scenario,
    needed_duties,
    parse_assignment,
    scenario_from_dict,
    scenario_from_toml,
)
from orgsim.scenario.reference import field_reference, reference_markdown
from orgsim.scenario.roles import Headcount, Role
from orgsim.scenario.schema import DEFAULT_PROJECT_CLASSES, ProjectClass, ScheduledProject

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SECTIONS = {
    "simulation": Simulation,
    "calendar": Calendar,
    "org": Org,
    "tickets": Tickets,
    "projects": Projects,
    "management": Management,
}
CLASS_NAMES = ["p1", "p2", "p3", "p4", "service_request", "change"]
ALL_DUTIES_BUT_L1 = [d for d in DUTIES if d != "ticket_l1"]


def public_fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def round_trip(scenario: Scenario) -> Scenario:
    return scenario_from_dict(scenario.to_dict())


def raises_at(path: str, data: dict) -> ScenarioError:
    """Building ``data`` fails, and the error names ``path``."""
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    assert info.value.path == path
    assert f"'{path}'" in str(info.value)
    return info.value


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
    assert s.management.admin_hours_per_week == 8.0
    assert s.management.interrupts_per_manager_per_day == 10.0
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


# ------------------------------------------------------------------------- presets


def _coordinators(employees: int) -> int:
    """Project managers (or senior engineers): one per 3 projects expected to run at once, at least 1."""
    expected = scenario_from_dict({"org": {"employees": employees}}).expected_concurrent_projects
    return max(1, math.ceil(expected / 3 - 1e-9))


PM_1500 = _coordinators(1500)
# structure -> employees -> headcounts.  Ratios: service desk 1 per 70 employees
# (rounded down, min 0), engineers 1 per 40 (min 1), coordinators 1 per 3 projects expected
# to run at once (min 1), IT managers 1 per 8 direct reports (rounded up, min 1), one PMO lead.
EXPECTED_HEADCOUNTS = {
    "combined": {
        40: {"service_desk": 0, "engineer": 1, "it_manager": 1, "head_of_it": 0},
        1500: {"service_desk": 21, "engineer": 37, "it_manager": 8, "head_of_it": 1},  # 58 reports
    },
    "separate": {
        40: {"service_desk": 0, "engineer": 1, "project_manager": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37,
            "project_manager": PM_1500,
            "it_manager": math.ceil((21 + 37 + PM_1500) / 8),
            "head_of_it": 1,
        },
    },
    "pmo": {
        40: {"service_desk": 0, "engineer": 1, "project_manager": 1, "pmo_lead": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37,
            "project_manager": PM_1500,
            "pmo_lead": 1,
            "it_manager": 8,
            "head_of_it": 1,
        },
    },
    # embedded project managers report outside IT: the IT managers lead operations only
    "embedded": {
        40: {"service_desk": 0, "engineer": 1, "it_manager": 1, "head_of_it": 0, "project_manager": 1},
        1500: {"service_desk": 21, "engineer": 37, "it_manager": 8, "head_of_it": 1, "project_manager": PM_1500},
    },
    # the senior engineer is one of the engineers: same headcount and cost as combined
    "no_pm": {
        40: {"service_desk": 0, "engineer": 0, "senior_engineer": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37 - PM_1500,
            "senior_engineer": PM_1500,
            "it_manager": 8,
            "head_of_it": 1,
        },
    },
}
PRESET_CASES = [(s, n) for s, sizes in EXPECTED_HEADCOUNTS.items() for n in sizes]


@pytest.mark.parametrize(("structure", "employees"), PRESET_CASES, ids=[f"{s}-{n}" for s, n in PRESET_CASES])
def test_preset_roles_and_headcounts(structure, employees):
    s = scenario_from_dict({"org": {"employees": employees, "structure": structure}})
    expected = EXPECTED_HEADCOUNTS[structure][employees]
    assert {r.name for r in s.roles} == set(expected)
    assert s.headcounts() == expected
    assert s.to_dict(resolved=True)["resolved_headcounts"] == expected


@pytest.mark.parametrize("structure", list(EXPECTED_HEADCOUNTS))
def test_small_firm_has_no_service_desk_and_engineers_take_level_1_first(structure):
    small = scenario_from_dict({"org": {"employees": 40, "structure": structure}})
    assert small.headcounts()["service_desk"] == 0
    assert small.role("engineer").duties[0] == "ticket_l1"
    assert small.role("engineer").duties == ("ticket_l1", "ticket_l2", "ops_routine", "project_work")
    # and the small firm's IT manager is hands-on: routine operations, and level-2 tickets last
    assert small.role("it_manager").duties[-1] == "ticket_l2" and "ops_routine" in small.role("it_manager").duties
    assert small.role("it_manager").routine_hours_per_week > 0
    large = scenario_from_dict({"org": {"employees": 1500, "structure": structure}})
    assert large.headcounts()["service_desk"] == 21
    assert large.role("engineer").duties == ("ticket_l2", "ops_routine", "project_work")
    assert large.role("service_desk").duties == ("ticket_l1", "ops_routine")
    assert "ticket_l2" not in large.role("it_manager").duties
    assert large.role("it_manager").routine_hours_per_week == 0


def test_the_coordinators_are_one_per_three_projects_expected_to_run_at_once():
    """Little's law: the projects expected at once are every class's arrivals a week times its
    planned duration in weeks (mean effort / (team_size x member_hours_per_week)); project managers
    and senior engineers are one per 3 of them (rounded up), at least one."""
    s = scenario_from_dict({"org": {"employees": 1500, "structure": "separate"}})
    expected = sum(
        1500 / 100 * c.per_100_employees_per_year / 52 * c.effort.expected / (c.team_size * c.member_hours_per_week)
        for c in s.projects.classes
    )
    assert s.expected_concurrent_projects == pytest.approx(expected, rel=1e-12)
    assert 6 < expected < 60 and math.ceil(expected / 3) == PM_1500
    assert s.headcounts()["project_manager"] == PM_1500
    busier = s.with_changes({"projects.arrival_scale": 3})
    assert busier.expected_concurrent_projects == pytest.approx(3 * expected, rel=1e-12)
    assert busier.headcounts()["project_manager"] == math.ceil(3 * expected / 3 - 1e-9)
    assert busier.headcounts()["engineer"] == 37  # the engineers are sized by the employees
    # more hours a week planned per member: shorter projects, fewer at once
    longer_weeks = s.with_changes({"projects.classes.medium.member_hours_per_week": 5})
    assert longer_weeks.expected_concurrent_projects > expected
    none = s.with_changes({"projects.arrival_scale": 0})
    assert none.expected_concurrent_projects == 0 and none.headcounts()["project_manager"] == 1
    assert none.with_changes({"org.structure": "no_pm"}).headcounts()["senior_engineer"] == 1


def test_service_desk_appears_at_70_employees():
    assert scenario_from_dict({"org": {"employees": 69}}).headcounts()["service_desk"] == 0
    at_70 = scenario_from_dict({"org": {"employees": 70}})
    assert at_70.headcounts()["service_desk"] == 1
    assert "ticket_l1" not in at_70.role("engineer").duties


def test_combined_it_manager_coordinates_projects():
    it = scenario_from_dict({"org": {"structure": "combined"}}).role("it_manager")
    assert it.duties == (
        "major_incident", "approval", "escalation", "people_management", "admin", "ops_routine",
        "project_coordination", "status_reporting", "ticket_l2",
    )  # fmt: skip
    assert it.reports_to == "head_of_it"  # nobody at 40 employees: one IT manager reports to no one
    assert scenario_from_dict({"org": {"structure": "combined"}}).headcounts()["head_of_it"] == 0


def test_separate_moves_project_coordination_to_the_project_manager():
    s = scenario_from_dict({"org": {"structure": "separate"}})
    assert "project_coordination" not in s.role("it_manager").duties
    assert "status_reporting" not in s.role("it_manager").duties
    pm = s.role("project_manager")
    assert pm.duties == ("project_coordination", "status_reporting")
    assert pm.reports_to == "it_manager"


def test_pmo_project_managers_report_to_the_pmo_lead():
    s = scenario_from_dict({"org": {"structure": "pmo"}})
    assert s.role("project_manager").reports_to == "pmo_lead"
    assert s.role("pmo_lead").reports_to == "it_manager"
    assert s.role("pmo_lead").duties == ("portfolio_management", "people_management")


def test_no_pm_senior_engineer_coordinates_and_works():
    s = scenario_from_dict({"org": {"structure": "no_pm"}})
    senior = s.role("senior_engineer")
    assert {"project_coordination", "project_work", "ticket_l2"} <= set(senior.duties)
    assert "project_coordination" not in s.role("it_manager").duties


def test_custom_structure_has_only_the_roles_in_the_file():
    s = scenario_from_dict(
        {
            "org": {"structure": "custom", "employees": 100},
            "roles": {
                "boss": {"headcount": 1, "duties": [*ALL_DUTIES_BUT_L1, "ticket_l1"]},
                "tech": {
                    "headcount": {"per_employees": 25, "minimum": 2},
                    "duties": ["ticket_l2"],
                    "reports_to": "boss",
                },
            },
        }
    )
    assert [r.name for r in s.roles] == ["boss", "tech"]
    assert s.headcounts() == {"boss": 1, "tech": 4}


def test_role_unknown_raises_key_error():
    with pytest.raises(KeyError):
        scenario_from_dict({}).role("cto")


# -------------------------------------------------------------------- with_changes


def test_with_changes_returns_a_new_scenario_and_leaves_the_original():
    original = scenario_from_dict({"name": "base", "org": {"structure": "separate"}})
    bigger = original.with_changes({"org.employees": 400})
    assert bigger is not original
    assert bigger.org.employees == 400
    assert bigger.org.structure == "separate"  # other values kept
    assert bigger.name == "base"
    assert original.org.employees == 40
    assert original.headcounts()["service_desk"] == 0
    assert bigger.headcounts()["service_desk"] == 5  # 400 // 70, presets re-resolved
    assert bigger != original


def test_with_changes_accumulates_and_can_create_tables():
    s = scenario_from_dict({}).with_changes({"org.employees": 400}).with_changes({"simulation.seed": 7})
    assert (s.org.employees, s.simulation.seed) == (400, 7)
    s = s.with_changes({"roles.engineer.hourly_cost": 75, "tickets.per_employee_per_month": 2})
    assert s.role("engineer").hourly_cost == 75.0
    assert s.tickets.per_employee_per_month == 2.0
    assert s.org.employees == 400


def _small(scenario):
    return scenario.projects.by_name()["small"]


def test_with_changes_sets_a_distribution_from_a_number():
    s = scenario_from_dict({}).with_changes({"projects.classes.small.effort": 100})
    assert _small(s).effort == Distribution("fixed", mean=100.0)
    assert s.projects.by_name()["medium"] == dataclasses.replace(DEFAULT_PROJECT_CLASSES["medium"], name="medium")


def test_with_changes_sets_one_parameter_of_a_distribution_the_file_spells_out():
    s = scenario_from_dict(
        {"projects": {"classes": {"small": {"effort": {"dist": "lognormal", "mean": 100, "cv": 1}}}}}
    )
    changed = s.with_changes({"projects.classes.small.effort.cv": 0.5})
    assert _small(changed).effort == Distribution("lognormal", mean=100, cv=0.5)


def test_with_changes_sets_one_parameter_of_a_default_distribution():
    default = _small(scenario_from_dict({})).effort
    changed = _small(scenario_from_dict({}).with_changes({"projects.classes.small.effort.cv": 0.5})).effort
    assert changed == dataclasses.replace(default, cv=0.5)


@pytest.mark.parametrize(
    ("changes", "path", "allowed"),
    [
        ({"org.employees": 0}, "org.employees", "from 1 to 1,000,000"),
        ({"org.employees": "lots"}, "org.employees", "whole number"),
        ({"org.structure": "matrix"}, "org.structure", "combined, separate, pmo, embedded, no_pm, custom"),
        ({"projects.exception_probability": 1.5}, "projects.exception_probability", "from 0 to 1"),
        ({"simulation.warmup_weeks": 52}, "simulation.warmup_weeks", "less than simulation.horizon_weeks"),
        ({"org.employes": 5}, "org.employes", "did you mean 'employees'"),
        ({"simulaton.seed": 5}, "simulaton", "did you mean 'simulation'"),
    ],
    ids=["too-small", "not-a-number", "bad-choice", "probability", "cross-field", "unknown-key", "unknown-section"],
)
def test_with_changes_is_validated(changes, path, allowed):
    original = scenario_from_dict({})
    with pytest.raises(ScenarioError) as info:
        original.with_changes(changes)
    assert info.value.path == path
    assert f"'{path}'" in str(info.value)
    assert allowed in str(info.value)
    assert original.org.employees == 40


# --------------------------------------------------------------- parse_assignment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("org.employees=400", ("org.employees", 400)),
        ("simulation.horizon_weeks=12.5", ("simulation.horizon_weeks", 12.5)),
        ("org.structure=separate", ("org.structure", "separate")),
        ('org.structure="pmo"', ("org.structure", "pmo")),
        ("description=two words", ("description", "two words")),
        ("description=a=b", ("description", "a=b")),
        (' org.employees = 400 ', ("org.employees", 400)),
        ('roles.engineer.duties=["ticket_l2", "admin"]', ("roles.engineer.duties", ["ticket_l2", "admin"])),
        ("tickets.classes.p1.preemptive=false", ("tickets.classes.p1.preemptive", False)),
        ("tickets.classes.p2.preemptive=true", ("tickets.classes.p2.preemptive", True)),
        ("projects.classes.small.effort={dist='fixed', mean=3}",
         ("projects.classes.small.effort", {"dist": "fixed", "mean": 3})),
        ("projects.multitasking_loss=[0, 0.2, 0.4]", ("projects.multitasking_loss", [0, 0.2, 0.4])),
    ],
    ids=["int", "float", "bare-string", "quoted-string", "spaces-in-text", "equals-in-value", "padded",
         "list", "false", "true", "inline-table", "list-of-numbers"],
)  # fmt: skip
def test_parse_assignment(text, expected):
    result = parse_assignment(text)
    assert result == expected
    assert type(result[1]) is type(expected[1])  # 400 is an int, not a float or "400"


def test_parse_assignment_without_equals_names_the_text():
    with pytest.raises(ScenarioError) as info:
        parse_assignment("org.employees")
    assert info.value.source == "--set"
    assert "org.employees" in str(info.value)
    assert "PATH=VALUE" in str(info.value)


# ----------------------------------------------------------------- frozen values


def _frozen_cases():
    s = scenario_from_dict({})
    return [
        (s, "name", "x"),
        (s, "org", Org()),
        (s.simulation, "seed", 1),
        (s.calendar, "hours_per_day", 4.0),
        (s.org, "employees", 400),
        (s.tickets, "per_employee_per_month", 2.0),
        (s.tickets.classes[0], "sla_hours", 1.0),
        (s.projects, "wip_limit", 9),
        (s.management, "admin_hours_per_week", 0.0),
        (s.role("engineer"), "duties", ()),
        (s.role("engineer").headcount, "minimum", 5),
        (s.projects.classes[0].effort, "mean", 1.0),
        (s.projects.classes[0], "team_size", 9),
        (ScheduledProject(), "week", 3.0),
    ]


@pytest.mark.parametrize(
    ("obj", "attr", "value"),
    _frozen_cases(),
    ids=["Scenario.name", "Scenario.org", "Simulation", "Calendar", "Org", "Tickets", "TicketClass", "Projects",
         "Management", "Role", "Headcount", "Distribution", "ProjectClass", "ScheduledProject"],
)  # fmt: skip
def test_scenario_values_are_frozen(obj, attr, value):
    before = getattr(obj, attr)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, attr, value)
    assert getattr(obj, attr) == before


def test_classes_and_roles_are_tuples():
    s = scenario_from_dict({"projects": {"scheduled": [{"week": 1}], "multitasking_loss": [0, 0.1]}})
    assert isinstance(s.projects.classes, tuple) and isinstance(s.projects.scheduled, tuple)
    assert s.projects.multitasking_loss == (0.0, 0.1)
    assert isinstance(s.tickets.classes, tuple)
    assert isinstance(s.roles, tuple)
    assert isinstance(s.role("engineer").duties, tuple)


# ----------------------------------------------------------------- ticket classes


def test_mix_given_replaces_the_whole_default_mix():
    s = scenario_from_dict({"tickets": {"mix": {"p3": 0.6, "service_request": 0.4}}})
    shares = {c.name: c.share for c in s.tickets.classes}
    assert shares == {"p1": 0.0, "p2": 0.0, "p3": 0.6, "p4": 0.0, "service_request": 0.4, "change": 0.0}
    # classes with share 0 need nobody: no P1 means no major incidents, no changes no approvals
    needs = needed_duties(s)
    assert "major_incident" not in needs
    assert "approval" not in needs
    assert {"ticket_l1", "ticket_l2"} <= set(needs)


def test_a_mix_without_p1_and_change_lets_a_custom_org_skip_manager_duties():
    data = {
        "tickets": {"mix": {"p3": 1.0}, "manager_escalation_share": 0},
        "projects": {"arrival_scale": 0},
        "org": {"structure": "custom"},
        "roles": {"desk": {"headcount": 2, "duties": ["ticket_l1", "ticket_l2"]}},
    }
    assert scenario_from_dict(data).headcounts() == {"desk": 2}
    data["tickets"] = {"manager_escalation_share": 0}  # default mix: P1s need a major_incident holder
    err = raises_at("roles", data)
    assert "major_incident" in str(err)
    data["tickets"] = {"mix": {"p3": 1.0}}  # a share of level-2 tickets needs a manager
    err = raises_at("roles", data)
    assert "escalation" in str(err) and "manager_escalation_share" in str(err)


def test_a_new_ticket_class_can_be_defined():
    s = scenario_from_dict(
        {
            "tickets": {
                "classes": {
                    "security": {
                        "priority": 1,
                        "preemptive": True,
                        "sla_hours": 2,
                        "l2_effort": {"dist": "triangular", "low": 1, "mode": 2, "high": 6},
                        "manager_duty": "major_incident",
                        "manager_effort": 1.5,
                    }
                },
                "mix": {"security": 0.1, "p3": 0.5, "service_request": 0.4},
            }
        }
    )
    classes = s.tickets.by_name()
    assert list(classes) == [*CLASS_NAMES, "security"]
    security = classes["security"]
    assert security.share == 0.1
    assert (security.priority, security.preemptive, security.sla_hours) == (1, True, 2.0)
    assert security.l2_effort == Distribution("triangular", low=1.0, mode=2.0, high=6.0)
    assert security.l2_effort.expected == pytest.approx(3.0)
    assert security.manager_effort == Distribution("fixed", mean=1.5)
    # fields not given take the TicketClass defaults
    assert security.l1_resolution_share == TicketClass().l1_resolution_share
    assert security.l1_effort == TicketClass().l1_effort
    assert classes["p1"].share == 0.0


def test_a_new_class_outside_the_mix_gets_share_zero_and_the_default_mix_stays():
    s = scenario_from_dict({"tickets": {"classes": {"audit": {"sla_hours": 200}}}})
    classes = s.tickets.by_name()
    assert classes["audit"].share == 0.0
    assert classes["audit"].sla_hours == 200.0
    assert classes["p3"].share == 0.275
    assert sum(c.share for c in s.tickets.classes) == pytest.approx(1.0)


def test_overriding_a_default_class_keeps_its_other_values():
    s = scenario_from_dict({"tickets": {"classes": {"p3": {"sla_hours": 12}}}})
    p3 = s.tickets.by_name()["p3"]
    assert p3.sla_hours == 12.0
    assert p3.priority == 3
    assert p3.l1_resolution_share == 0.66
    assert p3.l2_effort == Distribution("lognormal", mean=2.0, cv=1.0)


def test_level_1_can_be_skipped_with_a_fixed_zero_effort():
    s = scenario_from_dict({"tickets": {"classes": {"p3": {"l1_effort": 0}}}})
    assert not s.tickets.by_name()["p3"].has_level1
    assert s.tickets.by_name()["p4"].has_level1


@pytest.mark.parametrize(
    ("tickets", "path", "allowed"),
    [
        ({"mix": {"p3": 0.5}}, "tickets.mix", "sum to 1"),
        ({"mix": {"p3": 0.5, "p4": 0.6}}, "tickets.mix", "sum to 1"),
        ({"mix": {"outage": 1.0}}, "tickets.mix.outage", "allowed: p1, p2"),
        ({"mix": {"p3": 1.5}}, "tickets.mix.p3", "from 0 to 1"),
        ({"mix": {"p3": "all"}}, "tickets.mix.p3", "a number"),
        ({"classes": {"Outage": {}}}, "tickets.classes.Outage", "lower-case"),
        ({"classes": {"p3": {"sla_hour": 4}}}, "tickets.classes.p3.sla_hour", "did you mean 'sla_hours'"),
        ({"classes": {"p3": {"manager_duty": "ceo"}}}, "tickets.classes.p3.manager_duty", "none, major_incident"),
        ({"mixx": {}}, "tickets.mixx", "did you mean 'mix'"),
    ],
    ids=["sum-below-1", "sum-above-1", "undefined-class", "share-above-1", "share-text", "class-name-case",
         "class-unknown-field", "manager-duty", "unknown-tickets-key"],
)  # fmt: skip
def test_bad_ticket_tables_name_the_field(tickets, path, allowed):
    err = raises_at(path, {"tickets": tickets})
    assert allowed in str(err)


# ----------------------------------------------------------------- ticket arrival profile

PROFILE = {"weekday": [1.25, 1.05, 1.0, 0.95, 0.75], "hour": [0.8, 1.3, 1.4, 1.2, 0.7, 1.0, 1.0, 0.6]}


def test_no_profile_is_flat_and_leaves_the_scenario_data_as_it_was():
    s = scenario_from_dict({})
    assert s.tickets.profile.weekday == s.tickets.profile.hour == () and s.tickets.profile.is_flat
    assert "profile" not in s.to_dict()["tickets"] and "profile" not in s.to_dict(resolved=True)["tickets"]


def test_a_profile_is_read_kept_and_round_trips():
    s = scenario_from_dict({"tickets": {"profile": PROFILE}})
    assert s.tickets.profile.weekday == tuple(PROFILE["weekday"]) and s.tickets.profile.hour == tuple(PROFILE["hour"])
    assert not s.tickets.profile.is_flat
    assert s.to_dict()["tickets"]["profile"] == PROFILE
    assert round_trip(s) == s
    only_weekday = scenario_from_dict({"tickets": {"profile": {"weekday": PROFILE["weekday"]}}})
    assert only_weekday.tickets.profile.hour == () and only_weekday.to_dict()["tickets"]["profile"] == {
        "weekday": PROFILE["weekday"]
    }
    assert round_trip(only_weekday) == only_weekday
    # a part hour: 7.5 hours a day take 8 hour values, the last for the half hour
    assert scenario_from_dict({"calendar": {"hours_per_day": 7.5}, "tickets": {"profile": PROFILE}}).tickets.profile


def test_a_profile_can_be_set_by_path_and_is_checked_against_the_calendar():
    s = scenario_from_dict({}).with_changes({"tickets.profile.hour": PROFILE["hour"]})
    assert s.tickets.profile.hour == tuple(PROFILE["hour"]) and s.get("tickets.profile.hour") == PROFILE["hour"]
    with pytest.raises(ScenarioError) as info:
        s.with_changes({"calendar.hours_per_day": 9})
    assert info.value.path == "tickets.profile.hour"
    assert "found 8 values; allowed: 9 values" in str(info.value) and "\n" not in str(info.value)


def test_a_profile_in_a_toml_file(tmp_path):
    path = tmp_path / "profiled.toml"
    path.write_text(
        "[tickets.profile]\nweekday = [1.25, 1.05, 1.0, 0.95, 0.75]\nhour = [0.8, 1.3, 1.4, 1.2, 0.7, 1.0, 1.0, 0.6]\n",
        encoding="utf-8",
    )
    assert load_scenario(path).tickets.profile.weekday[0] == 1.25
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, {"calendar.days_per_week": 6})
    assert str(info.value).startswith(f"{path} with --set: field 'tickets.profile.weekday': found 5 values;")


@pytest.mark.parametrize(
    ("profile", "calendar", "path", "allowed"),
    [
        ({"weekday": [1, 1, 1, 1]}, {}, "tickets.profile.weekday", "found 4 values; allowed: 5 values, one per work"),
        ({"hour": [1] * 9}, {}, "tickets.profile.hour", "found 9 values; allowed: 8 values, one per hour"),
        ({"hour": [1] * 7}, {"hours_per_day": 7.5}, "tickets.profile.hour", "the last for the part hour"),
        ({"weekday": [1] * 5}, {"days_per_week": 6}, "tickets.profile.weekday", "allowed: 6 values"),
        ({"weekday": [1, 1, -0.5, 1, 1]}, {}, "tickets.profile.weekday[2]", "found -0.5; allowed: a relative"),
        ({"hour": [0] * 8}, {}, "tickets.profile.hour", "every value is 0; allowed:"),
        ({"weekday": [1, math.nan, 1, 1, 1]}, {}, "tickets.profile.weekday[1]", "expected a finite number, found nan"),
        ({"hour": [1, math.inf, 1, 1, 1, 1, 1, 1]}, {}, "tickets.profile.hour[1]", "expected a finite number"),
        ({"weekday": [1, "high", 1, 1, 1]}, {}, "tickets.profile.weekday[1]", "expected a number, found 'high'"),
        ({"weekday": []}, {}, "tickets.profile.weekday", "found an empty list"),
        ({"hour": 1.0}, {}, "tickets.profile.hour", "expected a list of relative rates >= 0"),
        ({"weekdays": [1] * 5}, {}, "tickets.profile.weekdays", "did you mean 'weekday'"),
        ([1, 1], {}, "tickets.profile", "expected a table"),
    ],
    ids=["weekday-short", "hour-long", "part-hour", "six-day-week", "negative", "all-zero", "nan", "infinite",
         "text", "empty", "not-a-list", "unknown-key", "not-a-table"],
)  # fmt: skip
def test_bad_profiles_are_one_line_errors_naming_the_field(profile, calendar, path, allowed):
    err = raises_at(path, {"calendar": calendar, "tickets": {"profile": profile}})
    assert allowed in str(err) and "\n" not in str(err)


# ----------------------------------------------------------------- project classes


def test_a_new_project_class_can_be_defined_and_a_default_one_changed():
    s = scenario_from_dict(
        {
            "projects": {
                "classes": {
                    "medium": {"team_size": 6},
                    "erp": {
                        "per_100_employees_per_year": 0.01,
                        "effort": {"dist": "lognormal", "mean": 20000, "cv": 0.5},
                    },
                }
            }
        }
    )
    classes = s.projects.by_name()
    assert list(classes) == ["small", "medium", "erp"]
    assert classes["medium"].team_size == 6
    assert classes["medium"].effort == DEFAULT_PROJECT_CLASSES["medium"].effort  # other fields kept
    erp = classes["erp"]
    assert erp.effort == Distribution("lognormal", mean=20000.0, cv=0.5)
    # fields not given take the ProjectClass defaults
    for name in ("work_package_hours", "team_size", "member_hours_per_week", "due_date_factor"):
        assert getattr(erp, name) == getattr(ProjectClass(), name)
    assert erp.name == "erp" and erp.per_100_employees_per_year == 0.01


def test_scheduled_projects_take_the_class_and_its_defaults():
    s = scenario_from_dict(
        {"projects": {"scheduled": [{"week": 10, "class": "medium", "effort_hours": 3000}, {"week": 4.5}]}}
    )
    first, second = s.projects.scheduled
    assert first == ScheduledProject(week=10.0, project_class="medium", effort_hours=3000.0, team_size=0)
    assert second == ScheduledProject(week=4.5)  # class medium, effort drawn, the class's team
    assert s.to_dict()["projects"]["scheduled"][0] == {
        "week": 10.0, "class": "medium", "effort_hours": 3000.0, "team_size": 0,
    }  # fmt: skip


def test_what_project_duties_the_projects_need():
    """Project duties are needed when projects can come: by arrival, the initial portfolio or a
    scheduled project; status reporting only when status_share > 0."""
    assert "project_coordination" in needed_duties(scenario_from_dict({}))
    off = scenario_from_dict({"projects": {"arrival_scale": 0}})
    assert not {"project_coordination", "project_work", "status_reporting"} & set(needed_duties(off))
    zero_rates = scenario_from_dict(
        {
            "projects": {
                "classes": {"small": {"per_100_employees_per_year": 0}, "medium": {"per_100_employees_per_year": 0}}
            }
        }
    )
    assert "project_work" not in needed_duties(zero_rates)
    for projects in ({"initial_portfolio": 1}, {"scheduled": [{"week": 3}]}):
        needs = needed_duties(scenario_from_dict({"projects": {"arrival_scale": 0, **projects}}))
        assert {"project_coordination", "project_work", "status_reporting"} <= set(needs), projects
    quiet = scenario_from_dict({"projects": {"status_share": 0}})
    assert "status_reporting" not in needed_duties(quiet) and "project_work" in needed_duties(quiet)


def test_multitasking_loss_by_concurrent_projects():
    projects = scenario_from_dict({"projects": {"multitasking_loss": [0, 0.2, 0.4]}}).projects
    assert [projects.loss(k) for k in range(6)] == [0.0, 0.0, 0.2, 0.4, 0.4, 0.4]  # the last value holds


@pytest.mark.parametrize(
    ("projects", "path", "allowed"),
    [
        ({"per_100_employees_per_year": 8}, "projects.per_100_employees_per_year", "classes"),
        ({"status_hours_per_week": 1}, "projects.status_hours_per_week", "status_share"),
        ({"classes": {"small": {"team": 2}}}, "projects.classes.small.team", "did you mean 'team_size'"),
        ({"classes": {"small": {"member_hours_per_week": 0}}}, "projects.classes.small.member_hours_per_week",
         "from 0.1 to 168"),
        ({"classes": {"Big": {}}}, "projects.classes.Big", "lower-case"),
        ({"classes": 3}, "projects.classes", "expected a table"),
        ({"scheduled": [{"week": 3, "class": "huge"}]}, "projects.scheduled[0].class", "one of small, medium"),
        ({"scheduled": [{"week": -1}]}, "projects.scheduled[0].week", ">= 0"),
        ({"scheduled": [{"week": 1, "effort": 3}]}, "projects.scheduled[0].effort", "did you mean 'effort_hours'"),
        ({"scheduled": [{"week": 1, "team_size": 1.5}]}, "projects.scheduled[0].team_size", "whole number"),
        ({"scheduled": {"week": 1}}, "projects.scheduled", "list of tables"),
        ({"multitasking_loss": [0, 1.5]}, "projects.multitasking_loss[1]", "from 0 to below 1"),
        ({"multitasking_loss": 0.17}, "projects.multitasking_loss", "a list of numbers"),
        ({"multitasking_loss": ["a"]}, "projects.multitasking_loss[0]", "expected a number"),
        ({"status_share": 1.5}, "projects.status_share", "from 0 to 1"),
        ({"arrival_scale": -1}, "projects.arrival_scale", "from 0 to 1,000"),
    ],
    ids=["old-rate-key", "old-status-key", "class-unknown-field", "member-hours-zero", "class-name-case",
         "classes-not-table", "scheduled-unknown-class", "scheduled-negative-week", "scheduled-unknown-key",
         "scheduled-fraction-team", "scheduled-not-list", "loss-above-1", "loss-not-list", "loss-text",
         "share-above-1", "negative-scale"],
)  # fmt: skip
def test_bad_project_tables_name_the_field(projects, path, allowed):
    err = raises_at(path, {"projects": projects})
    assert allowed in str(err)


# --------------------------------------------------------------------- role merge


def test_a_role_in_the_file_merges_with_the_preset():
    preset = scenario_from_dict({}).role("engineer")
    merged = scenario_from_dict({"roles": {"engineer": {"hourly_cost": 80}}}).role("engineer")
    assert merged.hourly_cost == 80.0
    assert merged.duties == preset.duties == ("ticket_l1", "ticket_l2", "ops_routine", "project_work")
    assert merged.headcount == preset.headcount == Headcount(per_employees=40, minimum=1)
    assert merged.reports_to == preset.reports_to == "it_manager"
    assert merged.context_switch_hours == preset.context_switch_hours


def test_role_fields_given_replace_only_those_fields():
    s = scenario_from_dict(
        {
            "org": {"structure": "separate", "employees": 1500},
            "roles": {
                "project_manager": {"headcount": {"per_employees": 100, "minimum": 2}, "context_switch_hours": 0}
            },
        }
    )
    pm = s.role("project_manager")
    assert pm.duties == ("project_coordination", "status_reporting")
    assert pm.hourly_cost == 70.0
    assert pm.context_switch_hours == 0.0
    assert s.headcounts()["project_manager"] == 15
    assert s.headcounts()["it_manager"] == math.ceil((21 + 37 + 15) / 8)


def test_a_new_role_is_added_next_to_the_preset():
    s = scenario_from_dict(
        {"roles": {"architect": {"headcount": 2, "duties": ["project_work"], "reports_to": "it_manager"}}}
    )
    assert [r.name for r in s.roles] == ["service_desk", "engineer", "it_manager", "head_of_it", "architect"]
    assert s.role("architect") == Role("architect", Headcount(fixed=2), ("project_work",), "it_manager")
    assert s.headcounts()["architect"] == 2


@pytest.mark.parametrize(
    ("roles", "path", "allowed"),
    [
        ({"architect": {"duties": ["project_work"]}}, "roles.architect.headcount", "needs headcount and duties"),
        ({"engineer": {"duties": ["fixing"]}}, "roles.engineer.duties", "allowed: ticket_l1"),
        ({"engineer": {"duties": ["ticket_l2", "ticket_l2"]}}, "roles.engineer.duties", "list each duty once"),
        ({"engineer": {"reports_to": "cto"}}, "roles.engineer.reports_to", "one of the roles"),
        ({"engineer": {"hourly_cost": -1}}, "roles.engineer.hourly_cost", "a number from 0 to"),
        ({"engineer": {"headcount": -1}}, "roles.engineer.headcount", ">= 0"),
        ({"engineer": {"headcount": {"per_employees": 0}}}, "roles.engineer.headcount.per_employees", ">= 0.001"),
        ({"engineer": {"salary": 1}}, "roles.engineer.salary", "allowed: headcount, duties"),
        ({"Engineer": {"headcount": 1}}, "roles.Engineer", "lower-case"),
        ({"it_manager": {"headcount": 0}}, "roles", "0 people"),
    ],
    ids=["new-role-incomplete", "unknown-duty", "duplicate-duty", "missing-boss", "negative-cost",
         "negative-headcount", "zero-ratio", "unknown-role-key", "role-name-case", "unstaffed-duty"],
)  # fmt: skip
def test_bad_roles_name_the_field(roles, path, allowed):
    err = raises_at(path, {"roles": roles})
    assert allowed in str(err)


def test_a_reporting_cycle_is_rejected():
    data = {
        "org": {"structure": "custom"},
        "roles": {
            "a": {"headcount": 1, "duties": list(DUTIES), "reports_to": "b"},
            "b": {"headcount": 1, "duties": ["people_management"], "reports_to": "a"},
        },
    }
    err = raises_at("roles.a.reports_to", data)
    assert "reporting cycle a -> b -> a" in str(err)
    assert "tree" in str(err)


def test_a_reporting_cycle_error_names_a_role_in_the_cycle():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"roles": {"it_manager": {"reports_to": "engineer"}}})
    assert "reporting cycle" in str(info.value)
    assert info.value.path in ("roles.it_manager.reports_to", "roles.engineer.reports_to")


# -------------------------------------------------------------- other validation


@pytest.mark.parametrize(
    ("data", "path", "allowed"),
    [
        ({"simulaton": {}}, "simulaton", "did you mean 'simulation'"),
        ({"org": {"employes": 4}}, "org.employes", "did you mean 'employees'"),
        ({"org": 5}, "org", "expected a table"),
        ({"simulation": {"horizon_weeks": "long"}}, "simulation.horizon_weeks", "expected a number"),
        ({"simulation": {"horizon_weeks": math.inf}}, "simulation.horizon_weeks", "finite"),
        ({"simulation": {"replications": 2.5}}, "simulation.replications", "whole number"),
        ({"simulation": {"replications": True}}, "simulation.replications", "whole number"),
        ({"simulation": {"warmup_weeks": 60}}, "simulation.warmup_weeks", "less than simulation.horizon_weeks (52)"),
        ({"tickets": {"per_employee_per_month": -1}}, "tickets.per_employee_per_month", "from 0 to 1,000"),
        ({"calendar": {"hours_per_day": 25}}, "calendar.hours_per_day", "from 0.5 to 24"),
        ({"projects": {"classes": {"small": {"effort": {"dist": "gamma"}}}}}, "projects.classes.small.effort.dist",
         "fixed, exponential, lognormal"),
        ({"projects": {"classes": {"medium": {"effort": {"dist": "lognormal", "mean": 3}}}}},
         "projects.classes.medium.effort.cv", "needs mean, cv"),
        ({"projects": {"classes": {"small": {"effort": {"dist": "triangular", "low": 5, "mode": 4, "high": 3}}}}},
         "projects.classes.small.effort", "low <= mode <= high"),
        ({"projects": {"classes": {"small": {"effort": -3}}}}, "projects.classes.small.effort.mean", ">= 0"),
        ({"projects": {"estimate_error": {"dist": "gamma"}}}, "projects.estimate_error.dist", "fixed, exponential"),
        ({"name": "../escape"}, "name", "no path separators"),
        ({"name": 5}, "name", "text string"),
    ],
    ids=["unknown-top-level", "unknown-nested", "section-not-table", "text-for-number", "infinite", "fraction-for-int",
         "bool-for-int", "warmup-too-long", "negative-rate", "hours-per-day", "unknown-distribution",
         "lognormal-without-cv", "triangular-order", "negative-fixed", "estimate-error", "name-traversal",
         "name-not-text"],
)  # fmt: skip
def test_bad_values_name_the_field_and_what_is_allowed(data, path, allowed):
    err = raises_at(path, data)
    assert allowed in str(err)


def test_scenario_error_message_shape():
    err = ScenarioError("org.employees", "found 0; allowed: a number >= 1", "file.toml")
    assert str(err) == "file.toml: field 'org.employees': found 0; allowed: a number >= 1"
    assert isinstance(err, ValueError)
    moved = ScenarioError("org.employees", "msg").in_source("--set")
    assert (moved.path, moved.detail, moved.source) == ("org.employees", "msg", "--set")
    assert str(moved) == "--set: field 'org.employees': msg"


def test_source_is_named_in_errors():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"org": {"employees": 0}}, source="mine.toml")
    assert str(info.value).startswith("mine.toml: field 'org.employees'")


def test_scenario_from_toml_parses_and_reports_bad_toml():
    s = scenario_from_toml('name = "t"\n[org]\nemployees = 200\nstructure = "pmo"\n')
    assert (s.name, s.org.employees, s.org.structure) == ("t", 200, "pmo")
    with pytest.raises(ScenarioError) as info:
        scenario_from_toml("[org\nemployees = 1", source="broken.toml")
    assert "not valid TOML" in str(info.value)
    assert str(info.value).startswith("broken.toml: ")


def test_load_scenario_names_the_scenario_after_the_file_and_applies_changes(tmp_path):
    path = tmp_path / "mid-size.toml"
    path.write_text("[org]\nemployees = 200\n", encoding="utf-8")
    s = load_scenario(path, {"org.structure": "separate", "simulation.seed": 3})
    assert s.name == "mid-size"
    assert (s.org.employees, s.org.structure, s.simulation.seed) == (200, "separate", 3)
    # the changes are part of the scenario's source, so later changes keep them
    assert s.with_changes({"org.employees": 300}).org.structure == "separate"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_scenarios_load(path):
    s = load_scenario(path)
    assert s.name == path.stem
    assert s.simulation.warmup_weeks < s.simulation.horizon_weeks


# ------------------------------------------------------------------- reference


def test_reference_mentions_every_field_path_with_a_source_column():
    text = reference_markdown()
    header = next(line for line in text.splitlines() if line.startswith("| field"))
    assert "source" in header
    for section, cls in SECTIONS.items():
        for name in public_fields(cls):
            assert f"`{section}.{name}`" in text, f"{section}.{name} missing from the reference"
    for name in public_fields(TicketClass):
        assert f"`tickets.classes.CLASS.{name}`" in text
    for name in public_fields(ProjectClass):
        assert f"`projects.classes.CLASS.{name}`" in text, f"projects.classes.CLASS.{name} missing from the reference"
    assert "projects.scheduled" in text
    assert "`tickets.mix.CLASS`" in text
    assert "`tickets.profile`" in text and "Brown, Gans, Mandelbaum" in text
    for key in ("headcount", "duties", "reports_to", "hourly_cost", "context_switch_hours"):
        assert f"`roles.ROLE.{key}`" in text
    for path in ("simulation.horizon_weeks", "projects.wip_limit", "roles.ROLE.context_switch_hours"):
        assert f"`{path}`" in text


def test_reference_rows_are_complete_table_rows():
    text = reference_markdown().split("## Structure presets")[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(field_reference())
    for row in rows:
        cells = [c.strip() for c in row.replace("\\|", "").strip("|").split("|")]
        assert len(cells) == 5, row
        path, unit, default, meaning, source = cells
        assert unit and meaning and source, row
    # the source column is the source recorded with each field's definition
    sources = {r["path"]: r["source"] for r in field_reference()}
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            if not f.metadata.get("internal"):
                assert sources[f"{section}.{f.name}"] == f.metadata["source"]
    assert "MetricNet" in sources["tickets.per_employee_per_month"]


# ------------------------------------------------------------------ round trip

ROUND_TRIP_CASES = {
    **{f"{s}-{n}": {"org": {"structure": s, "employees": n}} for s, n in PRESET_CASES},
    "custom": {
        "name": "custom-org",
        "description": "two roles",
        "org": {"structure": "custom", "employees": 100},
        "roles": {
            "boss": {"headcount": 1, "duties": [*ALL_DUTIES_BUT_L1, "ticket_l1"], "hourly_cost": 99},
            "tech": {"headcount": {"per_employees": 25, "minimum": 2}, "duties": ["ticket_l2"], "reports_to": "boss"},
        },
    },
    "tickets-and-distributions": {
        "tickets": {
            "per_employee_per_month": 0.8,
            "mix": {"p3": 0.5, "outage": 0.5},
            "classes": {
                "outage": {"priority": 1, "l2_effort": {"dist": "triangular", "low": 1, "mode": 2, "high": 3}},
                "p3": {"l1_effort": {"dist": "exponential", "mean": 0.2}},
            },
        },
        "projects": {"classes": {"small": {"effort": 120}}, "initial_portfolio": 3},
        "simulation": {"horizon_weeks": 20, "warmup_weeks": 2, "seed": 9},
    },
    "ticket-profile": {
        "calendar": {"hours_per_day": 7.5, "days_per_week": 6},
        "tickets": {"profile": {"weekday": [2, 1, 1, 1, 0.5, 0], "hour": [1, 2, 2, 1, 0, 1, 1, 0.25]}},
    },
    "project-classes-and-scheduled": {
        "projects": {
            "arrival_scale": 0.5,
            "multitasking_loss": [0, 0.2, 0.4, 0.6],
            "estimate_error": {"dist": "triangular", "low": 0.5, "mode": 1, "high": 2},
            "classes": {
                "medium": {"team_size": 5, "member_hours_per_week": 12},
                "erp": {"per_100_employees_per_year": 0.01, "effort": 20000, "work_package_hours": 80, "team_size": 8},
            },
            "scheduled": [
                {"week": 10, "class": "erp", "effort_hours": 12000, "team_size": 6},
                {"week": 2.5, "class": "small"},
            ],
        },
    },
}


@pytest.mark.parametrize("data", list(ROUND_TRIP_CASES.values()), ids=list(ROUND_TRIP_CASES))
def test_to_dict_round_trips(data):
    original = scenario_from_dict(data)
    again = round_trip(original)
    assert again == original
    assert again.headcounts() == original.headcounts()
    assert again.to_dict() == original.to_dict()


def test_to_dict_round_trips_a_preset_role_detached_from_its_manager():
    original = scenario_from_dict({"roles": {"engineer": {"reports_to": ""}}})
    assert original.role("engineer").reports_to is None
    again = round_trip(original)
    assert again.role("engineer").reports_to is None
    assert again == original


def test_absurd_sizes_are_rejected_before_they_exhaust_memory():
    with pytest.raises(ScenarioError, match="org.employees"):
        scenario_from_dict({"org": {"employees": 10**300}})
    with pytest.raises(ScenarioError, match=r"roles\.engineer\.headcount.*at most 20,000"):
        scenario_from_dict({"roles": {"engineer": {"headcount": {"per_employees": 0.001}}}})  # 40,000 engineers
    with pytest.raises(ScenarioError, match=r"per_employees.*>= 0\.001"):  # no overflow on the way
        scenario_from_dict({"roles": {"engineer": {"headcount": {"per_employees": 1e-300}}}})


def test_values_toml_reads_as_dates_are_shown_plainly():
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict({"description": __import__("datetime").date(2024, 1, 1)})
    assert "2024-01-01 (a date" in str(error.value)
    assert "datetime." not in str(error.value)


def test_a_file_name_with_spaces_gives_a_usable_default_name(tmp_path):
    path = tmp_path / "my scenario (v2).toml"
    path.write_text("[org]\nemployees = 50\n")
    assert load_scenario(path).name == "my-scenario-v2"


def test_set_changes_one_field_of_a_default_distribution_from_the_command_line(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[org]\nemployees = 50\n")
    scenario = load_scenario(path, {"projects.classes.medium.effort.cv": 0.5, "roles.engineer.headcount.minimum": 2})
    medium = DEFAULT_PROJECT_CLASSES["medium"].effort
    assert scenario.projects.by_name()["medium"].effort == Distribution("lognormal", mean=medium.mean, cv=0.5)
    assert medium.cv != 0.5
    assert scenario.role("engineer").headcount.minimum == 2
    assert scenario.role("engineer").headcount.per_employees == 40


# ------------------------------------------------------------------ the frozen tree is the truth


def test_replace_then_with_changes_keeps_both_changes():
    base = scenario_from_dict({"org": {"employees": 40, "structure": "combined"}})
    replaced = dataclasses.replace(base, org=dataclasses.replace(base.org, employees=400))
    both = replaced.with_changes({"org.structure": "separate"})
    assert both.org.employees == 400 and both.org.structure == "separate"
    # the roles follow the tree: the separate preset at 400 employees (a service desk, a PM)
    assert both.headcounts()["service_desk"] == 5 and both.headcounts()["project_manager"] == _coordinators(400)
    # and a role change made with replace survives too
    tweaked = dataclasses.replace(both, projects=dataclasses.replace(both.projects, wip_limit=2))
    again = tweaked.with_changes({"roles.engineer.hourly_cost": 65})
    assert again.projects.wip_limit == 2 and again.role("engineer").hourly_cost == 65


def test_get_reads_the_paths_with_changes_writes():
    scenario = scenario_from_dict({"org": {"employees": 120}})
    changed = scenario.with_changes(
        {"org.employees": 300, "roles.engineer.hourly_cost": 65, "projects.classes.small.effort.cv": 0.5}
    )
    assert changed.get("org.employees") == 300
    assert changed.get("roles.engineer.hourly_cost") == 65
    assert changed.get("projects.classes.small.effort.cv") == 0.5
    assert changed.get("projects.classes.medium.team_size") == 4
    assert changed.get("resolved_headcounts.engineer") == 300 // 40
    with pytest.raises(KeyError):
        changed.get("org.nope")


def test_changing_the_structure_gives_the_new_preset_not_the_old_roles():
    combined = scenario_from_dict({"org": {"employees": 200, "structure": "combined"}})
    separate = combined.with_changes({"org.structure": "separate"})
    assert "project_coordination" not in separate.role("it_manager").duties
    assert separate.role("project_manager").duties == ("project_coordination", "status_reporting")
    back = separate.with_changes({"org.structure": "combined"})
    assert back == combined


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"tickets": {"classes": {"total": {"priority": 2}}}}, "tickets.classes.total"),
        (
            {"tickets": {"mix": {"p3": 0.5, "total": 0.5}, "classes": {"total": {"priority": 2}}}},
            "tickets.classes.total",
        ),
    ],
)
def test_a_name_that_collides_with_a_generated_metric_is_rejected(data, path):
    error = raises_at(path, data)
    assert "taken by the metrics" in str(error) and "total" in str(error)


def test_a_colliding_class_name_exits_2_on_the_command_line(tmp_path, capsys):
    from orgsim.cli import main

    path = tmp_path / "clash.toml"
    path.write_text('name = "clash"\n[tickets.classes.total]\npriority = 2\n', encoding="utf-8")
    for command in (["validate", str(path)], ["run", str(path), "--quiet", "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "field 'tickets.classes.total'" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
