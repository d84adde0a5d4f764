"""Checks and the errors they end in (orgsim/scenario/checks.py and convert.py): a bad value
is one error naming the field and what is allowed; an unknown key is a structured error."""

from __future__ import annotations

import math

import pytest

from orgsim.scenario import (
    ScenarioError,
    UnknownKeyError,
    scenario_from_dict,
)
from tests.conftest import REPO
from tests.scenario.helpers import (
    raises_at,
)

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


# -------------------------------------------------------------- unknown keys, structured


@pytest.mark.parametrize(
    ("data", "table", "key", "allowed"),
    [
        ({"simulaton": {}}, "", "simulaton", "did you mean 'simulation'"),
        ({"tickets": {"per_employee_per_mnth": 1}}, "tickets", "per_employee_per_mnth", "profile, mix, classes)"),
        ({"projects": {"clases": {}}}, "projects", "clases", "value_per_project_week, classes, scheduled)"),
        (
            {"projects": {"scheduled": [{"week": 1, "klass": "small"}]}},
            "projects.scheduled[0]",
            "klass",
            "did you mean 'class'? (allowed: week, class, effort_hours, team_size)",
        ),
        # a key unknown inside a distribution is named where it is, with the distribution's keys
        (
            {"tickets": {"manager_escalation_effort": {"dist": "lognormal", "mean": 1, "cv": 1, "sd": 2}}},
            "tickets.manager_escalation_effort",
            "sd",
            "(allowed: dist, mean, cv)",
        ),
        (
            {"projects": {"estimate_error": {"dist": "fixed", "mean": 1, "foo": 1}}},
            "projects.estimate_error",
            "foo",
            "(allowed: dist, mean)",
        ),
    ],
    ids=["top-level", "tickets", "projects", "scheduled", "tickets-distribution", "projects-distribution"],
)
def test_an_unknown_key_is_a_structured_error_naming_its_table_and_key(data, table, key, allowed):
    error = raises_at(f"{table}.{key}" if table else key, data)
    assert isinstance(error, UnknownKeyError)
    assert (error.table, error.key) == (table, key)
    assert allowed in str(error)
    moved = error.in_source("file.toml")
    assert isinstance(moved, UnknownKeyError) and (moved.table, moved.key, moved.source) == (table, key, "file.toml")
    assert str(moved) == f"file.toml: {error}"


def test_no_code_reads_an_error_from_its_message():
    """Which key was unknown is read from the error's fields, never by matching its text."""
    for path in (REPO / "orgsim").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "in error.detail" not in text and '"unknown key" in' not in text, path


def test_a_contract_longer_than_the_calendars_week_is_refused_naming_overtime(tmp_path, capsys):
    """hours_per_week = 60 in a 40-hour week was silently ignored: it is refused in one line
    that says where overtime goes."""
    from orgsim.cli import main

    path = str(REPO / "scenarios" / "small-combined.toml")
    code = main(["validate", path, "--set", "roles.engineer.hours_per_week=60"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1, err
    assert "roles.engineer.hours_per_week" in err and "40 hours" in err
    assert "roles.engineer.overtime_hours_per_week" in err
    code = main(["validate", path, "--set", "roles.engineer.hours_per_week=40"])
    assert code == 0


def test_a_project_scheduled_after_the_horizon_is_refused(capsys):
    from orgsim.cli import main

    scheduled = '[{week = 60, class = "medium", effort_hours = 100, team_size = 1}]'
    path = str(REPO / "scenarios" / "small-combined.toml")
    code = main(["validate", path, "--set", f"projects.scheduled={scheduled}", "--set", "simulation.horizon_weeks=52"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1, err
    assert "projects.scheduled[0].week" in err and "found 60" in err and "never arrive" in err
