"""Money: what a project-week of delay costs, and the net benefit of one alternative over
another (its staff cost against the project-weeks it saves)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import WEEKS_PER_QUARTER

__all__ = ["NET_BENEFIT", "project_weeks_per_week", "cost_with_delay", "net_benefit"]

NET_BENEFIT = "net_benefit_per_week"


def project_weeks_per_week(replications: pd.DataFrame) -> np.ndarray:
    """Projects in progress on average, one value per replication: each is a project-week of
    delay per week, so the value scales with the project volume.  The measured time-average
    ``projects_in_progress_mean`` where there is one (it counts the projects still open, which
    an overloaded structure piles up); else Little's law on the completed projects, projects
    completed per week x their mean lead time in weeks (0 when none completed)."""
    throughput = replications["projects_per_quarter"].to_numpy(dtype=float) / WEEKS_PER_QUARTER
    lead = replications["project_lead_time_weeks_mean"].to_numpy(dtype=float)
    little = np.where(throughput > 0, throughput * np.nan_to_num(lead), 0.0)
    if "projects_in_progress_mean" not in replications:
        return little
    measured = replications["projects_in_progress_mean"].to_numpy(dtype=float)
    return np.where(np.isnan(measured), little, measured)


def cost_with_delay(replications: pd.DataFrame, value_per_project_week: float) -> np.ndarray:
    """Staff cost per week plus the cost of delay (project-weeks per week x the value of one)."""
    staff = replications["staff_cost_per_week"].to_numpy(dtype=float)
    return staff + value_per_project_week * project_weeks_per_week(replications)


def net_benefit(baseline: pd.DataFrame, other: pd.DataFrame, value_per_project_week: float) -> np.ndarray:
    """Net benefit per week of ``other`` against ``baseline``, paired by row (replication):
    (baseline's project-weeks - other's) x value - (other's staff cost - baseline's)."""
    return cost_with_delay(baseline, value_per_project_week) - cost_with_delay(other, value_per_project_week)
