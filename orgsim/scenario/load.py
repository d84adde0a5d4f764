"""The scenario, and the one path every input takes into it.

A TOML file, a Python dict, ``--set path=value`` on the command line and
:meth:`Scenario.with_changes` all go through :func:`scenario_from_dict`, in named stages:
**read** the data (TOML, here; a shipped scenario by its name) → **fill defaults and
convert** each section (:func:`~orgsim.scenario.convert.build_section`; tickets, projects and
roles in :mod:`~orgsim.scenario.sections`) → **check** the whole
(:func:`~orgsim.scenario.checks.check_scenario`) → a frozen :class:`Scenario`.  Dotted paths
(``--set``) are set in the data by :mod:`~orgsim.scenario.paths`.

The frozen tree is the single source of truth: :meth:`Scenario.get` reads a dotted path from
it, :meth:`Scenario.with_changes` writes one, both from the tree alone, so a scenario changed
with :func:`dataclasses.replace` keeps that change.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ..distributions import Distribution
from ..wording import format_number
from .checks import ScenarioError, check_scenario, unknown_key
from .convert import build_section, convert_scalar, require_table, require_text_keys
from .paths import TOP_KEYS, parse_assignment, set_path
from .presets import resolve_roles
from .roles import Role, RoleChange, resolve_headcounts
from .schema import (
    SECTIONS,
    Calendar,
    Dispatch,
    Management,
    Org,
    Projects,
    Simulation,
    Tickets,
)
from .sections import projects_section, role_changes, tickets_section

__all__ = [
    "Scenario",
    "load_scenario",
    "shipped_folder",
    "shipped_scenarios",
    "scenario_from_dict",
    "scenario_from_toml",
    "parse_assignment",
    "build_section",
    "scenario_summary",
]


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
        org = self.org
        return resolve_roles(org.structure, org.employees, self.role_changes, org.culture, org.span_of_control)

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
    data = require_table(data, "")
    require_text_keys(data, "")
    for key in data:
        if key not in TOP_KEYS:
            raise unknown_key("", key, TOP_KEYS)
    name = convert_scalar(str, data.get("name", "scenario"), "name")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name or len(name) > 100:
        raise ScenarioError(
            "name", f"found {name!r}; allowed: letters, digits, '-', '_' and '.', no path separators or '..'"
        )
    description = convert_scalar(str, data.get("description", ""), "description")
    sections = {}
    for key, cls in SECTIONS.items():
        if key not in ("tickets", "projects"):
            sections[key] = build_section(cls, data.get(key, {}), key)
    sections["tickets"] = tickets_section(data.get("tickets", {}))
    sections["projects"] = projects_section(data.get("projects", {}))
    changes = role_changes(data, sections["org"].structure, sections["org"].employees)
    scenario = Scenario(name=name, description=description, role_changes=changes, **sections)
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


def scenario_summary(label: str, scenario) -> str:
    """What ``validate`` says of a valid scenario: its size, staff and run length."""
    counts = scenario.headcounts()
    staff = ", ".join(f"{format_number(count)} {role}" for role, count in counts.items() if count)
    sim = scenario.simulation
    return (
        f"{label}: valid: '{scenario.name}', {scenario.org.employees:,} employees, structure "
        f"{scenario.org.structure}, {format_number(sum(counts.values()))} staff ({staff}); "
        f"{sim.replications} replications of "
        f"{sim.horizon_weeks:g} weeks (warm-up {sim.warmup_weeks:g}), seed {sim.seed}"
    )
