"""The metric catalogue: every metric orgsim reports, with its label, unit and meaning.

A metric is one number per replication, named by a pattern such as
``tickets_per_week.{ticket_class}``: the part in braces is filled with a ticket class, a
role, a duty or a busy label, or is a fixed word such as ``total``.  Each row says the
label a reader sees, the unit, which direction is better, whether the value is a share
(0 to 1), and where it is shown (the headline table, the sweep plots, the comparison
dashboard).  The metrics, statistics, comparisons, sweeps, plots, the command line and the
README's metric list all read this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Metric",
    "CATALOGUE",
    "PLACEHOLDERS",
    "lookup",
    "label",
    "unit",
    "better_direction",
    "is_share",
    "headline",
    "sweep_metrics",
    "dashboard",
    "reserved_names",
    "markdown_list",
    "MID",
    "MIDS",
    "minimal_difference",
    "declare",
    "QUEUE_MAGNITUDES",
    "from_queue",
]

# what each placeholder stands for
PLACEHOLDERS = {
    "ticket_class": "a ticket class",
    "project_class": "a project class",
    "role": "a role",
    "duty": "a duty",
    "busy": "a duty, context_switch or multitasking",
    "family": "a duty family: operations, project or management",
}

# The metrics that are magnitudes read from a queue (their name before the first dot): where a
# queue does not empty they grow with the horizon, so no comparison, sweep or study prints them
# from a point that is over capacity (orgsim.results.capacity).
QUEUE_MAGNITUDES: tuple[str, ...] = (
    "project_lead_time_weeks_mean",
    "project_lead_time_weeks_p50",
    "project_lead_time_weeks_p90",
    "project_on_time_share",
    "project_open_age_weeks_mean",
    "projects_open_at_end",
    "projects_in_progress_mean",
    "net_benefit_per_week",
    "cost_per_project",
    "busy_cost_per_project",
    "ticket_resolution_hours_mean",
    "ticket_resolution_hours_p50",
    "ticket_resolution_hours_p90",
    "sla_attainment",
    "queue_wait_hours_mean",
    "queue_length_mean",
)

HIGHER = 1  # more is better
LOWER = -1  # less is better
NEITHER = 0  # a description (a headcount, a load), not an outcome: no comparison calls it better


@dataclass(frozen=True)
class Metric:
    """One row of the catalogue.

    ``pattern``: the name, with ``{placeholder}`` parts.  ``label``: what a reader calls it.
    ``unit``: the unit of its values.  ``better``: +1 when more is better, -1 when less is.
    ``share``: a value between 0 and 1.  ``headline``: position in the headline table (0: not
    shown).  ``sweep``: plotted by every sweep.  ``dashboard``: a panel of the comparison
    dashboard.  ``doc``: what it measures.
    """

    pattern: str
    label: str
    unit: str
    doc: str
    better: int = LOWER
    share: bool = False
    headline: int = 0
    sweep: bool = False
    dashboard: bool = False

    @property
    def from_queue(self) -> bool:
        """A magnitude read from a queue (:data:`QUEUE_MAGNITUDES`): not printed from a point
        that is over capacity."""
        return self.pattern.split(".")[0] in QUEUE_MAGNITUDES

    @property
    def mid(self) -> MID | None:
        """The minimal important difference (see :data:`MIDS`); None for a description."""
        return MIDS.get(self.pattern)

    @property
    def regex(self) -> re.Pattern:
        parts = re.split(r"\{(\w+)\}", self.pattern)
        text = "".join(re.escape(p) if i % 2 == 0 else r"([a-z0-9_]+)" for i, p in enumerate(parts))
        return re.compile(text + r"\Z")


CATALOGUE: tuple[Metric, ...] = (
    # tickets
    Metric("tickets_per_week.{ticket_class}", "tickets resolved", "per week", "tickets of the class resolved", HIGHER),
    Metric("tickets_per_week.total", "tickets resolved", "per week", "all tickets resolved", HIGHER, headline=1),
    Metric(
        "ticket_resolution_hours_mean.{ticket_class}",
        "ticket resolution time",
        "working hours",
        "mean time from arrival to resolution",
    ),
    Metric(
        "ticket_resolution_hours_p50.{ticket_class}",
        "median ticket resolution time",
        "working hours",
        "median time from arrival to resolution",
    ),
    Metric(
        "ticket_resolution_hours_p90.{ticket_class}",
        "90th percentile ticket resolution time",
        "working hours",
        "90th percentile of the time from arrival to resolution",
    ),
    Metric(
        "ticket_resolution_hours_mean.total",
        "ticket resolution time",
        "working hours",
        "mean time from arrival to resolution, all classes",
        headline=2,
        sweep=True,
    ),
    Metric(
        "ticket_resolution_hours_p90.total",
        "90th percentile ticket resolution time",
        "working hours",
        "90th percentile of the time from arrival to resolution, all classes",
    ),
    Metric(
        "sla_attainment.{ticket_class}",
        "SLA attainment",
        "share of tickets",
        "share resolved within the class's target; open tickets already past it count as misses",
        HIGHER,
        share=True,
    ),
    Metric(
        "sla_attainment.total",
        "SLA attainment",
        "share of tickets",
        "share of all tickets resolved within their target (open ones past it count as misses)",
        HIGHER,
        share=True,
        headline=3,
        sweep=True,
        dashboard=True,
    ),
    Metric(
        "level1_resolution_share",
        "tickets resolved at level 1",
        "share of tickets",
        "share of the tickets resolved that level 1 resolved on its own",
        HIGHER,
        share=True,
    ),
    Metric(
        "manager_escalation_share",
        "tickets escalated to a manager",
        "share of tickets",
        "share of the tickets resolved that also needed a manager after level 2",
        share=True,
    ),
    Metric("tickets_open_at_end", "tickets open at the end", "tickets", "tickets not yet resolved when the run ends"),
    # projects
    Metric(
        "projects_per_quarter",
        "projects completed",
        "per quarter",
        "projects closed per 13 working weeks",
        HIGHER,
        headline=4,
    ),
    Metric(
        "project_lead_time_weeks_mean",
        "project lead time",
        "working weeks",
        "mean time from a project's arrival to its closing, projects completed",
        headline=5,
        sweep=True,
        dashboard=True,
    ),
    Metric(
        "projects_per_quarter.{project_class}",
        "projects completed",
        "per quarter",
        "projects of the class closed per 13 working weeks",
        HIGHER,
    ),
    Metric(
        "project_lead_time_weeks_mean.{project_class}",
        "project lead time",
        "working weeks",
        "mean time from arrival to closing, completed projects of the class",
    ),
    Metric(
        "project_lead_time_weeks_p50.{project_class}",
        "median project lead time",
        "working weeks",
        "median time from arrival to closing, completed projects of the class",
    ),
    Metric(
        "project_on_time_share.{project_class}",
        "projects on time",
        "share of projects",
        "share of the class's projects closed by their due date; open ones already past it count as late",
        HIGHER,
        share=True,
    ),
    Metric(
        "projects_open_at_end",
        "projects open at the end",
        "projects",
        "projects arrived and not closed when the run ends (beside lead times, which only finished ones have)",
    ),
    Metric(
        "project_open_age_weeks_mean",
        "age of open projects",
        "working weeks",
        "mean age of the projects still open at the end: an overloaded structure cannot look fast by"
        " finishing only its small projects",
    ),
    Metric(
        "project_lead_time_weeks_p50",
        "median project lead time",
        "working weeks",
        "median time from arrival to closing",
    ),
    Metric(
        "project_lead_time_weeks_p90",
        "90th percentile project lead time",
        "working weeks",
        "90th percentile of the time from arrival to closing",
    ),
    Metric(
        "project_on_time_share",
        "projects on time",
        "share of projects",
        "share closed by their due date; open projects already past it count as late",
        HIGHER,
        share=True,
        headline=6,
        sweep=True,
        dashboard=True,
    ),
    Metric(
        "rework_hours_per_project",
        "rework per project",
        "hours",
        "hours redone because a decision came too late, per completed project",
    ),
    Metric(
        "rework_hours_per_week",
        "rework",
        "hours per week",
        "hours redone because a decision came too late",
        headline=7,
        sweep=True,
        dashboard=True,
    ),
    Metric(
        "projects_active_at_end",
        "projects active at the end",
        "projects",
        "projects started and not closed",
        NEITHER,
    ),
    Metric(
        "projects_waiting_at_end",
        "projects waiting at the end",
        "projects",
        "projects arrived and not yet started (deferred, in intake or waiting for a coordinator)",
    ),
    # issue 20: an overloaded week as managers live it (each reported only when its mechanism is on)
    Metric(
        "projects_deferred_per_quarter",
        "projects deferred",
        "per quarter",
        "new projects the portfolio deferred because the coordinators carried all they can"
        " (projects.max_open_per_coordinator), per 13 working weeks",
    ),
    Metric(
        "projects_deferred_at_end",
        "projects deferred at the end",
        "projects",
        "projects in the deferred backlog when the run ends (also counted in projects waiting and open)",
    ),
    Metric(
        "skipped_per_week.{duty}",
        "recurring work skipped",
        "items per week",
        "weekly coordinations, status reports or days of admin skipped because the next one was due before"
        " anyone started them (management.skip_superseded)",
    ),
    Metric(
        "skipped_share.{duty}",
        "share of recurring work skipped",
        "share of items issued",
        "recurring items of the duty skipped per item issued (management.skip_superseded)",
        share=True,
    ),
    # workload
    Metric(
        "utilisation.{role}",
        "utilisation",
        "share of working time",
        "busy hours (setups included) per available hour, mean over the role's people",
        share=True,
    ),
    Metric(
        "firefighting_share.{role}",
        "firefighting",
        "share of working time",
        "major incidents, change approvals, escalations and interrupts, per available hour",
        share=True,
    ),
    Metric(
        "operations_share.{role}",
        "operations share",
        "share of hours on duties",
        "hours on operational duties (tickets, routine operations, firefighting) per hour on any duty",
        share=True,
    ),
    Metric(
        "multitasking_loss.{role}",
        "multitasking loss",
        "share of project time",
        "time lost switching between projects by people on several at once, per hour of project time",
        share=True,
    ),
    Metric(
        "hours_per_person_week.{role}.{busy}",
        "hours by duty",
        "hours per person per week",
        "hours a person of the role spends on the duty (or on context switching)",
    ),
    Metric(
        "context_switches_per_person_day.{role}",
        "context switches",
        "per person per day",
        "setups paid on changing duty family or resuming interrupted work",
    ),
    Metric(
        "items_completed_per_person_week.{role}",
        "items completed",
        "per person per week",
        "work items a person of the role completes",
        HIGHER,
    ),
    Metric("headcount.{role}", "headcount", "people", "people in the role at this organisation size", NEITHER),
    # offered load against capacity, and longer weeks (orgsim.workweek)
    Metric(
        "offered_hours_per_person_week.{role}.{family}",
        "work offered",
        "hours per person per week",
        "effort of the work of the family submitted to the role's people or its shared queues (a queue shared"
        " with other roles split by the hours each spent on it)",
        NEITHER,
    ),
    Metric(
        "offered_hours_per_person_week.{role}",
        "work offered",
        "hours per person per week",
        "effort of all work submitted to the role's people or its shared queues: compare with the hours available",
        NEITHER,
    ),
    Metric(
        "available_hours_per_person_week.{role}",
        "hours available",
        "hours per person per week",
        "a person's contract hours a week plus the overtime their role allows",
        NEITHER,
    ),
    Metric(
        "overtime_hours_per_person_week.{role}",
        "overtime",
        "hours per person per week",
        "hours worked beyond the contract on days the person's own waiting work was above the role's threshold"
        " (only for roles allowed overtime)",
    ),
    Metric(
        "fte.{role}",
        "full-time equivalents",
        "FTE",
        "the role's working hours in full-time weeks (part-timers and fractional headcounts count in part)",
        NEITHER,
    ),
    # queues (Little's law: L = lambda W)
    Metric(
        "queue_length_mean.{duty}",
        "queue length",
        "items",
        "time-average number of items waiting for the duty",
    ),
    Metric(
        "queue_arrivals_per_hour.{duty}",
        "queue arrivals",
        "per working hour",
        "items entering the duty's queues",
        NEITHER,
    ),
    Metric(
        "queue_wait_hours_mean.{duty}",
        "wait in queue",
        "working hours",
        "mean time an item waits before someone starts it",
    ),
    # money
    Metric(
        "staff_cost_per_week",
        "staff cost",
        "currency per week",
        "every person's hourly cost times the working hours of a week",
        headline=9,
        sweep=True,
        dashboard=True,
    ),
    Metric(
        "cost_per_ticket",
        "cost per ticket",
        "currency",
        "full cost: every person's paid time (idle included) allocated to tickets in proportion to their busy"
        " hours on operations duties, per ticket resolved",
    ),
    Metric(
        "cost_per_project",
        "cost per project",
        "currency",
        "full cost: every person's paid time (idle included) allocated to projects in proportion to their busy"
        " hours on project duties, per project completed",
        sweep=True,
    ),
    Metric(
        "busy_cost_per_ticket",
        "busy cost per ticket",
        "currency",
        "only the hours spent on ticket duties at each role's hourly cost, per ticket resolved (idle time left out)",
    ),
    Metric(
        "busy_cost_per_project",
        "busy cost per project",
        "currency",
        "only the hours spent on project duties at each role's hourly cost, per project completed (idle time left out)",
    ),
    Metric(
        "ticket_cost_per_week",
        "staff cost allocated to tickets",
        "currency per week",
        "the part of the staff cost allocated to tickets (operations duties)",
        NEITHER,
    ),
    Metric(
        "project_cost_per_week",
        "staff cost allocated to projects",
        "currency per week",
        "the part of the staff cost allocated to projects (project duties and multitasking loss)",
        NEITHER,
    ),
    Metric(
        "management_cost_per_week",
        "staff cost allocated to management",
        "currency per week",
        "the part of the staff cost allocated to management (people management, admin)",
        NEITHER,
    ),
    Metric(
        "projects_in_progress_mean",
        "projects in progress",
        "projects",
        "projects open (intake, waiting or active) on average over the measured working days: the project-weeks"
        " of delay per week that the cost of delay values",
        NEITHER,
    ),
    Metric(
        "unallocated_cost_per_week",
        "staff cost not allocated",
        "currency per week",
        "staff cost of people whose role holds no duty; tickets, projects, management and this sum to the staff cost",
        NEITHER,
    ),
)

# the IT manager's utilisation is a headline on its own (a role-specific instance of utilisation.{role})
_INSTANCES = {
    "utilisation.it_manager": Metric(
        "utilisation.it_manager",
        "IT manager utilisation",
        "share of working time",
        "busy hours per available hour of the IT managers",
        share=True,
        headline=8,
        sweep=True,
        dashboard=True,
    )
}


@dataclass(frozen=True)
class MID:
    """A minimal important difference: the smallest change of a metric a manager would act on.

    ``value``: in the metric's unit, or with ``relative`` a share of the baseline's mean
    (0.01: 1% of it).  ``basis``: why this size, in one line.  ``estimate``: no published
    source; a judgement a user should override (``compare(..., mid=...)``, ``--mid``) for
    their own organisation.
    """

    value: float
    basis: str
    relative: bool = False
    estimate: bool = True

    def threshold(self, baseline_mean: float) -> float:
        """The MID in the metric's unit, for a comparison against ``baseline_mean``."""
        return abs(self.value * baseline_mean) if self.relative else self.value

    def describe(self, unit: str = "") -> str:
        """``1 working weeks``, ``0.05``, ``1% of the baseline``."""
        if self.relative:
            return f"{self.value * 100:g}% of the baseline"
        if not unit or unit.startswith("share"):
            return f"{self.value:g}"
        if self.value == 1:  # 1 working week, 1 hour per person per week
            words = unit.split()
            plural = next((i for i, w in enumerate(words) if w in _PLURALS), None)
            if plural is not None:
                words[plural] = words[plural][:-1]
                unit = " ".join(words)
        return f"{self.value:g} {unit}"


_PLURALS = {"weeks", "hours", "tickets", "projects", "items"}


_WEEK = "a week is about 2% of a typical 3-12 month project: the smallest slip a steering meeting discusses"
_HOUR = "half a working hour: the smallest gain a user of the service desk notices"
_SHARE = "5 points of a share: the smallest change a monthly report shows beyond rounding and noise"
_LOAD = "5% of working time is two hours a week: the smallest change in load a person notices"
_TAIL = "an hour at the tail: the slowest tickets are judged on hours"
_RATE = "5% of the rate: below that, week-to-week variation hides it"

# the minimal important difference of every metric that is an outcome (descriptions, NEITHER, have none);
# all are estimates: no published MID exists for these measures
MIDS: dict[str, MID] = {
    "tickets_per_week.{ticket_class}": MID(0.05, _RATE, relative=True),
    "tickets_per_week.total": MID(0.05, _RATE, relative=True),
    "ticket_resolution_hours_mean.{ticket_class}": MID(0.5, _HOUR),
    "ticket_resolution_hours_p50.{ticket_class}": MID(0.5, _HOUR),
    "ticket_resolution_hours_p90.{ticket_class}": MID(1.0, _TAIL),
    "ticket_resolution_hours_mean.total": MID(0.5, _HOUR),
    "ticket_resolution_hours_p90.total": MID(1.0, _TAIL),
    "sla_attainment.{ticket_class}": MID(0.01, "one point of SLA attainment: contracts and reports state it to 1%"),
    "sla_attainment.total": MID(0.01, "one point of SLA attainment: contracts and reports state it to 1%"),
    "level1_resolution_share": MID(0.05, _SHARE),
    "manager_escalation_share": MID(0.02, "two points: escalations are rare, a small change is a visible one"),
    "tickets_open_at_end": MID(5.0, "five tickets: about a day's backlog of one engineer"),
    "projects_per_quarter": MID(0.05, _RATE, relative=True),
    "project_lead_time_weeks_mean": MID(1.0, _WEEK),
    "projects_per_quarter.{project_class}": MID(0.05, _RATE, relative=True),
    "project_lead_time_weeks_mean.{project_class}": MID(1.0, _WEEK),
    "project_lead_time_weeks_p50.{project_class}": MID(1.0, _WEEK),
    "project_on_time_share.{project_class}": MID(0.05, _SHARE),
    "projects_open_at_end": MID(1.0, "one project: a portfolio is managed project by project"),
    "project_open_age_weeks_mean": MID(1.0, _WEEK),
    "project_lead_time_weeks_p50": MID(1.0, _WEEK),
    "project_lead_time_weeks_p90": MID(2.0, "two weeks at the tail: the slowest projects vary more"),
    "project_on_time_share": MID(0.05, _SHARE),
    "rework_hours_per_project": MID(4.0, "half a working day per project"),
    "rework_hours_per_week": MID(2.0, "two hours a week: 5% of one person's week"),
    "projects_waiting_at_end": MID(1.0, "one project: a portfolio is managed project by project"),
    "projects_deferred_per_quarter": MID(1.0, "one project a quarter: a portfolio board decides project by project"),
    "projects_deferred_at_end": MID(1.0, "one project: a portfolio is managed project by project"),
    "skipped_per_week.{duty}": MID(1.0, "one report or meeting a week: the smallest gap a stakeholder notices"),
    "skipped_share.{duty}": MID(0.05, _SHARE),
    "utilisation.{role}": MID(0.05, _LOAD),
    "utilisation.it_manager": MID(0.05, _LOAD),
    "firefighting_share.{role}": MID(0.05, _LOAD),
    "operations_share.{role}": MID(0.05, _LOAD),
    "multitasking_loss.{role}": MID(0.02, "two points of project time: about a working day a quarter"),
    "hours_per_person_week.{role}.{busy}": MID(1.0, "an hour per person per week on one duty"),
    "context_switches_per_person_day.{role}": MID(1.0, "one interruption a day"),
    "overtime_hours_per_person_week.{role}": MID(1.0, "an hour per person per week"),
    "items_completed_per_person_week.{role}": MID(0.05, _RATE, relative=True),
    "queue_length_mean.{duty}": MID(1.0, "one item waiting"),
    "queue_wait_hours_mean.{duty}": MID(0.5, _HOUR),
    "staff_cost_per_week": MID(0.01, "1% of the staff budget: below a typical annual budget variance", relative=True),
    "cost_per_ticket": MID(0.05, "5% of the unit cost: below that, a chargeback rate would not change", relative=True),
    "cost_per_project": MID(0.05, "5% of the unit cost: below a project's usual budget contingency", relative=True),
    "busy_cost_per_ticket": MID(0.05, "5% of the unit cost, as for the full cost", relative=True),
    "busy_cost_per_project": MID(0.05, "5% of the unit cost, as for the full cost", relative=True),
}


# rows declared by work sources beyond the shipped table (see declare), by pattern
_DECLARED: dict[str, Metric] = {}


def declare(rows) -> None:
    """Add the catalogue rows of a work source's own metrics (the same row twice is harmless;
    another row under a pattern already taken is an error)."""
    for row in rows:
        taken = next((m for m in (*CATALOGUE, *_INSTANCES.values()) if m.pattern == row.pattern), None)
        taken = taken or _DECLARED.get(row.pattern)
        if taken is not None and taken != row:
            raise ValueError(f"metric {row.pattern!r} is already in the catalogue, as another row")
        _DECLARED[row.pattern] = row
    lookup.cache_clear()


def from_queue(name: str) -> bool:
    """Is ``name`` (``project_lead_time_weeks_mean.small``) a magnitude read from a queue?"""
    return name.split(".")[0] in QUEUE_MAGNITUDES


def minimal_difference(name: str) -> MID | None:
    """The MID of a metric name (``utilisation.engineer``), or None (a description, or unknown)."""
    metric = lookup(name)
    return metric.mid if metric and metric.better else None


@lru_cache(maxsize=4096)
def lookup(name: str) -> Metric | None:
    """The catalogue row of a metric name (a fixed row before a pattern), or None."""
    if name in _INSTANCES:
        return _INSTANCES[name]
    rows = (*CATALOGUE, *_DECLARED.values())
    for metric in rows:
        if "{" not in metric.pattern and metric.pattern == name:
            return metric
    for metric in rows:
        if "{" in metric.pattern and metric.regex.match(name):
            return metric
    return None


def label(name: str) -> str:
    """What a reader calls the metric; a role or class it is about is named too."""
    metric = lookup(name)
    if metric is None:
        return name.replace("_", " ").replace(".", " ")
    if "{" not in metric.pattern:
        return metric.label
    detail = " ".join(part.replace("_", " ") for part in metric.regex.match(name).groups())
    return f"{metric.label}, {detail}"


def unit(name: str) -> str:
    metric = lookup(name)
    return metric.unit if metric else ""


def better_direction(name: str) -> int:
    """+1 when a higher value of the metric is better, -1 when lower is better, 0 when neither
    (a headcount or a load describes the organisation; it is no outcome to win on)."""
    metric = lookup(name)
    return metric.better if metric else LOWER


def is_share(name: str) -> bool:
    """True when the metric's values lie between 0 and 1."""
    metric = lookup(name)
    return bool(metric and metric.share)


def _rows() -> tuple[Metric, ...]:
    return (*CATALOGUE, *_INSTANCES.values(), *_DECLARED.values())


def headline() -> tuple[Metric, ...]:
    """The metrics of the headline table, in order."""
    return tuple(sorted((m for m in _rows() if m.headline), key=lambda m: m.headline))


def sweep_metrics() -> tuple[str, ...]:
    """The metrics every sweep plots, in headline order."""
    return tuple(m.pattern for m in sorted((m for m in _rows() if m.sweep), key=lambda m: m.headline or 99))


def dashboard() -> tuple[Metric, ...]:
    """The panels of the comparison dashboard, in order."""
    order = ("project_lead_time_weeks_mean", "project_on_time_share", "sla_attainment.total")
    rows = [m for m in _rows() if m.dashboard]
    return tuple(sorted(rows, key=lambda m: (order.index(m.pattern) if m.pattern in order else 3, m.headline)))


def reserved_names(placeholder: str) -> set[str]:
    """Names a ``placeholder`` (ticket_class, role, ...) must not take, because a fixed metric
    already uses them where the pattern puts the name (``tickets_per_week.total``)."""
    reserved = set()
    fixed = [m.pattern for m in CATALOGUE if "{" not in m.pattern]
    for metric in CATALOGUE:
        marker = "{" + placeholder + "}"
        if metric.pattern.endswith("." + marker):
            prefix = metric.pattern[: -len(marker)]
            reserved |= {name[len(prefix) :] for name in fixed if name.startswith(prefix)}
    return reserved


def markdown_list() -> str:
    """The catalogue as a Markdown table (the README and the reference embed it)."""
    lines = ["| metric | unit | better | MID | meaning |", "|---|---|---|---|---|"]
    for metric in CATALOGUE:
        better = {HIGHER: "higher", LOWER: "lower", NEITHER: "neither"}[metric.better]
        mid = metric.mid.describe(metric.unit) if metric.mid and metric.better else ""
        queue = " (read from a queue: not shown where a point is over capacity)" if metric.from_queue else ""
        doc = metric.doc + queue
        lines.append(f"| `{metric.pattern}` | {metric.unit} | {better} | {mid} | {doc} |")
    return "\n".join(lines)
