"""Projects: classes, arrivals (random or scheduled), the WIP-limited start queue, teams, and
the lifecycle with coordination that grows with the project.

A project arrives with everything it will need drawn at once, from streams of its own: its
actual effort (from its class), the estimation error (so its *estimate*, and from the estimate
and the class's planned team its due date: never from who is on staff), which finished work
packages raise exceptions, and a key that fixes its team.  Then: intake (where a portfolio
manager exists) → wait for a coordinator under the WIP limit → a team of engineers is assigned
(each engineer on k projects at once loses a share of their project time to switching: see
:mod:`orgsim.dispatch`) → initiation → planning → work packages, each handed off by the
coordinator to a team member → exceptions decided; the longer a decision waited, the more of
the package is redone (Virtual Design Team) → closing.  Every week each active project needs
coordination and a status report, both proportional to its planned team's weekly hours.

Issue 20's switches, each off by default (today's model): intake control
(``projects.max_open_per_coordinator``: above what the coordinators can carry a new project is
deferred, released first in, first out as projects close); hand-offs at milestones only
(``projects.handoff = "milestone"``); weekly coordination only for projects that moved
(``projects.coordinate_only_moved``); superseded weekly coordination and status reports skipped
(``management.skip_superseded``, :mod:`orgsim.work.superseded`), a skipped coordination raising
the project's exceptions for a week.  The books at the end: :mod:`orgsim.work.project_accounting`.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

from ..distributions import Sampler
from .project_accounting import close_books, expected_packages, project_metrics
from .project_case import Project, ProjectClass
from .source import Arrivals, WorkSource
from .superseded import Superseded

__all__ = ["Project", "ProjectOffice", "SOURCE"]

# the weekly work a newer one supersedes: its duty and activity
SUPERSEDED = {"project_coordination": "weekly coordination", "status_reporting": "status report"}


class ProjectOffice(WorkSource):
    """Project arrivals, the WIP-limited start queue, teams, the lifecycle and weekly coordination.

    Records ``projects_completed`` (count, also ``.CLASS``), ``rework_hours`` (total), and per
    completed project ``project_lead_time_hours``, ``project_on_time``, ``project_rework_hours``
    (samples, also ``.CLASS``); at the end ``projects_intake``, ``projects_waiting``,
    ``projects_active``, ``projects_overdue_open`` and ``projects_open_age_hours`` (the summed
    age of every project still open).
    """

    name = "projects"
    order = 20
    duties = ("project_work", "project_coordination", "status_reporting", "portfolio_management")
    cost_unit = "project"

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.params = p = scenario.projects
        self.hours_per_week = scenario.calendar.hours_per_week
        self.hours_per_day = scenario.calendar.hours_per_day
        streams = org.streams
        self.classes = [ProjectClass(i, c, scenario, streams) for i, c in enumerate(p.classes)]
        self.by_name = {c.name: c for c in self.classes}
        # (estimate error, exceptions, team key): random projects and scheduled ones draw from
        # streams of their own, so that adding a scheduled project leaves every other one as it was
        self.draws = (
            Sampler(p.estimate_error, streams("project_estimate")),
            Sampler.uniform(streams("project_exceptions")),
            Sampler.uniform(streams("project_team")),
            Sampler.uniform(streams("project_escalations")),
        )
        self.scheduled_draws = (
            Sampler(p.estimate_error, streams("scheduled_estimate")),
            Sampler.uniform(streams("scheduled_exceptions")),
            Sampler.uniform(streams("scheduled_team")),
            Sampler.uniform(streams("scheduled_escalations")),
        )
        self.scheduled_effort = {c.name: Sampler(c.effort, streams(f"scheduled_effort.{c.name}")) for c in p.classes}
        self.coordinators = org.holders("project_coordination")
        self._position = {w: i for i, w in enumerate(self.coordinators)}  # staff order
        self.doers = list(org.holders("project_work"))
        self.doer_rank = {w: i for i, w in enumerate(self.doers)}  # staff order
        self.active_count = {w: 0 for w in self.coordinators}
        # decisions that need the IT manager too: to the first holder of escalation up the
        # coordinator's reporting line, or, when the line leaves IT (embedded PMs), to any of them
        deciders = {id(w.person): w for w in org.holders("escalation")}
        self.escalate_to = {w: _up_the_line(w.person, deciders) for w in self.coordinators}
        self.hand_over = {w: bool(deciders) and not org.holds(w, "escalation") for w in self.coordinators}
        clarity = scenario.org.role_clarity
        self.latency = {
            w: p.decision_latency_hours * (1.0 - clarity) + w.person.role.escalation_latency_hours
            for w in self.coordinators
        }
        self.exception_probability = {
            w: min(1.0, p.exception_probability * w.person.role.exception_factor) for w in self.coordinators
        }
        self.portfolio = bool(org.holders("portfolio_management"))
        self.slot_limit = p.portfolio_slots_per_engineer * len(org.holders("project_work"))
        self.active_slots = 0  # planned team members of every active project
        self.coordinated_hours = {w: 0.0 for w in self.coordinators}  # planned weekly team hours coordinated
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
        self.completed_projects = recorder.sample("projects")  # (class, effort, estimate, lead, on time, rework)
        self.arrivals = recorder.sample("project_arrivals")  # (class, effort) of every project arrived
        self.per_class = {
            c.name: (
                recorder.counter(f"projects_completed.{c.name}"),
                recorder.sample(f"project_lead_time_hours.{c.name}"),
                recorder.sample(f"project_on_time.{c.name}"),
            )
            for c in self.classes
        }
        self.next_id = 0
        # issue 20's mechanisms, each off by default
        self.skip_factor = p.skipped_coordination_exception_factor
        self.milestones = p.milestones_per_project if p.handoff == "milestone" else 0
        self.only_moved = p.coordinate_only_moved
        self.open_limit = p.max_open_per_coordinator * len(self.coordinators)
        self.deferred: deque[Project] = deque()  # intake control: the deferred backlog, first in first out
        if self.open_limit:
            recorder.counter("projects_deferred")
        # superseded weekly work (management.skip_superseded): None when off
        self.superseded = Superseded(org, SUPERSEDED) if scenario.management.skip_superseded else None
        self.open_rows = recorder.sample("open_projects")  # at the end: (class, age in weeks, started)

    # -- arrivals
    def start(self) -> None:
        env = self.org.env
        small = self.classes[0] if self.classes else None
        for _ in range(self.params.initial_portfolio if small is not None else 0):
            self._arrive(small, env.now)
        for klass in self.classes:
            if klass.gaps is not None:
                self._arrivals(env, klass)
        for project in self.params.scheduled:
            env.timeout(project.week * self.hours_per_week).callbacks.append(
                lambda _event, project=project: self._scheduled(project)
            )

    def _arrivals(self, env, klass) -> None:
        gaps = klass.gaps.next

        def arrive(_event) -> None:
            self._arrive(klass, env.now)
            env.timeout(gaps()).callbacks.append(arrive)

        env.timeout(gaps()).callbacks.append(arrive)

    def _scheduled(self, spec) -> None:
        klass = self.by_name[spec.project_class]
        effort = spec.effort_hours or self.scheduled_effort[klass.name]()
        self._arrive(klass, self.org.env.now, effort, spec.team_size or None, self.scheduled_draws)

    def _arrive(self, klass, now, effort=None, team_size=None, draws=None):
        p = self.params
        estimate_error, exception_draws, team_draws, escalation_draws = draws or self.draws
        effort = max(klass.effort() if effort is None else effort, 1e-6)
        estimate = effort / max(estimate_error(), 1e-6)
        count = max(1, math.ceil(effort / klass.package_hours - 1e-9))
        exceptions = [exception_draws() for _ in range(count)]
        exceptions.reverse()  # popped from the end, in the order packages finish
        escalations = [escalation_draws() < p.escalation_share for _ in range(count)]
        self.next_id += 1
        project = Project(
            self.next_id,
            klass,
            now,
            effort,
            estimate,
            team_size or klass.team_size,
            exceptions,
            escalations,
            team_draws(),
            self.hours_per_week,
        )
        self.arrived += 1
        self.arrivals.append((klass.name, effort))
        if self.org.log_arrival is not None:
            self.org.log_arrival(project)
        if self.open_limit and (self.deferred or self._open_count() >= self.open_limit):
            # intake control: the coordinators carry all they can; the portfolio board defers it
            project.state = "deferred"
            self.deferred.append(project)
            self.counts["projects_deferred"] += 1
            return
        self._admit(project)

    def _admit(self, project):
        """A project the portfolio takes on: to intake (with portfolio management) or to wait for a
        coordinator."""
        p = self.params
        if self.intake:
            self.in_intake[project.case_id] = project
            project.state = "intake"
            self.org.submit("portfolio_management", p.intake_hours, project, self._after_intake, "intake")
        else:
            self._enqueue(project)

    def _open_count(self) -> int:
        """Projects taken on and not closed: in intake, waiting for a coordinator or active."""
        return len(self.in_intake) + len(self.waiting) + len(self.active)

    def _release_deferred(self):
        """Intake control: deferred projects are taken on, first in first out, while the open
        projects stay under what the coordinators can carry."""
        deferred, limit = self.deferred, self.open_limit
        while deferred and self._open_count() < limit:
            self._admit(deferred.popleft())

    def _after_intake(self, item, now):
        del self.in_intake[item.case.case_id]
        self._enqueue(item.case)

    def _enqueue(self, project):
        project.state = "waiting"
        self.waiting.append(project)
        self._start_waiting()

    def _start_waiting(self):
        """Start waiting projects while a coordinator is under the WIP limit: the least loaded
        takes the next one (first come, first served; with portfolio management in the
        portfolio's order and within its organisation-wide limit).  A coordinator who protects
        the team starts a project only when an engineer is free for it."""
        limit = self.params.wip_limit
        position = self._position
        while self.waiting:
            free = [w for w in self.coordinators if self.active_count[w] < limit]
            if not free:
                return
            # the coordinator with the least project load (planned weekly team hours) takes it
            coordinator = min(free, key=lambda w: (self.coordinated_hours[w], self.active_count[w], position[w]))
            project = self._next_in_portfolio() if self.portfolio else self.waiting[0]
            if (
                self.portfolio
                and self.slot_limit > 0
                and self.active
                and self.active_slots + project.team_size > self.slot_limit + 1e-9
            ):
                return  # the portfolio is full: the next project waits for one to finish
            protected = coordinator.person.role.protects_team
            if protected and not self._free_engineers():
                return  # no engineer is free for a protected team: wait for one
            self.waiting.remove(project)
            project.coordinator = coordinator
            project.protected = protected
            project.state = "active"
            self.active_count[coordinator] += 1
            self.coordinated_hours[coordinator] += project.weekly_hours
            self.active_slots += project.team_size
            self.active[project.case_id] = project
            self._assign_team(project)
            if self.hand_over[coordinator] and self.params.staffing_hours > 0:
                # its team is agreed with the IT manager first (engineers are shared with operations)
                self._escalate(project, self.params.staffing_hours, "staffing agreement", self._initiate)
            else:
                self._initiate(project)

    def _next_in_portfolio(self):
        """The waiting project the portfolio starts next: earliest due date (or first come)."""
        if self.params.portfolio_order == "arrival":
            return self.waiting[0]
        return min(self.waiting, key=lambda project: (project.due_at, project.case_id))

    def _initiate(self, project):
        effort = self.params.initiation_share * project.estimate
        self._coordinate(project, effort, self._after_initiation, "initiation")

    def _free_engineers(self):
        """Engineers on fewer projects than a protected team allows."""
        cap = self.params.protected_projects_per_engineer
        return [w for w in self.doers if w.projects < cap]

    def _assign_team(self, project):
        """The team: the engineers with the fewest planned project hours a week at the moment (a
        resource manager's choice), ties broken by the project's own random key, drawn at arrival,
        so that who is picked does not depend on the order in which streams were used.  When more
        projects run than engineers can take one at a time, people hold several at once, unless the
        coordinator protects the team: then only engineers under the protected limit are taken,
        and more join as they come free (:meth:`_staff_up`)."""
        doers = self._free_engineers() if project.protected else self.doers
        self._add_members(project, doers, min(project.team_size, len(doers)))

    def _add_members(self, project, doers, size):
        tie = np.random.default_rng(int(project.team_key * 2**53)).permutation(len(self.doers))
        rank = self.doer_rank
        order = heapq.nsmallest(size, doers, key=lambda w: (w.project_hours, tie[rank[w]]))
        added = sorted(order, key=rank.__getitem__)
        project.team.extend(added)
        for worker in added:
            self.org.join_project(worker, project.klass.member_hours)

    def _staff_up(self):
        """Protected projects short of their planned team take on engineers who came free,
        oldest project first, and hand them work."""
        for project in list(self.active.values()):
            if not project.protected or len(project.team) >= min(project.team_size, len(self.doers)):
                continue
            free = [w for w in self._free_engineers() if w not in project.team]
            if not free:
                continue
            self._add_members(project, free, min(project.team_size - len(project.team), len(free)))
            if project.state == "executing":
                self._fill(project)

    # -- lifecycle steps
    def _coordinate(self, project, effort, then, activity):
        """A coordination step, in the project's coordinator's own queue."""
        return self.org.submit("project_coordination", effort, project, then, activity, project.coordinator)

    def _after_initiation(self, item, now):
        effort = self.params.planning_share * item.case.estimate
        self._coordinate(item.case, effort, self._after_planning, "planning")

    def _after_planning(self, item, now):
        project = item.case
        project.state = "executing"
        if self.milestones:
            # the packages that open a milestone: the packages split into equal parts
            count, parts = project.package_count, min(self.milestones, project.package_count)
            project.gates = frozenset((k * count) // parts for k in range(parts))
        self._fill(project)

    def _fill(self, project):
        """Hand off work packages until every team member has one or none is left."""
        if project.gates is not None:
            self._fill_milestone(project)
            return
        while project.in_flight < len(project.team) and project.next_package < project.package_count:
            member = project.team[project.next_package % len(project.team)]  # in turn
            project.in_flight += 1
            project.next_package += 1
            self._coordinate(
                project, self.params.handoff_hours, lambda item, now, m=member: self._after_handoff(item, m), "hand-off"
            )
        self._maybe_close(project)

    def _fill_milestone(self, project):
        """With hand-offs at milestones: start packages without a hand-off until the next one opens a
        milestone; that one waits until every package before it has finished, then for the
        coordinator's milestone hand-off."""
        team = project.team
        while project.in_flight < len(team) and project.next_package < project.package_count:
            index = project.next_package
            if index in project.gates and project.gate_passed != index:
                if not project.in_flight and not project.gating:
                    project.gating = True
                    self._coordinate(project, self.params.handoff_hours, self._after_gate, "milestone hand-off")
                break
            project.in_flight += 1
            project.next_package += 1
            self._start_package(project, team[index % len(team)])
        self._maybe_close(project)

    def _after_gate(self, item, now):
        project = item.case
        project.gating = False
        project.gate_passed = project.next_package
        self._fill(project)

    def _after_handoff(self, item, member):
        self._start_package(item.case, member)

    def _start_package(self, project, member):
        """A work package to a team member, in their own queue."""
        hours = project.package_hours
        if not project.coordinator.person.role.single_point_of_handoff:
            # no single point of hand-off: the engineer agrees it with every other member of the team
            hours += self.params.handoff_hours * (len(project.team) - 1)
        self.org.submit(
            "project_work",
            hours,
            project,
            lambda package, now: self._after_package(package, member),
            "work package",
            member,
        )

    def _after_package(self, item, member):
        project = item.case
        project.progress += 1
        escalates = project.escalations.pop()
        threshold = self.exception_probability[project.coordinator]
        if self.superseded is not None and project.uncoordinated_until >= self.org.env.now:
            threshold = min(1.0, threshold * self.skip_factor)  # its weekly coordination was skipped
        if project.exceptions.pop() < threshold:
            self._raise_exception(project, member, escalates)  # the package's slot is held until the decision
        else:
            project.in_flight -= 1
            self._fill(project)

    def _raise_exception(self, project, member, escalates):
        """A finished package needs a decision before the next one starts in its place."""
        p = self.params
        project.open_exceptions += 1
        decision = self._coordinate(
            project,
            p.decision_hours,
            lambda item, now: self._after_decision(item, now, member, escalates),
            "exception decision",
        )
        if not decision.done:
            self.org.env.timeout(p.decision_wait_limit_hours).callbacks.append(
                lambda _event: self._decision_overdue(decision, project, member)
            )

    def _rework(self, project, waited_hours, member):
        """Part of the package redone, growing with how long its decision waited (capped)."""
        p = self.params
        share = min(p.rework_cap, p.rework_per_day_waited * waited_hours / self.hours_per_day)
        if share <= 1e-9:  # decided at once: nothing to redo
            return
        hours = share * project.package_hours
        project.rework_hours += hours
        self.totals["rework_hours"] += hours
        project.open_rework += 1
        self.org.submit("project_work", hours, project, self._after_rework, "rework", member)

    def _after_decision(self, item, now, member, escalates):
        project, raised = item.case, item.created_at
        if escalates and self.hand_over[project.coordinator]:
            # it needs the IT manager too: a hand-over, after the latency of unclear roles
            self._escalate(
                project,
                self.params.decision_hours,
                "escalated exception",
                lambda _project: self._decided(project, member, self.org.env.now - raised, 2),
            )
            return
        self._decided(project, member, now - raised, 1)

    def _decided(self, project, member, elapsed, decisions):
        """The exception is decided: the package's slot frees, and the share of it redone grows
        with the time it waited (not counting the decisions' own hours)."""
        project.open_exceptions -= 1
        project.in_flight -= 1
        self._rework(project, max(0.0, elapsed - decisions * self.params.decision_hours), member)
        self._fill(project)

    def _escalate(self, project, hours, activity, then):
        """A decision that needs both the coordinator and the IT manager: it reaches the IT
        manager after the latency of the roles' clarity (and of reporting across lines), then
        waits in their queue; ``then(project)`` when decided."""
        coordinator = project.coordinator
        owner = self.escalate_to[coordinator]
        org = self.org

        def submit(_event=None):
            org.submit("escalation", hours, project, lambda item, now: then(project), activity, owner)

        latency = self.latency[coordinator]
        if latency > 0:
            org.env.timeout(latency).callbacks.append(submit)
        else:
            submit()

    def _decision_overdue(self, decision, project, member):
        """Past the wait limit: work proceeds without the decision, and part of it is redone."""
        if decision.started or decision.done:
            return
        self.org.cancel(decision)
        project.open_exceptions -= 1
        project.in_flight -= 1
        self._rework(project, self.params.decision_wait_limit_hours, member)
        self._fill(project)

    def _after_rework(self, item, now):
        item.case.progress += 1
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
            effort = self.params.closing_share * project.estimate
            self._coordinate(project, effort, self._after_closing, "closing")

    def _after_closing(self, item, now):
        project = item.case
        project.state = "done"
        del self.active[project.case_id]
        self.active_count[project.coordinator] -= 1
        self.coordinated_hours[project.coordinator] -= project.weekly_hours
        self.active_slots -= project.team_size
        for worker in project.team:
            self.org.leave_project(worker, project.klass.member_hours)
        self.completed += 1
        self.counts["projects_completed"] += 1
        lead, on_time = now - project.arrived_at, now <= project.due_at + 1e-9
        self.lead_times.append(lead)
        self.on_time.append(on_time)
        self.rework_of_completed.append(project.rework_hours)
        self.completed_projects.append(
            (project.klass.name, project.effort, project.estimate, lead, on_time, project.rework_hours)
        )
        key, lead_times, on_times = self.per_class[project.klass.name]
        self.counts[key] += 1
        lead_times.append(lead)
        on_times.append(on_time)
        self._staff_up()
        if self.deferred:
            self._release_deferred()
        self._start_waiting()
        if self.org.report_closed is not None:  # it has gone live
            self.org.report_closed(project, now)

    # -- every week
    def weekly(self, week: int) -> None:
        """Coordination and a status report for every active project, both proportional to the
        weekly hours of the team working on it: coordination in the coordinator's own queue; status
        there too when they hold status reporting, else in the shared queue."""
        org, p = self.org, self.params
        skip, only_moved = self.superseded, self.only_moved
        then = None if skip is None else skip.then
        for project in list(self.active.values()):
            coordinator = project.coordinator
            weekly = len(project.team) * project.klass.member_hours  # the team actually on it
            if p.coordination_share > 0 and (not only_moved or project.progress != project.progress_seen):
                project.progress_seen = project.progress
                hours = p.coordination_share * weekly
                if skip is not None and skip.skip(project.last_coordination):
                    # a skipped coordination: communication fails, more exceptions for a week (VDT)
                    project.uncoordinated_until = org.env.now + self.hours_per_week
                item = org.submit("project_coordination", hours, project, then, "weekly coordination", coordinator)
                if skip is not None:
                    project.last_coordination = skip.issued(item)
            if p.status_share > 0:
                owner = coordinator if org.holds(coordinator, "status_reporting") else None
                if skip is not None:
                    skip.skip(project.last_status)
                item = org.submit("status_reporting", p.status_share * weekly, project, then, "status report", owner)
                if skip is not None:
                    project.last_status = skip.issued(item)

    # -- accounting
    def open_projects(self):
        """Projects arrived and not yet closed: deferred, in intake, waiting to start or active."""
        yield from self.deferred
        yield from self.waiting
        yield from self.active.values()
        yield from self.in_intake.values()

    def snapshot(self) -> dict[str, float]:
        return {
            "projects_completed": self.completed,
            "projects_waiting": len(self.waiting) + len(self.in_intake) + len(self.deferred),
            "projects_active": len(self.active),
        }

    def finish(self, now, live_items) -> list[str]:
        return close_books(self, now, live_items)

    # -- measures
    def completed_in_period(self) -> int:
        """Projects completed after the warm-up (what a project's cost is divided by)."""
        return self.counts["projects_completed"]

    def metrics(self, weeks: float) -> dict[str, float]:
        """Throughput, lead times and on-time share, overall and per class; what is open at the
        end; rework (see :func:`~orgsim.work.project_accounting.project_metrics`)."""
        return project_metrics(self, weeks)

    @classmethod
    def expected_arrivals(cls, scenario) -> list[Arrivals]:
        """Work packages (at least one a project): of the projects there at time 0 (of the first
        class), of each scheduled one and of each class's random arrivals over the horizon."""
        return expected_packages(scenario)


def _up_the_line(person, deciders):
    """The first person up ``person``'s reporting line who decides escalations, or None."""
    boss = person.manager
    while boss is not None:
        if id(boss) in deciders:
            return deciders[id(boss)]
        boss = boss.manager
    return None


SOURCE = ProjectOffice
