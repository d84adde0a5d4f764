"""Realism: a scenario's measurements beside the published figures they should match.

Each :class:`Benchmark` is one published figure: the quantity, what was published, the band a
real organisation lies in, the source, when it applies (a span of control means little in a
two-person IT team), and how to read the simulated value from a run.  A band is the published
range; where a source gives a single figure the band is stated as an estimate around it, and
says so.  Calibration rows check that the organisation is real (its work, staff and sizes);
outcome rows set what its structure achieves (projects on time, durations, losses) beside the
published figure.  :func:`realism` runs the comparison; ``orgsim realism SCENARIO --strict``
fails when a calibration value lies outside its band.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .results import Results
from .stats import format_number, mean_interval

__all__ = ["Benchmark", "BENCHMARKS", "COLUMNS", "FILES", "realism", "calibrated", "format_realism", "realism_title"]

FILES = ("realism.csv",)  # what `orgsim realism` adds to its folder

COLUMNS = [
    "quantity",
    "published",
    "band_low",
    "band_high",
    "source",
    "simulated",
    "ci_low",
    "ci_high",
    "within",
    "kind",
]


@dataclass(frozen=True)
class Benchmark:
    """One published figure and how to measure it in a run.

    ``value(results)`` returns one value per replication; ``applies(results)`` says whether
    the figure means anything for this organisation; ``band(results)`` gives (low, high),
    which may depend on the organisation's size.  An ``outcome`` is a result of the structure
    being simulated (how many projects end on time, how long they take, what is lost to
    multitasking and rework): it is set beside the published figure as a finding, while the
    other rows check that the organisation itself — its work, staff and calibration — is real.
    """

    quantity: str
    published: str
    source: str
    value: Callable[[Results], np.ndarray]
    band: Callable[[Results], tuple[float, float]]
    applies: Callable[[Results], bool] = lambda results: True
    outcome: bool = False


def _metric(name: str):
    return lambda results: results.replications[name].to_numpy(dtype=float)


def _headcount(results: Results, role: str) -> int:
    return results.scenario.headcounts().get(role, 0)


def _staffed(role: str):
    return lambda results: _headcount(results, role) > 0 and f"utilisation.{role}" in results.replications


def _fixed(low: float, high: float):
    return lambda results: (low, high)


def _it_staff(results: Results) -> int:
    return sum(results.scenario.headcounts().values())


def _employees_per_it_staff(results: Results) -> np.ndarray:
    value = results.scenario.org.employees / _it_staff(results)
    return np.full(len(results.replications), value)


def _employees_per_it_staff_band(results: Results) -> tuple[float, float]:
    # Mercer/ITAA: under 500 employees median 1:18, quartiles 1:8-1:34; from 500 on the medians of
    # the size classes run from 1:18 to 1:40 (1:25 at 500-999, 1:23 at 1,000-4,999, 1:40 at 10,000+)
    return (8.0, 34.0) if results.scenario.org.employees < 500 else (18.0, 40.0)


def _users_per_analyst(results: Results) -> np.ndarray:
    value = results.scenario.org.employees / _headcount(results, "service_desk")
    return np.full(len(results.replications), value)


def _span_of_control(results: Results) -> np.ndarray:
    """Mean direct reports of the people who manage anybody (from the resolved roles)."""
    scenario = results.scenario
    counts = scenario.headcounts()
    spans = []
    for boss in scenario.roles:
        if counts[boss.name] == 0:
            continue
        reports = sum(counts[r.name] for r in scenario.roles if r.reports_to == boss.name)
        if reports:
            spans.append((reports / counts[boss.name], counts[boss.name]))
    weighted = sum(span * n for span, n in spans) / sum(n for _, n in spans)
    return np.full(len(results.replications), weighted)


def _tickets_per_employee_month(results: Results) -> np.ndarray:
    weekly = results.replications["tickets_per_week.total"].to_numpy(dtype=float)
    return weekly * 52.0 / 12.0 / results.scenario.org.employees


def _it_run_share(results: Results) -> np.ndarray:
    """Hours of all IT staff on running the business (every duty but projects) per hour on any
    duty, per replication: Gartner's "run" against "grow and transform"."""
    people = results.people
    hours = people.filter(like="hours_per_week.")
    from .duties import DUTY_FAMILY

    duty_columns = [c for c in hours.columns if c.removeprefix("hours_per_week.") in DUTY_FAMILY]
    ops_columns = [c for c in duty_columns if DUTY_FAMILY[c.removeprefix("hours_per_week.")] != "project"]
    frame = pd.DataFrame(
        {
            "replication": people["replication"],
            "ops": hours[ops_columns].sum(axis=1),
            "all": hours[duty_columns].sum(axis=1),
        }
    )
    totals = frame.groupby("replication")[["ops", "all"]].sum()
    return (totals["ops"] / totals["all"]).reindex(results.replications["replication"]).to_numpy(dtype=float)


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "IT manager busy share",
        "managers are fully booked",
        "Mintzberg, The Nature of Managerial Work (1973); survey of UK IT managers (Computing); up to fully"
        " booked (1.0), from 0.70 (estimate)",
        _metric("utilisation.it_manager"),
        _fixed(0.70, 1.00),
        _staffed("it_manager"),
    ),
    Benchmark(
        "IT manager firefighting share (major incidents, approvals, escalations, interrupts) of working time",
        "~30% of time, more than a day a week",
        "survey of UK IT managers (Computing)",
        _metric("firefighting_share.it_manager"),
        _fixed(0.20, 0.40),
        _staffed("it_manager"),
    ),
    Benchmark(
        "engineer operations share (tickets, routine, firefighting)",
        "most of an engineer's time; SRE practice caps operational work at 50%",
        "Beyer et al., Site Reliability Engineering (2016) ch. 5; Gartner run ~70%; upper end: estimate",
        _metric("operations_share.engineer"),
        _fixed(0.50, 0.80),
        _staffed("engineer"),
    ),
    Benchmark(
        "engineer utilisation",
        "no published figure: busy but with room for project work",
        "estimate",
        _metric("utilisation.engineer"),
        _fixed(0.60, 0.90),
        _staffed("engineer"),
    ),
    Benchmark(
        "service desk utilisation",
        "a desk staffed at ~70 users per analyst is busy as staffed",
        "Gartner (staffing); band: estimate",
        _metric("utilisation.service_desk"),
        _fixed(0.60, 0.90),
        _staffed("service_desk"),
    ),
    Benchmark(
        "users per service-desk analyst",
        "~70 (30-100)",
        "Gartner",
        _users_per_analyst,
        _fixed(30.0, 100.0),
        _staffed("service_desk"),
    ),
    Benchmark(
        "employees per IT staff member",
        "1:18 under 500 employees (quartiles 1:8-1:34); 1:25 at 500-999; 1:23 at 1,000-4,999; 1:40 at 10,000+",
        "Mercer/ITAA, Organizing for Results (2003)",
        _employees_per_it_staff,
        _employees_per_it_staff_band,
    ),
    Benchmark(
        "span of control (direct reports per manager)",
        "~9; 5-10 in tech; 3-5 when the manager also does hands-on work",
        "Namely; Deloitte (applies from 10 IT staff on)",
        _span_of_control,
        _fixed(3.0, 10.0),
        lambda results: _it_staff(results) >= 10,
    ),
    Benchmark(
        "tickets per employee per month",
        "1.0-1.5 (1.25 in MetricNet's worked example)",
        "Rumburg, Metric of the Month: Tickets Prevented, HDI SupportWorld (2020)",
        _tickets_per_employee_month,
        _fixed(1.0, 1.5),
        lambda results: results.scenario.tickets.per_employee_per_month > 0,
    ),
    Benchmark(
        "tickets resolved at level 1 (first-contact resolution)",
        "66% incidents, 67% requests; 70.6%; 60% of cases stay at level 1",
        "HDI 2015 Support Center Practices; Gartner IT Key Metrics 2018; BPI Challenge 2013",
        _metric("level1_resolution_share"),
        _fixed(0.60, 0.71),
        lambda results: "level1_resolution_share" in results.replications,
    ),
    Benchmark(
        "tickets escalated to management",
        "1-3%",
        "estimate (no published figure found)",
        _metric("manager_escalation_share"),
        _fixed(0.01, 0.03),
        lambda results: results.scenario.tickets.manager_escalation_share > 0,
    ),
)


def _hours_by_duty(results: Results, labels, roles=None) -> np.ndarray:
    """Hours per week on ``labels`` summed over the people (of ``roles``), per replication."""
    people = results.people
    if roles is not None:
        people = people[people["role"].isin(roles)]
    columns = [f"hours_per_week.{label}" for label in labels if f"hours_per_week.{label}" in people.columns]
    totals = people.groupby("replication")[columns].sum().sum(axis=1) if columns else None
    index = results.replications["replication"]
    if totals is None:
        return np.zeros(len(index))
    return totals.reindex(index).fillna(0.0).to_numpy(dtype=float)


_COORDINATION = ("project_coordination", "status_reporting")
_PROJECT_WORK = ("project_work", "multitasking")


def _pm_share(results: Results) -> np.ndarray:
    """Coordination and status hours per hour of project work (all roles)."""
    return _hours_by_duty(results, _COORDINATION) / _hours_by_duty(results, _PROJECT_WORK)


def _status_share(results: Results) -> np.ndarray:
    """The project managers' status reporting per hour they are busy."""
    roles = ["project_manager"]
    status = _hours_by_duty(results, ("status_reporting",), roles)
    busy = _hours_by_duty(results, (*_COORDINATION, "context_switch"), roles)
    return status / busy


def _projects_per_coordinator(results: Results) -> np.ndarray:
    """Time-average active projects per project manager, over the measured days."""
    series = results.timeseries
    start = results.scenario.simulation.warmup_weeks * results.scenario.calendar.hours_per_week
    measured = series[series["hours"] > start + 1e-9]
    active = measured.groupby("replication")["projects_active"].mean()
    return (active / _headcount(results, "project_manager")).reindex(results.replications["replication"]).to_numpy()


def _pooled(results: Results, project_class: str, column: str, reduce, scale: float = 1.0):
    """One value over every replication's completed projects of a class (too few per replication)."""
    projects = results.projects
    values = projects.loc[projects["project_class"] == project_class, column].to_numpy(dtype=float)
    return np.array([reduce(values) * scale])


def _completed(project_class: str, at_least: int):
    def applies(results: Results) -> bool:
        projects = results.projects
        return not projects.empty and int((projects["project_class"] == project_class).sum()) >= at_least

    return applies


def _class_effort(results: Results, project_class: str, statistic: str, hours_per_unit: float) -> np.ndarray:
    """The mean or median of a class's effort distribution (an input: the few projects of one run
    would measure it no better), in person-days or person-months."""
    effort = results.scenario.projects.by_name()[project_class].effort
    value = effort.expected
    if statistic == "median" and effort.kind == "lognormal":
        value = effort.mean / math.sqrt(1.0 + effort.cv**2)
    return np.array([value / hours_per_unit])


def _pms_sized_by_load(results: Results) -> bool:
    """The projects-per-PM figure describes PMs staffed to the project load: not the one PM a small
    firm has at the minimum headcount whatever its few projects."""
    if not _staffed("project_manager")(results):
        return False
    scenario = results.scenario
    role = scenario.role("project_manager")
    return scenario.headcounts()["project_manager"] > role.headcount.minimum


def _on_time(project_class: str | None):
    name = "project_on_time_share" if project_class is None else f"project_on_time_share.{project_class}"
    return _metric(name)


def _rework_share(results: Results) -> np.ndarray:
    weekly = results.replications["rework_hours_per_week"].to_numpy(dtype=float)
    return weekly / _hours_by_duty(results, _PROJECT_WORK)


PROJECT_BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "run share of all IT staff hours (operations and management, not projects)",
        "~70% run, ~30% grow and transform",
        "Gartner IT Key Metrics Data (run/grow/transform); band: estimate around it",
        _it_run_share,
        _fixed(0.60, 0.80),
    ),
    Benchmark(
        "small project effort (mean of the class, person-days)",
        "small projects: under 50 person-days",
        "QSM 2012 and 2021",
        lambda results: _class_effort(results, "small", "mean", 8.0),
        _fixed(0.0, 50.0),
        lambda results: "small" in results.scenario.projects.by_name(),
    ),
    Benchmark(
        "medium project effort (median of the class, person-months)",
        "median 22-26 person-months",
        "QSM 2012 and 2021 (152 working hours a person-month)",
        lambda results: _class_effort(results, "medium", "median", 152.0),
        _fixed(22.0, 26.0),
        lambda results: "medium" in results.scenario.projects.by_name(),
    ),
    Benchmark(
        "medium project duration (median, months)",
        "5-7 months (QSM); 171 days (Kitchenham); 7, 10 and 13.5 months (PROMISE data sets)",
        "QSM; Kitchenham, China, Desharnais and Maxwell data sets (PROMISE)",
        lambda results: _pooled(results, "medium", "lead_time_weeks", np.median, 12 / 52.0),
        _fixed(5.0, 13.5),
        _completed("medium", 5),
        outcome=True,
    ),
    Benchmark(
        "project management effort share of project effort",
        "10-15% (12% small to 18% very large)",
        "Capers Jones, Applied Software Measurement",
        _pm_share,
        _fixed(0.10, 0.18),
        lambda results: "hours_per_week.project_work" in results.people.columns,
        outcome=True,
    ),
    Benchmark(
        "status reporting share of a project manager's time",
        "20-30% for more than half of PMs",
        "Workfront survey 2015, of PMs running 2-5 projects (applies where the PMs are staffed to the load,"
        " above their minimum: a small firm's one PM running one project at a time reports on fewer)",
        _status_share,
        _fixed(0.20, 0.30),
        _pms_sized_by_load,
    ),
    Benchmark(
        "concurrent projects per project manager",
        "2-5",
        "practitioner surveys (applies where the PMs are staffed to the load, above their minimum)",
        _projects_per_coordinator,
        _fixed(2.0, 5.0),
        _pms_sized_by_load,
    ),
    Benchmark(
        "projects on time",
        "~40% on time; small projects 62%, large 6%",
        "Standish CHAOS 2015; band: from a quarter (estimate) up to the small projects' 62%",
        _on_time(None),
        _fixed(0.25, 0.62),
        lambda results: "project_on_time_share" in results.replications,
        outcome=True,
    ),
    Benchmark(
        "small projects on time",
        "62% of small projects succeed",
        "Standish CHAOS 2015; band: estimate around it (from the overall 40% up to three in four)",
        _on_time("small"),
        _fixed(0.40, 0.75),
        lambda results: results.replications.get("project_on_time_share.small", pd.Series([])).notna().sum() > 1,
        outcome=True,
    ),
    Benchmark(
        "engineers' multitasking loss (share of project time)",
        "~17% of effort at 2 or more projects (Weinberg's table: 20-75%)",
        "Tregubov, Boehm et al., ICSSP 2017; Weinberg 1992; band: up to the measured 17%",
        _metric("multitasking_loss.engineer"),
        _fixed(0.0, 0.17),
        _staffed("engineer"),
        outcome=True,
    ),
    Benchmark(
        "rework share of project work",
        "hidden work grows with decision latency (no published share)",
        "Virtual Design Team (Jin & Levitt 1996); band: estimate",
        _rework_share,
        _fixed(0.001, 0.10),
        lambda results: "rework_hours_per_week" in results.replications,
        outcome=True,
    ),
)

BENCHMARKS = BENCHMARKS + PROJECT_BENCHMARKS


def realism(results: Results, benchmarks: tuple[Benchmark, ...] = BENCHMARKS) -> pd.DataFrame:
    """Every benchmark that applies to the run: the published band beside the simulated mean
    and its 95% confidence interval over replications; ``within``: the mean lies in the band;
    ``kind``: calibration (the organisation is real) or outcome (what its structure achieves)."""
    rows = []
    for benchmark in benchmarks:
        if not benchmark.applies(results):
            continue
        mean, low, high = mean_interval(benchmark.value(results))
        band_low, band_high = benchmark.band(results)
        rows.append(
            {
                "quantity": benchmark.quantity,
                "published": benchmark.published,
                "band_low": band_low,
                "band_high": band_high,
                "source": benchmark.source,
                "simulated": mean,
                "ci_low": low,
                "ci_high": high,
                "within": bool(band_low <= mean <= band_high),
                "kind": "outcome" if benchmark.outcome else "calibration",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def calibrated(table: pd.DataFrame) -> bool:
    """Every calibration row within its band (what ``--strict`` requires)."""
    rows = table[table["kind"] == "calibration"]
    return bool(rows["within"].all())


def format_realism(table: pd.DataFrame, title: str) -> str:
    """The comparison as a plain-text table."""
    lines = [title]
    width = max([len(q) for q in table["quantity"]] + [8])
    lines.append(f"  {'quantity':<{width}}  {'band':>15}  {'simulated':>10}  {'95% CI':>17}  ok")
    for row in table.itertuples(index=False):
        band = f"{format_number(row.band_low)}-{format_number(row.band_high)}"
        ci = f"{format_number(row.ci_low)} to {format_number(row.ci_high)}" if not np.isnan(row.ci_low) else "n/a"
        mark = "yes" if row.within else ("NO" if row.kind == "calibration" else "outside (outcome)")
        lines.append(f"  {row.quantity:<{width}}  {band:>15}  {format_number(row.simulated):>10}  {ci:>17}  {mark}")
    calibration = table[table["kind"] == "calibration"]
    outcomes = table[table["kind"] == "outcome"]
    lines.append(
        f"calibration: {int(calibration['within'].sum())} of {len(calibration)} within the published band; "
        f"outcomes of this structure: {int(outcomes['within'].sum())} of {len(outcomes)}"
    )
    return "\n".join(lines)


def realism_title(scenario, results) -> str:
    """The title of the table that sets a run's measurements beside published figures."""
    return (
        f"{scenario.name}: {len(results.replications)} replications, {scenario.org.employees:,} employees, "
        f"structure {scenario.org.structure}: measurements beside published figures"
    )
