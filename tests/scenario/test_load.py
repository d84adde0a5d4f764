"""The scenario and the one path into it (orgsim/scenario/load.py): files, shipped
scenarios, with_changes and get, frozen values, and to_dict round trips."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from orgsim.distributions import Distribution
from orgsim.scenario import (
    Org,
    ScenarioError,
    load_scenario,
    scenario_from_dict,
    scenario_from_toml,
)
from orgsim.scenario.schema import DEFAULT_PROJECT_CLASSES, ScheduledProject
from tests.conftest import SCENARIOS
from tests.scenario.helpers import (
    ALL_DUTIES_BUT_L1,
    PRESET_CASES,
    coordinators,
    round_trip,
)

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
        (
            {"org.structure": "matrix"},
            "org.structure",
            "combined, separate, pmo, embedded, no_pm, combined_engineer, combined_deputy, custom",
        ),
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
    assert both.headcounts()["service_desk"] == 5 and both.headcounts()["project_manager"] == coordinators(400)
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


def test_scenario_summary_and_realism_title_of_a_shipped_scenario():
    from orgsim.realism import realism_title
    from orgsim.scenario import load_scenario, scenario_summary

    scenario = load_scenario("small-combined")
    assert scenario_summary("small-combined", scenario) == (
        "small-combined: valid: 'small-combined', 40 employees, structure combined, 2 staff (1 engineer,"
        " 1 it_manager); 20 replications of 104 weeks (warm-up 16), seed 2026"
    )
    results = SimpleNamespace(replications=[None] * 3)
    assert realism_title(scenario, results) == (
        "small-combined: 3 replications, 40 employees, structure combined: measurements beside published figures"
    )
