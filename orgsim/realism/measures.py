"""How each realism row reads its value from a run (:class:`~orgsim.results.Results`).

A value is one number per replication (an array), or an :class:`Estimate` (mean and 95%
interval) where the replications pool into one estimate (effort of a class, the censored
median duration of a class).

Every share of a role's time is per **working hour** of that role: its contracted hours
(the calendar's week times the people's availability) plus the overtime it worked
(:func:`working_hours`), never per busy hour, so that a role busy a twentieth of its week
cannot show a share of a busy hour that looks like a full job.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..duties import DUTY_FAMILY, FIREFIGHTING
from ..results import Results
from ..results.capacity import AVAILABLE, OFFERED
from ..stats import kaplan_meier_median

__all__ = [
    "Estimate",
    "class_effort",
    "class_rate",
    "censored_duration",
    "employees_per_it_staff",
    "firefighting_share",
    "headcount",
    "heaviest_load",
    "hours_by_duty",
    "it_run_share",
    "it_staff",
    "it_staff_week",
    "level1_work_share",
    "metric",
    "pm_share",
    "projects_per_coordinator",
    "rework_share",
    "role_hours",
    "role_share",
    "service_desk_staff_share",
    "span_of_control",
    "staffed",
    "tickets_per_employee_month",
    "users_per_analyst",
    "working_hours",
]

COORDINATION = ("project_coordination", "status_reporting")
PROJECT_WORK = ("project_work", "multitasking")


class Estimate(NamedTuple):
    """One estimate pooled over the replications: its mean (or median) and 95% interval
    (NaN where there is none; ``inf`` where the data cannot bound it)."""

    mean: float
    low: float
    high: float


def _by_replication(results: Results, series: pd.Series) -> np.ndarray:
    return series.reindex(results.replications["replication"]).to_numpy(dtype=float)


def _constant(results: Results, value: float) -> np.ndarray:
    return np.full(len(results.replications), float(value))


def metric(name: str):
    """A metric of the run, one value per replication."""
    return lambda results: results.replications[name].to_numpy(dtype=float)


def headcount(results: Results, role: str) -> float:
    return results.scenario.headcounts().get(role, 0)


def staffed(role: str):
    """Applies where the role has people (and the run measured them)."""
    return lambda results: headcount(results, role) > 0 and f"utilisation.{role}" in results.replications


def it_staff(results: Results) -> float:
    return sum(results.scenario.headcounts().values())


# --- working time -------------------------------------------------------------------------


def working_hours(results: Results, role: str) -> np.ndarray:
    """Hours a person of ``role`` worked a week, per replication: the contracted week times the
    people's mean availability, plus the overtime they worked (0 where the role has none)."""
    frame = results.replications
    n = frame[f"headcount.{role}"].to_numpy(dtype=float)
    fte = frame[f"fte.{role}"].to_numpy(dtype=float)
    contract = results.scenario.calendar.hours_per_week * fte / n
    overtime = f"overtime_hours_per_person_week.{role}"
    return contract + (frame[overtime].to_numpy(dtype=float) if overtime in frame else 0.0)


def role_hours(results: Results, role: str, labels) -> np.ndarray:
    """Hours a person of ``role`` spent a week on the duties ``labels``, per replication."""
    frame = results.replications
    total = np.zeros(len(frame))
    for label in labels:
        column = f"hours_per_person_week.{role}.{label}"
        if column in frame:
            total = total + frame[column].to_numpy(dtype=float)
    return total


def role_share(role: str, labels=None, family: str | None = None):
    """The share of a role's working time on ``labels`` (or on every duty of ``family``)."""

    def value(results: Results) -> np.ndarray:
        duties = labels
        if duties is None:
            duties = [d for d in results.scenario.role(role).duties if DUTY_FAMILY.get(d) == family]
        return role_hours(results, role, duties) / working_hours(results, role)

    return value


def firefighting_share(role: str):
    return role_share(role, FIREFIGHTING)


def it_staff_week(results: Results) -> np.ndarray:
    """Mean hours worked a week over every IT staff member (overtime included), per replication."""
    total = np.zeros(len(results.replications))
    people = 0.0
    for role, n in results.scenario.headcounts().items():
        if n > 0 and f"headcount.{role}" in results.replications:
            total = total + n * working_hours(results, role)
            people += n
    return total / people


def heaviest_load(results: Results) -> np.ndarray:
    """Per replication, the offered hours of work per available hour of the most loaded role
    (the input of the stability check, :func:`orgsim.results.capacity.capacity`)."""
    frame = results.replications
    loads = []
    for column in frame.columns:
        if column.startswith(f"{AVAILABLE}."):
            role = column[len(AVAILABLE) + 1 :]
            offered = f"{OFFERED}.{role}"
            if offered in frame:
                loads.append(frame[offered].to_numpy(dtype=float) / frame[column].to_numpy(dtype=float))
    if not loads:
        return np.full(len(frame), math.nan)
    return np.nanmax(np.vstack(loads), axis=0)


def hours_by_duty(results: Results, labels, roles=None) -> np.ndarray:
    """Hours per week on ``labels`` summed over the people (of ``roles``), per replication."""
    people = results.people
    if roles is not None:
        people = people[people["role"].isin(roles)]
    columns = [f"hours_per_week.{label}" for label in labels if f"hours_per_week.{label}" in people.columns]
    if not columns:
        return np.zeros(len(results.replications))
    totals = people.groupby("replication")[columns].sum().sum(axis=1)
    return _by_replication(results, totals).copy() if len(totals) else np.zeros(len(results.replications))


def level1_work_share(results: Results) -> np.ndarray:
    """Level-1 ticket hours (the service desk's work, whoever does it) per working hour of all
    IT staff, per replication."""
    working = np.zeros(len(results.replications))
    for role, n in results.scenario.headcounts().items():
        if n > 0 and f"headcount.{role}" in results.replications:
            working = working + n * working_hours(results, role)
    return np.nan_to_num(hours_by_duty(results, ("ticket_l1",))) / working


# --- the organisation as the scenario sets it (input echoes) --------------------------------


def employees_per_it_staff(results: Results) -> np.ndarray:
    return _constant(results, results.scenario.org.employees / it_staff(results))


def users_per_analyst(results: Results) -> np.ndarray:
    return _constant(results, results.scenario.org.employees / headcount(results, "service_desk"))


def service_desk_staff_share(results: Results) -> np.ndarray:
    return _constant(results, headcount(results, "service_desk") / it_staff(results))


def span_of_control(results: Results) -> np.ndarray:
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
    return _constant(results, weighted)


def tickets_per_employee_month(results: Results) -> np.ndarray:
    weekly = results.replications["tickets_per_week.total"].to_numpy(dtype=float)
    return weekly * 52.0 / 12.0 / results.scenario.org.employees


def class_effort(results: Results, project_class: str, statistic: str, hours_per_unit: float) -> Estimate:
    """The mean or median of a class's effort distribution (an input: the few projects of one run
    would measure it no better), in person-days or person-months."""
    effort = results.scenario.projects.by_name()[project_class].effort
    value = effort.expected
    if statistic == "median" and effort.kind == "lognormal":
        value = effort.mean / math.sqrt(1.0 + effort.cv**2)
    return Estimate(value / hours_per_unit, math.nan, math.nan)


def class_rate(results: Results, project_class: str) -> float:
    """Projects of a class arriving per 100 employees a year (0 where the class is absent)."""
    projects = results.scenario.projects
    klass = projects.by_name().get(project_class)
    return 0.0 if klass is None else klass.per_100_employees_per_year * projects.arrival_scale


# --- what the run measures -----------------------------------------------------------------


def it_run_share(results: Results) -> np.ndarray:
    """Hours of all IT staff on running the business (every duty but projects) per hour on any
    duty, per replication: Gartner's "run" against "grow and transform", a share of the IT
    budget, which spreads idle time as it spreads the hours worked."""
    people = results.people
    hours = people.filter(like="hours_per_week.")
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
    return _by_replication(results, totals["ops"] / totals["all"])


def pm_share(results: Results) -> np.ndarray:
    """Coordination and status hours per hour of project work (all roles): effort per effort."""
    return hours_by_duty(results, COORDINATION) / hours_by_duty(results, PROJECT_WORK)


def rework_share(results: Results) -> np.ndarray:
    weekly = results.replications["rework_hours_per_week"].to_numpy(dtype=float)
    return weekly / hours_by_duty(results, PROJECT_WORK)


def projects_per_coordinator(results: Results) -> np.ndarray:
    """Time-average active projects per project manager, over the measured days."""
    series = results.timeseries
    start = results.scenario.simulation.warmup_weeks * results.scenario.calendar.hours_per_week
    measured = series[series["hours"] > start + 1e-9]
    active = measured.groupby("replication")["projects_active"].mean()
    return _by_replication(results, active / headcount(results, "project_manager"))


def censored_duration(project_class: str, scale: float = 1.0):
    """The Kaplan-Meier median lead time of a class's projects, every project of the class still
    open at the end counted at its age (censored), pooled over the replications with a
    bootstrap interval over replications; times ``scale`` (e.g. months a week).  With more than
    half of the class still open the median is longer than the run: the estimate is then the
    longest age seen (a lower bound: ``high`` is ``inf``).  NaN only where no project of the
    class arrived at all."""

    def value(results: Results) -> Estimate:
        projects = results.projects
        done = projects.loc[projects["project_class"] == project_class, ["replication", "lead_time_weeks"]]
        open_projects = getattr(results, "open_projects", None)
        if isinstance(open_projects, pd.DataFrame) and len(open_projects):
            still = open_projects.loc[open_projects["project_class"] == project_class, ["replication", "age_weeks"]]
        else:
            still = pd.DataFrame({"replication": [], "age_weeks": []})
        durations = np.concatenate([done["lead_time_weeks"].to_numpy(float), still["age_weeks"].to_numpy(float)])
        if len(durations) == 0:
            return Estimate(math.nan, math.nan, math.nan)
        observed = np.concatenate([np.ones(len(done), bool), np.zeros(len(still), bool)])
        groups = np.concatenate([done["replication"].to_numpy(), still["replication"].to_numpy()])
        estimate = kaplan_meier_median(durations, observed, groups=groups, seed=0)
        median, low, high = estimate["median"], estimate["ci_low"], estimate["ci_high"]
        if math.isinf(median):
            median = float(durations.max())
            low, high = median, math.inf
        return Estimate(median * scale, low * scale, high * scale)

    return value
