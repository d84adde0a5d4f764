"""The sections of a scenario that are more than a row of fields: tickets (their arrival
profile, classes and mix), projects (their classes and the scheduled projects) and the
``[roles.NAME]`` tables.

Each is read from the file's data with the converters of :mod:`~orgsim.scenario.convert`;
the checks that need the whole scenario come after, in :mod:`~orgsim.scenario.checks`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from ..duties import DUTIES
from .checks import PROBABILITY, ScenarioError, UnknownKeyError, check_name, show, unknown_key
from .convert import (
    build_section,
    convert_headcount,
    convert_scalar,
    public_names,
    require_table,
    require_text_keys,
)
from .presets import resolve_roles
from .roles import ROLE_FLAGS, ROLE_SETTINGS, ROLE_TABLES, RoleChange, family_table
from .schema import (
    DEFAULT_PROJECT_CLASSES,
    DEFAULT_TICKET_CLASSES,
    DEFAULT_TICKET_MIX,
    ProjectClass,
    Projects,
    ScheduledProject,
    TicketClass,
    TicketProfile,
    Tickets,
)

__all__ = ["NAME_RE", "tickets_section", "projects_section", "role_changes"]

NAME_RE = re.compile(r"[a-z][a-z0-9_]*")  # a class or role name


def _build_naming(cls, data: dict, path: str, allowed) -> object:
    """:func:`build_section` for a section whose table also holds sub-tables or keys the file
    spells differently: a key unknown in the section itself is named with all of ``allowed``.
    (An unknown key deeper down, in a distribution, keeps its own error.)"""
    try:
        return build_section(cls, data, path)
    except UnknownKeyError as error:
        if error.table != path:
            raise
        raise unknown_key(path, error.key, allowed) from None


def tickets_section(data) -> Tickets:
    """The tickets section: its scalars, its arrival profile, its classes (merged with the
    default classes) and their mix."""
    tickets_data = require_table(data, "tickets")
    scalars = {k: v for k, v in tickets_data.items() if k not in ("classes", "mix", "profile")}
    tickets = _build_naming(Tickets, scalars, "tickets", (*public_names(Tickets), "mix", "classes"))
    profile = _ticket_profile(tickets_data.get("profile", {}))
    return replace(tickets, profile=profile, classes=_ticket_classes(tickets_data))


def _class_names(classes_data: dict, defaults, path: str, placeholder: str) -> list[str]:
    """The default classes' names, then every new class the file defines (names checked)."""
    names = list(defaults)
    for name in classes_data:
        if name not in names:
            if not NAME_RE.fullmatch(str(name)):
                raise ScenarioError(f"{path}.{name}", "a class name is lower-case letters, digits and _")
            check_name(name, placeholder, f"{path}.{name}")
            names.append(name)
    return names


_PROFILE_KEYS = {"weekday": "one per working day, Monday first", "hour": "one per hour of the working day"}


def _ticket_profile(data) -> TicketProfile:
    """``[tickets.profile]``: lists of relative rates, each >= 0, finite, at least one > 0.  Their
    lengths against the calendar are checked with the whole scenario."""
    table = require_table(data, "tickets.profile")
    require_text_keys(table, "tickets.profile")
    values = {}
    for key, value in table.items():
        if key not in _PROFILE_KEYS:
            raise unknown_key("tickets.profile", key, _PROFILE_KEYS)
        path = f"tickets.profile.{key}"
        if not isinstance(value, list) or not value:
            found = "an empty list" if isinstance(value, list) else show(value)
            raise ScenarioError(path, f"expected a list of relative rates >= 0 ({_PROFILE_KEYS[key]}), found {found}")
        rates = tuple(convert_scalar(float, v, f"{path}[{i}]") for i, v in enumerate(value))
        for i, rate in enumerate(rates):
            if rate < 0:
                raise ScenarioError(f"{path}[{i}]", f"found {rate:g}; allowed: a relative rate >= 0")
        if not any(rates):
            raise ScenarioError(path, "every value is 0; allowed: relative rates >= 0 with at least one > 0")
        values[key] = rates
    return TicketProfile(**values)


def _ticket_classes(data: dict) -> tuple[TicketClass, ...]:
    classes_data = require_table(data.get("classes", {}), "tickets.classes")
    names = _class_names(classes_data, DEFAULT_TICKET_CLASSES, "tickets.classes", "ticket_class")
    mix_given = "mix" in data
    mix = require_table(data["mix"], "tickets.mix") if mix_given else DEFAULT_TICKET_MIX
    for name, share in mix.items():
        if name not in names:
            raise unknown_key("tickets.mix", name, names)
        share = convert_scalar(float, share, f"tickets.mix.{name}")
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


def projects_section(data) -> Projects:
    """The projects section: its scalars, its classes (merged with the default classes) and the
    scheduled projects."""
    data = require_table(data, "projects")
    scalars = {k: v for k, v in data.items() if k not in ("classes", "scheduled")}
    for old, new in _RENAMED_PROJECT_KEYS.items():
        if old in scalars:
            raise ScenarioError(f"projects.{old}", f"no longer a key: {new}")
    projects = _build_naming(Projects, scalars, "projects", (*public_names(Projects), "classes", "scheduled"))
    classes_data = require_table(data.get("classes", {}), "projects.classes")
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
        entry = dict(require_table(entry, path))
        if "class" in entry:
            if not isinstance(entry["class"], str):
                raise ScenarioError(f"{path}.class", f"expected a class name, found {show(entry['class'])}")
            entry["project_class"] = entry.pop("class")
        project = _build_naming(ScheduledProject, entry, path, ("week", "class", "effort_hours", "team_size"))
        if project.project_class not in names:
            raise ScenarioError(f"{path}.class", f"found {project.project_class!r}; allowed: one of {', '.join(names)}")
        scheduled.append(project)
    if len(scheduled) > 1000:
        raise ScenarioError("projects.scheduled", f"{len(scheduled)} scheduled projects; allowed: at most 1,000")
    return replace(projects, classes=tuple(classes), scheduled=tuple(scheduled))


_ROLE_KEYS = ("headcount", "duties", "reports_to", *ROLE_SETTINGS)


_ROLE_LIMITS = {
    "hours_per_week": 168.0,
    "exception_factor": 100.0,
    "context_switch_hours": 1000.0,
    "overtime_hours_per_week": 128.0,
    "overtime_premium": 10.0,
}


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
        values["headcount"] = convert_headcount(table["headcount"], f"{path}.headcount")
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
        values["reports_to"] = convert_scalar(str, table["reports_to"], f"{path}.reports_to")
    for key in ROLE_SETTINGS:
        if key not in table:
            continue
        if key in ROLE_FLAGS:
            values[key] = convert_scalar(bool, table[key], f"{path}.{key}")
            continue
        if key in ROLE_TABLES:
            values[key] = family_table(key, table[key], f"{path}.{key}")
            continue
        number = convert_scalar(float, table[key], f"{path}.{key}")
        if not 0 <= number <= _ROLE_LIMITS.get(key, 1e6):
            raise ScenarioError(
                f"{path}.{key}", f"found {number:g}; allowed: a number from 0 to {_ROLE_LIMITS.get(key, 1e6):g}"
            )
        values[key] = number
    return RoleChange(name, **values)


def role_changes(data: dict, structure: str, employees: int) -> tuple[RoleChange, ...]:
    roles_data = require_table(data.get("roles", {}), "roles")
    if structure == "custom" and not roles_data:
        raise ScenarioError("roles", "org.structure is 'custom' but no role is defined; add [roles.NAME] tables")
    preset = {r.name for r in resolve_roles(structure, employees, ())}  # every culture has the same roles
    changes = []
    for name, table in roles_data.items():
        path = f"roles.{name}"
        if not NAME_RE.fullmatch(str(name)):
            raise ScenarioError(path, "a role name is lower-case letters, digits and _")
        check_name(name, "role", path)
        table = require_table(table, path)
        changes.append(_role_change(name, table, path, name in preset))
    return tuple(changes)
