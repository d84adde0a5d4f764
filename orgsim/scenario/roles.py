"""Roles, structure presets, how many people each role has, and who reports to whom.

A *role* is a position holding duties (see :mod:`orgsim.duties`) in priority order.  The
structure presets (combined, separate, pmo, embedded, no_pm) decide who coordinates projects
and reports their status, and the organisation's culture decides where project work ranks
among operations; this module is the only place that knows them.  A scenario keeps the
preset's name and the changes its file makes to single roles (:class:`RoleChange`); the
roles themselves are resolved from those, so changing ``org.structure`` or
``org.employees`` always gives the preset of the new value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..duties import DUTIES

__all__ = [
    "STRUCTURES",
    "CULTURES",
    "Headcount",
    "Role",
    "RoleChange",
    "Person",
    "ROLE_SETTINGS",
    "ROLE_FLAGS",
    "preset_roles",
    "resolve_roles",
    "resolve_headcounts",
    "staff",
]

STRUCTURES: tuple[str, ...] = ("combined", "separate", "pmo", "embedded", "no_pm", "custom")
CULTURES: tuple[str, ...] = ("operations_first", "projects_first")


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
    work a week (part-time roles), and, for coordinators, what they bring to a project."""

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

    def to_data(self) -> dict:
        out = {"headcount": self.headcount.to_data(), "duties": list(self.duties)}
        for key in ROLE_SETTINGS:
            out[key] = getattr(self, key)
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
)
ROLE_FLAGS = ("protects_team", "single_point_of_handoff")


_SD_ROUTINE = 24.0  # hours per analyst per week: calibrated so ~70 users per analyst keep the desk busy (estimate)
_ENGINEER_ROUTINE = 10.0  # hours per engineer per week: with level-2 tickets, operations ~70% of engineers' time
_MANAGER_ROUTINE = 4.0  # a small firm's hands-on IT manager (no service desk): hours per week (estimate)
_PM_EXCEPTIONS = 0.7  # a project manager's planning: 30% fewer exceptions than an IT manager's (estimate)
_SENIOR_EXCEPTIONS = 1.3  # a senior engineer coordinating without planning duties: 30% more (estimate)
_EMBEDDED_LATENCY = 8.0  # an embedded PM's escalation crosses a line of management: a working day (estimate)

# Role field reference: path, unit, meaning, default, source.
ROLE_FIELDS = (
    (
        "headcount",
        "people",
        "a whole number, or {per_employees = N, minimum = M} (one per N employees, rounded down), "
        "or {per_reports = N, minimum = M} (one per N direct reports, rounded up; with min_reports = K nobody "
        "until there would be K reports)",
        "see presets",
        "see presets",
    ),
    (
        "duties",
        "list",
        "duties held, highest priority first; one of " + ", ".join(DUTIES),
        "see presets",
        "the structure presets below",
    ),
    (
        "reports_to",
        "role name",
        "the role this one reports to (its people get 1:1s and appraisals from it)",
        "see presets",
        "model convention",
    ),
    (
        "hourly_cost",
        "currency per hour",
        "fully loaded staff cost",
        "service desk 40, engineer 60, senior engineer 60 (one of the engineers), project manager 70, IT manager 85,"
        " PMO lead 90, head of IT 110",
        "estimate",
    ),
    (
        "context_switch_hours",
        "hours",
        "setup time paid on changing duty family (operations, project, management) and on resuming interrupted work",
        "0.25",
        "resuming after an interruption ~23 min (Mark, Gonzalez & Harris, "
        "CHI 2005); ~17% effort lost at 2+ projects (Tregubov et al., ICSSP 2017); 15 min an estimate in between",
    ),
    (
        "routine_hours_per_week",
        "hours per person per week",
        "planned keep-the-lights-on work (patching, monitoring, backups, accounts, onboarding, deskside work) each "
        "person of a role holding ops_routine gets, issued daily in equal parts",
        f"service desk {_SD_ROUTINE:g}, engineer {_ENGINEER_ROUTINE:g}, senior engineer {_ENGINEER_ROUTINE:g}, "
        f"IT manager {_MANAGER_ROUTINE:g} below 70 employees (hands-on), else 0",
        "estimate, calibrated with tickets so that operations take ~70% of IT effort (Gartner run/grow/transform;"
        " at least the SRE cap of 50%, Beyer et al. 2016) and a service desk of ~70 users per analyst (Gartner)"
        " is busy as staffed",
    ),
    (
        "hours_per_week",
        "hours per person per week",
        "working hours of each person of the role; 0 = the calendar's full week.  A part-time person works the"
        " first hours of each working week and is away for the rest (a PM two days a week: 16)",
        "0 (full time)",
        "model convention",
    ),
    (
        "exception_factor",
        "factor",
        "planning quality of a coordinator: multiplies projects.exception_probability for the projects they"
        " coordinate (lower = fewer exceptions to decide, less rework)",
        f"project manager {_PM_EXCEPTIONS:g}, IT manager 1, senior engineer {_SENIOR_EXCEPTIONS:g}",
        "estimate: a trained, dedicated planner foresees more of what goes wrong than a manager whose attention"
        " is on operations, who in turn foresees more than an engineer without planning duties",
    ),
    (
        "protects_team",
        "true/false",
        "a coordinator who keeps a project's team stable: their projects start with engineers on fewer than"
        " projects.protected_projects_per_engineer projects, wait for such engineers rather than spread busy ones,"
        " and take on more as they come free, up to the planned team",
        "project manager true, others false",
        "estimate (a PM's resource planning); multitasking losses: Weinberg 1992, Tregubov et al. 2017",
    ),
    (
        "single_point_of_handoff",
        "true/false",
        "a coordinator through whom every hand-off goes; without one, each work package also costs its engineer"
        " projects.handoff_hours for every other member of the team (they agree the hand-off among themselves)",
        "project manager true, others false",
        "estimate; communication paths grow with team size (Brooks, The Mythical Man-Month, 1975)",
    ),
    (
        "escalation_latency_hours",
        "working hours",
        "extra delay before a decision this role escalates reaches the IT manager (reporting across lines)",
        f"embedded project manager {_EMBEDDED_LATENCY:g}, others 0",
        "estimate: an embedded PM reports outside IT, so a decision crosses a line of management",
    ),
)

_SERVICE_DESK_PER_EMPLOYEES = 70  # Gartner: ~70 users per level-1 analyst
_ENGINEERS_PER_EMPLOYEES = 40  # Mercer/ITAA: IT staff 1:18-1:25 of employees, of which engineers ~ half to two thirds
_PROJECTS_PER_COORDINATOR = 3  # 2-5 concurrent projects per PM (practitioner surveys)
_SPAN_OF_CONTROL = 8  # Namely, Deloitte: ~9 direct reports, 5-10 in tech
_HEADS_SPAN = 12  # a head of IT leads up to 12 IT managers (estimate)


SOURCES_OF_PRESETS = (
    "service desk ~70 users per level-1 analyst (Gartner); engineers 1 per 40 employees, so that all IT staff "
    "come to about 1:18-1:25 (Mercer/ITAA 2003); IT managers 1 per 8 reports (span of control ~9, 5-10 in "
    "tech: Namely, Deloitte); project managers and senior engineers one per 3 projects expected to run at "
    "once (2-5 per PM, practitioner surveys), at least one; a head of IT once there are two IT managers (up to "
    "12 each, estimate); hourly costs are estimates"
)


def service_desk_headcount(employees: int) -> int:
    return employees // _SERVICE_DESK_PER_EMPLOYEES


def preset_roles(structure: str, employees: int, culture: str = "operations_first") -> dict[str, Role]:
    """The role layout of ``structure`` (combined, separate, pmo, embedded, no_pm) in ``culture``.

    ``operations_first`` ranks the IT manager's operational and admin work above project
    coordination and status reporting, and the engineers' routine operations above project
    work; ``projects_first`` the reverse (major incidents come first in both: they preempt).
    A small firm has no service desk (fewer than 70 employees): its engineers then take
    level 1 first, so that no duty is left unheld, and its IT manager is hands-on, taking
    level-2 tickets when nothing of their own waits.
    """
    projects_first = culture == "projects_first"
    tickets = ("ticket_l2",) if service_desk_headcount(employees) else ("ticket_l1", "ticket_l2")
    if projects_first:
        engineer_duties = (*tickets, "project_work", "ops_routine")
    else:
        engineer_duties = (*tickets, "ops_routine", "project_work")
    roles = {
        "service_desk": Role(
            "service_desk",
            Headcount(per_employees=_SERVICE_DESK_PER_EMPLOYEES, minimum=0),
            ("ticket_l1", "ops_routine"),
            "it_manager",
            40.0,
            routine_hours_per_week=_SD_ROUTINE,
        ),
        "engineer": Role(
            "engineer",
            Headcount(per_employees=_ENGINEERS_PER_EMPLOYEES, minimum=1),
            engineer_duties,
            "it_manager",
            60.0,
            routine_hours_per_week=_ENGINEER_ROUTINE,
        ),
    }
    coordination = ("project_coordination", "status_reporting")
    operations = ["approval", "escalation", "people_management", "admin"]
    hands_on = 0.0
    helping = ()
    if service_desk_headcount(employees) == 0:
        # a small firm's IT manager is hands-on: some routine operations of their own, and level-2
        # tickets when nothing else waits (span of control 3-5 when the manager also does hands-on
        # work: Namely, Deloitte)
        operations.append("ops_routine")
        helping = ("ticket_l2",)
        hands_on = _MANAGER_ROUTINE
    if structure != "combined":
        it_duties = ("major_incident", *operations, *helping)
    elif projects_first:
        it_duties = ("major_incident", *coordination, *operations, *helping)
    else:
        it_duties = ("major_incident", *operations, *coordination, *helping)
    roles["it_manager"] = Role(
        "it_manager",
        Headcount(per_reports=_SPAN_OF_CONTROL, minimum=1),
        it_duties,
        "head_of_it",
        85.0,
        routine_hours_per_week=hands_on,
    )
    roles["head_of_it"] = Role(
        "head_of_it",
        Headcount(per_reports=_HEADS_SPAN, minimum=0, min_reports=2),
        ("escalation", "people_management", "admin"),
        None,
        110.0,
    )
    coordinators = Headcount(per_concurrent_projects=_PROJECTS_PER_COORDINATOR, minimum=1)
    pm = Role(
        "project_manager",
        coordinators,
        coordination,
        "it_manager",
        70.0,
        exception_factor=_PM_EXCEPTIONS,
        protects_team=True,
        single_point_of_handoff=True,
    )
    if structure == "separate":
        roles["project_manager"] = pm
    elif structure == "pmo":
        roles["project_manager"] = replace(pm, reports_to="pmo_lead")
        roles["pmo_lead"] = Role(
            "pmo_lead", Headcount(fixed=1), ("portfolio_management", "people_management"), "it_manager", 90.0
        )
    elif structure == "embedded":
        # PMs in the business units: no 1:1s with the IT manager, escalations cross a line
        roles["project_manager"] = replace(pm, reports_to=None, escalation_latency_hours=_EMBEDDED_LATENCY)
    elif structure == "no_pm":
        # one of the engineers coordinates projects without a PM title: no extra person, same pay
        ordered = (
            (*coordination, "project_work", "ops_routine")
            if projects_first
            else (
                "ops_routine",
                *coordination,
                "project_work",
            )
        )
        roles["senior_engineer"] = Role(
            "senior_engineer",
            Headcount(per_concurrent_projects=_PROJECTS_PER_COORDINATOR, minimum=1, taken_from="engineer"),
            (*tickets, *ordered),
            "it_manager",
            60.0,
            routine_hours_per_week=_ENGINEER_ROUTINE,
            exception_factor=_SENIOR_EXCEPTIONS,
        )
    return roles


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
                out[key] = getattr(self, key)
        return out


def resolve_roles(
    structure: str, employees: int, changes: tuple[RoleChange, ...], culture: str = "operations_first"
) -> tuple[Role, ...]:
    """The roles of a scenario: the structure's preset at this size and culture, with the changes made."""
    roles = {} if structure == "custom" else preset_roles(structure, employees, culture)
    for change in changes:
        roles[change.name] = change.apply(roles.get(change.name))
    return tuple(roles.values())


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
