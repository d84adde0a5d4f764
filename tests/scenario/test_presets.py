"""The structure presets (orgsim/scenario/presets.py): each preset's roles and headcounts, the
small firm's variants, custom structures, and the one PRESETS table from which the choices of
org.structure, the study's default structures, the plot colours and the reference derive."""

from __future__ import annotations

import math

import pytest

from orgsim.scenario import (
    OTHER_COLOUR,
    PRESET_NAMES,
    PRESETS,
    STRUCTURES,
    STUDY_STRUCTURES,
    preset_colour,
    scenario_from_dict,
)
from orgsim.scenario.presets import preset
from tests.scenario.helpers import (
    ALL_DUTIES_BUT_L1,
    EXPECTED_HEADCOUNTS,
    PM_1500,
    PRESET_CASES,
)


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
    # and the small firm's IT manager is hands-on: routine operations, then level-2 tickets and project work last
    assert small.role("it_manager").duties[-2:] == ("ticket_l2", "project_work")
    assert "ops_routine" in small.role("it_manager").duties
    assert "project_work" not in large_manager_duties(structure)
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
        "project_coordination", "status_reporting", "ticket_l2", "project_work",
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


# ------------------------------------------------------------------ the one table


def test_the_presets_are_one_table_from_which_the_lists_derive():
    names = tuple(row.name for row in PRESETS)
    assert (
        names
        == PRESET_NAMES
        == (
            "combined",
            "separate",
            "pmo",
            "embedded",
            "no_pm",
            "combined_engineer",
            "combined_deputy",
        )
    )
    assert (*names, "custom") == STRUCTURES
    assert STUDY_STRUCTURES == ("combined", "separate", "pmo", "no_pm")  # the study's default structures
    for row in PRESETS:
        assert row.description and row.description[0].islower() and not row.description.endswith(".")
        assert preset(row.name) is row
    with pytest.raises(KeyError):
        preset("custom")


def test_every_preset_has_the_colour_its_plots_have_always_had():
    colours = {row.name: preset_colour(row.name) for row in PRESETS}
    assert colours == {
        "combined": "#3182bd",
        "separate": "#e6550d",
        "pmo": "#31a354",
        "embedded": "#756bb1",
        "no_pm": "#636363",
        "combined_engineer": "#6baed6",
        "combined_deputy": "#08519c",
    }
    assert preset_colour("custom") == OTHER_COLOUR == "#d6616b"
    assert len(set(colours.values()) | {OTHER_COLOUR}) == len(PRESETS) + 1


@pytest.mark.parametrize("culture", ["operations_first", "projects_first"])
@pytest.mark.parametrize("employees", [40, 1500])
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_each_presets_coordinator_coordinates_projects_and_nobody_else_does(name, employees, culture):
    scenario = scenario_from_dict({"org": {"employees": employees, "structure": name, "culture": culture}})
    coordinating = {r.name for r in scenario.roles if "project_coordination" in r.duties}
    assert coordinating == {preset(name).coordinator}


def large_manager_duties(structure):
    return scenario_from_dict({"org": {"employees": 1500, "structure": structure}}).role("it_manager").duties
