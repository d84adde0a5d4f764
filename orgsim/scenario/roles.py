"""Roles: what a role is, how many people it has, who reports to whom, and the staff.

A *role* is a position holding duties (see :mod:`orgsim.duties`) in priority order, with a
headcount rule (:class:`Headcount`), a reporting line and what its people cost and bring.  The
structure presets that lay the roles out are rows of :mod:`~orgsim.scenario.presets`; the
organisation's culture (:data:`CULTURES`) decides where project work ranks among operations
there.  A scenario keeps the preset's name and the changes its file makes to single roles
(:class:`RoleChange`); the roles themselves are resolved from those, so changing
``org.structure`` or ``org.employees`` always gives the preset of the new value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..duties import FAMILIES
from .checks import ScenarioError, show

__all__ = [
    "CULTURES",
    "Headcount",
    "Role",
    "RoleChange",
    "Person",
    "ROLE_SETTINGS",
    "ROLE_FLAGS",
    "ROLE_TABLES",
    "family_table",
    "resolve_headcounts",
    "staff",
]

CULTURES: tuple[str, ...] = ("operations_first", "projects_first", "balanced")


@dataclass(frozen=True)
class Headcount:
    """How many people a role has: ``fixed``, or one per ``per_employees`` employees
    (rounded down), or one per ``per_reports`` direct reports (rounded up: a span of
    control is a limit), or one per ``per_concurrent_projects`` projects expected to run at
    once (rounded up: sized by the project load); never fewer than ``minimum``.  With ``min_reports``, a role sized by
    its reports has nobody until it would have at least that many (a head of IT exists once
    there are two IT managers to lead).  With ``taken_from``, the role's people are counted out
    of another role's (a senior engineer who coordinates projects is one of the engineers: same
    headcount, same cost), and it has at most as many as that role had."""

    fixed: int | None = None
    per_employees: float | None = None
    per_reports: float | None = None
    per_concurrent_projects: float | None = None
    minimum: int = 0
    min_reports: int = 0
    taken_from: str | None = None

    def to_data(self):
        if self.fixed is not None:
            return self.fixed
        out = {"minimum": self.minimum}
        if self.per_employees is not None:
            out["per_employees"] = self.per_employees
        if self.per_reports is not None:
            out["per_reports"] = self.per_reports
        if self.per_concurrent_projects is not None:
            out["per_concurrent_projects"] = self.per_concurrent_projects
        if self.min_reports:
            out["min_reports"] = self.min_reports
        if self.taken_from:
            out["taken_from"] = self.taken_from
        return out


@dataclass(frozen=True)
class Role:
    """A position: headcount, duties in priority order (first = served first), reporting
    line, hourly cost, the setup time its people pay on switching duty family, the hours they
    work a week (part-time roles), and, for coordinators, what they bring to a project.

    How its people spend an overloaded week (each off by default, see :mod:`orgsim.dispatch`):
    ``protect`` ((family, share of the week) pairs: protected time), ``max_wait_hours``
    ((family, hours) pairs: ageing), ``overtime_hours_per_week`` (longer weeks, at most this
    many hours beyond the contract, on days their own waiting work is above
    ``overtime_threshold_hours``, paid at ``overtime_premium`` times the hourly cost)."""

    name: str
    headcount: Headcount = field(default_factory=lambda: Headcount(fixed=1))
    duties: tuple[str, ...] = ()
    reports_to: str | None = None
    hourly_cost: float = 60.0
    context_switch_hours: float = 0.25
    routine_hours_per_week: float = 0.0
    hours_per_week: float = 0.0  # 0 = the calendar's full week
    exception_factor: float = 1.0
    protects_team: bool = False
    single_point_of_handoff: bool = False
    escalation_latency_hours: float = 0.0
    protect: tuple[tuple[str, float], ...] = ()
    max_wait_hours: tuple[tuple[str, float], ...] = ()
    overtime_hours_per_week: float = 0.0
    overtime_threshold_hours: float = 8.0
    overtime_premium: float = 1.0

    def to_data(self) -> dict:
        out = {"headcount": self.headcount.to_data(), "duties": list(self.duties)}
        for key in ROLE_SETTINGS:
            out[key] = _setting_data(key, getattr(self, key))
        out["reports_to"] = self.reports_to or ""  # "" = reports to nobody (TOML has no null)
        return out


# the role fields a file may set beside headcount, duties and reports_to (numbers, and the flags in ROLE_FLAGS)
ROLE_SETTINGS = (
    "hourly_cost",
    "context_switch_hours",
    "routine_hours_per_week",
    "hours_per_week",
    "exception_factor",
    "protects_team",
    "single_point_of_handoff",
    "escalation_latency_hours",
    "protect",
    "max_wait_hours",
    "overtime_hours_per_week",
    "overtime_threshold_hours",
    "overtime_premium",
)
ROLE_FLAGS = ("protects_team", "single_point_of_handoff")
ROLE_TABLES = ("protect", "max_wait_hours")  # tables family -> number (max_wait_hours: or one number)


def _setting_data(key: str, value):
    """A role setting as a scenario file writes it: the family tables as tables."""
    return dict(value) if key in ROLE_TABLES else value


def family_table(key: str, value, path: str) -> tuple[tuple[str, float], ...]:
    """``protect`` or ``max_wait_hours`` from the file: a table family -> number (or, for
    ``max_wait_hours``, one number for every family), as (family, value) pairs in family
    order; a value of 0 leaves its family out (off).  Raises a one-line ScenarioError."""
    if key == "max_wait_hours" and isinstance(value, int | float) and not isinstance(value, bool):
        value = dict.fromkeys(FAMILIES, value)
    if not isinstance(value, dict):
        wanted = "a number or a table" if key == "max_wait_hours" else "a table"
        raise ScenarioError(path, f"expected {wanted} family -> number, e.g. {{ project = 0.2 }}, found {show(value)}")
    pairs = []
    for family, number in value.items():
        if family not in FAMILIES:
            raise ScenarioError(f"{path}.{family}", f"unknown duty family; allowed: {', '.join(FAMILIES)}")
        high = 1.0 if key == "protect" else 1e6
        if isinstance(number, bool) or not isinstance(number, int | float) or not 0 <= number <= high:
            raise ScenarioError(f"{path}.{family}", f"found {show(number)}; allowed: a number from 0 to {high:g}")
    total = sum(value.values())
    if key == "protect" and total > 1 + 1e-9:
        raise ScenarioError(path, f"the shares add up to {total:g}; allowed: at most 1 (the whole week)")
    for family in FAMILIES:
        if value.get(family, 0):
            pairs.append((family, float(value[family])))
    return tuple(pairs)


def resolve_headcounts(
    roles: tuple[Role, ...], employees: int, concurrent_projects: float = 0.0, fractional: bool = False
) -> dict[str, float]:
    """People per role.  Roles sized by their reports are resolved after those reports;
    ``concurrent_projects`` is the number of projects expected to run at once.

    Whole people by default: the rules round (down per employees, up per reports and per
    project load), so a role's headcount steps.  ``fractional``: every rule gives its exact
    load in full-time equivalents (2.4 project managers), so nothing steps; the people are
    then whole people plus one part-timer (see :func:`staff`)."""
    counts: dict[str, float] = {}
    pending = list(roles)

    def whole(value, rounding, slack=0.0):
        return value if fractional else rounding(value - slack)

    while pending:
        progressed = False
        for role in list(pending):
            spec = role.headcount
            if spec.taken_from is not None and spec.taken_from not in counts:
                continue
            if spec.per_reports is None:
                if spec.fixed is not None:
                    counts[role.name] = spec.fixed
                elif spec.per_concurrent_projects is not None:
                    load = whole(concurrent_projects / spec.per_concurrent_projects, math.ceil, 1e-9)
                    counts[role.name] = max(spec.minimum, load)
                else:
                    counts[role.name] = max(spec.minimum, whole(employees / spec.per_employees, math.floor))
            else:
                reporting = [r for r in roles if r.reports_to == role.name]
                if any(r.name not in counts for r in reporting):
                    continue
                reports = sum(counts[r.name] for r in reporting)
                if reports < spec.min_reports - 1e-9:
                    counts[role.name] = 0
                else:
                    counts[role.name] = max(spec.minimum, whole(reports / spec.per_reports, math.ceil))
            if spec.taken_from is not None:
                counts[role.name] = min(counts[role.name], counts[spec.taken_from])
                counts[spec.taken_from] -= counts[role.name]
            pending.remove(role)
            progressed = True
        if not progressed:
            names = ", ".join(r.name for r in pending)
            raise ValueError(f"headcounts of {names} depend on each other through per_reports; fix one of them")
    if not fractional:
        return {name: int(round(count)) for name, count in counts.items()}
    return {name: round(count, 9) for name, count in counts.items()}


@dataclass(frozen=True)
class RoleChange:
    """A ``[roles.NAME]`` table as the scenario gives it: every field left as None comes
    from the structure preset (a role not in the preset gives headcount and duties)."""

    name: str
    headcount: Headcount | None = None
    duties: tuple[str, ...] | None = None
    reports_to: str | None = None  # "" = reports to nobody
    hourly_cost: float | None = None
    context_switch_hours: float | None = None
    routine_hours_per_week: float | None = None
    hours_per_week: float | None = None
    exception_factor: float | None = None
    protects_team: bool | None = None
    single_point_of_handoff: bool | None = None
    escalation_latency_hours: float | None = None
    protect: tuple[tuple[str, float], ...] | None = None
    max_wait_hours: tuple[tuple[str, float], ...] | None = None
    overtime_hours_per_week: float | None = None
    overtime_threshold_hours: float | None = None
    overtime_premium: float | None = None

    def apply(self, base: Role | None) -> Role:
        """The preset role ``base`` (or a new role) with this change made."""
        role = base if base is not None else Role(self.name)
        values = {
            key: getattr(self, key) for key in ("headcount", "duties", *ROLE_SETTINGS) if getattr(self, key) is not None
        }
        if self.reports_to is not None:
            values["reports_to"] = self.reports_to or None
        return replace(role, **values)

    def to_data(self) -> dict:
        out = {}
        if self.headcount is not None:
            out["headcount"] = self.headcount.to_data()
        if self.duties is not None:
            out["duties"] = list(self.duties)
        for key in ("reports_to", *ROLE_SETTINGS):
            if getattr(self, key) is not None:
                out[key] = _setting_data(key, getattr(self, key))
        return out


@dataclass
class Person:
    """One member of staff as the model sees them: role, index, direct reports, and the
    hours they work a week."""

    role: Role
    index: int
    reports: list[Person] = field(default_factory=list)
    manager: Person | None = None
    hours_per_week: float = 40.0
    availability: float = 1.0  # share of the calendar's week they work

    @property
    def label(self) -> str:
        return f"{self.role.name}#{self.index + 1}"


def staff(roles: tuple[Role, ...], counts: dict[str, float], full_week: float = 40.0) -> list[Person]:
    """Everyone in the organisation, with reporting lines.

    A role with a fractional headcount (2.4) has whole people and one part-timer (0.4 of the
    role's week); ``role.hours_per_week`` makes every person of a role part-time.  Reports are
    spread over the people of the role they report to in proportion to their hours (round-robin
    when all work the same hours)."""
    people_by_role: dict[str, list[Person]] = {}
    for role in roles:
        count = counts[role.name]
        week = min(role.hours_per_week or full_week, full_week)
        people = []
        whole = int(math.floor(count + 1e-9))
        shares = [1.0] * whole
        if count - whole > 1e-9:
            shares.append(count - whole)
        for i, share in enumerate(shares):
            hours = week * share
            people.append(Person(role, i, hours_per_week=hours, availability=hours / full_week))
        people_by_role[role.name] = people
    for role in roles:
        bosses = people_by_role.get(role.reports_to or "", [])
        if not bosses:
            continue
        for person in people_by_role[role.name]:
            boss = min(bosses, key=lambda b: (len(b.reports) + 1) / b.availability)
            person.manager = boss
            boss.reports.append(person)
    return [p for r in roles for p in people_by_role[r.name]]
