"""The structure presets: one table, :data:`PRESETS`, with a row per preset.

A preset is a role layout for ``org.structure``: who coordinates projects and reports their
status, and which roles the organisation has beside its service desk, engineers, IT managers
and head of IT.  Everything that lists the presets derives from the rows: the choices of
``org.structure`` (:data:`STRUCTURES`), the reference documentation
(:mod:`~orgsim.scenario.reference`), the colour each preset has in every plot
(:func:`preset_colour`) and the structures the study runs unless told
(:data:`STUDY_STRUCTURES`).  A new preset is one row here (with the function giving its
roles) and appears in all of them.

The numbers the preset roles carry (headcount rules, routine hours, planning quality) are
here too, with the role-field reference whose defaults they are (:data:`ROLE_FIELDS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..duties import DUTIES, DUTY_FAMILY, FAMILIES
from .roles import Headcount, Role, RoleChange

__all__ = [
    "Preset",
    "PRESETS",
    "PRESET_NAMES",
    "CUSTOM",
    "STRUCTURES",
    "STUDY_STRUCTURES",
    "EQUAL_COST_STRUCTURES",
    "OTHER_COLOUR",
    "preset",
    "preset_colour",
    "ROLE_FIELDS",
    "SOURCES_OF_PRESETS",
    "preset_roles",
    "resolve_roles",
    "service_desk_headcount",
]

_SD_ROUTINE = 24.0  # hours per analyst per week: calibrated so ~70 users per analyst keep the desk busy (estimate)
_ENGINEER_ROUTINE = 10.0  # hours per engineer per week: with level-2 tickets, operations ~70% of engineers' time
_MANAGER_ROUTINE = 4.0  # a small firm's hands-on IT manager (no service desk): hours per week (estimate)
_PM_EXCEPTIONS = 0.7  # a project manager's planning: 30% fewer exceptions than an IT manager's (estimate)
_SENIOR_EXCEPTIONS = 1.3  # a senior engineer coordinating without planning duties: 30% more (estimate)
_EMBEDDED_LATENCY = 8.0  # an embedded PM's escalation crosses a line of management: a working day (estimate)
_PM_COST = 70.0  # a project manager's hourly cost; the equal-cost alternatives are paid the same (estimate)
# the 'balanced' culture: the IT manager protects this share of the week for project work
_CIO_PROJECT_SHARE = 0.39  # CIOs' time planning and delivering projects: 39% (Deloitte poll of 55 CIOs)
# IT managers' longer weeks: CMI's 1 h 18 min a day (~6.5 h a week) is the *average* of 83% who regularly
# work late, so it is not the cap: the cap is a 56 h week (TechRepublic: over a third of 975 IT managers work
# more than 56 h), and the threshold of waiting work that keeps a person late is two hours (estimate: a
# loaded IT manager, ~85% busy, then averages ~4-5 h a week of overtime, near CMI's 6.5 h)
_MANAGER_OVERTIME = 16.0
_OVERTIME_THRESHOLD = 2.0
_COORDINATOR_MAX_WAIT = 40.0  # ageing: a coordinator takes up what has waited a working week (estimate)
# ageing of the engineers' operations under projects_first: a ticket or a routine check (patches,
# backups) that has waited a working week is done before more project work.  Without it,
# projects_first starves routine operations for ever: their queue grew at 100 and 800-1,600
# employees (estimate).  Under operations_first, operations already rank first: no ageing.
_ENGINEER_OPERATIONS_MAX_WAIT = 40.0
# how the coordinating roles (the IT manager, project managers, a senior engineer who coordinates)
# spend an overloaded week: ageing after a working week for every family, and longer weeks
_COORDINATOR_WEEK = {
    "max_wait_hours": tuple((family, _COORDINATOR_MAX_WAIT) for family in FAMILIES),
    "overtime_hours_per_week": _MANAGER_OVERTIME,
    "overtime_threshold_hours": _OVERTIME_THRESHOLD,
}

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
        "service desk 40, engineer 60, senior engineer 60 (one of the engineers), project manager 70, added engineer"
        " and deputy 70 (the PM's: equal cost), IT manager 85,"
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
        "protect",
        "table family -> share of the week",
        "protected time: while a family (operations, project, management) has work waiting for the person and"
        " has had less than its share of their worked hours over the past week, it ranks first after urgent work"
        " (preemptive items, major incidents); the shares add up to at most 1.  {} = none.  Recalibration: the"
        f" 'balanced' culture's IT manager, project = {_CIO_PROJECT_SHARE:g}",
        f"{{}}; the IT manager in culture 'balanced': {{ project = {_CIO_PROJECT_SHARE:g} }} (when it coordinates"
        " projects)",
        "CIOs spend 39% of their time planning and delivering projects (Deloitte poll of 55 CIOs, Information Age);"
        " agreed protected time is kept once agreed (Perlow, ASQ 1999)",
    ),
    (
        "max_wait_hours",
        "working hours, or table family -> working hours",
        "ageing: work of a family that has waited longer than this rises above the lower-ranked families, with"
        " protected work, so that no item waits forever while its owner works on lower-ranked work; one number"
        " for every family or a table per family; 0 = off",
        f"IT manager, project manager, senior engineer (the coordinating roles) {_COORDINATOR_MAX_WAIT:g} for"
        f" every family (a working week); engineers under projects_first {_ENGINEER_OPERATIONS_MAX_WAIT:g} for"
        " operations (a ticket or a routine check that has waited a week comes before more project work);"
        " others 0 (off)",
        "estimate: a manager at 100% triages and takes up what has waited a week (practice: what people do at"
        " 100%); without the engineers' ageing, projects_first lets routine operations wait for ever",
    ),
    (
        "overtime_hours_per_week",
        "hours per person per week",
        "longer weeks: at most this many hours a week beyond the contract, worked at the end of a day on which"
        " the person's own waiting work is above overtime_threshold_hours (the week's allowance left spread"
        " over its days left); 0 = off",
        f"IT manager, project manager, senior engineer (the coordinating roles) {_MANAGER_OVERTIME:g}, others 0 (off)",
        "a 56 h week at most: over a third of IT managers work more than 56 h (TechRepublic, 975 IT managers);"
        " the average is lower: 1 h 18 min a day, ~6.5 h a week, 83% regularly (Chartered Management Institute,"
        " 170 IT managers); IT staff average 52 h a week (Spiceworks 2015)",
    ),
    (
        "overtime_threshold_hours",
        "hours",
        "own waiting work (their own queues, work in hand and set aside, an equal share of the shared queues"
        " they hold) above which a person works longer that day",
        f"IT manager, project manager, senior engineer (the coordinating roles) {_OVERTIME_THRESHOLD:g}, others 8"
        " (a working day of waiting work)",
        "estimate: with a 2 h threshold a loaded IT manager (~85% busy) averages ~4-5 h of overtime a week, near"
        " CMI's average of ~6.5 h (Chartered Management Institute)",
    ),
    (
        "overtime_premium",
        "factor",
        "overtime is paid at this times the role's hourly cost (added to the staff cost)",
        "1 (straight time)",
        "estimate: IT managers are salaried and usually exempt from overtime pay (US FLSA executive exemption),"
        " so an hour late costs about an hour's pay; 1.5 for roles paid time and a half",
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


# ------------------------------------------------------------------ the roles each preset adds


_COORDINATION = ("project_coordination", "status_reporting")


def _project_manager() -> Role:
    """A project manager in IT: coordinates and reports status, plans well, keeps the team
    stable and takes every hand-off."""
    return Role(
        "project_manager",
        Headcount(per_concurrent_projects=_PROJECTS_PER_COORDINATOR, minimum=1),
        _COORDINATION,
        "it_manager",
        _PM_COST,
        exception_factor=_PM_EXCEPTIONS,
        protects_team=True,
        single_point_of_handoff=True,
        **_COORDINATOR_WEEK,
    )


def _engineer_duties(tickets: tuple[str, ...], projects_first: bool, routine: bool = True) -> tuple[str, ...]:
    """An engineer's duties in the culture: tickets first, then routine operations and project
    work in the culture's order (``routine``: with routine operations of their own)."""
    rest = ("project_work", "ops_routine") if projects_first else ("ops_routine", "project_work")
    return (*tickets, *(d for d in rest if routine or d != "ops_routine"))


def _equal_cost_headcount() -> Headcount:
    """The project managers' headcount rule: an equal-cost alternative has as many people as
    separate has project managers, at every size."""
    return Headcount(per_concurrent_projects=_PROJECTS_PER_COORDINATOR, minimum=1)


def _added_engineer_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    # combined plus the PM's money spent on one more engineer: as many as separate has PMs, paid
    # the PM's rate (a senior engineer), reporting to the IT manager like a PM (so the IT managers'
    # headcount steps as separate's); no routine operations of their own, so that the work asked
    # is the same as combined's: they add hands to tickets and project work
    return {
        "added_engineer": Role(
            "added_engineer",
            _equal_cost_headcount(),
            _engineer_duties(tickets, projects_first, routine=False),
            "it_manager",
            _PM_COST,
            max_wait_hours=(("operations", _ENGINEER_OPERATIONS_MAX_WAIT),),
        )
    }


# what the deputy takes off the IT manager, first: the interrupts and escalated tickets (shared with
# the IT manager, the business's questions in proportion to availability) and change approvals
_DEPUTY_DUTIES = ("escalation", "approval")


def _deputy_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    # combined plus the PM's money spent on a deputy (a working team lead): takes the IT manager's
    # interrupts, escalated tickets and change approvals, and works as an engineer when none wait.
    # Admin and people management stay with the IT manager: admin is per holder (a deputy holding
    # it would get 4 h a week of its own) and 1:1s follow the reporting lines, which a deputy would
    # change only by taking reports away, and with them IT managers (and their cost) (estimate)
    return {
        "deputy": Role(
            "deputy",
            _equal_cost_headcount(),
            (*_DEPUTY_DUTIES, *_engineer_duties(tickets, projects_first, routine=False)),
            "it_manager",
            _PM_COST,
            # ageing as a coordinator, but no longer weeks: with engineering work of its own waiting, a
            # deputy would work late most days (7 h a week at 400 employees), spending more than the
            # PM's money that the comparison is about
            max_wait_hours=_COORDINATOR_WEEK["max_wait_hours"],
        )
    }


def _no_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    return {}


def _separate_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    return {"project_manager": _project_manager()}


def _pmo_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    return {
        "project_manager": replace(_project_manager(), reports_to="pmo_lead"),
        "pmo_lead": Role(
            "pmo_lead", Headcount(fixed=1), ("portfolio_management", "people_management"), "it_manager", 90.0
        ),
    }


def _embedded_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    # PMs in the business units: no 1:1s with the IT manager, escalations cross a line
    return {"project_manager": replace(_project_manager(), reports_to=None, escalation_latency_hours=_EMBEDDED_LATENCY)}


def _no_pm_roles(tickets: tuple[str, ...], projects_first: bool) -> dict[str, Role]:
    # one of the engineers coordinates projects without a PM title: no extra person, same pay
    if projects_first:
        ordered = (*_COORDINATION, "project_work", "ops_routine")
    else:
        ordered = ("ops_routine", *_COORDINATION, "project_work")
    return {
        "senior_engineer": Role(
            "senior_engineer",
            Headcount(per_concurrent_projects=_PROJECTS_PER_COORDINATOR, minimum=1, taken_from="engineer"),
            (*tickets, *ordered),
            "it_manager",
            60.0,
            routine_hours_per_week=_ENGINEER_ROUTINE,
            exception_factor=_SENIOR_EXCEPTIONS,
            **_COORDINATOR_WEEK,
        )
    }


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Preset:
    """One structure preset, a row of :data:`PRESETS`.

    ``coordinator`` is the role that coordinates projects (and reports their status);
    ``colour`` the preset's colour in every plot; ``in_study`` whether the study runs it
    at every size unless told which structures; ``extra_roles(tickets, projects_first)`` the
    roles it has beside the service desk, engineers, IT managers and head of IT every preset
    has (``tickets``: the ticket duties engineers hold, ``projects_first``: the culture).
    ``equal_cost``: combined plus separate's money spent otherwise (its extra role has the
    project managers' headcount rule, hourly cost and reporting line, so that its staff cost is
    separate's): the capacity the PM's cost buys, which the study and ``orgsim compare
    --equal-cost`` set beside combined and separate.
    """

    name: str
    description: str
    coordinator: str
    colour: str
    in_study: bool
    extra_roles: Callable[[tuple[str, ...], bool], dict[str, Role]] = field(repr=False, compare=False)
    equal_cost: bool = False

    @property
    def added_roles(self) -> tuple[str, ...]:
        """The roles this preset adds beside those every preset has (a PM, a deputy ...)."""
        return tuple(self.extra_roles(("ticket_l2",), False))


# in this order everywhere: the choices of org.structure, the reference, legends and colours
PRESETS: tuple[Preset, ...] = (
    Preset(
        "combined",
        "the IT manager coordinates projects and reports their status beside running operations",
        "it_manager",
        "#3182bd",
        True,
        _no_roles,
    ),
    Preset(
        "separate",
        "project managers in IT coordinate projects and report to the IT manager",
        "project_manager",
        "#e6550d",
        True,
        _separate_roles,
    ),
    Preset(
        "pmo",
        "project managers report to a PMO lead, who takes in, limits and orders the project portfolio",
        "project_manager",
        "#31a354",
        True,
        _pmo_roles,
    ),
    Preset(
        "embedded",
        "project managers in the business units: no 1:1s with the IT manager, and their escalations cross a line"
        " of management",
        "project_manager",
        "#756bb1",
        False,
        _embedded_roles,
    ),
    Preset(
        "no_pm",
        "a senior engineer, one of the engineers, coordinates projects beside their own work: no extra person",
        "senior_engineer",
        "#636363",
        True,
        _no_pm_roles,
    ),
    Preset(
        "combined_engineer",
        "combined, plus the project managers' cost spent on engineers: as many more engineers as separate has"
        f" project managers, paid the PM's {_PM_COST:g} an hour and reporting to the IT manager (equal cost,"
        " estimate); the IT manager still coordinates projects",
        "it_manager",
        "#6baed6",
        False,
        _added_engineer_roles,
        equal_cost=True,
    ),
    Preset(
        "combined_deputy",
        "combined, plus the project managers' cost spent on deputies (working team leads): as many as separate has"
        f" project managers, paid {_PM_COST:g} an hour, reporting to the IT manager (equal cost); a deputy takes"
        " the IT manager's interrupts, escalated tickets and change approvals and works as an engineer when none"
        " wait; admin and people management stay with the IT manager (estimate)",
        "it_manager",
        "#08519c",
        False,
        _deputy_roles,
        equal_cost=True,
    ),
)

CUSTOM = "custom"  # org.structure when the file spells out every role: no preset
PRESET_NAMES: tuple[str, ...] = tuple(p.name for p in PRESETS)
STRUCTURES: tuple[str, ...] = (*PRESET_NAMES, CUSTOM)
STUDY_STRUCTURES: tuple[str, ...] = tuple(p.name for p in PRESETS if p.in_study)
# combined plus the PM's cost spent on capacity (the capacity part of separate - combined)
EQUAL_COST_STRUCTURES: tuple[str, ...] = tuple(p.name for p in PRESETS if p.equal_cost)
OTHER_COLOUR = "#d6616b"  # a structure that is no preset ('custom')


def preset(name: str) -> Preset:
    """The row of preset ``name``; a KeyError for any other name (``custom`` included)."""
    for row in PRESETS:
        if row.name == name:
            return row
    raise KeyError(name)


def preset_colour(name: str) -> str:
    """The colour of structure ``name`` in every plot (:data:`OTHER_COLOUR` when it is no preset)."""
    return next((row.colour for row in PRESETS if row.name == name), OTHER_COLOUR)


# ------------------------------------------------------------------ roles of a structure


def preset_roles(
    structure: str, employees: int, culture: str = "operations_first", span_of_control: int = _SPAN_OF_CONTROL
) -> dict[str, Role]:
    """The role layout of preset ``structure`` (a row of :data:`PRESETS`) in ``culture``.

    ``operations_first`` ranks the IT manager's operational and admin work above project
    coordination and status reporting, and the engineers' routine operations above project
    work; ``projects_first`` the reverse (major incidents come first in both: they preempt).
    ``balanced`` is a point in between: the order of ``operations_first``, with an IT manager
    who coordinates projects protecting 39% of the week for them (``protect``: the CIOs' time
    on projects, Deloitte).
    A small firm has no service desk (fewer than 70 employees): its engineers then take
    level 1 first, so that no duty is left unheld, and its IT manager is hands-on, taking
    level-2 tickets and then project work when nothing of their own waits.
    """
    row = preset(structure)
    projects_first = culture == "projects_first"
    tickets = ("ticket_l2",) if service_desk_headcount(employees) else ("ticket_l1", "ticket_l2")
    engineer_duties = _engineer_duties(tickets, projects_first)
    engineer_ageing = (("operations", _ENGINEER_OPERATIONS_MAX_WAIT),) if projects_first else ()
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
            max_wait_hours=engineer_ageing,
        ),
    }
    operations = ["approval", "escalation", "people_management", "admin"]
    hands_on = 0.0
    helping = ()
    if service_desk_headcount(employees) == 0:
        # a small firm's IT manager is hands-on: some routine operations of their own, level-2
        # tickets and then project work when nothing else waits (span of control 3-5 when the
        # manager also does hands-on work: Namely, Deloitte; IT leaders spend ~39% of their time
        # planning and delivering projects: Deloitte poll of CIOs).  In a two- or three-person IT
        # department the manager is one of the people who deliver the projects.
        operations.append("ops_routine")
        helping = ("ticket_l2", "project_work")
        hands_on = _MANAGER_ROUTINE
    if row.coordinator != "it_manager":
        it_duties = ("major_incident", *operations, *helping)
    elif projects_first:
        it_duties = ("major_incident", *_COORDINATION, *operations, *helping)
    else:
        it_duties = ("major_incident", *operations, *_COORDINATION, *helping)
    protect = ()
    if culture == "balanced" and any(DUTY_FAMILY[duty] == "project" for duty in it_duties):
        protect = (("project", _CIO_PROJECT_SHARE),)
    roles["it_manager"] = Role(
        "it_manager",
        Headcount(per_reports=span_of_control, minimum=1),  # org.span_of_control
        it_duties,
        "head_of_it",
        85.0,
        routine_hours_per_week=hands_on,
        protect=protect,
        **_COORDINATOR_WEEK,
    )
    roles["head_of_it"] = Role(
        "head_of_it",
        Headcount(per_reports=_HEADS_SPAN, minimum=0, min_reports=2),
        ("escalation", "people_management", "admin"),
        None,
        110.0,
    )
    roles.update(row.extra_roles(tickets, projects_first))
    return roles


def resolve_roles(
    structure: str,
    employees: int,
    changes: tuple[RoleChange, ...],
    culture: str = "operations_first",
    span_of_control: int = _SPAN_OF_CONTROL,
) -> tuple[Role, ...]:
    """The roles of a scenario: the structure's preset at this size and culture (and the IT
    manager's span of control), with the changes made."""
    roles = {} if structure == CUSTOM else preset_roles(structure, employees, culture, span_of_control)
    for change in changes:
        roles[change.name] = change.apply(roles.get(change.name))
    return tuple(roles.values())
