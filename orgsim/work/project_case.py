"""A project case and a project class as the project office runs them (:mod:`orgsim.work.projects`).

A :class:`Project` carries everything drawn for it at arrival (effort, estimate, due date,
which work packages raise exceptions, its team key) and where it stands; a
:class:`ProjectClass` is a class of the scenario with its samplers, as the hot path wants it.
"""

from __future__ import annotations

import math

from ..distributions import Distribution, Sampler

__all__ = ["Project", "ProjectClass"]


class Project:
    """One project case and where it stands."""

    kind = "project"
    __slots__ = (
        "case_id",
        "klass",
        "arrived_at",
        "due_at",
        "effort",
        "estimate",
        "package_hours",
        "package_count",
        "exceptions",
        "escalations",
        "team_key",
        "team_size",
        "weekly_hours",
        "team",
        "next_package",
        "in_flight",
        "open_exceptions",
        "open_rework",
        "coordinator",
        "state",
        "rework_hours",
        "closing",
        "protected",
        "gates",
        "gate_passed",
        "gating",
        "progress",
        "progress_seen",
        "last_coordination",
        "last_status",
        "uncoordinated_until",
    )

    def __init__(
        self, case_id, klass, arrived_at, effort, estimate, team_size, exceptions, escalations, team_key, hours_per_week
    ):
        self.case_id = case_id
        self.klass = klass
        self.arrived_at = arrived_at
        self.effort = effort
        self.estimate = estimate
        self.package_count = max(1, math.ceil(effort / klass.package_hours - 1e-9))
        self.package_hours = effort / self.package_count
        # uniform draws per package, in the order packages finish (popped from the end): the k-th
        # raises an exception when its draw is below the exception probability x the coordinator's
        # exception factor, and that exception needs the IT manager too when its escalation draw is
        # below projects.escalation_share (the same draws under every structure: common random numbers)
        self.exceptions = exceptions
        self.escalations = escalations
        self.team_key = team_key
        self.team_size = team_size
        self.weekly_hours = team_size * klass.member_hours  # what the plan counts on each week
        planned_weeks = estimate / self.weekly_hours
        self.due_at = arrived_at + klass.due_factor * planned_weeks * hours_per_week
        self.team = []
        self.next_package = 0
        self.in_flight = 0
        self.open_exceptions = 0
        self.open_rework = 0
        self.coordinator = None
        self.state = "arrived"
        self.rework_hours = 0.0
        self.closing = False
        self.protected = False  # its coordinator keeps its team stable
        # with projects.handoff = milestone: the package indices that open a milestone, the last one
        # whose hand-off is done (-1: none yet), and whether a milestone hand-off is under way
        self.gates = None
        self.gate_passed = -1
        self.gating = False
        # with projects.coordinate_only_moved: packages (and rework) finished, and the count the last
        # weekly coordination saw (-1: never coordinated, so coordinated in its first week)
        self.progress = 0
        self.progress_seen = -1
        # with management.skip_superseded: the last weekly coordination and status report issued (to skip
        # if not started when the next is due), and until when a skipped coordination raises exceptions
        self.last_coordination = None
        self.last_status = None
        self.uncoordinated_until = -1.0


class ProjectClass:
    """A project class with its samplers and recorder keys."""

    __slots__ = (
        "index",
        "name",
        "rate_per_hour",
        "gaps",
        "effort",
        "package_hours",
        "team_size",
        "member_hours",
        "due_factor",
    )

    def __init__(self, index, klass, scenario, streams):
        self.index = index
        self.name = klass.name
        self.rate_per_hour = scenario.project_rate_per_hour(klass)
        self.gaps = (
            Sampler(
                Distribution("exponential", mean=1.0 / self.rate_per_hour), streams(f"project_arrivals.{klass.name}")
            )
            if self.rate_per_hour > 0
            else None
        )
        self.effort = Sampler(klass.effort, streams(f"project_effort.{klass.name}"))
        self.package_hours = klass.work_package_hours
        self.team_size = klass.team_size
        self.member_hours = klass.member_hours_per_week
        self.due_factor = klass.due_date_factor
