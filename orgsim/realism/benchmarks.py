"""The published figures a run is set beside: one :class:`Benchmark` row each.

Every row says

- its **basis**: an *input echo* (:data:`INPUT_ECHO`: the scenario sets the value — employees
  per IT staff member, tickets per employee, the effort of a project class, the span of
  control — and the row only shows that the inputs are the published ones) or *measured*
  (:data:`MEASURED`: the simulation produces it; ``orgsim realism --strict`` judges these);
- its **kind**: a calibration row (the organisation is a real one) or an *outcome* (what its
  structure achieves, set beside the published figure as a finding, never judged);
- where it applies: only where the figure means something for the organisation (a service
  desk's utilisation needs a service desk), never narrowed to let a scenario pass;
- its band: the published range; where a source gives one figure, a band around it marked
  *estimate*.  No utilisation band ends at 1.0: a role busy all of its working week has
  queues that do not empty (see the busy-share rows).

Shares of a role's time are per working hour (:mod:`orgsim.realism.measures`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..results import Results
from ..results.capacity import capacity
from . import measures as m

__all__ = ["Benchmark", "BENCHMARKS", "INPUT_ECHO", "MEASURED", "RESOLUTION_TARGETS"]

MEASURED = "measured"
INPUT_ECHO = "input echo"

# Busy share of working hours (overtime included) above which a role's queues do not empty:
# a single server at utilisation rho holds rho / (1 - rho) items on average, 19 at 0.95.
# Estimate: Mintzberg's managers are fully booked, but in short episodes interrupted on demand,
# which needs some slack; the stability row judges the queues themselves.
BUSY_CEILING = 0.95

# Median resolution within the target (working hours: the model's clock counts working hours)
RESOLUTION_TARGETS = {"p1": 4.0, "p2": 8.0, "p3": 24.0, "p4": 72.0}


@dataclass(frozen=True)
class Benchmark:
    """One published figure and how to measure it in a run.

    ``value(results)`` returns one value per replication (an array) or one pooled
    :class:`~orgsim.realism.measures.Estimate`; ``applies(results)`` says whether the figure
    means anything for this organisation; ``band(results)`` gives (low, high), which may depend
    on the organisation's size; ``basis``: :data:`MEASURED` or :data:`INPUT_ECHO`; ``outcome``:
    a result of the structure (a finding, not a check); ``judge(results)``, where given,
    decides ``within`` instead of the band (the stability row: the one rule of
    :func:`orgsim.results.capacity.capacity`)."""

    quantity: str
    published: str
    source: str
    value: Callable[[Results], np.ndarray | m.Estimate]
    band: Callable[[Results], tuple[float, float]]
    applies: Callable[[Results], bool] = lambda results: True
    outcome: bool = False
    basis: str = MEASURED
    judge: Callable[[Results], bool] | None = None


def _fixed(low: float, high: float):
    return lambda results: (low, high)


def _employees_per_it_staff_band(results: Results) -> tuple[float, float]:
    # Mercer/ITAA: under 500 employees median 1:18, quartiles 1:8-1:34; from 500 on the medians of
    # the size classes run from 1:18 to 1:40 (1:25 at 500-999, 1:23 at 1,000-4,999, 1:40 at 10,000+)
    return (8.0, 34.0) if results.scenario.org.employees < 500 else (18.0, 40.0)


def _has(column: str):
    return lambda results: column in results.replications


def _ticket_class(name: str):
    def applies(results: Results) -> bool:
        klass = results.scenario.tickets.by_name().get(name)
        column = f"ticket_resolution_hours_p50.{name}"
        return klass is not None and klass.share > 0 and column in results.replications

    return applies


def _class_arrives(project_class: str):
    return lambda results: m.class_rate(results, project_class) > 0


def _stable(results: Results) -> bool:
    return capacity(results).stable


_MANAGERS: tuple[Benchmark, ...] = (
    Benchmark(
        "IT manager busy share",
        "managers are fully booked",
        "Mintzberg, The Nature of Managerial Work (1973); survey of UK IT managers (Computing); from 0.70 (estimate)"
        " to 0.95 (estimate: a manager busy more of the working week, overtime included, has queues that do not"
        " empty, rho/(1-rho) = 19 items at 0.95)",
        m.metric("utilisation.it_manager"),
        _fixed(0.70, BUSY_CEILING),
        m.staffed("it_manager"),
    ),
    Benchmark(
        "IT manager firefighting share (major incidents, approvals, escalations, interrupts) of working time",
        "~30% of time, more than a day a week",
        "survey of UK IT managers (Computing); per working hour, overtime included",
        m.firefighting_share("it_manager"),
        _fixed(0.20, 0.40),
        m.staffed("it_manager"),
    ),
    Benchmark(
        "IT manager project share of working time (coordination, status, portfolio)",
        "IT leaders spend ~39% of their time planning and delivering projects",
        "Deloitte poll of 55 CIOs (Information Age); band 0.25-0.50: estimate (a third either side of 39%, a"
        " poll of CIOs, not of IT managers); per working hour, overtime included",
        m.role_share("it_manager", family="project"),
        _fixed(0.25, 0.50),
        m.staffed("it_manager"),
    ),
    Benchmark(
        "IT manager hours worked per week (with overtime)",
        "83% regularly beyond contract, on average 1 h 18 min a day (~6.5 h a week); over a third more than 56 h",
        "Chartered Management Institute, Quality of Working Life (IT managers); TechRepublic survey of 975 IT"
        " managers; band 44-56 h: estimate (CMI's overtime on a 37.5-40 h contract, to the 56 h a third exceed)",
        lambda results: m.working_hours(results, "it_manager"),
        _fixed(44.0, 56.0),
        m.staffed("it_manager"),
    ),
    Benchmark(
        "IT staff hours worked per week (all IT staff, with overtime)",
        "average 52 h; 54% over 40 h, 18% over 60 h (longer in small IT departments)",
        "Spiceworks survey of 600+ IT professionals (2015); band 46-58 h: estimate around the 52 h average",
        m.it_staff_week,
        _fixed(46.0, 58.0),
    ),
    Benchmark(
        "stability: no queue grows, no role offered more hours than it has (heaviest offered / available hours)",
        "people lengthen the week, skip reports, defer intake and delegate; no queue grows for ever",
        "practice (at 100% people defer, skip and work longer; nobody lets a queue grow for a year);"
        " judged by the stability rule of orgsim.results.capacity"
        " (a queue grows in most replications, or a role's offered hours exceed its available hours, 95% CI)",
        m.heaviest_load,
        _fixed(0.0, 1.0),
        judge=_stable,
    ),
)

_STAFF: tuple[Benchmark, ...] = (
    Benchmark(
        "engineer operations share of working time (tickets, routine, firefighting)",
        "most of an engineer's time; SRE practice caps operational work at 50%",
        "Beyer et al., Site Reliability Engineering (2016) ch. 5; Gartner run ~70%; upper end: estimate;"
        " per working hour",
        m.role_share("engineer", family="operations"),
        _fixed(0.50, 0.80),
        m.staffed("engineer"),
    ),
    Benchmark(
        "engineer utilisation",
        "no published figure: busy but with room for project work",
        "estimate",
        m.metric("utilisation.engineer"),
        _fixed(0.60, 0.90),
        m.staffed("engineer"),
    ),
    Benchmark(
        "service desk utilisation",
        "a desk staffed at ~70 users per analyst is busy as staffed",
        "Gartner (staffing); band: estimate",
        m.metric("utilisation.service_desk"),
        _fixed(0.60, 0.90),
        m.staffed("service_desk"),
    ),
    Benchmark(
        "project manager utilisation (busy share of working time)",
        "no published figure: a PM running 2-5 projects is busy most of the week",
        f"practitioner surveys (2-5 projects a PM); band 0.60-{BUSY_CEILING}: estimate (as the engineers' lower"
        " end, the IT manager's upper)",
        m.metric("utilisation.project_manager"),
        _fixed(0.60, BUSY_CEILING),
        m.staffed("project_manager"),
    ),
    Benchmark(
        "level-1 (service desk) work share of all IT staff working hours",
        "the service desk is ~8.5% of IT staff",
        "Computer Economics (2008); band 0.04-0.13: estimate (half to one and a half times 8.5%); per working"
        " hour, whoever takes the level-1 tickets",
        m.level1_work_share,
        _fixed(0.04, 0.13),
        lambda results: "hours_per_week.ticket_l1" in results.people.columns,
    ),
    Benchmark(
        "users per service-desk analyst",
        "~70 (30-100)",
        "Gartner",
        m.users_per_analyst,
        _fixed(30.0, 100.0),
        m.staffed("service_desk"),
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "service-desk staff share of IT staff (headcount)",
        "~8.5%",
        "Computer Economics (2008); band 0.04-0.13: estimate; applies from 12 IT staff (8.5% of them one person)",
        m.service_desk_staff_share,
        _fixed(0.04, 0.13),
        lambda results: m.it_staff(results) >= 12,
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "employees per IT staff member",
        "1:18 under 500 employees (quartiles 1:8-1:34); 1:25 at 500-999; 1:23 at 1,000-4,999; 1:40 at 10,000+",
        "Mercer/ITAA, Organizing for Results (2003)",
        m.employees_per_it_staff,
        _employees_per_it_staff_band,
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "span of control (direct reports per manager)",
        "~9; 5-10 in tech; 3-5 when the manager also does hands-on work",
        "Namely; Deloitte (applies from 10 IT staff on)",
        m.span_of_control,
        _fixed(3.0, 10.0),
        lambda results: m.it_staff(results) >= 10,
        basis=INPUT_ECHO,
    ),
)

_TICKETS: tuple[Benchmark, ...] = (
    Benchmark(
        "tickets per employee per month",
        "1.0-1.5 (1.25 in MetricNet's worked example)",
        "Rumburg, Metric of the Month: Tickets Prevented, HDI SupportWorld (2020)",
        m.tickets_per_employee_month,
        _fixed(1.0, 1.5),
        lambda results: results.scenario.tickets.per_employee_per_month > 0,
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "tickets resolved at level 1 (first-contact resolution)",
        "66% incidents, 67% requests; 70.6%; 60% of cases stay at level 1",
        "HDI 2015 Support Center Practices; Gartner IT Key Metrics 2018; BPI Challenge 2013",
        m.metric("level1_resolution_share"),
        _fixed(0.60, 0.71),
        _has("level1_resolution_share"),
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "tickets escalated to management",
        "1-3%",
        "estimate (no published figure found)",
        m.metric("manager_escalation_share"),
        _fixed(0.01, 0.03),
        lambda results: results.scenario.tickets.manager_escalation_share > 0,
        basis=INPUT_ECHO,
    ),
    *(
        Benchmark(
            f"{name.upper()} incident resolution time (median, working hours)",
            "resolution targets P1 1 h, P2 8 h, P3 24 h, P4 48 h; another common set 4 h / 8 h / 24 h / 72 h",
            "ITIL V3 Service Operation, table 4.1; university ITSM SLAs; band: the median within the looser"
            f" target ({target:g} h), no lower end",
            m.metric(f"ticket_resolution_hours_p50.{name}"),
            _fixed(0.0, target),
            _ticket_class(name),
        )
        for name, target in RESOLUTION_TARGETS.items()
    ),
)

_PROJECTS: tuple[Benchmark, ...] = (
    Benchmark(
        "run share of all IT staff hours (operations and management, not projects)",
        "~70% run, ~30% grow and transform",
        "Gartner IT Key Metrics Data (run/grow/transform, a share of spending: per hour worked on a duty);"
        " band: estimate around it",
        m.it_run_share,
        _fixed(0.60, 0.80),
    ),
    Benchmark(
        "small project effort (mean of the class, person-days)",
        "small projects: under 50 person-days",
        "QSM 2012 and 2021",
        lambda results: m.class_effort(results, "small", "mean", 8.0),
        _fixed(0.0, 50.0),
        lambda results: "small" in results.scenario.projects.by_name(),
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "medium project effort (median of the class, person-months)",
        "median 22-26 person-months",
        "QSM 2012 and 2021 (152 working hours a person-month)",
        lambda results: m.class_effort(results, "medium", "median", 152.0),
        _fixed(22.0, 26.0),
        lambda results: "medium" in results.scenario.projects.by_name(),
        basis=INPUT_ECHO,
    ),
    Benchmark(
        "medium project duration (median, months; open projects counted at their age)",
        "5-7 months (QSM); 171 days (Kitchenham); 7, 10 and 13.5 months (PROMISE data sets)",
        "QSM; Kitchenham, China, Desharnais and Maxwell data sets (PROMISE); Kaplan-Meier median, bootstrap CI"
        " over replications",
        m.censored_duration("medium", 12 / 52.0),
        _fixed(5.0, 13.5),
        _class_arrives("medium"),
        outcome=True,
    ),
    Benchmark(
        "project management effort share of project effort",
        "10-15% (12% small to 18% very large)",
        "Capers Jones, Applied Software Measurement",
        m.pm_share,
        _fixed(0.10, 0.18),
        lambda results: "hours_per_week.project_work" in results.people.columns,
        outcome=True,
    ),
    Benchmark(
        "status reporting share of a project manager's working time",
        "20-30% for more than half of PMs",
        "Workfront survey 2015 (PMs running 2-5 projects); per working hour, overtime included",
        m.role_share("project_manager", ("status_reporting",)),
        _fixed(0.20, 0.30),
        m.staffed("project_manager"),
    ),
    Benchmark(
        "concurrent projects per project manager",
        "2-5",
        "practitioner surveys",
        m.projects_per_coordinator,
        _fixed(2.0, 5.0),
        m.staffed("project_manager"),
    ),
    Benchmark(
        "projects on time",
        "~40% on time; small projects 62%, large 6%",
        "Standish CHAOS 2015; band: from a quarter (estimate) up to the small projects' 62%",
        m.metric("project_on_time_share"),
        _fixed(0.25, 0.62),
        _has("project_on_time_share"),
        outcome=True,
    ),
    Benchmark(
        "small projects on time",
        "62% of small projects succeed",
        "Standish CHAOS 2015; band: estimate around it (from the overall 40% up to three in four)",
        m.metric("project_on_time_share.small"),
        _fixed(0.40, 0.75),
        lambda results: (
            "project_on_time_share.small" in results.replications
            and results.replications["project_on_time_share.small"].notna().sum() > 1
        ),
        outcome=True,
    ),
    Benchmark(
        "engineers' multitasking loss (share of project time)",
        "~17% of effort at 2 or more projects (Weinberg's table: 20-75%)",
        "Tregubov, Boehm et al., ICSSP 2017; Weinberg 1992; band: up to the measured 17%",
        m.metric("multitasking_loss.engineer"),
        _fixed(0.0, 0.17),
        m.staffed("engineer"),
        outcome=True,
    ),
    Benchmark(
        "rework share of project work",
        "hidden work grows with decision latency (no published share)",
        "Virtual Design Team (Jin & Levitt 1996); band: estimate",
        m.rework_share,
        _fixed(0.001, 0.10),
        _has("rework_hours_per_week"),
        outcome=True,
    ),
)

BENCHMARKS: tuple[Benchmark, ...] = _MANAGERS + _STAFF + _TICKETS + _PROJECTS
