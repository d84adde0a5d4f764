"""Scenario: the frozen parameter tree, and the one path every input takes into it.

A TOML file, a Python dict, ``--set path=value`` on the command line and
``Scenario.with_changes`` all go through :func:`scenario_from_dict`: fill defaults,
convert, validate.  The simulation only reads the resulting frozen dataclasses.

Every field carries its unit, its meaning and the source of its default in the
dataclass metadata; ``orgsim reference`` prints them as the scenario-format
reference, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import tomllib
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from .distributions import DISTRIBUTION_KINDS, Distribution
from .roles import (
    DUTIES,
    ROLE_FIELDS,
    STRUCTURES,
    Headcount,
    Role,
    preset_roles,
    resolve_headcounts,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Calendar",
    "Org",
    "TicketClass",
    "Tickets",
    "Projects",
    "Management",
    "load_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "parse_assignment",
    "field_reference",
]


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; the message names the field and what is allowed."""

    def __init__(self, path: str, message: str, source: str | None = None):
        self.path = path
        self.source = source
        self.detail = message
        where = f"{source}: " if source else ""
        field_part = f"field '{path}': " if path else ""
        super().__init__(f"{where}{field_part}{message}")

    def in_source(self, source: str) -> ScenarioError:
        """The same error, naming the file or command line it came from."""
        return ScenarioError(self.path, self.detail, source)


# --------------------------------------------------------------------------- checks
# A check returns None when the value is allowed, else the phrase "what is allowed".


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _at_least(low: float, strict: bool = False):
    def check(value):
        bad = value <= low if strict else value < low
        return f"a number {'>' if strict else '>='} {_number(low)}" if bad else None

    return check


def _between(low: float, high: float):
    def check(value):
        return f"a number from {_number(low)} to {_number(high)}" if not low <= value <= high else None

    return check


NONNEG = _at_least(0)
POSITIVE = _at_least(0, strict=True)
PROBABILITY = _between(0, 1)


def _meta(unit: str, doc: str, source: str = "estimate", check=None) -> dict:
    return {"unit": unit, "doc": doc, "source": source, "check": check}


def _f(default, unit, doc, source="estimate", check=None):
    """A scalar parameter with its unit, meaning, source of the default and range check."""
    return field(default=default, metadata=_meta(unit, doc, source, check))


def _d(default: Distribution, unit, doc, source="estimate"):
    """A distribution parameter."""
    return field(default=default, metadata=_meta(unit, doc, source))


def _lognormal(mean: float, cv: float = 1.0) -> Distribution:
    return Distribution("lognormal", mean=mean, cv=cv)


def _fixed(value: float) -> Distribution:
    return Distribution("fixed", mean=value)


# ----------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Simulation:
    """How long and how often to simulate."""

    horizon_weeks: float = _f(
        52.0, "weeks", "simulated working time per replication", "simulation setting", check=_between(0.1, 2600)
    )
    warmup_weeks: float = _f(
        8.0,
        "weeks",
        "initial period excluded from every metric (the empty start is not typical)",
        "simulation setting",
        check=NONNEG,
    )
    replications: int = _f(
        10,
        "count",
        "independent replications; 95% CIs are over them",
        "simulation setting",
        check=_between(1, 10_000),
    )
    seed: int = _f(12345, "integer", "root seed; same seed, same numbers", "simulation setting", check=NONNEG)
    check_in_hours: float = _f(
        8.0,
        "working hours",
        "longest stretch a person works on one item before looking whether higher-priority work"
        " waits (a working day); preemptive items interrupt at once regardless",
        "model convention: people look at their queues at least daily",
        check=_between(0.1, 1e6),
    )


@dataclass(frozen=True)
class Calendar:
    """The working-time clock: nights and weekends do not exist in the model."""

    hours_per_day: float = _f(
        8.0, "hours", "working hours per day", "standard working day (DESIGN.md)", check=_between(0.5, 24)
    )
    days_per_week: float = _f(
        5.0, "days", "working days per week", "standard working week (DESIGN.md)", check=_between(1, 7)
    )

    @property
    def hours_per_week(self) -> float:
        return self.hours_per_day * self.days_per_week


@dataclass(frozen=True)
class Org:
    """The organisation served and how its management roles are laid out."""

    employees: int = _f(
        40,
        "people",
        "employees (users) the IT organisation serves; scales demand and staff",
        "the small firm of DESIGN.md",
        check=_between(1, 1_000_000),
    )
    structure: str = _f(
        "combined",
        "choice",
        "role layout preset: " + ", ".join(STRUCTURES) + " ('custom': the file spells out every role)",
        source="DESIGN.md structure presets",
        check=lambda v: None if v in STRUCTURES else "one of " + ", ".join(STRUCTURES),
    )


@dataclass(frozen=True)
class TicketClass:
    """One ticket class: its effort at each level and who must be involved."""

    name: str = field(default="", metadata={"internal": True})
    share: float = field(default=0.0, metadata={"internal": True})
    priority: int = _f(3, "rank", "priority within a duty's queue, 1 = served first", check=_at_least(1))
    preemptive: bool = _f(False, "bool", "interrupts lower-priority work of the person it needs (resumed later)")
    l1_effort: Distribution = _d(
        _lognormal(0.15),
        "hours",
        "level-1 (service desk) handling effort; fixed 0 skips level 1",
        "~7 min per call, 1-15+ min (MetricNet; SDI 2017) -> mean 9 min",
    )
    l1_resolution_share: float = _f(
        0.66,
        "share",
        "share of tickets resolved at level 1 (the rest escalate to level 2)",
        "first-contact resolution 66% incidents, 67% requests (HDI 2015)",
        check=PROBABILITY,
    )
    l2_effort: Distribution = _d(_lognormal(2.0), "hours", "level-2 (engineer) effort for escalated tickets")
    sla_hours: float = _f(
        24.0, "working hours", "resolution target", "ITIL V3 Service Operation table 4.1", check=POSITIVE
    )
    manager_duty: str = _f(
        "none",
        "choice",
        "manager involvement: 'major_incident' (in parallel with level 2), 'approval' (before level 2) or 'none'",
        source="DESIGN.md",
        check=lambda v: (
            None if v in ("none", "major_incident", "approval") else "one of none, major_incident, approval"
        ),
    )
    manager_effort: Distribution = _d(_fixed(0.0), "hours", "manager effort when manager_duty is not 'none'")

    @property
    def has_level1(self) -> bool:
        return not self.l1_effort.is_zero


def _ticket_class(
    priority, preemptive, l1_share, l2_mean, sla, manager_duty="none", manager_effort=0.0, l1_effort=0.15
):
    return TicketClass(
        priority=priority,
        preemptive=preemptive,
        l1_effort=_lognormal(l1_effort),
        l1_resolution_share=l1_share,
        l2_effort=_lognormal(l2_mean),
        sla_hours=sla,
        manager_duty=manager_duty,
        manager_effort=_lognormal(manager_effort, 0.5) if manager_effort else _fixed(0.0),
    )


DEFAULT_TICKET_CLASSES: dict[str, TicketClass] = {
    "p1": _ticket_class(1, True, 0.0, 2.5, 4.0, "major_incident", 2.0),
    "p2": _ticket_class(2, False, 0.30, 3.0, 8.0),
    "p3": _ticket_class(3, False, 0.66, 2.0, 24.0),
    "p4": _ticket_class(4, False, 0.66, 1.5, 72.0),
    "service_request": _ticket_class(4, False, 0.67, 1.0, 40.0),
    "change": _ticket_class(3, False, 0.0, 4.0, 80.0, "approval", 0.5),
}
# 50% incidents (P1-P4 2/8/55/35 % of them), 45% service requests, 5% changes.
DEFAULT_TICKET_MIX: dict[str, float] = {
    "p1": 0.01,
    "p2": 0.04,
    "p3": 0.275,
    "p4": 0.175,
    "service_request": 0.45,
    "change": 0.05,
}
TICKET_CLASS_SOURCES = {
    "mix": "incident/request/change 50/45/5 % (estimate); P1-P4 2/8/55/35 % of incidents (Fixify 2026)",
    "sla_hours": "P1 4 h, P2 8 h, P3 24 h, P4 72 h (a common ITIL-style set); "
    "request 1 week, change 2 weeks (estimate)",
    "l1_resolution_share": "66% incidents, 67% requests (HDI 2015); "
    "P1 0 and P2 30% (estimate): severe incidents escalate",
}


@dataclass(frozen=True)
class Tickets:
    """Operational tickets: incidents P1-P4, service requests, changes."""

    per_employee_per_month: float = _f(
        1.25,
        "tickets per employee per month",
        "ticket arrival rate (Poisson), scaled by org.employees",
        "1.0-1.5; 1.25 in MetricNet's worked example (Rumburg, HDI SupportWorld 2020)",
        check=_between(0, 1000),
    )
    classes: tuple[TicketClass, ...] = field(default=(), metadata={"internal": True})

    def by_name(self) -> dict[str, TicketClass]:
        return {c.name: c for c in self.classes}


@dataclass(frozen=True)
class Projects:
    """Projects: arrivals, size, and the coordination that gates them."""

    per_100_employees_per_year: float = _f(
        8.0,
        "projects per 100 employees per year",
        "project arrival rate (Poisson), scaled by org.employees; small projects included (rollouts, migrations)",
        check=_between(0, 10_000),
    )
    initial_portfolio: int = _f(0, "projects", "projects already waiting at time 0", check=NONNEG)
    effort: Distribution = _d(
        _lognormal(150.0, 1.0),
        "hours",
        "engineering effort of a project",
        "mostly small projects (< 50 person-days = 400 h, QSM 2012/2021), a long tail of larger ones; mean an estimate",
    )
    work_package_hours: float = _f(
        40.0, "hours", "size of one work package; effort is cut into equal packages", check=_between(0.5, 1e6)
    )
    team_size: int = _f(
        3, "engineers", "work packages of one project in flight at once", "3-5 FTE (QSM 2021)", check=_at_least(1)
    )
    initiation_hours: float = _f(
        4.0,
        "hours",
        "coordinator effort before planning",
        "with planning, hand-offs, closing and status: PM effort 10-20% of project effort (Capers Jones; Byrne, PMI)",
        check=NONNEG,
    )
    planning_hours: float = _f(
        8.0,
        "hours",
        "coordinator effort before execution",
        "PM effort 10-20% of project effort (Capers Jones)",
        check=NONNEG,
    )
    handoff_hours: float = _f(1.0, "hours", "coordinator effort before each work package can start", check=NONNEG)
    closing_hours: float = _f(4.0, "hours", "coordinator effort to close the project", check=NONNEG)
    status_hours_per_week: float = _f(
        1.5,
        "hours per project per week",
        "status reporting while a project is active",
        "PMs spend 20-30% of their time on status updates (Workfront 2015), 2-5 projects each",
        check=NONNEG,
    )
    exception_probability: float = _f(
        0.2,
        "probability",
        "chance a finished work package raises an exception needing a decision",
        "Virtual Design Team model (Jin & Levitt 1996); value an estimate",
        check=PROBABILITY,
    )
    decision_hours: float = _f(1.0, "hours", "coordinator effort to decide one exception", check=NONNEG)
    decision_wait_limit_hours: float = _f(
        16.0,
        "working hours",
        "longest an exception waits for a decision before work proceeds without it",
        check=POSITIVE,
    )
    rework_share: float = _f(
        0.25, "share of the work package", "redone when a decision came too late", check=PROBABILITY
    )
    wip_limit: int = _f(
        4,
        "projects per coordinator",
        "projects one coordinator runs at once",
        "2-5 concurrent projects per PM (practitioner surveys)",
        check=_at_least(1),
    )
    due_date_factor: float = _f(
        2.5,
        "factor",
        "due date = arrival + factor x effort / planned team, in working hours; planned team = team_size, or"
        " fewer when fewer people do project work without also coordinating it (the same in every structure)",
        check=POSITIVE,
    )
    intake_hours: float = _f(
        2.0, "hours", "portfolio-management intake effort per new project (PMO only)", check=NONNEG
    )
    portfolio_review_hours_per_week: float = _f(
        2.0,
        "hours per week",
        "weekly portfolio review by each holder of portfolio_management",
        check=NONNEG,
    )


@dataclass(frozen=True)
class Management:
    """Recurring management work that reporting lines create."""

    one_to_one_hours_per_report_per_week: float = _f(
        0.5,
        "hours per direct report per week",
        "1:1 meetings",
        "30 min weekly (Horstman, Manager Tools)",
        check=NONNEG,
    )
    appraisal_hours_per_report_per_year: float = _f(
        3.0,
        "hours per direct report per year",
        "appraisal, once a year per report",
        "~3 h of manager time per review (Reflektive)",
        check=NONNEG,
    )
    admin_hours_per_week: float = _f(
        4.0,
        "hours per week",
        "budget, vendors, meetings for each holder of the admin duty",
        check=NONNEG,
    )


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: every default filled in and validated.  Never mutated.

    Change it with :meth:`with_changes`, which goes through the same validation as a file.
    """

    name: str = "scenario"
    description: str = ""
    simulation: Simulation = field(default_factory=Simulation)
    calendar: Calendar = field(default_factory=Calendar)
    org: Org = field(default_factory=Org)
    tickets: Tickets = field(default_factory=Tickets)
    projects: Projects = field(default_factory=Projects)
    management: Management = field(default_factory=Management)
    roles: tuple[Role, ...] = ()
    source: dict = field(default_factory=dict, compare=False, repr=False)

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A new scenario with values changed by dotted path, e.g. ``{"org.employees": 400}``."""
        raw = copy.deepcopy(self.source)
        resolved = self.to_dict()
        for path, value in changes.items():
            _set_path(raw, path, value, resolved)
        return scenario_from_dict(raw)

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def headcounts(self) -> dict[str, int]:
        """People per role for this organisation size."""
        return resolve_headcounts(self.roles, self.org.employees)

    def to_dict(self) -> dict:
        """The resolved scenario as TOML-ready data (all defaults filled in)."""
        return _to_data(self)


# ---------------------------------------------------------------- building from data

_SECTIONS = {
    "simulation": Simulation,
    "calendar": Calendar,
    "org": Org,
    "tickets": Tickets,
    "projects": Projects,
    "management": Management,
}
_TOP_KEYS = ("name", "description", *(_SECTIONS), "roles")
_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
LARGEST_NUMBER = 1e12  # beyond this no parameter of an IT organisation makes sense
MAX_STAFF = 20_000  # people simulated; beyond that a run takes hours and gigabytes


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return repr(value)
    return f"{value} (a {type(value).__name__}, as TOML read it)"


def _short(value) -> str:
    """A possibly enormous number, shortened for a message."""
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}... ({len(text)} digits)"


def _unknown_key(path: str, key, allowed) -> ScenarioError:
    key = str(key)
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return ScenarioError(
        f"{path}.{key}" if path else key,
        f"unknown key '{key}'{hint} (allowed: {', '.join(allowed)})",
    )


def _require_table(value, path) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(path, f"expected a table, found {_show(value)}")
    return value


def _require_text_keys(table: dict, path: str) -> None:
    for key in table:
        if not isinstance(key, str):
            raise ScenarioError(path, f"key {key!r} is not text; keys are names such as 'employees'")


def _convert_scalar(kind, value, path):
    if kind is bool:
        if not isinstance(value, bool):
            raise ScenarioError(path, f"expected true or false, found {_show(value)}")
        return value
    if kind is int:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not value.is_integer())
        ):
            raise ScenarioError(path, f"expected a whole number, found {_show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a whole number of at most {LARGEST_NUMBER:.0e}")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(path, f"expected a number, found {_show(value)}")
        if isinstance(value, int) and abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        if not math.isfinite(value):
            raise ScenarioError(path, f"expected a finite number, found {_show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {value:g}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ScenarioError(path, f"expected a text string, found {_show(value)}")
        return value
    raise TypeError(kind)


def _distribution(value, path) -> Distribution:
    """A distribution from a number (fixed) or a table ``{dist = ..., ...}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"dist": "fixed", "mean": value}
    table = _require_table(value, path)
    if "dist" not in table:
        raise ScenarioError(f"{path}.dist", f"missing; allowed: {', '.join(DISTRIBUTION_KINDS)}")
    kind = table["dist"]
    if kind not in DISTRIBUTION_KINDS:
        raise ScenarioError(f"{path}.dist", f"found {_show(kind)}; allowed: {', '.join(DISTRIBUTION_KINDS)}")
    needed = {
        "fixed": ("mean",),
        "exponential": ("mean",),
        "lognormal": ("mean", "cv"),
        "triangular": ("low", "mode", "high"),
    }[kind]
    for key in table:
        if key != "dist" and key not in needed:
            raise _unknown_key(path, key, ("dist", *needed))
    numbers = {}
    for key in needed:
        if key not in table:
            raise ScenarioError(f"{path}.{key}", f"missing; a {kind} distribution needs {', '.join(needed)}")
        numbers[key] = _convert_scalar(float, table[key], f"{path}.{key}")
        if numbers[key] < 0:
            raise ScenarioError(f"{path}.{key}", f"found {numbers[key]:g}; allowed: a number >= 0")
    if kind == "triangular" and not numbers["low"] <= numbers["mode"] <= numbers["high"]:
        raise ScenarioError(path, "triangular needs low <= mode <= high")
    return Distribution(kind, **numbers)


def _build(cls, data: dict, path: str, base=None):
    """Instance of dataclass ``cls`` from ``data``, fields missing from data taken from ``base``."""
    table = _require_table(data, path)
    _require_text_keys(table, path)
    hints = typing.get_type_hints(cls)
    public = [f for f in fields(cls) if not f.metadata.get("internal")]
    names = [f.name for f in public]
    for key in table:
        if key not in names:
            raise _unknown_key(path, key, names)
    values = {}
    for f in public:
        if f.name not in table:
            continue
        where = f"{path}.{f.name}" if path else f.name
        kind = hints[f.name]
        if kind is Distribution:
            value = _distribution(table[f.name], where)
        else:
            value = _convert_scalar(kind, table[f.name], where)
            check = f.metadata.get("check")
            problem = check(value) if check else None
            if problem:
                raise ScenarioError(where, f"found {_show(value)}; allowed: {problem}")
        values[f.name] = value
    base = base if base is not None else cls()
    return replace(base, **values)


def _ticket_classes(data: dict) -> tuple[TicketClass, ...]:
    classes_data = _require_table(data.get("classes", {}), "tickets.classes")
    names = list(DEFAULT_TICKET_CLASSES)
    for name in classes_data:
        if name not in names:
            if not _NAME_RE.fullmatch(str(name)):
                raise ScenarioError(f"tickets.classes.{name}", "a class name is lower-case letters, digits and _")
            names.append(name)
    mix_given = "mix" in data
    mix = _require_table(data["mix"], "tickets.mix") if mix_given else DEFAULT_TICKET_MIX
    for name, share in mix.items():
        if name not in names:
            raise _unknown_key("tickets.mix", name, names)
        share = _convert_scalar(float, share, f"tickets.mix.{name}")
        problem = PROBABILITY(share)
        if problem:
            raise ScenarioError(f"tickets.mix.{name}", f"found {share:g}; allowed: {problem}")
    total = sum(float(v) for v in mix.values())
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError(
            "tickets.mix", f"shares sum to {total:.6g}; allowed: shares that sum to 1 (classes not listed get 0)"
        )
    result = []
    for name in names:
        base = DEFAULT_TICKET_CLASSES.get(name, TicketClass())
        klass = _build(TicketClass, classes_data.get(name, {}), f"tickets.classes.{name}", base)
        result.append(replace(klass, name=name, share=float(mix.get(name, 0.0))))
    return tuple(result)


def _roles(data: dict, structure: str, employees: int) -> tuple[Role, ...]:
    roles_data = _require_table(data.get("roles", {}), "roles")
    presets = {} if structure == "custom" else preset_roles(structure, employees)
    if structure == "custom" and not roles_data:
        raise ScenarioError("roles", "org.structure is 'custom' but no role is defined; add [roles.NAME] tables")
    result = dict(presets)
    for name, table in roles_data.items():
        path = f"roles.{name}"
        if not _NAME_RE.fullmatch(str(name)):
            raise ScenarioError(path, "a role name is lower-case letters, digits and _")
        table = _require_table(table, path)
        result[name] = _role_from_data(name, table, path, presets.get(name))
    return tuple(result.values())


_ROLE_KEYS = ("headcount", "duties", "reports_to", "hourly_cost", "context_switch_hours")


def _headcount(value, path) -> Headcount:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        count = _convert_scalar(int, value, path)
        if count < 0:
            raise ScenarioError(path, f"found {count}; allowed: a whole number >= 0")
        return Headcount(fixed=count)
    table = _require_table(value, path)
    allowed = ("per_employees", "per_reports", "minimum")
    for key in table:
        if key not in allowed:
            raise _unknown_key(path, key, allowed)
    given = [k for k in ("per_employees", "per_reports") if k in table]
    if len(given) != 1:
        raise ScenarioError(path, "give a whole number, or exactly one of per_employees, per_reports (with minimum)")
    ratio = _convert_scalar(float, table[given[0]], f"{path}.{given[0]}")
    if ratio <= 0:
        raise ScenarioError(f"{path}.{given[0]}", f"found {ratio:g}; allowed: a number > 0")
    minimum = _convert_scalar(int, table.get("minimum", 0), f"{path}.minimum")
    if minimum < 0:
        raise ScenarioError(f"{path}.minimum", f"found {minimum}; allowed: a whole number >= 0")
    return Headcount(**{given[0]: ratio}, minimum=minimum)


def _role_from_data(name: str, table: dict, path: str, base: Role | None) -> Role:
    """A role from its TOML table; fields not given come from the preset ``base``."""
    for key in table:
        if key not in _ROLE_KEYS:
            raise _unknown_key(path, key, _ROLE_KEYS)
    if base is None:
        missing = [k for k in ("headcount", "duties") if k not in table]
        if missing:
            raise ScenarioError(
                f"{path}.{missing[0]}", "missing; a role that is not in the structure preset needs headcount and duties"
            )
        base = Role(name)
    values = {}
    if "headcount" in table:
        values["headcount"] = _headcount(table["headcount"], f"{path}.headcount")
    if "duties" in table:
        duties = table["duties"]
        if not isinstance(duties, list) or not all(isinstance(d, str) for d in duties):
            raise ScenarioError(f"{path}.duties", f"expected a list of duty names, found {_show(duties)}")
        for duty in duties:
            if duty not in DUTIES:
                close = difflib.get_close_matches(duty, DUTIES, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ScenarioError(f"{path}.duties", f"unknown duty {duty!r}{hint} (allowed: {', '.join(DUTIES)})")
        values["duties"] = tuple(duties)
    if "reports_to" in table:
        boss = _convert_scalar(str, table["reports_to"], f"{path}.reports_to")
        values["reports_to"] = boss or None
    for key in ("hourly_cost", "context_switch_hours"):
        if key in table:
            number = _convert_scalar(float, table[key], f"{path}.{key}")
            if number < 0:
                raise ScenarioError(f"{path}.{key}", f"found {number:g}; allowed: a number >= 0")
            values[key] = number
    return replace(base, **values)


def scenario_from_dict(data: dict, source: str | None = None) -> Scenario:
    """Build, fill defaults and validate.  Raises :class:`ScenarioError`."""
    try:
        return _scenario_from_dict(data)
    except ScenarioError as error:
        if source:
            raise error.in_source(source) from None
        raise


def _scenario_from_dict(data: dict) -> Scenario:
    data = _require_table(data, "")
    _require_text_keys(data, "")
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown_key("", key, _TOP_KEYS)
    name = _convert_scalar(str, data.get("name", "scenario"), "name")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name or len(name) > 100:
        raise ScenarioError(
            "name", f"found {name!r}; allowed: letters, digits, '-', '_' and '.', no path separators or '..'"
        )
    description = _convert_scalar(str, data.get("description", ""), "description")
    sections = {}
    for key, cls in _SECTIONS.items():
        if key != "tickets":
            sections[key] = _build(cls, data.get(key, {}), key)
    tickets_data = _require_table(data.get("tickets", {}), "tickets")
    scalars = {k: v for k, v in tickets_data.items() if k not in ("classes", "mix")}
    try:
        tickets = _build(Tickets, scalars, "tickets")
    except ScenarioError as error:
        if "unknown key" in error.detail:
            key = error.path.rsplit(".", 1)[-1]
            raise _unknown_key("tickets", key, ("per_employee_per_month", "mix", "classes")) from None
        raise
    tickets = replace(tickets, classes=_ticket_classes(tickets_data))
    sections["tickets"] = tickets
    roles = _roles(data, sections["org"].structure, sections["org"].employees)
    scenario = Scenario(name=name, description=description, roles=roles, source=copy.deepcopy(data), **sections)
    _check_cross_fields(scenario)
    return scenario


def needed_duties(scenario: Scenario) -> dict[str, str]:
    """Duties the scenario's work will need, each with the reason (for error messages)."""
    needs: dict[str, str] = {}
    tickets, projects = scenario.tickets, scenario.projects
    if tickets.per_employee_per_month > 0:
        for klass in tickets.classes:
            if klass.share == 0:
                continue
            why = f"ticket class '{klass.name}'"
            if klass.has_level1:
                needs.setdefault("ticket_l1", why)
            if klass.l1_resolution_share < 1 or not klass.has_level1:
                needs.setdefault("ticket_l2", why)
            if klass.manager_duty != "none":
                needs.setdefault(klass.manager_duty, why)
    if projects.per_100_employees_per_year > 0 or projects.initial_portfolio > 0:
        needs["project_coordination"] = "projects"
        needs["project_work"] = "projects"
        if projects.status_hours_per_week > 0:
            needs["status_reporting"] = "projects.status_hours_per_week > 0"
    return needs


def _check_cross_fields(scenario: Scenario) -> None:
    sim = scenario.simulation
    if sim.warmup_weeks >= sim.horizon_weeks:
        raise ScenarioError(
            "simulation.warmup_weeks",
            f"found {sim.warmup_weeks:g}; allowed: less than simulation.horizon_weeks ({sim.horizon_weeks:g})",
        )
    role_names = [r.name for r in scenario.roles]
    for role in scenario.roles:
        for duty in role.duties:
            if duty not in DUTIES:
                raise ScenarioError(f"roles.{role.name}.duties", f"unknown duty {duty!r}; allowed: {', '.join(DUTIES)}")
        if len(set(role.duties)) != len(role.duties):
            raise ScenarioError(
                f"roles.{role.name}.duties", "a duty appears twice; list each duty once, in priority order"
            )
        if role.reports_to is not None and role.reports_to not in role_names:
            raise ScenarioError(
                f"roles.{role.name}.reports_to",
                f"found {role.reports_to!r}; allowed: one of the roles ({', '.join(role_names)}) or leave it out",
            )
    _check_no_reporting_cycle(scenario.roles)
    _check_run_is_finite(scenario)
    try:
        headcounts = scenario.headcounts()
    except ValueError as error:
        raise ScenarioError("roles", str(error)) from None
    if sum(headcounts.values()) > MAX_STAFF:
        biggest = max(headcounts, key=headcounts.get)
        raise ScenarioError(
            f"roles.{biggest}.headcount",
            f"more than {MAX_STAFF:,} people at {scenario.org.employees:,} employees; "
            f"allowed: at most {MAX_STAFF:,} (check per_employees and per_reports)",
        )
    held = {duty for role in scenario.roles if headcounts[role.name] > 0 for duty in role.duties}
    for duty, why in needed_duties(scenario).items():
        if duty not in held:
            holders = [r.name for r in scenario.roles if duty in r.duties]
            staffed = f" (roles {', '.join(holders)} list it but have 0 people at this size)" if holders else ""
            raise ScenarioError(
                "roles",
                f"duty '{duty}' is needed by {why} but no staffed role holds it{staffed}; add it to a role's duties",
            )
    mgmt = scenario.management
    if mgmt.one_to_one_hours_per_report_per_week > 0 or mgmt.appraisal_hours_per_report_per_year > 0:
        for role in scenario.roles:
            if role.reports_to and headcounts[role.name] > 0:
                boss = scenario.role(role.reports_to)
                if "people_management" not in boss.duties:
                    raise ScenarioError(
                        f"roles.{boss.name}.duties",
                        f"role '{role.name}' reports to '{boss.name}', which does not hold 'people_management'; "
                        "add it, or set management 1:1 and appraisal hours to 0",
                    )
                if headcounts[boss.name] == 0:
                    raise ScenarioError(f"roles.{role.name}.reports_to", f"'{boss.name}' has 0 people at this size")


MAX_ARRIVALS = 50_000_000  # expected tickets or work packages per replication: hours of computing beyond


def _check_run_is_finite(scenario: Scenario) -> None:
    """Reject parameters with which one replication would never finish."""
    weeks = scenario.simulation.horizon_weeks
    employees = scenario.org.employees
    tickets = employees * scenario.tickets.per_employee_per_month * 12 / 52 * weeks
    if tickets > MAX_ARRIVALS:
        raise ScenarioError(
            "tickets.per_employee_per_month",
            f"{tickets:,.0f} tickets expected per replication; allowed: at most {MAX_ARRIVALS:,} "
            "(lower the rate, org.employees or simulation.horizon_weeks)",
        )
    projects = scenario.projects
    packages_each = projects.effort.expected / projects.work_package_hours
    if packages_each > 10_000:
        raise ScenarioError(
            "projects.work_package_hours",
            f"a mean project would be cut into {packages_each:,.0f} work packages; allowed: at most 10,000 "
            "(raise work_package_hours or lower projects.effort)",
        )
    count = employees / 100 * projects.per_100_employees_per_year * weeks / 52 + projects.initial_portfolio
    if count * max(1.0, packages_each) > MAX_ARRIVALS:
        raise ScenarioError(
            "projects.per_100_employees_per_year",
            f"about {count * packages_each:,.0f} work packages expected per replication; allowed: at most "
            f"{MAX_ARRIVALS:,}",
        )


def _check_no_reporting_cycle(roles: tuple[Role, ...]) -> None:
    boss_of = {r.name: r.reports_to for r in roles}
    for start in boss_of:
        seen = [start]
        current = boss_of[start]
        while current is not None:
            if current in seen:
                cycle = seen[seen.index(current) :]
                chain = " -> ".join([*cycle, current])
                raise ScenarioError(
                    f"roles.{cycle[0]}.reports_to", f"reporting cycle {chain}; reporting lines must form a tree"
                )
            seen.append(current)
            current = boss_of.get(current)


# ------------------------------------------------------------------ files, overrides


def scenario_from_toml(text: str, source: str = "<text>") -> Scenario:
    """Parse TOML text and build the scenario; malformed TOML is a :class:`ScenarioError`."""
    data = _parse_toml(text, source)
    return scenario_from_dict(data, source)


def _parse_toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError("", f"not valid TOML: {error}", source) from None
    except RecursionError:
        raise ScenarioError("", "not usable TOML: arrays or tables nested too deeply", source) from None


def load_scenario(path: str | Path, changes: dict[str, Any] | None = None) -> Scenario:
    """Load a scenario file, apply dotted-path ``changes``, validate."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError("", "no such scenario file" if not path.exists() else "not a file", str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError("", f"cannot read the file: {error}", str(path)) from None
    data = _parse_toml(text, str(path))
    data.setdefault("name", re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.") or "scenario")
    resolved = None
    if changes:
        try:  # the file as it is, to change single fields of defaults it does not spell out
            resolved = scenario_from_dict(copy.deepcopy(data)).to_dict()
        except ScenarioError:
            resolved = None
    for dotted, value in (changes or {}).items():
        try:
            _set_path(data, dotted, value, resolved)
        except ScenarioError as error:
            raise error.in_source("--set") from None
    source = f"{path}" + (" with --set" if changes else "")
    return scenario_from_dict(data, source)


def _set_path(data: dict, dotted: str, value, resolved: dict | None = None) -> None:
    """Set ``value`` at ``dotted`` in a nested dict, creating tables on the way.

    A table missing from ``data`` whose resolved value is a leaf table (a distribution
    or a headcount rule) is first copied from ``resolved``, so that ``projects.effort.cv``
    changes one field of the default distribution instead of replacing it.
    """
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise ScenarioError(dotted, "a path is dotted names such as org.employees")
    if parts[0] not in _TOP_KEYS:
        raise _unknown_key("", parts[0], _TOP_KEYS)
    node = data
    known = resolved
    for i, part in enumerate(parts[:-1]):
        child = node.get(part)
        known = known.get(part) if isinstance(known, dict) else None
        if child is None:
            leaf_table = isinstance(known, dict) and all(not isinstance(v, (dict, list)) for v in known.values())
            child = node[part] = copy.deepcopy(known) if leaf_table else {}
        elif not isinstance(child, dict):
            # a distribution given as a plain number becomes a fixed table to set a key in it
            if isinstance(child, (int, float)) and not isinstance(child, bool):
                child = node[part] = {"dist": "fixed", "mean": child}
            else:
                raise ScenarioError(".".join(parts[: i + 1]), f"is {_show(child)}, not a table")
        node = child
    node[parts[-1]] = value


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"org.employees=400"`` -> ``("org.employees", 400)``; values are TOML, else text."""
    if "=" not in text:
        raise ScenarioError(text, "expected PATH=VALUE, e.g. org.employees=400", "--set")
    path, raw = text.split("=", 1)
    path, raw = path.strip(), raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return path, value


# ----------------------------------------------------------------------- output


def _to_data(obj):
    if isinstance(obj, Distribution):
        return obj.to_dict()
    if isinstance(obj, Scenario):
        out = {"name": obj.name, "description": obj.description}
        for key in _SECTIONS:
            out[key] = _to_data(getattr(obj, key))
        out["tickets"]["mix"] = {c.name: c.share for c in obj.tickets.classes}
        out["tickets"]["classes"] = {c.name: {k: v for k, v in _to_data(c).items()} for c in obj.tickets.classes}
        out["roles"] = {r.name: r.to_data() for r in obj.roles}
        out["resolved_headcounts"] = obj.headcounts()
        return out
    if is_dataclass(obj):
        return {f.name: _to_data(getattr(obj, f.name)) for f in fields(obj) if not f.metadata.get("internal")}
    if isinstance(obj, tuple):
        return [_to_data(v) for v in obj]
    return obj


def field_reference() -> list[dict]:
    """Every scenario field with unit, default, meaning and source: the format reference."""
    rows = []
    for section, cls in _SECTIONS.items():
        defaults = cls()
        for f in fields(cls):
            if f.metadata.get("internal"):
                continue
            default = getattr(defaults, f.name)
            rows.append(_reference_row(f"{section}.{f.name}", f, default))
    for f in fields(TicketClass):
        if f.metadata.get("internal"):
            continue
        per_class = {n: getattr(c, f.name) for n, c in DEFAULT_TICKET_CLASSES.items()}
        shown = ", ".join(f"{n}: {_format_default(v)}" for n, v in per_class.items())
        row = _reference_row(f"tickets.classes.CLASS.{f.name}", f, None)
        row["default"] = shown
        row["source"] = TICKET_CLASS_SOURCES.get(f.name, row["source"])
        rows.append(row)
    rows.append(
        {
            "path": "tickets.mix.CLASS",
            "unit": "share",
            "doc": "share of tickets in each class; given, it replaces the whole default mix",
            "default": ", ".join(f"{k}: {v:g}" for k, v in DEFAULT_TICKET_MIX.items()),
            "source": TICKET_CLASS_SOURCES["mix"],
        }
    )
    for key, unit, doc, default, source in ROLE_FIELDS:
        rows.append({"path": f"roles.ROLE.{key}", "unit": unit, "doc": doc, "default": default, "source": source})
    return rows


def _format_default(value) -> str:
    if isinstance(value, Distribution):
        return ", ".join(f"{k}={v}" if k == "dist" else f"{k}={v:g}" for k, v in value.to_dict().items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _reference_row(path, f, default) -> dict:
    if f.default is MISSING and default is None:
        shown = ""
    else:
        shown = _format_default(default)
    return {
        "path": path,
        "unit": f.metadata.get("unit", ""),
        "doc": f.metadata.get("doc", ""),
        "default": shown,
        "source": f.metadata.get("source", "estimate"),
    }
