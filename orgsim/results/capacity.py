"""Is a point stable, or over capacity?  The one rule, used by ``compare``, ``sweep`` and the
study: a point whose queues do not empty measures the length of the run, not the roles, and
no lead-time, on-time or project-weeks magnitude is printed from it.

A point (the :class:`~orgsim.results.Results` of one scenario) is **over capacity** when

- a queue grows through the measured weeks (:func:`orgsim.metrics.growing_queues`) in most
  of its replications (more than half), or
- some role is offered more hours of work a week than it has: the paired difference
  ``offered_hours_per_person_week.{role}`` - ``available_hours_per_person_week.{role}``
  over the replications has a 95% confidence interval (Student t) entirely above zero.  A
  role whose offered hours exceed its available hours on average but whose interval still
  holds zero is reported as *at capacity*, not flagged: at a load that close to capacity its
  queue test decides (a queue at rho ~ 1 grows, and says so).  With one replication there is
  no interval and the mean decides.

A run without the offered-hours metrics is judged by queue growth alone, and its words say so
(:data:`QUEUE_GROWTH_ONLY`).

:data:`~orgsim.catalogue.QUEUE_MAGNITUDES` (a column of the catalogue) names the metrics
that are magnitudes read from a queue (lead times, on-time shares, project-weeks, net benefit,
cost per project, waits): these are the ones not printed from an over-capacity point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import catalogue
from ..stats import mean_interval, paired_difference
from ..wording import OVER_CAPACITY, format_number

__all__ = [
    "AVAILABLE",
    "OFFERED",
    "QUEUE_GROWTH_ONLY",
    "Capacity",
    "capacity",
    "from_queue",
    "point_label",
    "role_phrase",
]

OFFERED = "offered_hours_per_person_week"  # .{role} and .{role}.{family}
AVAILABLE = "available_hours_per_person_week"  # .{role}
QUEUE_GROWTH_ONLY = "judged by queue growth alone: this run has no offered-hours metrics"


def from_queue(metric: str) -> bool:
    """Is ``metric`` (a name such as ``project_lead_time_weeks_mean.small``) a magnitude read
    from a queue (:data:`orgsim.catalogue.QUEUE_MAGNITUDES`)?"""
    return catalogue.from_queue(metric)


def role_phrase(role: str) -> str:
    """``the IT manager``, ``the project manager``, ``the PMO lead``: a role as a sentence names it."""
    words = [{"it": "IT", "pmo": "PMO", "pm": "PM"}.get(w, w) for w in role.split("_")]
    return "the " + " ".join(words)


def point_label(results) -> str:
    """``combined at 400 employees``: how the words name a point."""
    org = results.scenario.org
    return f"{org.structure} at {format_number(org.employees)} employees"


@dataclass(frozen=True)
class Capacity:
    """The stability check of one point.

    ``roles``: one row per role and per role and duty family (``family`` empty for the role's
    total): role, family, offered (mean hours a week per person), offered_low, offered_high
    (its 95% CI), available (the role's rows only), excess_low, excess_high (the CI of
    offered - available, paired by replication) and ``over`` (the rule above); empty without
    the offered-hours metrics.  ``growing``: each queue that grew, and in how many of the
    ``replications``.  ``reasons``: what makes it over capacity, in words."""

    stable: bool
    roles: pd.DataFrame
    growing: dict[str, int]
    replications: int
    basis: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def over(self) -> bool:
        return not self.stable

    @property
    def has_offered(self) -> bool:
        return not self.roles.empty

    def load_phrases(self) -> list[str]:
        """``the IT manager is offered 52 h of work a week for 40 available (project 20 h,
        operations 32 h)``: every role's offered against available hours, the most loaded first."""
        if self.roles.empty:
            return []
        totals = self.roles[self.roles["family"] == ""].copy()
        totals["load"] = totals["offered"] / totals["available"].where(totals["available"] > 0)
        phrases = []
        for row in totals.sort_values("load", ascending=False).itertuples():
            families = self.roles[(self.roles["role"] == row.role) & (self.roles["family"] != "")]
            families = families[families["offered"] > 0].sort_values("offered", ascending=False)
            parts = ", ".join(f"{f.family} {format_number(f.offered)} h" for f in families.itertuples())
            phrase = (
                f"{role_phrase(row.role)} is offered {format_number(row.offered)} h of work a week for "
                f"{format_number(row.available)} available"
            )
            phrases.append(phrase + (f" ({parts})" if parts else ""))
        return phrases

    def sentence(self, label: str) -> str:
        """``combined at 400 employees: over capacity: the IT manager is offered 52 h of work a
        week for 40 available; status reporting queue grows through the run in 10 of 10
        replications``; a stable point says ``stable`` and its heaviest load."""
        if self.stable:
            loads = self.load_phrases()[:1]
            tail = f": {loads[0]}" if loads else f" ({self.basis})" if not self.has_offered else ""
            return f"{label}: stable{tail}"
        tail = "" if self.has_offered else f" ({self.basis})"
        return f"{label}: {OVER_CAPACITY}: " + "; ".join(self.reasons) + tail

    def why(self, label: str) -> str:
        """``combined at 400 employees: the IT manager is offered ...``: the reasons alone ('' if stable)."""
        return f"{label}: " + "; ".join(self.reasons) if self.reasons else ""

    def short(self) -> str:
        """What stands in a table's cell or a printed line instead of a magnitude:
        ``over capacity (the IT manager is offered 52 h of work a week for 40 available)``,
        or the queue that grows."""
        if self.stable:
            return ""
        return f"{OVER_CAPACITY} ({self.reasons[0]})" if self.reasons else OVER_CAPACITY


def _growth_phrase(name: str, n: int, total: int) -> str:
    return f"the {name.replace('_', ' ')} queue grows through the run in {n} of {total} replications"


def _role_rows(replications: pd.DataFrame) -> pd.DataFrame:
    columns = ["role", "family", "offered", "offered_low", "offered_high", "available", "excess_low", "excess_high"]
    rows = []
    for column in replications.columns:
        if not column.startswith(f"{OFFERED}."):
            continue
        role, _, family = column[len(OFFERED) + 1 :].partition(".")
        offered = replications[column].to_numpy(dtype=float)
        mean, low, high = mean_interval(offered)
        row = {"role": role, "family": family, "offered": mean, "offered_low": low, "offered_high": high}
        available_column = f"{AVAILABLE}.{role}"
        if not family and available_column in replications:
            available = replications[available_column].to_numpy(dtype=float)
            excess = paired_difference(available, offered)  # offered - available
            row.update(
                available=float(np.nanmean(available)) if np.isfinite(available).any() else math.nan,
                excess_low=excess["ci_low"],
                excess_high=excess["ci_high"],
            )
            if excess["n"] == 1:  # one replication: no interval, the value decides
                row.update(excess_low=excess["mean_difference"], excess_high=excess["mean_difference"])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    frame["over"] = frame["excess_low"].to_numpy(dtype=float) > 0  # NaN (no available): not over
    return frame.sort_values(["role", "family"], ignore_index=True)


def capacity(results) -> Capacity:
    """The stability check of one point (a :class:`~orgsim.results.Results`): see the module."""
    replications = len(results.replications)
    growing = dict(getattr(results, "growing", {}) or {})
    roles = _role_rows(results.replications)
    reasons = []
    totals = roles[roles["family"] == ""] if not roles.empty else roles
    if not totals.empty and totals["over"].any():
        over_roles = set(totals.loc[totals["over"], "role"])
        full = Capacity(True, roles, growing, replications, "").load_phrases()
        reasons.extend(p for p in full if any(p.startswith(role_phrase(r) + " ") for r in over_roles))
    grows = {name: n for name, n in sorted(growing.items()) if 2 * n > replications}
    reasons.extend(_growth_phrase(name, n, replications) for name, n in grows.items())
    basis = "offered against available hours, and queue growth" if not roles.empty else QUEUE_GROWTH_ONLY
    return Capacity(not reasons, roles, growing, replications, basis, tuple(reasons))
