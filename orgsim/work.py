"""The work that arrives and how each case moves through its steps.

Tickets: level 1 -> (resolved, or) approval for changes -> level 2, with major-incident
coordination in parallel for P1.  Projects: intake (PMO) -> wait for a coordinator
under the WIP limit -> initiation -> planning -> work packages, each gated by a
hand-off -> exceptions decided (or, past the wait limit, rework) -> closing.
Recurring: 1:1s, appraisals, admin, portfolio reviews and status reports.

Everything a case will need is drawn when it arrives, from streams of its own, so
that two scenarios run with the same seed see identical cases (common random numbers).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from itertools import accumulate

from .dispatch import WorkItem
from .distributions import Distribution, Sampler
from .tally import Tally

__all__ = ["Ticket", "TicketDesk", "Project", "ProjectOffice", "RecurringWork"]


class Ticket:
    """One ticket case."""

    __slots__ = ("case_id", "klass", "arrived_at", "escalate", "l1_effort", "l2_effort", "manager_effort", "open_parts")

    def __init__(self, case_id, klass, arrived_at, escalate, l1_effort, l2_effort, manager_effort):
        self.case_id = case_id
        self.klass = klass
        self.arrived_at = arrived_at
        self.escalate = escalate
        self.l1_effort = l1_effort
        self.l2_effort = l2_effort
        self.manager_effort = manager_effort
        self.open_parts = 0


class _ClassRuntime:
    """A ticket class with its samplers, as the hot path wants it."""

    __slots__ = (
        "index",
        "name",
        "priority",
        "preemptive",
        "has_l1",
        "l1_share",
        "manager_duty",
        "sla_hours",
        "l1",
        "l2",
        "manager",
        "activity",
    )

    def __init__(self, index, klass, streams):
        self.index = index
        self.name = klass.name
        self.priority = klass.priority
        self.preemptive = klass.preemptive
        self.has_l1 = klass.has_level1
        self.l1_share = klass.l1_resolution_share if klass.has_level1 else 0.0
        self.manager_duty = klass.manager_duty
        self.sla_hours = klass.sla_hours
        self.l1 = Sampler(klass.l1_effort, streams(f"ticket_l1_effort.{klass.name}"))
        self.l2 = Sampler(klass.l2_effort, streams(f"ticket_l2_effort.{klass.name}"))
        self.manager = Sampler(klass.manager_effort, streams(f"ticket_manager_effort.{klass.name}"))
        self.activity = {step: f"{step} {klass.name}" for step in ("level 1", "level 2", "approval", "major incident")}


class TicketDesk:
    """Ticket arrivals (Poisson) and the ticket workflow."""

    def __init__(self, model, scenario, streams):
        self.model = model
        tickets = scenario.tickets
        classes = [c for c in tickets.classes if c.share > 0]
        self.classes = [_ClassRuntime(i, c, streams) for i, c in enumerate(classes)]
        shares = [c.share for c in classes]
        total = sum(shares)
        self.cumulative = [x / total for x in accumulate(shares)][:-1] if shares else []
        per_hour = (
            scenario.org.employees * tickets.per_employee_per_month * 12.0 / (52.0 * scenario.calendar.hours_per_week)
        )
        self.rate_per_hour = per_hour if self.classes else 0.0
        self.gaps = (
            Sampler(Distribution("exponential", mean=1.0 / per_hour), streams("ticket_arrivals"))
            if self.rate_per_hour > 0
            else None
        )
        self.pick_class = Sampler.uniform(streams("ticket_class"))
        self.escalation = Sampler.uniform(streams("ticket_escalation"))
        self.arrived = [0] * len(self.classes)
        self.resolved = [0] * len(self.classes)
        self.resolved_measured = [0] * len(self.classes)
        self.sla_met_measured = [0] * len(self.classes)
        self.resolution_hours = [Tally() for _ in self.classes]
        self.next_id = 0

    def start(self, env) -> None:
        if self.gaps is not None:
            self._arrivals(env)

    def _arrivals(self, env) -> None:
        """Poisson arrivals as a chain of timeouts with a callback: no process, no generator
        to resume per ticket (nothing here ever waits for anything but the next arrival)."""
        timeout = env.timeout
        gaps, pick, escalation = self.gaps.next, self.pick_class.next, self.escalation.next
        cumulative, classes = self.cumulative, self.classes
        only = classes[0] if len(classes) == 1 else None  # one class: no draw needed to pick it
        arrived, item_for, after_level1 = self.arrived, self._item, self._after_level1

        def arrive(_event) -> None:
            klass = only if only is not None else classes[bisect_right(cumulative, pick())]
            now = env.now
            self.next_id += 1
            ticket = Ticket(
                self.next_id,
                klass,
                now,
                escalation() >= klass.l1_share,
                klass.l1.next() if klass.has_l1 else 0.0,
                klass.l2.next(),
                klass.manager.next() if klass.manager_duty != "none" else 0.0,
            )
            arrived[klass.index] += 1
            if klass.has_l1:
                item_for("ticket_l1", ticket.l1_effort, ticket, after_level1, "level 1", now)
            else:
                self._escalate(ticket, now)
            timeout(gaps()).callbacks.append(arrive)

        timeout(gaps()).callbacks.append(arrive)

    def _item(self, duty, effort, ticket, then, activity, now):
        klass = ticket.klass
        model = self.model
        item = WorkItem(duty, effort, ticket, then, model.next_seq(), now, klass.priority, klass.preemptive)
        model.submit(item, None, klass.activity[activity])

    def _after_level1(self, item, now):
        ticket = item.case
        if ticket.escalate:
            self._escalate(ticket, now)
        else:
            self._resolve(ticket, now)

    def _escalate(self, ticket, now):
        duty = ticket.klass.manager_duty
        if duty == "approval":
            self._item("approval", ticket.manager_effort, ticket, self._after_approval, "approval", now)
        elif duty == "major_incident":
            ticket.open_parts = 2
            self._item("major_incident", ticket.manager_effort, ticket, self._part_done, "major incident", now)
            self._item("ticket_l2", ticket.l2_effort, ticket, self._part_done, "level 2", now)
        else:
            self._item("ticket_l2", ticket.l2_effort, ticket, self._after_level2, "level 2", now)

    def _after_approval(self, item, now):
        self._item("ticket_l2", item.case.l2_effort, item.case, self._after_level2, "level 2", now)

    def _part_done(self, item, now):
        ticket = item.case
        ticket.open_parts -= 1
        if ticket.open_parts == 0:
            self._resolve(ticket, now)

    def _after_level2(self, item, now):
        self._resolve(item.case, now)

    def _resolve(self, ticket, now):
        index = ticket.klass.index
        self.resolved[index] += 1
        if self.model.measuring:
            hours = now - ticket.arrived_at
            self.resolved_measured[index] += 1
            self.resolution_hours[index].add(hours)
            if hours <= ticket.klass.sla_hours:
                self.sla_met_measured[index] += 1

    def reset_statistics(self) -> None:
        self.resolved_measured = [0] * len(self.classes)
        self.sla_met_measured = [0] * len(self.classes)
        self.resolution_hours = [Tally() for _ in self.classes]


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


class ProjectOffice:
    """Project arrivals, the WIP-limited start queue, and the project lifecycle."""

    def __init__(self, model, scenario, streams):
        self.model = model
        self.params = p = scenario.projects
        hours_per_week = scenario.calendar.hours_per_week
        self.rate_per_hour = scenario.org.employees / 100.0 * p.per_100_employees_per_year / (52.0 * hours_per_week)
        self.gaps = (
            Sampler(Distribution("exponential", mean=1.0 / self.rate_per_hour), streams("project_arrivals"))
            if self.rate_per_hour > 0
            else None
        )
        self.sizes = Sampler(p.effort, streams("project_effort"))
        self.exception_draws = Sampler.uniform(streams("project_exceptions"))
        self.coordinators = model.holders("project_coordination")
        # The team a due date is planned with: at most team_size of the people who do project
        # work without coordinating it, so the same in every structure of one organisation.
        doers = [w for w in model.holders("project_work") if "project_coordination" not in w.rank]
        self.planned_team = max(1, min(p.team_size, len(doers)))
        self.active_count = {w: 0 for w in self.coordinators}
        self.intake = bool(model.holders("portfolio_management")) and p.intake_hours > 0
        self.waiting: deque[Project] = deque()
        self.active: dict[int, Project] = {}
        self.in_intake_projects: dict[int, Project] = {}
        self.arrived = 0
        self.completed = 0
        self.completed_measured = 0
        self.lead_times: list[float] = []
        self.on_time: list[bool] = []
        self.rework_of_completed: list[float] = []
        self.rework_hours_measured = 0.0
        self.next_id = 0

    def start(self, env) -> None:
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
            self.in_intake_projects[project.case_id] = project
            project.state = "intake"
            self._shared("portfolio_management", p.intake_hours, project, self._after_intake, "intake")
        else:
            self._enqueue(project)

    def _after_intake(self, item, now):
        del self.in_intake_projects[item.case.case_id]
        self._enqueue(item.case)

    def _enqueue(self, project):
        project.state = "waiting"
        self.waiting.append(project)
        self._start_waiting()

    def _start_waiting(self):
        limit = self.params.wip_limit
        while self.waiting:
            free = [w for w in self.coordinators if self.active_count[w] < limit]
            if not free:
                return
            coordinator = min(free, key=lambda w: (self.active_count[w], w.index))
            project = self.waiting.popleft()
            project.coordinator = coordinator
            project.state = "active"
            self.active_count[coordinator] += 1
            self.active[project.case_id] = project
            self._coordinate(project, self.params.initiation_hours, self._after_initiation, "initiation")

    # -- lifecycle steps
    def _coordinate(self, project, effort, then, activity):
        model = self.model
        item = WorkItem("project_coordination", effort, project, then, model.next_seq(), model.env.now)
        model.submit(item, queue=project.coordinator.private_queue("project_coordination"), activity=activity)
        return item

    def _shared(self, duty, effort, project, then, activity):
        model = self.model
        item = WorkItem(duty, effort, project, then, model.next_seq(), model.env.now)
        model.submit(item, activity=activity)
        return item

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
        self._shared("project_work", project.package_hours, project, self._after_package, "work package")

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
            env = self.model.env
            env.timeout(p.decision_wait_limit_hours).callbacks.append(
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
        model = self.model
        model.cancel(decision, project.coordinator.private_queue("project_coordination"))
        project.open_exceptions -= 1
        project.in_flight -= 1
        rework = self.params.rework_share * project.package_hours
        project.rework_hours += rework
        if model.measuring:
            self.rework_hours_measured += rework
        project.open_rework += 1
        self._shared("project_work", rework, project, self._after_rework, "rework")
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
        if self.model.measuring:
            self.completed_measured += 1
            self.lead_times.append(now - project.arrived_at)
            self.on_time.append(now <= project.due_at + 1e-9)
            self.rework_of_completed.append(project.rework_hours)
        self._start_waiting()

    def open_projects(self):
        """Projects arrived and not yet closed: in intake, waiting to start or active."""
        yield from self.waiting
        yield from self.active.values()
        yield from self.in_intake_projects.values()

    def reset_statistics(self) -> None:
        self.completed_measured = 0
        self.lead_times = []
        self.on_time = []
        self.rework_of_completed = []
        self.rework_hours_measured = 0.0


class RecurringWork:
    """Weekly work: 1:1s, appraisals (one week a year per report), admin, portfolio
    reviews, and a status report for every active project."""

    def __init__(self, model, scenario, office: ProjectOffice):
        self.model = model
        self.management = scenario.management
        self.projects = scenario.projects
        self.hours_per_week = scenario.calendar.hours_per_week
        self.office = office
        self.week = 0

    def start(self, env) -> None:
        env.process(self._weekly(env))

    def _weekly(self, env):
        while True:
            self._issue_week(self.week)
            self.week += 1
            yield env.timeout(self.hours_per_week)

    def _issue_week(self, week: int) -> None:
        model, mgmt = self.model, self.management
        for worker in model.holders("people_management"):
            reports = worker.person.reports
            for j, report in enumerate(reports):
                if mgmt.one_to_one_hours_per_report_per_week > 0:
                    self._private(
                        worker,
                        "people_management",
                        mgmt.one_to_one_hours_per_report_per_week,
                        f"1:1 with {report.label}",
                    )
                if mgmt.appraisal_hours_per_report_per_year > 0 and week % 52 == (j * 52) // len(reports):
                    self._private(
                        worker,
                        "people_management",
                        mgmt.appraisal_hours_per_report_per_year,
                        f"appraisal of {report.label}",
                    )
        if mgmt.admin_hours_per_week > 0:
            for worker in model.holders("admin"):
                self._private(worker, "admin", mgmt.admin_hours_per_week, "admin")
        if self.projects.portfolio_review_hours_per_week > 0:
            for worker in model.holders("portfolio_management"):
                self._private(
                    worker, "portfolio_management", self.projects.portfolio_review_hours_per_week, "portfolio review"
                )
        hours = self.projects.status_hours_per_week
        if hours > 0:
            for project in list(self.office.active.values()):
                coordinator = project.coordinator
                queue = (
                    coordinator.private_queue("status_reporting") if "status_reporting" in coordinator.rank else None
                )
                item = WorkItem("status_reporting", hours, project, None, model.next_seq(), model.env.now)
                model.submit(item, queue=queue, activity="status report")

    def _private(self, worker, duty, hours, activity):
        model = self.model
        item = WorkItem(duty, hours, _ManagementCase(worker.person.label), None, model.next_seq(), model.env.now)
        model.submit(item, queue=worker.private_queue(duty), activity=activity)


class _ManagementCase:
    """The case a recurring management item belongs to (for the event log)."""

    __slots__ = ("case_id",)

    def __init__(self, owner: str):
        self.case_id = owner
