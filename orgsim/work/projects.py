"""Projects: arrivals, the WIP-limited start queue, and the project lifecycle.

Intake (where a portfolio manager exists) → wait for a coordinator under the WIP limit →
initiation → planning → work packages, each gated by a hand-off → exceptions decided (or,
past the wait limit, part of the package redone) → closing.  Every active project gets a
status report from its coordinator each week.
"""

from __future__ import annotations

import math
from collections import deque

from ..distributions import Distribution, Sampler
from .source import WorkSource

__all__ = ["Project", "ProjectOffice", "SOURCE"]


class Project:
    """One project case and where it stands."""

    __slots__ = (
        "case_id",
        "arrived_at",
        "due_at",
        "effort",
        "package_hours",
        "package_count",
        "exceptions",
        "next_package",
        "in_flight",
        "open_exceptions",
        "open_rework",
        "coordinator",
        "state",
        "rework_hours",
        "closing",
    )

    def __init__(self, case_id, arrived_at, due_at, effort, package_count, exceptions):
        self.case_id = case_id
        self.arrived_at = arrived_at
        self.due_at = due_at
        self.effort = effort
        self.package_count = package_count
        self.package_hours = effort / package_count
        self.exceptions = exceptions  # exceptions[k]: does the k-th finished package raise one?
        self.next_package = 0
        self.in_flight = 0
        self.open_exceptions = 0
        self.open_rework = 0
        self.coordinator = None
        self.state = "arrived"
        self.rework_hours = 0.0
        self.closing = False


class ProjectOffice(WorkSource):
    """Project arrivals, the WIP-limited start queue, the lifecycle and weekly status reports.

    Records ``projects_completed`` (count), ``rework_hours`` (total), and per completed
    project ``project_lead_time_hours``, ``project_on_time`` and ``project_rework_hours``
    (samples); at the end ``projects_intake``, ``projects_waiting``, ``projects_active`` and
    ``projects_overdue_open``.
    """

    name = "projects"
    order = 20
    duties = ("project_work", "project_coordination", "status_reporting", "portfolio_management")

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.params = p = scenario.projects
        self.rate_per_hour = scenario.project_rate_per_hour
        self.gaps = (
            Sampler(Distribution("exponential", mean=1.0 / self.rate_per_hour), org.streams("project_arrivals"))
            if self.rate_per_hour > 0
            else None
        )
        self.sizes = Sampler(p.effort, org.streams("project_effort"))
        self.exception_draws = Sampler.uniform(org.streams("project_exceptions"))
        self.coordinators = org.holders("project_coordination")
        self._position = {w: i for i, w in enumerate(self.coordinators)}  # staff order
        # The team a due date is planned with: at most team_size of the people who do project
        # work without coordinating it, so the same in every structure of one organisation.
        doers = [w for w in org.holders("project_work") if not org.holds(w, "project_coordination")]
        self.planned_team = max(1, min(p.team_size, len(doers)))
        self.active_count = {w: 0 for w in self.coordinators}
        self.intake = bool(org.holders("portfolio_management")) and p.intake_hours > 0
        self.waiting: deque[Project] = deque()
        self.active: dict[int, Project] = {}
        self.in_intake: dict[int, Project] = {}
        self.arrived = 0  # since time 0: the system's state, not a statistic
        self.completed = 0
        recorder = org.recorder
        self.counts, self.totals = recorder.counts, recorder.totals
        recorder.counter("projects_completed")
        recorder.total("rework_hours")
        self.lead_times = recorder.sample("project_lead_time_hours")
        self.on_time = recorder.sample("project_on_time")
        self.rework_of_completed = recorder.sample("project_rework_hours")
        self.next_id = 0

    def start(self) -> None:
        env = self.org.env
        for _ in range(self.params.initial_portfolio):
            self._arrive(env.now)
        if self.gaps is not None:
            env.process(self._arrivals(env))

    def _arrivals(self, env):
        timeout = env.timeout
        while True:
            yield timeout(self.gaps())
            self._arrive(env.now)

    def _arrive(self, now):
        p = self.params
        effort = max(self.sizes(), 1e-6)
        count = max(1, math.ceil(effort / p.work_package_hours - 1e-9))
        exceptions = [self.exception_draws() < p.exception_probability for _ in range(count)]
        exceptions.reverse()  # popped from the end, in the order packages finish
        nominal = effort / self.planned_team
        self.next_id += 1
        project = Project(self.next_id, now, now + p.due_date_factor * nominal, effort, count, exceptions)
        self.arrived += 1
        if self.intake:
            self.in_intake[project.case_id] = project
            project.state = "intake"
            self.org.submit("portfolio_management", p.intake_hours, project, self._after_intake, "intake")
        else:
            self._enqueue(project)

    def _after_intake(self, item, now):
        del self.in_intake[item.case.case_id]
        self._enqueue(item.case)

    def _enqueue(self, project):
        project.state = "waiting"
        self.waiting.append(project)
        self._start_waiting()

    def _start_waiting(self):
        limit = self.params.wip_limit
        position = self._position
        while self.waiting:
            free = [w for w in self.coordinators if self.active_count[w] < limit]
            if not free:
                return
            coordinator = min(free, key=lambda w: (self.active_count[w], position[w]))
            project = self.waiting.popleft()
            project.coordinator = coordinator
            project.state = "active"
            self.active_count[coordinator] += 1
            self.active[project.case_id] = project
            self._coordinate(project, self.params.initiation_hours, self._after_initiation, "initiation")

    # -- lifecycle steps
    def _coordinate(self, project, effort, then, activity):
        """A coordination step, in the project's coordinator's own queue."""
        return self.org.submit("project_coordination", effort, project, then, activity, project.coordinator)

    def _after_initiation(self, item, now):
        self._coordinate(item.case, self.params.planning_hours, self._after_planning, "planning")

    def _after_planning(self, item, now):
        self._fill(item.case)

    def _fill(self, project):
        """Hand off work packages until the team is busy or none is left."""
        while project.in_flight < self.params.team_size and project.next_package < project.package_count:
            project.in_flight += 1
            project.next_package += 1
            self._coordinate(project, self.params.handoff_hours, self._after_handoff, "hand-off")
        self._maybe_close(project)

    def _after_handoff(self, item, now):
        project = item.case
        self.org.submit("project_work", project.package_hours, project, self._after_package, "work package")

    def _after_package(self, item, now):
        project = item.case
        if project.exceptions.pop():
            self._raise_exception(project)  # the package's slot is held until the decision
        else:
            project.in_flight -= 1
            self._fill(project)

    def _raise_exception(self, project):
        """A finished package needs a decision before the next one starts in its place."""
        p = self.params
        project.open_exceptions += 1
        decision = self._coordinate(project, p.decision_hours, self._after_decision, "exception decision")
        if not decision.done:
            self.org.env.timeout(p.decision_wait_limit_hours).callbacks.append(
                lambda _event: self._decision_overdue(decision, project)
            )

    def _after_decision(self, item, now):
        project = item.case
        project.open_exceptions -= 1
        project.in_flight -= 1
        self._fill(project)

    def _decision_overdue(self, decision, project):
        """Past the wait limit: work proceeds without the decision and part of it is redone."""
        if decision.started or decision.done:
            return
        self.org.cancel(decision)
        project.open_exceptions -= 1
        project.in_flight -= 1
        rework = self.params.rework_share * project.package_hours
        project.rework_hours += rework
        self.totals["rework_hours"] += rework
        project.open_rework += 1
        self.org.submit("project_work", rework, project, self._after_rework, "rework")
        self._fill(project)

    def _after_rework(self, item, now):
        item.case.open_rework -= 1
        self._maybe_close(item.case)

    def _maybe_close(self, project):
        if (
            project.next_package == project.package_count
            and project.in_flight == 0
            and project.open_exceptions == 0
            and project.open_rework == 0
            and not project.closing
        ):
            project.closing = True
            self._coordinate(project, self.params.closing_hours, self._after_closing, "closing")

    def _after_closing(self, item, now):
        project = item.case
        project.state = "done"
        del self.active[project.case_id]
        self.active_count[project.coordinator] -= 1
        self.completed += 1
        self.counts["projects_completed"] += 1
        self.lead_times.append(now - project.arrived_at)
        self.on_time.append(now <= project.due_at + 1e-9)
        self.rework_of_completed.append(project.rework_hours)
        self._start_waiting()

    # -- weekly status
    def weekly(self, week: int) -> None:
        """A status report for every active project, in the coordinator's own queue when
        they hold status reporting, else in the shared one."""
        org, hours = self.org, self.params.status_hours_per_week
        if hours <= 0:
            return
        for project in list(self.active.values()):
            coordinator = project.coordinator
            owner = coordinator if org.holds(coordinator, "status_reporting") else None
            org.submit("status_reporting", hours, project, None, "status report", owner)

    # -- accounting
    def open_projects(self):
        """Projects arrived and not yet closed: in intake, waiting to start or active."""
        yield from self.waiting
        yield from self.active.values()
        yield from self.in_intake.values()

    def snapshot(self) -> dict[str, float]:
        return {
            "projects_completed": self.completed,
            "projects_waiting": len(self.waiting) + len(self.in_intake),
            "projects_active": len(self.active),
        }

    def finish(self, now, live_items) -> list[str]:
        state = self.org.recorder.state
        states = {"intake": len(self.in_intake), "waiting": len(self.waiting), "active": len(self.active)}
        for key, count in states.items():
            state[f"projects_{key}"] = count
        state["projects_overdue_open"] = sum(1 for project in self.open_projects() if project.due_at < now)
        if self.arrived != self.completed + sum(states.values()):
            return [
                f"projects: {self.arrived} arrived != {self.completed} done + {states['active']} active + "
                f"{states['waiting'] + states['intake']} waiting"
            ]
        return []


SOURCE = ProjectOffice
