"""What the study measures and the small helpers its tables and questions share: the metric
of the answer, the study's own measures (and how the figures name them), Q4's ERP rollout,
and a key number (a mean, or a paired difference, with its 95% CI)."""

from __future__ import annotations

import numpy as np

from ..duties import DUTY_FAMILY
from ..results import Results, capacity, point_label
from ..stats import mean_interval

__all__ = [
    "ANSWER_METRICS",
    "ERP",
    "ERP_CLASS",
    "ERP_LEAD_TIME",
    "IT_PEOPLE_HOURS",
    "LABELS",
    "LEAD_TIME",
    "OTHER_PROJECTS",
    "PEOPLE",
    "erp_class",
    "family_share",
    "finite_mean",
    "key_number",
    "other_projects",
    "over_capacity",
]

# Q4's ERP rollout: an estimate. A small firm's ERP project is mostly the vendor's work; the
# IT side (data migration, integrations, testing, training) ~4 person-months, a team of 2
# (the medium class's package size, team rules and due-date rule otherwise).
ERP = {"effort_hours": 600.0, "team_size": 2}
ERP_CLASS = "erp"  # the rollout's class, unless the scenario has a class of that name (see erp_class)
ERP_LEAD_TIME = f"project_lead_time_weeks_mean.{ERP_CLASS}"  # q4.csv: the rollout's lead time, whatever its class
LEAD_TIME = "project_lead_time_weeks_mean"
OTHER_PROJECTS = f"project_lead_time_weeks_mean.other_than_{ERP_CLASS}"  # Q4: every project but the ERP rollout
PEOPLE = "people_management"
IT_PEOPLE_HOURS = "it_managers_people_management_hours_per_week"  # over all IT managers (Q7)
# how the figures name the study's own measures, which the metric catalogue does not hold
LABELS = {
    IT_PEOPLE_HOURS: "people management of all IT managers (hours per week)",
    OTHER_PROJECTS: "project lead time, every project but the ERP rollout",
}
# the metrics of the answer and of the trade-off figure
ANSWER_METRICS = (
    LEAD_TIME,
    "project_on_time_share",
    "sla_attainment.total",
    "staff_cost_per_week",
    "cost_per_project",
    "utilisation.it_manager",
)


def erp_class(scenario) -> str:
    """The project class the study gives its ERP rollout in ``scenario``: ``erp``, or where
    the scenario has a class of its own by that name (kept as it is, and counted among the
    other projects), the first of ``erp_rollout``, ``erp_rollout_2``, ... it does not have."""
    taken = {c.name for c in scenario.projects.classes}
    name, k = ERP_CLASS, 1
    while name in taken:
        k += 1
        name = "erp_rollout" if k == 2 else f"erp_rollout_{k - 1}"
    return name


def family_share(result: Results, role: str, families: tuple[str, ...]) -> np.ndarray:
    """Per replication, the share of ``role``'s busy hours spent on duties of ``families``
    (NaN where the role has no busy hours)."""
    frame = result.replications
    prefix = f"hours_per_person_week.{role}."
    columns = [c for c in frame.columns if c.startswith(prefix)]
    chosen = [c for c in columns if DUTY_FAMILY.get(c[len(prefix) :]) in families]
    total = frame[columns].sum(axis=1).to_numpy(dtype=float)
    part = frame[chosen].sum(axis=1).to_numpy(dtype=float)
    return np.divide(part, total, out=np.full_like(total, np.nan), where=total > 0)


def finite_mean(values) -> float:
    """The mean of the values that are not NaN; NaN, and no numpy warning, where there is none
    (a run too short to finish a project)."""
    return mean_interval(values)[0]


def key_number(quantity: str, unit: str, values=None, difference: dict | None = None) -> dict:
    """A question's key number: quantity, unit, kind (``mean`` of ``values`` or ``paired
    difference``), mean, ci_low, ci_high, n (a share's interval stays within 0 to 1)."""
    if difference is not None:
        mean, low, high, n = (
            difference["mean_difference"],
            difference["ci_low"],
            difference["ci_high"],
            difference["n"],
        )
        kind = "paired difference"
    else:
        mean, low, high = mean_interval(values)
        n = int(np.isfinite(np.asarray(values, dtype=float)).sum())
        kind = "mean"
        if unit == "share":  # a share's interval stays within 0 to 1
            low, high = max(low, 0.0), min(high, 1.0)
    return {
        "quantity": quantity,
        "unit": unit,
        "kind": kind,
        "mean": mean,
        "ci_low": low,
        "ci_high": high,
        "n": n,
    }


def other_projects(result: Results, rollout: str = ERP_CLASS) -> np.ndarray:
    """Per replication, the mean lead time of the finished projects other than the ERP rollout
    (of class ``rollout``; NaN where none finished)."""
    projects = result.projects
    others = projects[projects["project_class"] != rollout]
    means = others.groupby("replication")["lead_time_weeks"].mean()
    return np.array([means.get(k, np.nan) for k in result.replications["replication"]], dtype=float)


def over_capacity(*results: Results) -> str:
    """Why the points a row of a table rests on are over capacity, in words
    (``combined at 400 employees: the IT manager is offered ...``), or '' when all are stable:
    the column ``over_capacity`` of the study's tables.  Where it is not empty, the row's
    magnitudes read from a queue measure the length of the run, and the report prints
    ``over capacity`` instead of them."""
    return "; ".join(check.why(point_label(r)) for r in results if (check := capacity(r)).over)
