"""The scenario, and the one path every input takes into it.

A TOML file, a Python dict, ``--set path=value`` on the command line and
:meth:`Scenario.with_changes` all go through :func:`scenario_from_dict`, in named stages:
**read** the data (TOML) → **fill defaults and convert** each section (:func:`build_section`)
→ **check** the whole (:func:`~orgsim.scenario.checks.check_scenario`) → a frozen
:class:`Scenario`.  The frozen tree is the single source of truth: :meth:`Scenario.get` reads
a dotted path from it, :meth:`Scenario.with_changes` writes one, both from the tree alone, so
a scenario changed with :func:`dataclasses.replace` keeps that change.
"""

from __future__ import annotations

import copy
import difflib
import math
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ..distributions import DISTRIBUTION_KINDS, Distribution
from ..duties import DUTIES
from ..stats import format_number
from .checks import (
    LARGEST_NUMBER,
    PROBABILITY,
    ScenarioError,
    check_name,
    check_scenario,
    show,
    unknown_key,
)
from .roles import ROLE_FLAGS, ROLE_SETTINGS, Headcount, Role, RoleChange, resolve_headcounts, resolve_roles
from .schema import (
    DEFAULT_PROJECT_CLASSES,
    DEFAULT_TICKET_CLASSES,
    DEFAULT_TICKET_MIX,
    SECTIONS,
    Calendar,
    Dispatch,
    Management,
    Org,
    ProjectClass,
    Projects,
    ScheduledProject,
    Simulation,
    TicketClass,
    TicketProfile,
    Tickets,
)

__all__ = [
    "Scenario",
    "load_scenario",
    "shipped_folder",
    "shipped_scenarios",
    "scenario_from_dict",
    "scenario_from_toml",
    "parse_assignment",
    "build_section",
]

_TOP_KEYS = ("name", "description", *SECTIONS, "roles")
_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: every default filled in and checked.  Never mutated.

    ``role_changes`` are the ``[roles.NAME]`` tables of the file; :attr:`roles` are the
    structure preset at this size with those changes made.  Change a scenario with
    :meth:`with_changes`, which goes through the same checks as a file.
    """

    name: str = "scenario"
    description: str = ""
    simulation: Simulation = field(default_factory=Simulation)
    calendar: Calendar = field(default_factory=Calendar)
    org: Org = field(default_factory=Org)
    tickets: Tickets = field(default_factory=Tickets)
    projects: Projects = field(default_factory=Projects)
    management: Management = field(default_factory=Management)
    dispatch: Dispatch = field(default_factory=Dispatch)
    role_changes: tuple[RoleChange, ...] = ()

    # ------------------------------------------------------------------ derived
    @cached_property
    def roles(self) -> tuple[Role, ...]:
        """Every role: the structure's preset at this size, with the file's changes made."""
        return resolve_roles(self.org.structure, self.org.employees, self.role_changes, self.org.culture)

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def headcounts(self) -> dict[str, float]:
        """People per role for this organisation size (and its expected project load): whole
        numbers, or full-time equivalents with ``org.fractional_headcount``."""
        return resolve_headcounts(
            self.roles, self.org.employees, self.expected_concurrent_projects, self.org.fractional_headcount
        )

    def advice(self) -> list[str]:
        """Warnings about the organisation itself (not errors: it runs as given)."""
        out = []
        counts = self.headcounts()
        if self.org.structure == "pmo" and counts.get("project_manager", 0) < 2:
            out.append(
                f"a PMO at {self.org.employees:,} employees: its lead oversees "
                f"{format_number(counts.get('project_manager', 0))} project manager(s) and adds intake and reviews;"
                " a PMO pays where several project managers share one portfolio (estimate)"
            )
        return out

    @property
    def expected_concurrent_projects(self) -> float:
        """Projects expected to run at once: every class's arrival rate times its planned
        duration (mean effort / (team x member hours per week)), in weeks (Little's law)."""
        projects = self.projects
        total = 0.0
        for klass in projects.classes:
            per_week = self.org.employees / 100.0 * klass.per_100_employees_per_year * projects.arrival_scale / 52.0
            weeks = klass.effort.expected / (klass.team_size * klass.member_hours_per_week)
            total += per_week * weeks
        return total

    @property
    def ticket_rate_per_hour(self) -> float:
        """Tickets arriving per working hour: employees x tickets per employee per month."""
        return self.org.employees * self.tickets.per_employee_per_month * 12.0 / (52.0 * self.calendar.hours_per_week)

    def project_rate_per_hour(self, klass) -> float:
        """Projects of ``klass`` arriving per working hour: per 100 employees per year, scaled."""
        scale = self.org.employees / 100.0 * self.projects.arrival_scale
        return scale * klass.per_100_employees_per_year / (52.0 * self.calendar.hours_per_week)

    # ------------------------------------------------------------------ paths
    def get(self, path: str):
        """The value at a dotted path, e.g. ``get("org.employees")`` or ``get("roles.engineer.hourly_cost")``."""
        node = self.to_dict(resolved=True)
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(path)
            node = node[part]
        return node

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A new scenario with values changed by dotted path, e.g. ``{"org.employees": 400}``."""
        data = self.to_dict()
        resolved = self.to_dict(resolved=True)
        for path, value in changes.items():
            set_path(data, path, value, resolved)
        return scenario_from_dict(data)

    def to_dict(self, resolved: bool = False) -> dict:
        """The scenario as TOML-ready data that builds it again.

        ``resolved``: roles as resolved (every role of the preset with its fields) and the
        headcounts at this size, as ``summary.json`` shows them; otherwise only the role
        changes the scenario makes, so that a changed structure or size gets its own preset.
        """
        out = {"name": self.name, "description": self.description}
        for key in SECTIONS:
            out[key] = _to_data(getattr(self, key))
        profile = {key: list(values) for key, values in out["tickets"].pop("profile").items() if values}
        if profile:  # no table when flat and not given: the data of a scenario without one stays as it was
            out["tickets"]["profile"] = profile
        out["tickets"]["mix"] = {c.name: c.share for c in self.tickets.classes}
        out["tickets"]["classes"] = {c.name: _to_data(c) for c in self.tickets.classes}
        out["projects"]["classes"] = {c.name: _to_data(c) for c in self.projects.classes}
        out["projects"]["scheduled"] = [_scheduled_data(p) for p in self.projects.scheduled]
        if resolved:
            out["roles"] = {r.name: r.to_data() for r in self.roles}
            out["resolved_headcounts"] = self.headcounts()
        else:
            out["roles"] = {c.name: c.to_data() for c in self.role_changes}
        return out


def _scheduled_data(project) -> dict:
    data = _to_data(project)
    data["class"] = data.pop("project_class")
    return data


def _to_data(obj):
    if isinstance(obj, Distribution):
        return obj.to_dict()
    if is_dataclass(obj):
        return {f.name: _to_data(getattr(obj, f.name)) for f in fields(obj) if not f.metadata.get("internal")}
    if isinstance(obj, tuple):
        return [_to_data(v) for v in obj]
    return obj


# ------------------------------------------------------------------ stage: convert and fill defaults


def _short(value) -> str:
    """A possibly enormous number, shortened for a message."""
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}... ({len(text)} digits)"


def _require_table(value, path) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(path, f"expected a table, found {show(value)}")
    return value


def _require_text_keys(table: dict, path: str) -> None:
    for key in table:
        if not isinstance(key, str):
            raise ScenarioError(path, f"key {key!r} is not text; keys are names such as 'employees'")


def _convert_scalar(kind, value, path):
    if kind is bool:
        if not isinstance(value, bool):
            raise ScenarioError(path, f"expected true or false, found {show(value)}")
        return value
    if kind is int:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not value.is_integer())
        ):
            raise ScenarioError(path, f"expected a whole number, found {show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a whole number of at most {LARGEST_NUMBER:.0e}")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(path, f"expected a number, found {show(value)}")
        if isinstance(value, int) and abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        if not math.isfinite(value):
            raise ScenarioError(path, f"expected a finite number, found {show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {value:g}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ScenarioError(path, f"expected a text string, found {show(value)}")
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
        raise ScenarioError(f"{path}.dist", f"found {show(kind)}; allowed: {', '.join(DISTRIBUTION_KINDS)}")
    needed = {
        "fixed": ("mean",),
        "exponential": ("mean",),
        "lognormal": ("mean", "cv"),
        "triangular": ("low", "mode", "high"),
    }[kind]
    for key in table:
        if key != "dist" and key not in needed:
            raise unknown_key(path, key, ("dist", *needed))
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


def _shares(value, path) -> tuple[float, ...]:
    """A non-empty list of shares (numbers from 0 to 1)."""
    if not isinstance(value, list) or not value:
        found = "an empty list" if isinstance(value, list) else show(value)
        raise ScenarioError(path, f"expected a list of numbers from 0 to below 1 (one at least), found {found}")
    shares = tuple(_convert_scalar(float, v, f"{path}[{i}]") for i, v in enumerate(value))
    for i, share in enumerate(shares):
        if not 0.0 <= share < 1.0:
            raise ScenarioError(f"{path}[{i}]", f"found {share:g}; allowed: a number from 0 to below 1")
    return shares


def build_section(cls, data: dict, path: str, base=None):
    """Instance of dataclass ``cls`` from ``data``, fields missing from data taken from ``base``."""
    table = _require_table(data, path)
    _require_text_keys(table, path)
    hints = typing.get_type_hints(cls)
    public = [f for f in fields(cls) if not f.metadata.get("internal")]
    names = [f.name for f in public]
    for key in table:
        if key not in names:
            raise unknown_key(path, key, names)
    values = {}
    for f in public:
        if f.name not in table:
            continue
        where = f"{path}.{f.name}" if path else f.name
        kind = hints[f.name]
        if kind is Distribution:
            value = _distribution(table[f.name], where)
        elif kind == tuple[float, ...]:
            value = _shares(table[f.name], where)
        else:
            value = _convert_scalar(kind, table[f.name], where)
            check = f.metadata.get("check")
            problem = check(value) if check else None
            if problem:
                raise ScenarioError(where, f"found {show(value)}; allowed: {problem}")
        values[f.name] = value
    base = base if base is not None else cls()
    return replace(base, **values)


def _class_names(classes_data: dict, defaults, path: str, placeholder: str) -> list[str]:
    """The default classes' names, then every new class the file defines (names checked)."""
    names = list(defaults)
    for name in classes_data:
        if name not in names:
            if not _NAME_RE.fullmatch(str(name)):
                raise ScenarioError(f"{path}.{name}", "a class name is lower-case letters, digits and _")
            check_name(name, placeholder, f"{path}.{name}")
            names.append(name)
    return names


_PROFILE_KEYS = {"weekday": "one per working day, Monday first", "hour": "one per hour of the working day"}


def _ticket_profile(data) -> TicketProfile:
    """``[tickets.profile]``: lists of relative rates, each >= 0, finite, at least one > 0.  Their
    lengths against the calendar are checked with the whole scenario."""
    table = _require_table(data, "tickets.profile")
    _require_text_keys(table, "tickets.profile")
    values = {}
    for key, value in table.items():
        if key not in _PROFILE_KEYS:
            raise unknown_key("tickets.profile", key, _PROFILE_KEYS)
        path = f"tickets.profile.{key}"
        if not isinstance(value, list) or not value:
            found = "an empty list" if isinstance(value, list) else show(value)
            raise ScenarioError(path, f"expected a list of relative rates >= 0 ({_PROFILE_KEYS[key]}), found {found}")
        rates = tuple(_convert_scalar(float, v, f"{path}[{i}]") for i, v in enumerate(value))
        for i, rate in enumerate(rates):
            if rate < 0:
                raise ScenarioError(f"{path}[{i}]", f"found {rate:g}; allowed: a relative rate >= 0")
        if not any(rates):
            raise ScenarioError(path, "every value is 0; allowed: relative rates >= 0 with at least one > 0")
        values[key] = rates
    return TicketProfile(**values)


def _ticket_classes(data: dict) -> tuple[TicketClass, ...]:
    classes_data = _require_table(data.get("classes", {}), "tickets.classes")
    names = _class_names(classes_data, DEFAULT_TICKET_CLASSES, "tickets.classes", "ticket_class")
    mix_given = "mix" in data
    mix = _require_table(data["mix"], "tickets.mix") if mix_given else DEFAULT_TICKET_MIX
    for name, share in mix.items():
        if name not in names:
            raise unknown_key("tickets.mix", name, names)
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
        klass = build_section(TicketClass, classes_data.get(name, {}), f"tickets.classes.{name}", base)
        result.append(replace(klass, name=name, share=float(mix.get(name, 0.0))))
    return tuple(result)


_RENAMED_PROJECT_KEYS = {
    "per_100_employees_per_year": "each class has its rate: projects.classes.CLASS.per_100_employees_per_year "
    "(projects.arrival_scale scales them all; 0 switches random projects off)",
    "effort": "each class has its effort: projects.classes.CLASS.effort",
    "work_package_hours": "use projects.classes.CLASS.work_package_hours",
    "team_size": "use projects.classes.CLASS.team_size",
    "due_date_factor": "use projects.classes.CLASS.due_date_factor",
    "initiation_hours": "use projects.initiation_share (a share of the estimated effort)",
    "planning_hours": "use projects.planning_share (a share of the estimated effort)",
    "closing_hours": "use projects.closing_share (a share of the estimated effort)",
    "status_hours_per_week": "use projects.status_share (a share of the team's weekly project hours)",
    "rework_share": "use projects.rework_per_day_waited and projects.rework_cap",
}


def _projects(data) -> Projects:
    """The projects section: its scalars, its classes (merged with the default classes) and the
    scheduled projects."""
    data = _require_table(data, "projects")
    scalars = {k: v for k, v in data.items() if k not in ("classes", "scheduled")}
    for old, new in _RENAMED_PROJECT_KEYS.items():
        if old in scalars:
            raise ScenarioError(f"projects.{old}", f"no longer a key: {new}")
    try:
        projects = build_section(Projects, scalars, "projects")
    except ScenarioError as error:
        if "unknown key" in error.detail:
            key = error.path.rsplit(".", 1)[-1]
            allowed = [f.name for f in fields(Projects) if not f.metadata.get("internal")]
            raise unknown_key("projects", key, (*allowed, "classes", "scheduled")) from None
        raise
    classes_data = _require_table(data.get("classes", {}), "projects.classes")
    names = _class_names(classes_data, DEFAULT_PROJECT_CLASSES, "projects.classes", "project_class")
    classes = []
    for name in names:
        base = DEFAULT_PROJECT_CLASSES.get(name, ProjectClass())
        klass = build_section(ProjectClass, classes_data.get(name, {}), f"projects.classes.{name}", base)
        classes.append(replace(klass, name=name))
    scheduled_data = data.get("scheduled", [])
    if not isinstance(scheduled_data, list):
        raise ScenarioError(
            "projects.scheduled", f"expected a list of tables ([[projects.scheduled]]), found {show(scheduled_data)}"
        )
    scheduled = []
    for i, entry in enumerate(scheduled_data):
        path = f"projects.scheduled[{i}]"
        entry = dict(_require_table(entry, path))
        if "class" in entry:
            if not isinstance(entry["class"], str):
                raise ScenarioError(f"{path}.class", f"expected a class name, found {show(entry['class'])}")
            entry["project_class"] = entry.pop("class")
        try:
            project = build_section(ScheduledProject, entry, path)
        except ScenarioError as error:
            if "unknown key" in error.detail:
                key = error.path.rsplit(".", 1)[-1]
                raise unknown_key(path, key, ("week", "class", "effort_hours", "team_size")) from None
            raise
        if project.project_class not in names:
            raise ScenarioError(f"{path}.class", f"found {project.project_class!r}; allowed: one of {', '.join(names)}")
        scheduled.append(project)
    if len(scheduled) > 1000:
        raise ScenarioError("projects.scheduled", f"{len(scheduled)} scheduled projects; allowed: at most 1,000")
    return replace(projects, classes=tuple(classes), scheduled=tuple(scheduled))


_ROLE_KEYS = ("headcount", "duties", "reports_to", *ROLE_SETTINGS)


def _headcount(value, path) -> Headcount:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        count = _convert_scalar(int, value, path)
        if count < 0:
            raise ScenarioError(path, f"found {count}; allowed: a whole number >= 0")
        return Headcount(fixed=count)
    table = _require_table(value, path)
    allowed = ("per_employees", "per_reports", "per_concurrent_projects", "minimum", "min_reports", "taken_from")
    for key in table:
        if key not in allowed:
            raise unknown_key(path, key, allowed)
    given = [k for k in ("per_employees", "per_reports", "per_concurrent_projects") if k in table]
    if len(given) != 1:
        raise ScenarioError(
            path,
            "give a whole number, or exactly one of per_employees, per_reports, per_concurrent_projects (with minimum)",
        )
    ratio = _convert_scalar(float, table[given[0]], f"{path}.{given[0]}")
    if ratio < 0.001:  # one person per a thousandth of an employee (or report, or project) is no rule
        raise ScenarioError(f"{path}.{given[0]}", f"found {ratio:g}; allowed: a number >= 0.001")
    minimum = _convert_scalar(int, table.get("minimum", 0), f"{path}.minimum")
    if minimum < 0:
        raise ScenarioError(f"{path}.minimum", f"found {minimum}; allowed: a whole number >= 0")
    min_reports = _convert_scalar(int, table.get("min_reports", 0), f"{path}.min_reports")
    if min_reports < 0 or (min_reports and given[0] != "per_reports"):
        raise ScenarioError(f"{path}.min_reports", "allowed: a whole number >= 0, with per_reports only")
    taken_from = _convert_scalar(str, table.get("taken_from", ""), f"{path}.taken_from") or None
    return Headcount(**{given[0]: ratio}, minimum=minimum, min_reports=min_reports, taken_from=taken_from)


_ROLE_LIMITS = {"hours_per_week": 168.0, "exception_factor": 100.0, "context_switch_hours": 1000.0}


def _role_change(name: str, table: dict, path: str, in_preset: bool) -> RoleChange:
    """A role change from its TOML table; a role not in the preset needs headcount and duties."""
    for key in table:
        if key not in _ROLE_KEYS:
            raise unknown_key(path, key, _ROLE_KEYS)
    if not in_preset:
        missing = [k for k in ("headcount", "duties") if k not in table]
        if missing:
            raise ScenarioError(
                f"{path}.{missing[0]}", "missing; a role that is not in the structure preset needs headcount and duties"
            )
    values = {}
    if "headcount" in table:
        values["headcount"] = _headcount(table["headcount"], f"{path}.headcount")
    if "duties" in table:
        duties = table["duties"]
        if not isinstance(duties, list) or not all(isinstance(d, str) for d in duties):
            raise ScenarioError(f"{path}.duties", f"expected a list of duty names, found {show(duties)}")
        for duty in duties:
            if duty not in DUTIES:
                close = difflib.get_close_matches(duty, DUTIES, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ScenarioError(f"{path}.duties", f"unknown duty {duty!r}{hint} (allowed: {', '.join(DUTIES)})")
        values["duties"] = tuple(duties)
    if "reports_to" in table:
        values["reports_to"] = _convert_scalar(str, table["reports_to"], f"{path}.reports_to")
    for key in ROLE_SETTINGS:
        if key not in table:
            continue
        if key in ROLE_FLAGS:
            values[key] = _convert_scalar(bool, table[key], f"{path}.{key}")
            continue
        number = _convert_scalar(float, table[key], f"{path}.{key}")
        if not 0 <= number <= _ROLE_LIMITS.get(key, 1e6):
            raise ScenarioError(
                f"{path}.{key}", f"found {number:g}; allowed: a number from 0 to {_ROLE_LIMITS.get(key, 1e6):g}"
            )
        values[key] = number
    return RoleChange(name, **values)


def _role_changes(data: dict, structure: str, employees: int) -> tuple[RoleChange, ...]:
    roles_data = _require_table(data.get("roles", {}), "roles")
    if structure == "custom" and not roles_data:
        raise ScenarioError("roles", "org.structure is 'custom' but no role is defined; add [roles.NAME] tables")
    preset = {r.name for r in resolve_roles(structure, employees, ())}  # every culture has the same roles
    changes = []
    for name, table in roles_data.items():
        path = f"roles.{name}"
        if not _NAME_RE.fullmatch(str(name)):
            raise ScenarioError(path, "a role name is lower-case letters, digits and _")
        check_name(name, "role", path)
        table = _require_table(table, path)
        changes.append(_role_change(name, table, path, name in preset))
    return tuple(changes)


# ------------------------------------------------------------------ the pipeline


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
            raise unknown_key("", key, _TOP_KEYS)
    name = _convert_scalar(str, data.get("name", "scenario"), "name")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name or len(name) > 100:
        raise ScenarioError(
            "name", f"found {name!r}; allowed: letters, digits, '-', '_' and '.', no path separators or '..'"
        )
    description = _convert_scalar(str, data.get("description", ""), "description")
    sections = {}
    for key, cls in SECTIONS.items():
        if key not in ("tickets", "projects"):
            sections[key] = build_section(cls, data.get(key, {}), key)
    tickets_data = _require_table(data.get("tickets", {}), "tickets")
    scalars = {k: v for k, v in tickets_data.items() if k not in ("classes", "mix", "profile")}
    try:
        tickets = build_section(Tickets, scalars, "tickets")
    except ScenarioError as error:
        if "unknown key" in error.detail:
            key = error.path.rsplit(".", 1)[-1]
            scalars_allowed = [f.name for f in fields(Tickets) if not f.metadata.get("internal")]
            raise unknown_key("tickets", key, (*scalars_allowed, "mix", "classes")) from None
        raise
    profile = _ticket_profile(tickets_data.get("profile", {}))
    tickets = replace(tickets, profile=profile, classes=_ticket_classes(tickets_data))
    sections["tickets"] = tickets
    sections["projects"] = _projects(data.get("projects", {}))
    role_changes = _role_changes(data, sections["org"].structure, sections["org"].employees)
    scenario = Scenario(name=name, description=description, role_changes=role_changes, **sections)
    check_scenario(scenario)
    return scenario


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


def shipped_folder() -> Traversable:
    """The scenarios installed with orgsim (``orgsim/shipped/``; ``validation/`` below it), read
    through :mod:`importlib.resources` so that they are found in any install, not only a checkout."""
    return resources.files(__name__.partition(".")[0]) / "shipped"


def shipped_scenarios() -> dict[str, Traversable]:
    """The shipped scenarios by name (file name without ``.toml``), e.g. ``small-combined``."""
    folder = shipped_folder()
    files = [f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()] if folder.is_dir() else []
    return {f.name.removesuffix(".toml"): f for f in sorted(files, key=lambda f: f.name.removesuffix(".toml"))}


def _scenario_file(path: str | os.PathLike | Traversable) -> tuple[Traversable, str]:
    """The file to read and how errors name it: an existing file, else a shipped scenario by its
    bare name (``small-combined``), else one line naming the argument and the shipped names."""
    if not isinstance(path, (str, os.PathLike)):  # a resource, e.g. shipped_folder() / "x.toml"
        if not path.is_file():
            raise ScenarioError("", "no such scenario file", str(path))
        return path, str(path)
    file = Path(path)
    if file.is_file():
        return file, str(file)
    if file.exists():
        raise ScenarioError("", "not a file", str(file))
    shipped = shipped_scenarios()
    if isinstance(path, str) and path in shipped:
        return shipped[path], path
    names = ", ".join(shipped)
    raise ScenarioError("", f"no such scenario file, nor a shipped scenario (shipped: {names})", str(file))


def load_scenario(path: str | os.PathLike | Traversable, changes: dict[str, Any] | None = None) -> Scenario:
    """Load a scenario file — or a shipped scenario by name, e.g. ``"small-combined"`` (see
    :func:`shipped_scenarios`; an existing file of that name comes first) — apply dotted-path
    ``changes``, validate."""
    path, where = _scenario_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark, as some editors write, is no error
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError("", f"cannot read the file: {error}", where) from None
    data = _parse_toml(text, where)
    data.setdefault("name", _name_from_file(Path(path.name)))
    resolved = None
    if changes:
        try:  # the file as it is, to change single fields of defaults it does not spell out
            resolved = scenario_from_dict(copy.deepcopy(data)).to_dict(resolved=True)
        except ScenarioError:
            resolved = None
    for dotted, value in (changes or {}).items():
        try:
            set_path(data, dotted, value, resolved)
        except ScenarioError as error:
            raise error.in_source("--set") from None
    source = where + (" with --set" if changes else "")
    return scenario_from_dict(data, source)


def _name_from_file(path: Path) -> str:
    """A file without ``name`` is named after its file, made a valid name (``_draft.toml`` ->
    ``draft``, ``v1..v2.toml`` -> ``v1.v2``), so that its file name is never the error."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"^[^A-Za-z0-9]+", "", name)[:100].rstrip("-.")
    return name or "scenario"


def set_path(data: dict, dotted: str, value, resolved: dict | None = None) -> None:
    """Set ``value`` at ``dotted`` in a nested dict, creating tables on the way.

    A table missing from ``data`` whose resolved value is a leaf table (a distribution
    or a headcount rule) is first copied from ``resolved``, so that ``projects.effort.cv``
    changes one field of the default distribution instead of replacing it.
    """
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise ScenarioError(dotted, "a path is dotted names such as org.employees")
    if parts[0] not in _TOP_KEYS:
        raise unknown_key("", parts[0], _TOP_KEYS)
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
                raise ScenarioError(".".join(parts[: i + 1]), f"is {show(child)}, not a table")
        node = child
    node[parts[-1]] = value


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"org.employees=400"`` -> ``("org.employees", 400)``; values are TOML, else text."""
    if "=" not in text:
        raise ScenarioError(text, "expected PATH=VALUE, e.g. org.employees=400", "--set")
    path, raw = text.split("=", 1)
    path, raw = path.strip(), raw.strip()
    if "\n" in raw or "\r" in raw:
        raise ScenarioError(path, "a value on one line, found a line break in it", "--set")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return path, value
