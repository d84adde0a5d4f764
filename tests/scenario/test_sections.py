"""The sections that are more than a row of fields (orgsim/scenario/sections.py): ticket
classes, mix and arrival profile, project classes and scheduled projects, and the
``[roles.NAME]`` tables merged with the preset."""

from __future__ import annotations

import math

import pytest

from orgsim.distributions import Distribution
from orgsim.duties import DUTIES
from orgsim.scenario import (
    ScenarioError,
    TicketClass,
    load_scenario,
    needed_duties,
    scenario_from_dict,
)
from orgsim.scenario.roles import Headcount, Role
from orgsim.scenario.schema import DEFAULT_PROJECT_CLASSES, ProjectClass, ScheduledProject
from tests.scenario.helpers import (
    CLASS_NAMES,
    raises_at,
    round_trip,
)

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
