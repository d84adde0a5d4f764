"""Hostile input: random invalid scenarios, malformed TOML, names that try to escape the
output folder, and extreme but valid scenarios.

- Invalid scenario dicts are made by mutating a valid one (hypothesis): unknown keys,
  wrong types, negative numbers, probabilities above 1, mixes not summing to 1, unknown
  duties, reporting cycles, absurd values, nested garbage.  Each must end in
  ``ScenarioError`` naming the right part of the file, never another exception; through
  ``orgsim run`` a sample of them gives exit code 2, one message and no traceback.
- Malformed TOML (random text, truncated valid files, binary bytes) ends in
  ``ScenarioError`` or, when it happens to be a valid scenario, in a Scenario.
- A scenario name with path separators or '..' writes nothing anywhere.
- Zero projects, zero tickets, one person holding every duty, a load above capacity and
  a 5-year horizon run to completion with sensible numbers and a warning when unstable.

The bugs these tests found are kept as regression tests at the end of the file.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import orgsim
import orgsim.experiment
from orgsim import ScenarioError, scenario_from_dict
from orgsim.cli import main
from orgsim.duties import DUTIES
from orgsim.engine import Model
from orgsim.scenario import load_scenario, scenario_from_toml

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted((REPO / "scenarios").glob("*.toml"))
PROFILE = {"deadline": None, "derandomize": True, "database": None}

# ----------------------------------------------------------------------- valid bases

PRESET_BASE = {
    "name": "base",
    "description": "a valid scenario that spells out most fields",
    "simulation": {"horizon_weeks": 10, "warmup_weeks": 2, "replications": 2, "seed": 7, "check_in_hours": 8},
    "calendar": {"hours_per_day": 8, "days_per_week": 5},
    "org": {"employees": 120, "structure": "separate"},
    "tickets": {
        "per_employee_per_month": 1.5,
        "mix": {"p1": 0.02, "p2": 0.08, "p3": 0.4, "p4": 0.3, "service_request": 0.15, "change": 0.05},
        "classes": {
            "p2": {
                "priority": 2,
                "preemptive": False,
                "l1_effort": {"dist": "triangular", "low": 0.05, "mode": 0.1, "high": 0.3},
                "l1_resolution_share": 0.3,
                "l2_effort": {"dist": "lognormal", "mean": 3.0, "cv": 1.0},
                "sla_hours": 8,
                "manager_duty": "none",
                "manager_effort": 0,
            },
        },
    },
    "projects": {
        "arrival_scale": 1.5,
        "initial_portfolio": 1,
        "estimate_error": {"dist": "lognormal", "mean": 1.0, "cv": 0.3},
        "initiation_share": 0.01,
        "planning_share": 0.03,
        "handoff_hours": 1,
        "closing_share": 0.01,
        "coordination_share": 0.03,
        "status_share": 0.04,
        "exception_probability": 0.2,
        "decision_hours": 1,
        "decision_wait_limit_hours": 16,
        "rework_per_day_waited": 0.1,
        "rework_cap": 0.5,
        "multitasking_loss": [0, 0.17, 0.3],
        "wip_limit": 4,
        "intake_hours": 2,
        "portfolio_review_hours_per_week": 2,
        "classes": {
            "small": {
                "per_100_employees_per_year": 8,
                "effort": {"dist": "exponential", "mean": 150},
                "work_package_hours": 40,
                "team_size": 3,
                "member_hours_per_week": 10,
                "due_date_factor": 2.5,
            },
            "erp": {"per_100_employees_per_year": 0.05, "effort": 2000, "team_size": 4},
        },
        "scheduled": [
            {"week": 3, "class": "erp", "effort_hours": 800, "team_size": 2},
            {"week": 5.5, "class": "small"},
        ],
    },
    "management": {
        "one_to_one_hours_per_report_per_week": 0.5,
        "appraisal_hours_per_report_per_year": 3,
        "admin_hours_per_week": 4,
    },
    "roles": {
        "engineer": {"headcount": {"per_employees": 40, "minimum": 1}, "hourly_cost": 60, "context_switch_hours": 0.25},
        "architect": {"headcount": 1, "duties": ["ticket_l2", "project_work"], "reports_to": "it_manager"},
    },
}
CUSTOM_BASE = {
    "name": "custom-base",
    "simulation": {"horizon_weeks": 6, "warmup_weeks": 1},
    "org": {"employees": 30, "structure": "custom"},
    "tickets": {"manager_escalation_share": 0},
    "projects": {
        "arrival_scale": 0,
        "multitasking_loss": [0.1],
        "scheduled": [{"week": 1, "class": "medium", "effort_hours": 120, "team_size": 3}],
    },
    "roles": {
        "lead": {
            "headcount": {"per_reports": 6, "minimum": 1},
            "duties": ["major_incident", "approval", "people_management", "project_coordination", "admin"],
            "hourly_cost": 80,
        },
        "staff": {
            "headcount": 3,
            "duties": ["ticket_l1", "ticket_l2", "project_work", "status_reporting", "portfolio_management"],
            "reports_to": "lead",
            "context_switch_hours": 0.5,
        },
    },
}
BASES = (PRESET_BASE, CUSTOM_BASE)

# Every scalar field of the bases by kind: the kind says which values are invalid.
NUMBER_KINDS = (
    "float>=0",
    "float>0",
    "int>=0",
    "int>=1",
    "prob",
    "hours_per_day",
    "days_per_week",
    "employees",
    "seed",
)
FIELDS: dict[tuple[str, ...], str] = {
    ("simulation", "horizon_weeks"): "float>0",
    ("simulation", "warmup_weeks"): "float>=0",
    ("simulation", "replications"): "int>=1",
    ("simulation", "seed"): "seed",
    ("simulation", "check_in_hours"): "float>0",
    ("calendar", "hours_per_day"): "hours_per_day",
    ("calendar", "days_per_week"): "days_per_week",
    ("org", "employees"): "employees",
    ("org", "structure"): "choice",
    ("tickets", "per_employee_per_month"): "float>=0",
    ("tickets", "classes", "p2", "priority"): "int>=1",
    ("tickets", "classes", "p2", "preemptive"): "bool",
    ("tickets", "classes", "p2", "l1_effort"): "dist",
    ("tickets", "classes", "p2", "l1_resolution_share"): "prob",
    ("tickets", "classes", "p2", "l2_effort"): "dist",
    ("tickets", "classes", "p2", "sla_hours"): "float>0",
    ("tickets", "classes", "p2", "manager_duty"): "choice",
    ("tickets", "classes", "p2", "manager_effort"): "dist",
    ("projects", "arrival_scale"): "float>=0",
    ("projects", "initial_portfolio"): "int>=0",
    ("projects", "estimate_error"): "dist",
    ("projects", "initiation_share"): "prob",
    ("projects", "planning_share"): "prob",
    ("projects", "handoff_hours"): "float>=0",
    ("projects", "closing_share"): "prob",
    ("projects", "coordination_share"): "prob",
    ("projects", "status_share"): "prob",
    ("projects", "exception_probability"): "prob",
    ("projects", "decision_hours"): "float>=0",
    ("projects", "decision_wait_limit_hours"): "float>0",
    ("projects", "rework_per_day_waited"): "prob",
    ("projects", "rework_cap"): "prob",
    ("projects", "multitasking_loss"): "shares",
    ("projects", "wip_limit"): "int>=1",
    ("projects", "intake_hours"): "float>=0",
    ("projects", "classes", "small", "per_100_employees_per_year"): "float>=0",
    ("projects", "classes", "small", "effort"): "dist",
    ("projects", "classes", "small", "work_package_hours"): "float>0",
    ("projects", "classes", "small", "team_size"): "int>=1",
    ("projects", "classes", "small", "member_hours_per_week"): "float>0",
    ("projects", "classes", "small", "due_date_factor"): "float>0",
    ("projects", "classes", "erp", "effort"): "dist",
    ("projects", "classes", "erp", "team_size"): "int>=1",
    ("projects", "scheduled", 0, "week"): "float>=0",
    ("projects", "scheduled", 0, "class"): "project_class",
    ("projects", "scheduled", 0, "effort_hours"): "float>=0",
    ("projects", "scheduled", 0, "team_size"): "int>=0",
    ("projects", "portfolio_review_hours_per_week"): "float>=0",
    ("management", "one_to_one_hours_per_report_per_week"): "float>=0",
    ("management", "appraisal_hours_per_report_per_year"): "float>=0",
    ("management", "admin_hours_per_week"): "float>=0",
    ("name",): "name",
    ("description",): "text",
    ("roles", "engineer", "headcount"): "headcount",
    ("roles", "engineer", "hourly_cost"): "float>=0",
    ("roles", "engineer", "context_switch_hours"): "float>=0",
    ("roles", "architect", "headcount"): "headcount",
    ("roles", "architect", "duties"): "duties",
    ("roles", "architect", "reports_to"): "reports_to",
    ("roles", "staff", "headcount"): "headcount",
    ("roles", "staff", "duties"): "duties",
    ("roles", "staff", "reports_to"): "reports_to",
    ("roles", "lead", "headcount"): "headcount",
    ("roles", "lead", "hourly_cost"): "float>=0",
    ("roles", "staff", "context_switch_hours"): "float>=0",
}
TABLES = (
    ("simulation",),
    ("calendar",),
    ("org",),
    ("tickets",),
    ("tickets", "mix"),
    ("tickets", "classes"),
    ("tickets", "classes", "p2"),
    ("projects",),
    ("projects", "estimate_error"),
    ("projects", "classes"),
    ("projects", "classes", "small"),
    ("projects", "classes", "small", "effort"),
    ("projects", "classes", "erp"),
    ("projects", "scheduled", 0),
    ("management",),
    ("roles",),
    ("roles", "engineer"),
    ("roles", "engineer", "headcount"),
    ("roles", "architect"),
    ("roles", "lead"),
    ("roles", "lead", "headcount"),
    ("roles", "staff"),
)
# Tables whose keys are names the user may choose: a new key there is a new class or role.
OPEN_TABLES = {("tickets", "classes"), ("projects", "classes"), ("roles",)}
# Fields whose value is a distribution: a number there is a valid fixed one.
DISTRIBUTION_TABLES = ("effort", "estimate_error")


def _get(data, path):
    for key in path:
        data = data[key]
    return data


def _has(data, path) -> bool:
    try:
        _get(data, path)
    except (KeyError, TypeError):
        return False
    return True


def _set(data, path, value) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _dotted(path) -> str:
    """A path as the file spells it: projects.scheduled[0].week."""
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")


# ---------------------------------------------------------------- invalid values

BIG = 2**62  # within TOML's 64-bit integers
garbage_key = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", max_size=8).map(lambda s: "zz_" + s)
scalars = st.one_of(
    st.text(max_size=10),
    st.booleans(),
    st.integers(-BIG, BIG),
    st.floats(),
    st.dates(),
    st.times(),
)
garbage = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(garbage_key, inner, max_size=3), max_leaves=8
)
# A container no field accepts: a table with a key nothing knows, or a list holding no text.
nested_garbage = st.one_of(
    st.dictionaries(garbage_key, garbage, min_size=1, max_size=3),
    st.lists(st.one_of(st.integers(), st.floats(), st.lists(garbage, max_size=2)), min_size=1, max_size=4),
)
text_not_number = st.one_of(st.text(max_size=12), st.dates(), st.times(), st.datetimes())
negative_float = st.floats(max_value=-1e-6, min_value=-1e300)
negative_int = st.integers(-BIG, -1)
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])


def wrong_type_for_number(kind: str):
    options = [text_not_number, st.booleans(), st.lists(st.integers(), max_size=2), nested_garbage]
    if kind.startswith("int") or kind in ("employees", "seed"):
        options.append(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()))
    return st.one_of(options)


def invalid_number(kind: str):
    """Values of the right type that are out of range for a numeric field of ``kind``."""
    options = [non_finite, st.integers(max_value=-(2**64))]  # no integer TOML allows, and negative
    if kind.startswith("int") or kind in ("employees", "seed"):
        options.append(negative_int)
    else:
        options.append(negative_float)
    if kind != "seed":  # absurd: far beyond TOML's 64-bit integers (any seed may be fine)
        options.append(st.integers(min_value=2**64, max_value=10**400))
    if kind == "float>0":
        options.append(st.just(0.0))
    if kind == "int>=1":
        options.append(st.just(0))
    if kind == "prob":
        options.append(st.floats(min_value=1.000001, max_value=1e300))
    if kind == "hours_per_day":
        options += [st.floats(min_value=24.000001, max_value=1e300), st.floats(0, 0.499999)]
    if kind == "days_per_week":
        options += [st.floats(min_value=7.000001, max_value=1e300), st.floats(0, 0.999999)]
    if kind == "employees":
        options += [st.just(0), st.integers(1_000_001, BIG)]
    return st.one_of(options)


@st.composite
def invalid_distributions(draw):
    kind = draw(st.sampled_from(("fixed", "exponential", "lognormal", "triangular")))
    good = {
        "fixed": {"dist": "fixed", "mean": 2.0},
        "exponential": {"dist": "exponential", "mean": 2.0},
        "lognormal": {"dist": "lognormal", "mean": 2.0, "cv": 0.5},
        "triangular": {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 3.0},
    }[kind]
    table = dict(good)
    how = draw(st.sampled_from(("no dist", "unknown dist", "extra key", "missing key", "negative", "bad type", "nan")))
    params = [k for k in table if k != "dist"]
    if how == "no dist":
        del table["dist"]
    elif how == "unknown dist":
        table["dist"] = draw(st.one_of(garbage_key, st.integers(), st.just("Lognormal"), st.just("gamma")))
    elif how == "extra key":
        table[draw(garbage_key)] = draw(garbage)
    elif how == "missing key":
        del table[draw(st.sampled_from(params))]
    elif how == "negative":
        table[draw(st.sampled_from(params))] = draw(negative_float)
    elif how == "bad type":
        table[draw(st.sampled_from(params))] = draw(st.one_of(text_not_number, st.booleans(), nested_garbage))
    else:
        table[draw(st.sampled_from(params))] = draw(non_finite)
    if kind == "triangular" and draw(st.booleans()):
        table = {"dist": "triangular", "low": 3.0, "mode": 1.0, "high": 2.0}  # low > mode
    return draw(st.one_of(st.just(table), text_not_number, st.booleans(), nested_garbage))


def invalid_headcounts():
    return st.one_of(
        negative_int,
        st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
        st.just(25_000),  # more than the 20,000 people a run may have
        text_not_number,
        st.booleans(),
        st.just({"per_employees": 40, "per_reports": 8}),
        st.just({"minimum": 1}),
        st.builds(lambda r: {"per_employees": r}, st.one_of(st.just(0), negative_float, non_finite)),
        st.builds(lambda r: {"per_reports": r, "minimum": 1}, st.one_of(st.just(0.0), negative_float)),
        st.builds(lambda m: {"per_employees": 40, "minimum": m}, st.one_of(negative_int, st.just(1.5))),
        st.builds(lambda k: {"per_employees": 40, k: 1}, garbage_key),
        nested_garbage,
    )


def invalid_values(kind: str):
    """A strategy of values no field of ``kind`` accepts."""
    if kind in NUMBER_KINDS:
        return st.one_of(wrong_type_for_number(kind), invalid_number(kind))
    if kind == "bool":
        return st.one_of(st.integers(), st.floats(), st.sampled_from(["true", "yes", "1"]), nested_garbage)
    if kind == "choice":
        return st.one_of(garbage_key, st.integers(), st.booleans(), st.just("Combined"), nested_garbage)
    if kind == "name":
        bad_names = ["../x", "../../x", "a/b", "a\\b", "..", "x..y", "", ".hidden", "-x", "a b", "/abs", "é"]
        return st.one_of(st.sampled_from(bad_names), st.integers(), st.booleans(), nested_garbage)
    if kind == "text":
        return st.one_of(st.integers(), st.floats(), st.booleans(), st.dates(), nested_garbage)
    if kind == "dist":
        return invalid_distributions()
    if kind == "headcount":
        return invalid_headcounts()
    if kind == "duties":
        return st.one_of(
            st.builds(lambda bad: ["ticket_l2", bad], st.one_of(garbage_key, st.just("Ticket_L2"), st.just(""))),
            st.just(["project_work", "project_work"]),
            st.builds(lambda x: ["ticket_l2", x], st.one_of(st.integers(), st.booleans(), st.lists(st.text()))),
            st.text(max_size=8),
            nested_garbage.filter(lambda g: isinstance(g, dict)),
        )
    if kind == "reports_to":
        return st.one_of(garbage_key, st.integers(), st.booleans(), nested_garbage)
    if kind == "project_class":  # a class nobody defined, or no name at all
        return st.one_of(garbage_key, st.just("Small"), st.just(""), st.integers(), st.booleans(), nested_garbage)
    if kind == "shares":  # multitasking_loss: a non-empty list of shares from 0 to below 1
        share = st.floats(0, 0.99)
        bad_entry = st.one_of(
            st.floats(min_value=1.0, max_value=1e300),
            negative_float,
            non_finite,
            text_not_number,
            st.booleans(),
            st.lists(st.integers(), max_size=2),
        )
        return st.one_of(
            st.just([]),
            share,  # a bare number is not a list
            text_not_number,
            st.booleans(),
            st.builds(
                lambda head, bad, tail: [*head, bad, *tail],
                st.lists(share, max_size=3),
                bad_entry,
                st.lists(share, max_size=2),
            ),
            st.dictionaries(garbage_key, share, min_size=1, max_size=2),
        )
    raise AssertionError(kind)


# ---------------------------------------------------------------------- mutations

ALL_DUTIES = list(DUTIES)


@st.composite
def invalid_scenarios(draw, text_keys_only: bool = True) -> tuple[dict, str, tuple[str, ...]]:
    """(data, what was done, error paths allowed): a valid base with one invalid change.

    ``text_keys_only=False`` also puts keys in that are not text (possible from Python only)."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    how = draw(
        st.sampled_from(
            (
                *(() if text_keys_only else ("key not text",)),
                "bad value",
                "unknown key",
                "table replaced",
                "mix",
                "warm-up",
                "cycle",
                "missing duty",
                "boss without people_management",
                "new role incomplete",
                "bad role name",
                "bad class name",
                "bad project class name",
                "scheduled not a list",
                "scheduled entry not a table",
                "custom without roles",
                "cycle through per_reports",
            )
        )
    )
    if how == "bad value":
        path = draw(st.sampled_from([p for p in FIELDS if _has(data, p)]))
        value = draw(invalid_values(FIELDS[path]))
        _set(data, path, value)
        return data, f"{_dotted(path)} = {value!r}", (path[0],)
    if how == "unknown key":
        path = draw(st.sampled_from([t for t in (*TABLES, ()) if _has(data, t) and t not in OPEN_TABLES]))
        table = _get(data, path)
        assume(isinstance(table, dict))
        key = draw(garbage_key)
        table[key] = draw(garbage)
        return data, f"unknown key {key!r} in {_dotted(path) or 'the top level'}", (path[0] if path else key,)
    if how == "key not text":
        path = draw(st.sampled_from([t for t in (*TABLES, ()) if _has(data, t)]))
        table = _get(data, path)
        key = draw(st.one_of(st.integers(), st.none(), st.floats(), st.booleans(), st.tuples(st.text(max_size=3))))
        table[key] = draw(garbage)
        return data, f"key {key!r} in {_dotted(path) or 'the top level'}", (path[0] if path else "",)
    if how == "table replaced":
        path = draw(st.sampled_from([t for t in TABLES if _has(data, t)]))
        if path[-1] in (*DISTRIBUTION_TABLES, "headcount"):  # a number is a valid fixed distribution or headcount
            value = draw(invalid_values("headcount" if path[-1] == "headcount" else "dist"))
        elif path in OPEN_TABLES:  # {new_name: {}} is a valid new class or role
            value = draw(st.one_of(scalars, st.lists(scalars, max_size=3)))
        else:
            value = draw(st.one_of(scalars, st.lists(scalars, max_size=3), nested_garbage))
        _set(data, path, value)
        return data, f"{_dotted(path)} = {value!r}", (path[0],)
    if how == "mix":
        names = draw(st.lists(st.sampled_from(("p1", "p2", "p3", "p4", "service_request", "change")), unique=True))
        shares = [draw(st.floats(0, 1)) for _ in names]
        assume(abs(math.fsum(shares) - 1.0) > 1e-5)
        data.setdefault("tickets", {})["mix"] = dict(zip(names, shares, strict=True))
        return data, f"mix summing to {math.fsum(shares)}", ("tickets",)
    if how == "warm-up":
        sim = data.setdefault("simulation", {})
        horizon = draw(st.floats(0.1, 500))
        sim["horizon_weeks"] = horizon
        sim["warmup_weeks"] = draw(st.floats(horizon, horizon * 10))
        return data, "warm-up not below the horizon", ("simulation",)
    roles = data["roles"]
    if how == "cycle":
        if "lead" in roles:  # staff reports to lead
            roles["lead"]["reports_to"] = draw(st.sampled_from(("staff", "lead")))
        else:  # engineer and architect report to it_manager
            boss, report = draw(
                st.sampled_from((("it_manager", "engineer"), ("it_manager", "architect"), ("engineer", "engineer")))
            )
            roles.setdefault(boss, {})["reports_to"] = report
        return data, "reporting cycle", ("roles",)
    if how == "missing duty":
        if "lead" not in roles:
            data["org"]["structure"] = "custom"
            data["roles"] = roles = copy.deepcopy(CUSTOM_BASE["roles"])
        needed = ["ticket_l2", "major_incident", "approval", "project_coordination", "project_work"]
        duty = draw(st.sampled_from(needed))
        for table in roles.values():
            table["duties"] = [d for d in table["duties"] if d != duty]
        return data, f"nobody holds {duty}", ("roles",)
    if how == "boss without people_management":
        if "lead" in roles:
            roles["lead"]["duties"] = [d for d in roles["lead"]["duties"] if d != "people_management"]
        else:
            roles["it_manager"] = {"duties": ["major_incident", "approval", "admin"]}
        return data, "a boss without people_management", ("roles",)
    if how == "new role incomplete":
        table = draw(st.sampled_from(({"headcount": 1}, {"duties": ["ticket_l2"]}, {})))
        roles["zz_new"] = table
        return data, f"new role {table}", ("roles",)
    if how == "bad role name":
        name = draw(st.sampled_from(("Engineer", "2nd_line", "team lead", "x-y", "_x", "")))
        roles[name] = {"headcount": 1, "duties": ["ticket_l2"]}
        return data, f"role name {name!r}", ("roles",)
    if how == "bad class name":
        name = draw(st.sampled_from(("P5", "5x", "class one", "a-b", "")))
        data.setdefault("tickets", {}).setdefault("classes", {})[name] = {}
        return data, f"class name {name!r}", ("tickets",)
    if how == "bad project class name":
        name = draw(st.sampled_from(("Big", "5x", "class one", "a-b", "", "ERP")))
        data.setdefault("projects", {}).setdefault("classes", {})[name] = {}
        return data, f"project class name {name!r}", ("projects",)
    if how == "scheduled not a list":
        value = draw(st.one_of(scalars, st.dictionaries(garbage_key, garbage, max_size=2), st.just({"week": 3})))
        data.setdefault("projects", {})["scheduled"] = value
        return data, f"projects.scheduled = {value!r}", ("projects",)
    if how == "scheduled entry not a table":
        value = draw(st.one_of(scalars, st.lists(scalars, max_size=2)))
        data.setdefault("projects", {}).setdefault("scheduled", []).append(value)
        return data, f"a scheduled project {value!r}", ("projects",)
    if how == "custom without roles":
        data["org"]["structure"] = "custom"
        del data["roles"]
        return data, "custom structure without roles", ("roles",)
    # headcounts sized by each other's reports (per_reports both ways)
    data["org"]["structure"] = "custom"
    data["roles"] = {
        "a": {"headcount": {"per_reports": 2, "minimum": 1}, "duties": ALL_DUTIES, "reports_to": "b"},
        "b": {"headcount": {"per_reports": 2, "minimum": 1}, "duties": ["people_management"], "reports_to": "a"},
    }
    return data, "per_reports headcounts that depend on each other", ("roles",)


# ---------------------------------------------------------------------------- TOML


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key) else _toml_string(key)


def to_toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(to_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {to_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def to_toml(data: dict) -> str:
    """A dict as TOML: one line per top-level key, tables inline."""
    return "".join(f"{_toml_key(k)} = {to_toml_value(v)}\n" for k, v in data.items())


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


def _error_or_scenario(call):
    """Run ``call``: a Scenario or a ScenarioError is fine; any other exception fails the test."""
    try:
        return call()
    except ScenarioError as error:
        assert str(error)
        return error


# ========================================================================= the tests


def test_the_bases_are_valid_and_round_trip_through_toml():
    for base in BASES:
        scenario_from_dict(copy.deepcopy(base))
        assert _same(tomllib.loads(to_toml(base)), base)
        scenario_from_toml(to_toml(base))


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much], **PROFILE)
@given(case=invalid_scenarios(text_keys_only=False))
def test_every_invalid_scenario_dict_is_a_scenario_error(case):
    data, what, where = case
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    error = info.value
    top = error.path.split(".")[0] if error.path else ""
    assert top in where, f"{what}: error names {error.path!r}: {error}"
    assert "\n" not in str(error), "one line"


@settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much], **PROFILE)
@given(case=invalid_scenarios())
def test_every_invalid_scenario_as_toml_text_is_a_scenario_error(case):
    data, what, _ = case
    text = to_toml(data)
    assert _same(tomllib.loads(text), data), "the TOML writer of this test lost something"
    with pytest.raises(ScenarioError):
        scenario_from_toml(text, "hostile.toml")


@settings(max_examples=200, **PROFILE)
@given(text=st.one_of(st.text(), st.text(alphabet="[]{}=.\"',#\n\t abcxyz0123456789-_:+eE\\", max_size=60)))
def test_random_text_is_a_scenario_error_or_a_scenario(text):
    result = _error_or_scenario(lambda: scenario_from_toml(text, "random.toml"))
    if isinstance(result, ScenarioError):
        assert str(result).startswith("random.toml: ")


def _shipped_and_base_texts():
    return [p.read_text(encoding="utf-8") for p in SHIPPED] + [to_toml(PRESET_BASE), to_toml(CUSTOM_BASE)]


@settings(max_examples=150, **PROFILE)
@given(text=st.sampled_from(_shipped_and_base_texts()), cut=st.floats(0, 1))
def test_truncated_valid_files_are_a_scenario_error_or_a_scenario(text, cut):
    truncated = text[: int(len(text) * cut)]
    _error_or_scenario(lambda: scenario_from_toml(truncated, "cut.toml"))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], **PROFILE)
@given(content=st.one_of(st.binary(max_size=200), st.binary(min_size=1, max_size=40).map(lambda b: b'name = "' + b)))
def test_binary_files_are_a_scenario_error_or_a_scenario(content, tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(content)
    _error_or_scenario(lambda: load_scenario(path))


# ------------------------------------------------------------------- through the CLI


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("invalid input reached the simulation")

    monkeypatch.setattr(orgsim.experiment, "run_tasks", refuse)


def _cli(argv, capsys):
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_clean_refusal(code, out, err, what=""):
    assert code == 2, (what, code, err)
    assert "Traceback" not in err and "Traceback" not in out, (what, err)
    assert err.startswith("orgsim: error: ") or err.startswith("usage: "), (what, err)
    assert err.rstrip("\n").count("\n") <= 1, (what, err)  # one message (after a usage line at most)


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    **PROFILE,
)
@given(case=invalid_scenarios())
def test_invalid_scenario_files_exit_2_without_a_traceback(case, tmp_path, capsys, no_simulation):
    data, what, _ = case
    path = tmp_path / "hostile.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    code, out, err = _cli(["run", str(path), "--out", str(tmp_path / "out"), "-q", "--no-plots", "-j", "1"], capsys)
    _assert_clean_refusal(code, out, err, what)
    assert "hostile.toml" in err
    assert not (tmp_path / "out").exists()


def _not_toml(content: bytes) -> bool:
    try:
        tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return False


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], **PROFILE)
@given(
    content=st.one_of(
        st.binary(min_size=1, max_size=100),
        st.text(alphabet="[]{}=.\"',#\n abc0123", min_size=1, max_size=40).map(str.encode),
        st.sampled_from(_shipped_and_base_texts()).map(lambda t: t[: len(t) // 2].encode() + b"\n[["),
    )
)
def test_malformed_files_exit_2_without_a_traceback(content, tmp_path, capsys, no_simulation):
    assume(_not_toml(content))
    path = tmp_path / "malformed.toml"
    path.write_bytes(content)
    code, out, err = _cli(["run", str(path), "--out", str(tmp_path / "out"), "-q", "--no-plots"], capsys)
    _assert_clean_refusal(code, out, err)
    assert "malformed.toml" in err


# ---------------------------------------------------------- names that try to escape

ESCAPING_NAMES = ["../x", "../../x", "a/b", "a/../../x", "..", "x/..", "./x", "..\\x", "a\\..\\..\\x", "~/x", "x/"]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working directory three levels below tmp_path, so '../../x' from outputs/ stays in tmp_path."""
    cwd = tmp_path / "a" / "b" / "c"
    cwd.mkdir(parents=True)
    (cwd / "ok.toml").write_text(
        'name = "ok"\n[simulation]\nhorizon_weeks = 3\nwarmup_weeks = 1\nreplications = 1\n', encoding="utf-8"
    )
    monkeypatch.chdir(cwd)
    return tmp_path


@pytest.mark.parametrize("how", ["file", "--set"])
@pytest.mark.parametrize("name", [*ESCAPING_NAMES, "ABSOLUTE"])
def test_a_name_with_path_separators_or_dots_writes_nothing(name, how, sandbox, capsys, no_simulation):
    if name == "ABSOLUTE":
        name = str(sandbox / "absolute")
    before = _tree(sandbox)
    if how == "file":
        Path("bad.toml").write_text(f"name = {_toml_string(name)}\n", encoding="utf-8")
        argv = ["run", "bad.toml", "-q", "--no-plots"]
    else:
        argv = ["run", "ok.toml", "--set", f"name={name}", "-q", "--no-plots"]
    code, out, err = _cli(argv, capsys)
    _assert_clean_refusal(code, out, err, name)
    assert "field 'name'" in err
    if how == "file":
        before.add("a/b/c/bad.toml")
    assert _tree(sandbox) == before, "something was written"
    assert not (sandbox / "absolute").exists()


def test_a_valid_run_writes_only_inside_outputs_of_its_name(sandbox, capsys):
    before = _tree(sandbox)
    code, out, err = _cli(["run", "ok.toml", "--set", "name=safe.name-1", "-q", "--no-plots", "-j", "1"], capsys)
    assert code == 0, err
    new = _tree(sandbox) - before
    assert new, "nothing written"
    assert all(p == "a/b/c/outputs" or p.startswith("a/b/c/outputs/safe.name-1") for p in new), new
    assert json.loads((sandbox / "a/b/c/outputs/safe.name-1/summary.json").read_text())["scenario"]["name"] == (
        "safe.name-1"
    )


# ----------------------------------------------------------- extreme but valid inputs


def _simulate(data, replications=1):
    scenario = scenario_from_dict({"name": "extreme", **data})
    return orgsim.simulate(scenario, replications=replications, seed=3, jobs=1)


def _m(results, name):
    return results.metric(name)


def _growing(results) -> list[str]:
    """The warnings about queues that grow without bound (other warnings may come and go)."""
    return [w for w in results.warnings if "grows" in w]


def test_zero_projects(tmp_path):
    results = _simulate(
        {
            "org": {"employees": 120, "structure": "separate"},
            "projects": {"arrival_scale": 0},
            "simulation": {"horizon_weeks": 12, "warmup_weeks": 2},
        },
        replications=2,
    )
    assert _m(results, "projects_per_quarter") == 0
    assert _m(results, "projects_per_quarter.small") == _m(results, "projects_per_quarter.medium") == 0
    assert _m(results, "projects_open_at_end") == 0 and len(results.project_arrivals) == 0
    assert _m(results, "hours_per_person_week.engineer.multitasking") == 0
    assert _m(results, "projects_active_at_end") == 0 and _m(results, "projects_waiting_at_end") == 0
    assert _m(results, "utilisation.project_manager") == 0
    assert _m(results, "hours_per_person_week.engineer.project_work") == 0
    assert math.isnan(_m(results, "project_lead_time_weeks_mean"))  # nothing to average: n/a, not a crash
    assert len(results.project_lead_times) == 0
    assert _m(results, "tickets_per_week.total") > 10  # the tickets still flow
    assert not _growing(results)
    orgsim.save(results, tmp_path / "zero-projects", plots=False)
    saved = json.loads((tmp_path / "zero-projects" / "summary.json").read_text())
    assert saved["metrics"]["project_lead_time_weeks_mean"]["mean"] is None


def test_zero_tickets_and_zero_projects_with_plots(tmp_path):
    results = _simulate(
        {
            "org": {"employees": 40},
            "tickets": {"per_employee_per_month": 0},
            "projects": {"arrival_scale": 0},
            "simulation": {"horizon_weeks": 10, "warmup_weeks": 2},
        }
    )
    routine = results.scenario.role("engineer").routine_hours_per_week
    assert _m(results, "tickets_per_week.total") == 0
    assert _m(results, "tickets_open_at_end") == 0
    assert math.isnan(_m(results, "ticket_resolution_hours_mean.total"))
    assert math.isnan(_m(results, "sla_attainment.total"))
    # only routine operations (a fixed number of the engineer's 40 hours) and management work are left
    assert 0 < routine < 40
    assert _m(results, "utilisation.engineer") == pytest.approx(routine / 40)
    assert 0 < _m(results, "utilisation.it_manager") < 0.8
    assert len(results.ticket_times) == 0
    assert not _growing(results)
    assert "n/a" in results.headline_table()
    written = orgsim.save(results, tmp_path / "idle")
    assert {p.name for p in written} >= {"summary.json", "throughput.png", "workload.png", "leadtimes.png"}
    assert all(p.stat().st_size > 0 for p in written)


def test_zero_tickets_with_projects():
    results = _simulate(
        {
            "org": {"employees": 200, "structure": "no_pm"},
            "tickets": {"per_employee_per_month": 0},
            "projects": {"initial_portfolio": 3},
            "simulation": {"horizon_weeks": 20, "warmup_weeks": 2},
        }
    )
    assert _m(results, "tickets_per_week.total") == 0
    assert _m(results, "hours_per_person_week.engineer.ticket_l2") == 0
    assert _m(results, "hours_per_person_week.engineer.project_work") > 0
    assert _m(results, "projects_per_quarter") > 0


def test_one_person_holding_every_duty():
    results = _simulate(
        {
            "org": {"employees": 10, "structure": "custom"},
            "roles": {"solo": {"headcount": 1, "duties": ALL_DUTIES}},
            # small projects of 40 hours: with interrupts, escalations and admin the one person has
            # time for them (of the default 120 hours they would crowd out the admin for months)
            "projects": {"initial_portfolio": 2, "arrival_scale": 2, "classes": {"small": {"effort": 40}}},
            "simulation": {"horizon_weeks": 26, "warmup_weeks": 2},
        }
    )
    assert _m(results, "headcount.solo") == 1
    utilisation = _m(results, "utilisation.solo")
    assert 0.05 < utilisation <= 1.0 + 1e-9
    busy = {d: _m(results, f"hours_per_person_week.solo.{d}") for d in ("ticket_l1", "ticket_l2", "admin")}
    assert all(hours > 0 for hours in busy.values()), busy
    assert _m(results, "hours_per_person_week.solo.people_management") == 0  # nobody reports to them
    assert _m(results, "tickets_per_week.total") > 0
    assert _m(results, "projects_per_quarter") > 0
    person = results.people.iloc[0]
    assert person["utilisation"] == pytest.approx(utilisation)


def test_a_load_above_capacity_warns_and_saturates():
    results = _simulate(
        {
            "org": {"employees": 200},
            "tickets": {"per_employee_per_month": 5},
            "roles": {"engineer": {"headcount": 1}},
            "simulation": {"horizon_weeks": 12, "warmup_weeks": 2},
        }
    )
    assert any("ticket l2" in w and "grows" in w for w in results.warnings), results.warnings
    assert _m(results, "utilisation.engineer") == pytest.approx(1.0, abs=0.01)
    # about 200 * 5 * 12 / 52 = 230 tickets a week arrive, one engineer cannot keep up
    assert _m(results, "tickets_open_at_end") > 500
    assert "warning: ticket l2 queue grows" in results.headline_table()


def test_a_five_year_horizon_runs_and_stays_stable():
    results = _simulate({"org": {"employees": 40}, "simulation": {"horizon_weeks": 260, "warmup_weeks": 8}})
    arrivals_per_week = 40 * 1.25 * 12 / 52
    assert _m(results, "tickets_per_week.total") == pytest.approx(arrivals_per_week, rel=0.1)
    assert len(results.timeseries) == 260 * 5
    per_year = sum(c.per_100_employees_per_year for c in results.scenario.projects.classes) * 40 / 100
    assert _m(results, "projects_per_quarter") == pytest.approx(per_year / 4, rel=0.5)
    assert 0 < _m(results, "utilisation.engineer") < 0.9  # the realism band's upper end
    assert not _growing(results)


# =================================================== regressions: bugs these tests found
# Each was found by the tests above and fixed in orgsim/scenario.py; the docstring says what happened.


@pytest.mark.parametrize("text", ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 5000 + "1" + "}" * 5000])
def test_deeply_nested_toml_is_a_scenario_error(text):
    """Was: tomllib raised RecursionError, which scenario_from_toml and load_scenario let through
    (orgsim run printed a traceback)."""
    with pytest.raises(ScenarioError):
        scenario_from_toml(text, "deep.toml")


@pytest.mark.parametrize(
    "text",
    [
        "[simulation]\nhorizon_weeks = " + "9" * 400,
        "[tickets.mix]\np1 = " + "9" * 400,
        "[roles.engineer]\nhourly_cost = " + "9" * 400,
        "[roles.engineer]\nheadcount = { per_employees = " + "9" * 400 + " }",
        "[roles.engineer]\nheadcount = { per_employees = 40, minimum = " + "9" * 400 + " }",
    ],
    ids=["horizon", "mix", "hourly_cost", "per_employees", "minimum-via-per_reports"],
)
def test_a_huge_integer_is_a_scenario_error(text):
    """Was: an integer too large for a float (tomllib reads unbounded integers) raised OverflowError
    from math.isfinite, or from the per_reports division of the IT managers' headcount."""
    with pytest.raises(ScenarioError):
        scenario_from_toml(text, "huge.toml")


@pytest.mark.parametrize(
    "content",
    ["[simulation]\nhorizon_weeks = " + "9" * 400 + "\n", "x = " + "[" * 5000 + "]" * 5000 + "\n"],
    ids=["huge-integer", "deep-nesting"],
)
def test_a_huge_integer_or_deep_nesting_through_the_cli_exits_2(content, tmp_path, capsys, no_simulation):
    """Was: a traceback (OverflowError, RecursionError) instead of one message and exit code 2."""
    path = tmp_path / "hostile.toml"
    path.write_text(content, encoding="utf-8")
    code, out, err = _cli(["run", str(path), "--out", str(tmp_path / "out"), "-q"], capsys)
    _assert_clean_refusal(code, out, err)
    assert "hostile.toml" in err


@pytest.mark.parametrize("data", [{1: 2}, {"org": {1: 2}}, {"roles": {"engineer": {None: 1}}}])
def test_a_non_text_key_is_a_scenario_error(data):
    """Was: TypeError from difflib in _unknown_key (only possible from Python, TOML keys are text)."""
    with pytest.raises(ScenarioError):
        scenario_from_dict(data)


@pytest.mark.parametrize("how", ["dict", "cli"])
def test_a_name_ending_in_a_newline_is_a_scenario_error(how, sandbox, capsys, no_simulation):
    """Was: the name check used re.match with '$', which also matches before a final newline, so
    name = "abc\\n" was accepted and orgsim run wrote to a folder named 'abc\\n'."""
    if how == "dict":
        with pytest.raises(ScenarioError):
            scenario_from_dict({"name": "abc\n"})
        return
    before = _tree(sandbox)
    Path("newline.toml").write_text('name = "abc\\n"\n', encoding="utf-8")
    code, out, err = _cli(["run", "newline.toml", "-q", "--no-plots"], capsys)
    _assert_clean_refusal(code, out, err)
    assert _tree(sandbox) == before | {"a/b/c/newline.toml"}


@pytest.mark.parametrize(
    "data",
    [
        {"simulation": {"check_in_hours": 1e-300}},
        {"tickets": {"per_employee_per_month": 1e12}},
        {"projects": {"initial_portfolio": 1, "classes": {"small": {"work_package_hours": 1e-9}}}},
        {"projects": {"initial_portfolio": 1, "classes": {"medium": {"effort": {"dist": "fixed", "mean": 1e300}}}}},
        {
            "org": {"employees": 1000},
            "projects": {"classes": {"small": {"per_100_employees_per_year": 10_000, "effort": 1e5}}},
        },
        {
            "org": {"employees": 1000},
            "projects": {"arrival_scale": 1000, "classes": {"small": {"per_100_employees_per_year": 10_000}}},
        },
    ],
    ids=["check_in_hours", "ticket-rate", "work_package_hours", "project-effort", "class-packages", "arrival-scale"],
)
def test_values_that_make_a_run_never_end_are_a_scenario_error(data):
    """Was: accepted, and the run never ended: the clock stopped advancing (check-ins or arrivals
    every 1e-300 h) or a project was cut into ~1e11 work packages (a list of that many draws)."""
    _refused_before_any_run(data)


def _refused_before_any_run(data):
    """A scenario error when the scenario is read or, at the latest, before any run starts: the
    work each source expects a replication to create is checked by the runner and by the model
    (orgsim.work.check_run_size), the parameters themselves when the scenario is read."""
    with pytest.raises(ScenarioError):
        scenario = scenario_from_dict(data)
        orgsim.experiment.check_work([scenario], 1)
    with pytest.raises(ScenarioError):
        Model(scenario_from_dict(data))


@pytest.mark.parametrize(
    "data",
    [
        {"projects": {"initial_portfolio": 10**8}},
        {"projects": {"scheduled": [{"week": 0, "class": "medium", "effort_hours": 1e12}]}},
        {"projects": {"scheduled": [{"week": 0, "class": "small", "effort_hours": 1e6}] * 1000}},
    ],
    ids=["initial-portfolio", "scheduled-effort", "many-scheduled"],
)
def test_projects_that_make_a_run_never_end_are_a_scenario_error(data):
    _refused_before_any_run(data)


def test_validate_refuses_a_run_that_would_never_end(sandbox, capsys):
    """orgsim validate checks what a replication would create too (the sources' expected
    arrivals), not only the fields: one line naming the field, exit 2."""
    Path("huge.toml").write_text("[projects]\ninitial_portfolio = 100000000\n", encoding="utf-8")
    code, out, err = _cli(["validate", "huge.toml"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "projects.initial_portfolio" in err, err


# The new project fields through the real command: exit 2 and one line naming the field.
PROJECT_FIELD_CASES = {
    "scheduled-unknown-class": (
        '[[projects.scheduled]]\nweek = 10\nclass = "huge"\n',
        "field 'projects.scheduled[0].class'",
        "one of small, medium",
    ),
    "scheduled-negative-week": (
        '[[projects.scheduled]]\nweek = -2\nclass = "medium"\n',
        "field 'projects.scheduled[0].week'",
        ">= 0",
    ),
    "scheduled-second-entry": (
        "[[projects.scheduled]]\nweek = 1\n[[projects.scheduled]]\nweek = 2\nteam = 3\n",
        "field 'projects.scheduled[1].team'",
        "did you mean 'team_size'",
    ),
    "scheduled-as-table": ("[projects.scheduled]\nweek = 1\n", "field 'projects.scheduled'", "list of tables"),
    "multitasking-loss-above-1": (
        "[projects]\nmultitasking_loss = [0, 1.5]\n",
        "field 'projects.multitasking_loss[1]'",
        "found 1.5",
    ),
    "multitasking-loss-not-a-list": (
        "[projects]\nmultitasking_loss = 0.17\n",
        "field 'projects.multitasking_loss'",
        "a list of numbers",
    ),
    "multitasking-loss-empty": ("[projects]\nmultitasking_loss = []\n", "field 'projects.multitasking_loss'", "list"),
    "class-unknown-key": (
        "[projects.classes.small]\nteam = 2\n",
        "field 'projects.classes.small.team'",
        "did you mean 'team_size'",
    ),
    "new-class-unknown-key": (
        "[projects.classes.erp]\nper_100_employees = 1\n",
        "field 'projects.classes.erp.per_100_employees'",
        "per_100_employees_per_year",
    ),
    "class-name-case": ("[projects.classes.ERP]\nteam_size = 2\n", "field 'projects.classes.ERP'", "lower-case"),
    "share-above-1": ("[projects]\nstatus_share = 2\n", "field 'projects.status_share'", "from 0 to 1"),
    "old-key": ("[projects]\nrework_share = 0.25\n", "field 'projects.rework_share'", "no longer a key: use"),
}


@pytest.mark.parametrize("case", list(PROJECT_FIELD_CASES), ids=list(PROJECT_FIELD_CASES))
def test_bad_project_fields_exit_2_with_one_line_naming_the_field(case, tmp_path, capsys, no_simulation):
    content, field, allowed = PROJECT_FIELD_CASES[case]
    path = tmp_path / "projects.toml"
    path.write_text(content, encoding="utf-8")
    code, out, err = _cli(["run", str(path), "--out", str(tmp_path / "out"), "-q", "--no-plots"], capsys)
    _assert_clean_refusal(code, out, err, case)
    assert err.count("\n") == 1 and out == "", err
    assert field in err and allowed in err and "projects.toml" in err, err
    assert not (tmp_path / "out").exists()


def test_hostile_cases_run_in_the_checkout():
    """Guard: the tests above use repository files and the real CLI entry point."""
    assert SHIPPED and os.path.isfile(SHIPPED[0])
