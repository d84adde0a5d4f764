"""The scenario's parameters: one frozen dataclass per section of a scenario file.

Every field carries its unit, its meaning, the source of its default and its range check in
the dataclass metadata (:func:`param`); the reference documentation is generated from them
(:mod:`orgsim.scenario.reference`), so it cannot drift from the code.  The simulation only
reads these objects.  The root, :class:`~orgsim.scenario.load.Scenario`, and the path every
input takes into it live in :mod:`orgsim.scenario.load`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..distributions import Distribution
from .checks import NONNEG, POSITIVE, PROBABILITY, at_least, between, one_of, whole_between
from .presets import STRUCTURES
from .roles import CULTURES

__all__ = [
    "Simulation",
    "Calendar",
    "Org",
    "TicketClass",
    "TicketProfile",
    "Tickets",
    "Projects",
    "Management",
    "Dispatch",
    "ProjectClass",
    "ScheduledProject",
    "DEFAULT_PROJECT_CLASSES",
    "PROJECT_CLASS_SOURCES",
    "SECTIONS",
    "DEFAULT_TICKET_CLASSES",
    "DEFAULT_TICKET_MIX",
    "TICKET_CLASS_SOURCES",
    "param",
]


def _meta(unit: str, doc: str, source: str = "estimate", check=None) -> dict:
    return {"unit": unit, "doc": doc, "source": source, "check": check}


def param(default, unit, doc, source="estimate", check=None):
    """A parameter with its unit, meaning, the source of its default and its range check."""
    return field(default=default, metadata=_meta(unit, doc, source, check))


def _d(default: Distribution, unit, doc, source="estimate"):
    """A distribution parameter."""
    return field(default=default, metadata=_meta(unit, doc, source))


def _lognormal(mean: float, cv: float = 1.0) -> Distribution:
    return Distribution("lognormal", mean=mean, cv=cv)


def _fixed(value: float) -> Distribution:
    return Distribution("fixed", mean=value)


@dataclass(frozen=True)
class Simulation:
    """How long and how often to simulate."""

    horizon_weeks: float = param(
        52.0, "weeks", "simulated working time per replication", "simulation setting", check=between(0.1, 2600)
    )
    warmup_weeks: float = param(
        8.0,
        "weeks",
        "initial period excluded from every metric (the empty start is not typical)",
        "simulation setting",
        check=NONNEG,
    )
    replications: int = param(
        10,
        "count",
        "independent replications; 95% CIs are over them",
        "simulation setting",
        check=between(1, 10_000),
    )
    seed: int = param(12345, "integer", "root seed; same seed, same numbers", "simulation setting", check=NONNEG)
    check_in_hours: float = param(
        8.0,
        "working hours",
        "longest stretch a person works on one item before looking whether higher-priority work"
        " waits (a working day); preemptive items interrupt at once regardless",
        "model convention: people look at their queues at least daily",
        check=between(0.1, 1e6),
    )


@dataclass(frozen=True)
class Calendar:
    """The working-time clock: nights and weekends do not exist in the model."""

    hours_per_day: float = param(
        8.0, "hours", "working hours per day", "a standard working day (model convention)", check=between(0.5, 24)
    )
    days_per_week: float = param(
        5.0,
        "days",
        "working days per week (whole days)",
        "a standard working week (model convention)",
        check=whole_between(1, 7),
    )

    @property
    def hours_per_week(self) -> float:
        return self.hours_per_day * self.days_per_week


@dataclass(frozen=True)
class Org:
    """The organisation served and how its management roles are laid out."""

    employees: int = param(
        40,
        "people",
        "employees (users) the IT organisation serves; scales demand and staff",
        "a small firm (model convention)",
        check=between(1, 1_000_000),
    )
    structure: str = param(
        "combined",
        "choice",
        "role layout preset: " + ", ".join(STRUCTURES) + " ('custom': the file spells out every role)",
        source="the structure presets of orgsim (see the presets below)",
        check=one_of(*STRUCTURES),
    )
    culture: str = param(
        "operations_first",
        "choice",
        "where project work ranks: 'operations_first' puts the IT manager's operational and admin work above project"
        " coordination and status reporting, and the engineers' routine operations above project work;"
        " 'projects_first' the reverse (major incidents first in both); 'balanced' the order of operations_first"
        " with an IT manager who coordinates projects protecting 39% of the week for them (roles.ROLE.protect)",
        "estimate: most IT departments run operations first (~70% of IT spending is 'run', Gartner IT Key Metrics;"
        " 89% share one pool of people between projects and operations, Innotas 2016); 'balanced': CIOs spend 39%"
        " of their time planning and delivering projects (Deloitte poll of 55 CIOs)",
        check=one_of(*CULTURES),
    )
    role_clarity: float = param(
        0.5,
        "0-1",
        "how clearly the PM's and the IT manager's roles are agreed: decisions that need both (a project's staffing,"
        " escalated exceptions) wait projects.decision_latency_hours x (1 - role_clarity) before the IT manager"
        " takes them up; no such hand-over exists when the IT manager coordinates the project",
        "estimate (0.5: roles agreed in part); role clarity and the PM-IT manager relationship drive project success"
        " (practitioners' claim, DESIGN Q8)",
        check=PROBABILITY,
    )
    span_of_control: int = param(
        8,
        "reports",
        "direct reports one IT manager leads: the presets hire one IT manager per this many reports (rounded up, at"
        " least one; a project manager reporting to the IT manager counts), so it sets the load each IT manager"
        " carries (reports, projects, coordination hours); a [roles.it_manager] headcount overrides it",
        "span of control ~9 direct reports on average, 5-10 in tech, 3-5 for managers who also do hands-on work"
        " (Namely, Deloitte); 8 the presets' value",
        check=whole_between(1, 100),
    )
    fractional_headcount: bool = param(
        False,
        "true/false",
        "every headcount rule gives its exact load in full-time equivalents (2.4 PMs: two full-timers and one at"
        " 40%) instead of whole people, so that no role's headcount steps as the organisation grows: compare"
        " structures without the effect of the rounding rules",
        "model convention",
    )


@dataclass(frozen=True)
class TicketClass:
    """One ticket class: its effort at each level and who must be involved."""

    name: str = field(default="", metadata={"internal": True})
    share: float = field(default=0.0, metadata={"internal": True})
    priority: int = param(3, "rank", "priority within a duty's queue, 1 = served first", check=at_least(1))
    preemptive: bool = param(False, "bool", "interrupts lower-priority work of the person it needs (resumed later)")
    l1_effort: Distribution = _d(
        _lognormal(0.15),
        "hours",
        "level-1 (service desk) handling effort; fixed 0 skips level 1",
        "~7 min per call, 1-15+ min (MetricNet; SDI 2017) -> mean 9 min",
    )
    l1_resolution_share: float = param(
        0.66,
        "share",
        "share of tickets resolved at level 1 (the rest escalate to level 2)",
        "first-contact resolution 66% incidents, 67% requests (HDI 2015)",
        check=PROBABILITY,
    )
    l2_effort: Distribution = _d(_lognormal(2.0), "hours", "level-2 (engineer) effort for escalated tickets")
    sla_hours: float = param(
        24.0, "working hours", "resolution target", "ITIL V3 Service Operation table 4.1", check=POSITIVE
    )
    manager_duty: str = param(
        "none",
        "choice",
        "manager involvement: 'major_incident' (in parallel with level 2), 'approval' (before level 2) or 'none'",
        source="the ticket workflow of orgsim (ITIL major incidents and change approval)",
        check=one_of("none", "major_incident", "approval"),
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
class TicketProfile:
    """The relative ticket arrival rate by working day and by hour of the working day.

    ``weekday``: one value per working day (``calendar.days_per_week`` values, Monday first);
    ``hour``: one per hour of the working day (``ceil(calendar.hours_per_day)`` values, the
    first from the start of the day; with a day that is not a whole number of hours, the last
    value covers the part hour left).  Either may be empty: flat.  Only the ratios count: the
    rate at working time t is the base rate x weekday[d] x hour[h] / the mean of
    weekday x hour over the working week (each hour weighted by its length), so the weekly
    mean stays ``tickets.per_employee_per_month``.
    """

    weekday: tuple[float, ...] = ()
    hour: tuple[float, ...] = ()

    def __str__(self) -> str:
        if not self.weekday and not self.hour:
            return "flat (no table)"
        parts = [f"{key} = [{', '.join(f'{v:g}' for v in getattr(self, key))}]" for key in ("weekday", "hour")]
        return "; ".join(p for p in parts if not p.endswith("[]"))

    @property
    def is_flat(self) -> bool:
        """Every working hour has the same rate (no table, or equal values)."""
        return len(set(self.weekday)) <= 1 and len(set(self.hour)) <= 1

    def relative_rates(self, days_per_week: float, hours_per_day: float) -> list[float]:
        """The rate of each hour of the working week relative to the weekly mean, day by day
        (``days x ceil(hours_per_day)`` values; their mean weighted by each hour's length is 1).
        Assumes the lengths match the calendar (the scenario checks them)."""
        days, hours = int(days_per_week), math.ceil(hours_per_day)
        lengths = [min(1.0, hours_per_day - h) for h in range(hours)]
        weekday = _scaled(self.weekday) or [1.0] * days
        hour = _scaled(self.hour) or [1.0] * hours
        mean = sum(weekday) / days * sum(h * n for h, n in zip(hour, lengths, strict=True)) / hours_per_day
        return [w * h / mean for w in weekday for h in hour]


def _scaled(values) -> list[float]:
    """Values divided by their largest (so that products of two of them never overflow)."""
    top = max(values, default=0.0)
    return [v / top for v in values] if top > 0 else []


PROFILE_SOURCE = (
    "flat by default. Call arrivals form an inhomogeneous Poisson process whose rate varies by day and within the"
    " day, with a morning peak (a bank's call centre, a full year call by call: Brown, Gans, Mandelbaum et al.,"
    " 'Statistical analysis of a telephone call center', JASA 100, 2005); service desks see Monday heaviest"
    " (practitioners' reports; estimate). The values in scenarios/small-combined-profile.toml are an estimate"
)


@dataclass(frozen=True)
class Tickets:
    """Operational tickets: incidents P1-P4, service requests, changes."""

    per_employee_per_month: float = param(
        1.25,
        "tickets per employee per month",
        "ticket arrival rate (Poisson; its weekly mean with a tickets.profile), scaled by org.employees",
        "1.0-1.5; 1.25 in MetricNet's worked example (Rumburg, HDI SupportWorld 2020)",
        check=between(0, 1000),
    )
    manager_escalation_share: float = param(
        0.05,
        "share of level-2 tickets",
        "share of the tickets that reach level 2 and then also need a manager (a complaint, a decision, a vendor)",
        "estimate: with ~39% of tickets reaching level 2, about 2% of all tickets, in the 1-3% escalated to"
        " management (estimate)",
        check=PROBABILITY,
    )
    manager_escalation_effort: Distribution = _d(
        _lognormal(0.5, 1.0),
        "hours",
        "manager effort for a ticket escalated to management",
    )
    profile: TicketProfile = field(
        default=TicketProfile(),
        metadata=_meta(
            "relative rate",
            "[tickets.profile] table: time-varying arrivals (a non-homogeneous Poisson process, drawn by thinning)."
            " weekday = [...]: one relative rate per working day (calendar.days_per_week values, Monday first);"
            " hour = [...]: one per hour of the working day, from its start (09:00 in the event log)"
            " (calendar.hours_per_day values; a day with a part hour, e.g. 7.5, takes one more value, for the part"
            " hour). Values >= 0, at least one > 0; either list may be left out (flat). The rate in hour h of day d"
            " is the base rate x weekday[d] x hour[h] / the mean of weekday x hour over the working week, so"
            " per_employee_per_month stays the mean",
            PROFILE_SOURCE,
        ),
    )
    classes: tuple[TicketClass, ...] = field(default=(), metadata={"internal": True})

    def by_name(self) -> dict[str, TicketClass]:
        return {c.name: c for c in self.classes}


@dataclass(frozen=True)
class ProjectClass:
    """One class of projects: how often they come, how big they are, the team planned for them."""

    name: str = field(default="", metadata={"internal": True})
    per_100_employees_per_year: float = param(
        0.0,
        "projects per 100 employees per year",
        "arrival rate (Poisson), scaled by org.employees and projects.arrival_scale",
        check=between(0, 10_000),
    )
    effort: Distribution = _d(_lognormal(120.0, 0.8), "hours", "actual engineering effort of a project")
    work_package_hours: float = param(
        16.0, "hours", "size of one work package; effort is cut into equal packages", check=between(0.5, 1e6)
    )
    team_size: int = param(
        2, "engineers", "engineers assigned when the project starts (the planned team)", check=at_least(1)
    )
    member_hours_per_week: float = param(
        8.0,
        "hours per team member per week",
        "project hours the plan counts on from each team member (the rest of their week is operations)",
        check=between(0.1, 168),
    )
    due_date_factor: float = param(
        1.5,
        "factor",
        "due date = arrival + factor x planned duration; planned duration = estimated effort / (team_size x"
        " member_hours_per_week): from the estimate and the class, never from the structure's staff",
        check=POSITIVE,
    )


def _project_class(rate, effort, package, team, member_hours, due, cv):
    return ProjectClass(
        per_100_employees_per_year=rate,
        effort=_lognormal(effort, cv),
        work_package_hours=package,
        team_size=team,
        member_hours_per_week=member_hours,
        due_date_factor=due,
    )


# small: rollouts, upgrades, well under 50 person-days (QSM); medium: median 22-26 person-months
# (3,500 h at 152 h a month, QSM 2012/2021), a team of 4, 5-13.5 months (QSM; PROMISE data sets)
DEFAULT_PROJECT_CLASSES: dict[str, ProjectClass] = {
    "small": _project_class(11.0, 120.0, 16.0, 1, 19.0, 1.0, 0.8),
    "medium": _project_class(0.08, 4100.0, 40.0, 4, 20.0, 1.0, 0.6),
}
PROJECT_CLASS_SOURCES = {
    "per_100_employees_per_year": "small 11, medium 0.08 (estimate): change work ~25-30% of IT staff hours, run ~70%"
    " (Gartner run/grow/transform)",
    "effort": "small: mean 120 h, well under 50 person-days = 400 h (QSM); medium: median ~3,500 h = 23 person-months"
    " (QSM 2012 and 2021: median 22-26 person-months)",
    "team_size": "small 1; medium 4 (3-5 FTE, QSM 2021)",
    "member_hours_per_week": "small 19, medium 20 (estimate: the plan counts on about half a member's week; their"
    " operational work often takes more)",
    "due_date_factor": "small 1.0, medium 1.0: the plan is the due date (estimate); with the estimation error and"
    " the team's operational work, ~40% on time overall, small more than medium (Standish CHAOS 2015)",
}


@dataclass(frozen=True)
class ScheduledProject:
    """A project known in advance ("we start an ERP rollout in week 10")."""

    week: float = param(0.0, "weeks", "when it arrives", check=NONNEG)
    project_class: str = param("medium", "class name", "its class (team, packages, due-date rule)")
    effort_hours: float = param(
        0.0, "hours", "its actual effort; 0 draws one from the class's effort distribution", check=NONNEG
    )
    team_size: int = param(0, "engineers", "its team; 0 takes the class's", check=NONNEG)


@dataclass(frozen=True)
class Projects:
    """Projects: classes, arrivals, and the coordination that gates and accompanies them."""

    arrival_scale: float = param(
        1.0,
        "factor",
        "multiplies every class's arrival rate (0: no projects arrive but scheduled ones)",
        "model convention",
        check=between(0, 1000),
    )
    initial_portfolio: int = param(0, "projects", "small projects already waiting at time 0", check=NONNEG)
    estimate_error: Distribution = _d(
        _lognormal(1.009, 0.286),
        "ratio",
        "actual effort / first estimate, drawn per project; the due date is planned from the estimate",
        "Kitchenham data set (145 projects, PROMISE): median 0.97, p10 0.65, p90 1.34 -> lognormal sigma 0.28",
    )
    initiation_share: float = param(
        0.01,
        "share of estimated effort",
        "coordinator effort before planning",
        "with planning, hand-offs, decisions, coordination, status and closing: PM effort 12-18% of project effort"
        " (Capers Jones, Applied Software Measurement)",
        check=PROBABILITY,
    )
    planning_share: float = param(
        0.03, "share of estimated effort", "coordinator effort before execution", check=PROBABILITY
    )
    closing_share: float = param(0.01, "share of estimated effort", "coordinator effort to close", check=PROBABILITY)
    handoff_hours: float = param(0.25, "hours", "coordinator effort before each work package can start", check=NONNEG)
    coordination_share: float = param(
        0.035,
        "share of the planned weekly team hours",
        "weekly coordination of each active project, proportional to the team working on it",
        check=PROBABILITY,
    )
    status_share: float = param(
        0.035,
        "share of the planned weekly team hours",
        "weekly status reporting of each active project",
        "PMs running 2-5 projects spend 20-30% of their time on status updates (Workfront 2015)",
        check=PROBABILITY,
    )
    exception_probability: float = param(
        0.2,
        "probability",
        "chance a finished work package raises an exception needing the coordinator's decision",
        "Virtual Design Team model (Jin & Levitt 1996); value an estimate",
        check=PROBABILITY,
    )
    decision_hours: float = param(1.0, "hours", "coordinator effort to decide one exception", check=NONNEG)
    decision_wait_limit_hours: float = param(
        16.0,
        "working hours",
        "longest an exception waits for a decision before work proceeds without it",
        check=POSITIVE,
    )
    rework_per_day_waited: float = param(
        0.1,
        "share of the package per working day",
        "share of a work package redone for every day its exception waited for a decision (VDT hidden work)",
        "Virtual Design Team model (Jin & Levitt 1996); value an estimate",
        check=PROBABILITY,
    )
    rework_cap: float = param(0.5, "share of the package", "most of a package ever redone", check=PROBABILITY)
    multitasking_loss: tuple[float, ...] = param(
        (0.0, 0.17),
        "share of project time, by concurrent projects (1, 2, ...)",
        "time lost to switching by an engineer on k projects at once; the last value holds beyond the list",
        "~17% of effort at 2+ projects (Tregubov, Boehm et al., ICSSP 2017); Weinberg's pessimistic table is"
        " [0, 0.2, 0.4, 0.6, 0.75]",
    )
    wip_limit: int = param(
        5,
        "projects per coordinator",
        "projects one coordinator runs at once",
        "2-5 concurrent projects per PM (practitioner surveys)",
        check=at_least(1),
    )
    escalation_share: float = param(
        0.25,
        "share of exceptions",
        "exceptions that need the IT manager as well as the coordinator (resource conflicts, scope changes):"
        " after the coordinator's decision they go to the IT manager, unless the coordinator is an IT manager",
        check=PROBABILITY,
    )
    staffing_hours: float = param(
        0.5,
        "hours",
        "IT manager effort to agree a project's team with a coordinator who is not an IT manager, before initiation"
        " (engineers are shared between projects and operations)",
        "estimate; 89% of organisations share one pool between projects and operations (Innotas 2016)",
        check=NONNEG,
    )
    decision_latency_hours: float = param(
        24.0,
        "working hours",
        "how long a decision that needs both coordinator and IT manager waits before the IT manager takes it up"
        " when roles are not agreed at all (org.role_clarity 0); scaled by 1 - role_clarity",
        check=between(0, 10_000),
    )
    protected_projects_per_engineer: int = param(
        1,
        "projects",
        "with a coordinator who protects the team: a project starts with engineers on fewer than this many"
        " projects (else it waits for one), and takes on more as they come free, up to its planned team",
        "estimate: one project at a time avoids the multitasking loss (Weinberg 1992; Tregubov et al. 2017)",
        check=at_least(1),
    )
    portfolio_slots_per_engineer: float = param(
        1.0,
        "planned team members per engineer",
        "with portfolio management (PMO): projects start only while the planned team members of all active"
        " projects stay within this many per engineer, organisation-wide (0: no limit)",
        "estimate: a PMO limits work in progress to the people available (portfolio management practice)",
        check=between(0, 100),
    )
    portfolio_order: str = param(
        "due_date",
        "choice",
        "with portfolio management (PMO): the order in which waiting projects start: earliest due date, or first"
        " come first served",
        "estimate: a PMO orders the portfolio; earliest due date first keeps most projects on time",
        check=one_of("due_date", "arrival"),
    )
    intake_hours: float = param(
        2.0, "hours", "portfolio-management intake effort per new project (PMO only)", check=NONNEG
    )
    portfolio_review_hours_per_week: float = param(
        2.0,
        "hours per week",
        "weekly portfolio review by each holder of portfolio_management",
        check=NONNEG,
    )
    max_open_per_coordinator: int = param(
        5,
        "projects per coordinator",
        "intake control (a portfolio board): a project arriving while the open projects (in intake, waiting or"
        " active) are at least this many times the number of people holding project_coordination is deferred,"
        " not started: it joins a deferred backlog, released first in, first out as projects close (its lead"
        " time and due date still count from its arrival); counted in projects_deferred_per_quarter (0: off)",
        "5, the top of the 2-5 concurrent projects a PM carries (practitioner surveys); the rule is an estimate",
        check=whole_between(0, 1000),
    )
    handoff: str = param(
        "milestone",
        "choice",
        "when the coordinator's hand-off gates the work: before every work package (package), or once at each"
        " milestone boundary (milestone: the packages of a milestone start without one once its hand-off is"
        " done, and the next milestone's hand-off waits until every package of the one before has finished)",
        "coordination gates phases and milestones, not every task (PMBOK phase gates); 'package' was the model"
        " before issue 20 (estimate)",
        check=one_of("package", "milestone"),
    )
    milestones_per_project: int = param(
        4,
        "milestones",
        "with handoff = milestone: the milestones a project's work packages are split into, in equal parts"
        " (a project with fewer packages has one milestone per package)",
        "estimate: a few per small project",
        check=whole_between(1, 1000),
    )
    coordinate_only_moved: bool = param(
        True,
        "true/false",
        "weekly coordination only for the projects that moved since the last one (a work package or its"
        " rework finished, or it started that week); status reports stay weekly",
        "estimate: a project that did not move needs no coordination that week (false was the model before issue 20)",
    )
    skipped_coordination_exception_factor: float = param(
        1.5,
        "factor",
        "with management.skip_superseded: multiplies the exception probability of a project's work packages"
        " finished in the week after its weekly coordination was skipped (capped at 1)",
        "communication failures raise exceptions (Virtual Design Team, Jin & Levitt 1996); value an estimate",
        check=between(1, 100),
    )
    value_per_project_week: float = param(
        0.0,
        "currency per project per week",
        "cost of delay: what one project in progress for one week costs the business (its benefit not yet"
        " delivered); values the lead-time gain of sweeps and comparisons against the staff cost (0: not valued)",
        "estimate: the user's own figure (cost of delay of a typical project)",
        check=NONNEG,
    )
    classes: tuple[ProjectClass, ...] = field(default=(), metadata={"internal": True})
    scheduled: tuple[ScheduledProject, ...] = field(default=(), metadata={"internal": True})

    def by_name(self) -> dict[str, ProjectClass]:
        return {c.name: c for c in self.classes}

    def loss(self, concurrent: int) -> float:
        """Share of project time lost by a person on ``concurrent`` projects at once."""
        table = self.multitasking_loss
        return table[min(concurrent, len(table)) - 1] if concurrent >= 1 and table else 0.0


@dataclass(frozen=True)
class Management:
    """Recurring management work that reporting lines create."""

    one_to_one_hours_per_report_per_week: float = param(
        0.5,
        "hours per direct report per week",
        "1:1 meetings",
        "30 min weekly (Horstman, Manager Tools)",
        check=NONNEG,
    )
    appraisal_hours_per_report_per_year: float = param(
        3.0,
        "hours per direct report per year",
        "appraisal, once a year per report",
        "~3 h of manager time per review (Reflektive)",
        check=NONNEG,
    )
    admin_hours_per_week: float = param(
        4.0,
        "hours per week",
        "budget, vendors, planning and meetings for each holder of the admin duty, issued daily in equal parts,"
        " beside admin_hours_per_report_per_week",
        "estimate: with admin_hours_per_report_per_week = 0.4, 8 h a week at 10 reports; with firefighting ~30%"
        " (Computing) and people management, a manager's week is full (Mintzberg, The Nature of Managerial"
        " Work, 1973)",
        check=NONNEG,
    )
    admin_hours_per_report_per_week: float = param(
        0.4,
        "hours per direct report per week",
        "admin that grows with the people a manager has (leave, time sheets, purchases, hiring), added to"
        " admin_hours_per_week for each holder of the admin duty, issued daily in equal parts (0: none)",
        "estimate: with admin_hours_per_week = 4, 8 h a week at 10 reports",
        check=NONNEG,
    )
    skip_superseded: bool = param(
        True,
        "true/false",
        "a status report, a weekly coordination or a day's admin not started when the next one of the same"
        " kind (same person, same project) is issued is skipped: withdrawn unworked and counted in"
        " skipped_per_week.{duty}; a project whose coordination was skipped raises more exceptions for a week"
        " (projects.skipped_coordination_exception_factor)",
        "estimate: an overloaded manager drops the stale report (false was the model before issue 20)",
    )
    interrupts_per_manager_per_day: float = param(
        0.0,
        "items per holder per day",
        "short unplanned items every holder of the escalation duty gets (questions from the business and"
        " colleagues, vendor calls), Poisson through the working day, in their own queue: a fixed load per"
        " manager, the same at 25 and at 1,600 employees (10 before issue 20)",
        "0: the load is carried by interrupts_per_report_per_week and interrupts_per_100_employees_per_week,"
        " which scale with whom a manager serves; half of a manager's activities last under 9 minutes and most"
        " of the day is short, interrupted episodes (Mintzberg 1973; Gonzalez & Mark, CHI 2004)",
        check=between(0, 1000),
    )
    interrupts_per_report_per_week: float = param(
        2.0,
        "items per direct report per week",
        "questions and escalations from each direct report",
        "estimate, with interrupts_per_100_employees_per_week (see there; 0.5 before issue 20)",
        check=between(0, 1000),
    )
    interrupts_per_100_employees_per_week: float = param(
        14.5,
        "items per 100 employees per week",
        "questions from the business, shared equally among the holders of the escalation duty (in proportion"
        " to their availability); 14.5 so that firefighting is ~30% of an IT manager's"
        " week at a reference size (small-combined at 200 employees: one IT manager, 7 direct reports):"
        " 0.30 x 40 h = 12 h a week of firefighting; major incidents 1.35 h + change approvals 1.54 h +"
        " escalated tickets 0.49 h (measured, 52 weeks) leave 8.62 h for interrupts = 43.1 interrupts of"
        " 0.2 h; 2 per report x 7 = 14; (43.1 - 14) / 2 (hundreds of employees) = 14.5 (2 before issue 20)",
        "IT manager firefighting ~30% of the week, more than a day (survey of UK IT managers, Computing);"
        " the split between reports and the business an estimate",
        check=between(0, 10_000),
    )
    interrupt_effort: Distribution = _d(
        _lognormal(0.2, 1.0),
        "hours",
        "effort of one interrupt",
        "median 8.5 min, mean 12 min: half of managers' activities last under 9 minutes (Mintzberg 1973)",
    )


@dataclass(frozen=True)
class Dispatch:
    """Who gets new work, and who resumes interrupted work."""

    assign: str = param(
        "longest_idle",
        "choice",
        "which idle holder of a duty gets a new item: the one idle longest, one at random, or the first in staff order",
        "model convention: never always the first",
        check=one_of("longest_idle", "random", "first"),
    )
    resume: str = param(
        "same_person",
        "choice",
        "who resumes work interrupted by a more urgent item: the same person, or any free holder of its duty"
        " (the textbook multi-server preemptive queue)",
        "model convention",
        check=one_of("same_person", "any_holder"),
    )
    context_switch_on: str = param(
        "resume",
        "choice",
        "when a role's context_switch_hours is paid: 'every_switch' on starting work of another duty family and"
        " on resuming any interrupted work (an interrupt of another family costs two setups: into it and back);"
        " 'resume' once, on going back to interrupted work (the interrupt itself costs none, and a run of"
        " interrupts one setup)",
        "the cost measured is that of resuming interrupted work, ~23 min (Mark, Gonzalez & Harris, CHI 2005),"
        " which argues for 'resume' ('every_switch' was the model before issue 20)",
        check=one_of("every_switch", "resume"),
    )


SECTIONS = {
    "simulation": Simulation,
    "calendar": Calendar,
    "org": Org,
    "tickets": Tickets,
    "projects": Projects,
    "management": Management,
    "dispatch": Dispatch,
}
