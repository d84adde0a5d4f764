"""Project lead time that counts the projects not finished: the Kaplan-Meier median of the
lead times, with every project still open at the end of the run censored at its age, beside
the mean of the finished ones, so that a structure cannot look fast by not finishing.

The open projects come as ``Results.open_projects`` (replication, project_class,
age_weeks, started); a run without that frame has no censored estimate and says so
(:data:`NOT_RECORDED`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..stats import kaplan_meier_median
from ..wording import format_number

__all__ = ["NOT_RECORDED", "censored_lead_time", "censored_lead_time_line"]

NOT_RECORDED = (
    "project lead time counts finished projects only: this run does not record the ages of the projects "
    "still open, so no censored (Kaplan-Meier) estimate"
)


def censored_lead_time(results, seed: int = 0) -> dict | None:
    """The Kaplan-Meier median project lead time in weeks (open projects censored at their
    age), its 95% CI by a bootstrap over replications (the projects of one replication share
    its organisation), and ``finished_mean`` (the mean of the finished projects), ``finished``
    and ``open`` (how many); None when the run has no ``open_projects`` frame."""
    open_projects = getattr(results, "open_projects", None)
    if not isinstance(open_projects, pd.DataFrame) or "age_weeks" not in open_projects.columns:
        return None
    projects = results.projects
    finished = projects["lead_time_weeks"].to_numpy(dtype=float)
    ages = open_projects["age_weeks"].to_numpy(dtype=float) if len(open_projects) else np.zeros(0)
    durations = np.concatenate([finished, ages])
    observed = np.concatenate([np.ones(len(finished), dtype=bool), np.zeros(len(ages), dtype=bool)])
    groups = np.concatenate(
        [projects["replication"].to_numpy(), open_projects["replication"].to_numpy() if len(ages) else []]
    )
    estimate = kaplan_meier_median(durations, observed, groups=groups, seed=seed)
    return {
        **estimate,
        "finished_mean": float(finished.mean()) if len(finished) else math.nan,
        "finished": int(len(finished)),
        "open": int(len(ages)),
    }


def _weeks(value: float) -> str:
    return "longer than the run" if math.isinf(value) else format_number(value)


def censored_lead_time_line(results, label: str) -> str:
    """One line: the censored median beside the finished mean, or why there is none."""
    estimate = censored_lead_time(results)
    if estimate is None:
        return f"{label}: {NOT_RECORDED}"
    return (
        f"{label}: project lead time counting open projects (Kaplan-Meier median, {estimate['open']} open projects "
        f"censored at their age): {_weeks(estimate['median'])} weeks (95% CI {_weeks(estimate['ci_low'])} to "
        f"{_weeks(estimate['ci_high'])}, {estimate['method']}); mean of the {estimate['finished']} finished: "
        f"{format_number(estimate['finished_mean'])} weeks"
    )
