"""Tickets: incidents P1-P4, service requests and changes, and their workflow.

Poisson arrivals, rate = employees x tickets per employee per month, split by the class mix.
With ``tickets.profile`` the rate varies by working day and hour of the working day (a
non-homogeneous Poisson process with the same weekly mean), drawn by thinning (Lewis and
Shedler 1979): candidates arrive at the profile's highest rate and each is kept with
probability rate(t) / highest rate, the acceptance draws from a stream of their own; a flat
profile skips thinning, so it draws exactly as no profile.
Level 1 (the service desk) resolves a share; the rest escalate to level 2.  A change needs
a manager's approval before level 2; a P1 also needs a manager's major-incident coordination,
in parallel with level 2.  A small share of the tickets that reach level 2 then also needs a
manager (``tickets.manager_escalation_share``: a complaint, a decision, a vendor) before it is
resolved.  A ticket is resolved when its last step is done.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from ..distributions import Distribution, Sampler
from ..monitors import Tally
from .measures import ratio
from .source import Arrivals, WorkSource

__all__ = ["Ticket", "TicketDesk", "SOURCE"]


class Ticket:
    """One ticket case."""

    kind = "ticket"
    __slots__ = (
        "case_id",
        "klass",
        "arrived_at",
        "escalate",
        "l1_effort",
        "l2_effort",
        "manager_effort",
        "open_parts",
        "to_manager",
    )

    def __init__(self, case_id, klass, arrived_at, escalate, l1_effort, l2_effort, manager_effort, to_manager):
        self.case_id = case_id
        self.klass = klass
        self.arrived_at = arrived_at
        self.escalate = escalate  # goes on from level 1 to level 2
        self.l1_effort = l1_effort
        self.l2_effort = l2_effort
        self.manager_effort = manager_effort
        self.open_parts = 0
        self.to_manager = to_manager  # after level 2, also needs a manager (hours), or 0.0


class _ClassRuntime:
    """A ticket class with its samplers and recorder keys, as the hot path wants it."""

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
        "resolved_key",
        "sla_met_key",
        "resolution_hours",
    )

    def __init__(self, index, klass, streams, recorder):
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
        self.resolved_key = recorder.counter(f"tickets_resolved.{klass.name}")
        self.sla_met_key = recorder.counter(f"tickets_sla_met.{klass.name}")
        self.resolution_hours = recorder.tally(f"ticket_resolution_hours.{klass.name}")


class TicketDesk(WorkSource):
    """Ticket arrivals (Poisson) and the ticket workflow.

    Records per class: ``tickets_resolved.CLASS``, ``tickets_sla_met.CLASS`` (counts),
    ``ticket_resolution_hours.CLASS`` (tally); at the end ``tickets_open.CLASS`` and
    ``tickets_breached_open.CLASS`` (open tickets already past their target).
    """

    name = "tickets"
    order = 10
    duties = ("ticket_l1", "ticket_l2", "major_incident", "approval")
    cost_unit = "ticket"

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        streams, recorder = org.streams, org.recorder
        classes = [c for c in scenario.tickets.classes if c.share > 0]
        self.classes = [_ClassRuntime(i, c, streams, recorder) for i, c in enumerate(classes)]
        shares = [c.share for c in classes]
        total = sum(shares)
        self.cumulative = [x / total for x in accumulate(shares)][:-1] if shares else []
        per_hour = scenario.ticket_rate_per_hour
        self.rate_per_hour = per_hour if self.classes else 0.0
        profile, calendar = scenario.tickets.profile, scenario.calendar
        self.keep = None  # thinning: the chance a candidate at each hour of the week is kept
        if self.rate_per_hour > 0 and not profile.is_flat:
            relative = profile.relative_rates(calendar.days_per_week, calendar.hours_per_day)
            top = max(relative)
            per_hour *= top  # candidates at the highest rate
            self.keep = [r / top for r in relative]
            self.accept = Sampler.uniform(streams("ticket_arrival_thinning"))
        self.gaps = (
            Sampler(Distribution("exponential", mean=1.0 / per_hour), streams("ticket_arrivals"))
            if self.rate_per_hour > 0
            else None
        )
        self.pick_class = Sampler.uniform(streams("ticket_class"))
        self.escalation = Sampler.uniform(streams("ticket_escalation"))
        tickets = scenario.tickets
        self.to_manager_share = tickets.manager_escalation_share
        self.to_manager = Sampler.uniform(streams("ticket_manager_escalation"))
        self.to_manager_effort = Sampler(tickets.manager_escalation_effort, streams("ticket_manager_escalation_effort"))
        self.level1_key = recorder.counter("tickets_resolved_at_level1")
        self.to_manager_key = recorder.counter("tickets_escalated_to_manager")
        self.arrived = [0] * len(self.classes)  # since time 0: the system's state, not a statistic
        self.resolved = [0] * len(self.classes)
        self.counts = recorder.counts
        self.closed = org.report_closed
        self.next_id = 0

    def start(self) -> None:
        if self.gaps is not None:
            self._arrivals(self.org.env)

    def _arrivals(self, env) -> None:
        """Poisson arrivals as a chain of timeouts with a callback: no process, no generator
        to resume per ticket (nothing here ever waits for anything but the next arrival)."""
        timeout = env.timeout
        gaps, pick, escalation = self.gaps.next, self.pick_class.next, self.escalation.next
        if self.keep is not None:
            gaps = self._thinned_gaps(env, gaps)
        cumulative, classes = self.cumulative, self.classes
        only = classes[0] if len(classes) == 1 else None  # one class: no draw needed to pick it
        arrived, item_for, after_level1 = self.arrived, self._item, self._after_level1
        share, to_manager, manager_effort = self.to_manager_share, self.to_manager.next, self.to_manager_effort.next
        log = self.org.log_arrival

        def arrive(_event) -> None:
            klass = only if only is not None else classes[bisect_right(cumulative, pick())]
            self.next_id += 1
            ticket = Ticket(
                self.next_id,
                klass,
                env.now,
                escalation() >= klass.l1_share,
                klass.l1.next() if klass.has_l1 else 0.0,
                klass.l2.next(),
                klass.manager.next() if klass.manager_duty != "none" else 0.0,
                manager_effort() if share > 0 and to_manager() < share else 0.0,
            )
            arrived[klass.index] += 1
            if log is not None:
                log(ticket)
            if klass.has_l1:
                item_for("ticket_l1", ticket.l1_effort, ticket, after_level1, "level 1")
            else:
                self._escalate(ticket)
            timeout(gaps()).callbacks.append(arrive)

        timeout(gaps()).callbacks.append(arrive)

    def _thinned_gaps(self, env, candidate_gaps):
        """The time to the next arrival of the non-homogeneous stream: candidates at the highest
        rate from now on, each kept with its hour's chance (no event per rejected candidate)."""
        keep, accept = self.keep, self.accept.next
        calendar = self.scenario.calendar
        hours_per_day, days = calendar.hours_per_day, int(calendar.days_per_week)
        hours = len(keep) // days

        def gap() -> float:
            now = env.now
            at = now
            while True:
                at += candidate_gaps()
                day, within = divmod(at, hours_per_day)
                if accept() < keep[int(day) % days * hours + min(int(within), hours - 1)]:
                    return at - now

        return gap

    def _item(self, duty, effort, ticket, then, activity):
        klass = ticket.klass
        self.org.submit(duty, effort, ticket, then, klass.activity[activity], None, klass.priority, klass.preemptive)

    def _after_level1(self, item, now):
        ticket = item.case
        if ticket.escalate:
            self._escalate(ticket)
        else:
            self.counts[self.level1_key] += 1
            self._resolve(ticket, now)

    def _escalate(self, ticket):
        duty = ticket.klass.manager_duty
        if duty == "approval":
            self._item("approval", ticket.manager_effort, ticket, self._after_approval, "approval")
        elif duty == "major_incident":
            ticket.open_parts = 2
            self._item("major_incident", ticket.manager_effort, ticket, self._part_done, "major incident")
            self._item("ticket_l2", ticket.l2_effort, ticket, self._part_done, "level 2")
        else:
            self._item("ticket_l2", ticket.l2_effort, ticket, self._after_level2, "level 2")

    def _after_approval(self, item, now):
        self._item("ticket_l2", item.case.l2_effort, item.case, self._after_level2, "level 2")

    def _part_done(self, item, now):
        ticket = item.case
        ticket.open_parts -= 1
        if ticket.open_parts == 0:
            self._resolve(ticket, now)

    def _after_level2(self, item, now):
        ticket = item.case
        if ticket.to_manager > 0.0:
            self.counts[self.to_manager_key] += 1
            self.org.submit("escalation", ticket.to_manager, ticket, self._after_manager, "manager escalation")
        else:
            self._resolve(ticket, now)

    def _after_manager(self, item, now):
        self._resolve(item.case, now)

    def _resolve(self, ticket, now):
        klass = ticket.klass
        self.resolved[klass.index] += 1
        counts = self.counts
        hours = now - ticket.arrived_at
        counts[klass.resolved_key] += 1
        klass.resolution_hours.add(hours)
        if hours <= klass.sla_hours:
            counts[klass.sla_met_key] += 1
        if self.closed is not None:
            self.closed(ticket, now)

    # ------------------------------------------------------------------ accounting
    def snapshot(self) -> dict[str, float]:
        resolved = sum(self.resolved)
        return {"tickets_resolved": resolved, "open_tickets": sum(self.arrived) - resolved}

    def finish(self, now, live_items) -> list[str]:
        open_tickets = {}
        for item in live_items:
            if isinstance(item.case, Ticket):
                open_tickets[item.case.case_id] = item.case
        state = self.org.recorder.state
        for klass in self.classes:
            state[f"tickets_open.{klass.name}"] = 0
            state[f"tickets_breached_open.{klass.name}"] = 0
        for ticket in open_tickets.values():
            name = ticket.klass.name
            state[f"tickets_open.{name}"] += 1
            if now - ticket.arrived_at > ticket.klass.sla_hours:
                state[f"tickets_breached_open.{name}"] += 1
        if sum(self.arrived) != sum(self.resolved) + len(open_tickets):
            return [f"tickets: {sum(self.arrived)} arrived != {sum(self.resolved)} resolved + {len(open_tickets)} open"]
        return []

    # ------------------------------------------------------------------ measures
    def completed_in_period(self) -> int:
        """Tickets resolved after the warm-up (what a ticket's cost is divided by)."""
        counts = self.counts
        return sum(counts[klass.resolved_key] for klass in self.classes)

    def metrics(self, weeks: float) -> dict[str, float]:
        """Throughput, resolution times and SLA attainment, per class and in total.  Judged for the
        SLA: every ticket resolved after the warm-up, and every ticket still open at the end that
        is already past its target (it has missed it, whenever it arrived)."""
        recorder = self.org.recorder
        counts, state = recorder.counts, recorder.state
        metrics: dict[str, float] = {}
        overall = Tally()
        met_total = judged_total = resolved_total = 0
        names = [klass.name for klass in self.classes]
        for name in names:
            tally = recorder.tallies[f"ticket_resolution_hours.{name}"]
            resolved, met = counts[f"tickets_resolved.{name}"], counts[f"tickets_sla_met.{name}"]
            overall.merge(tally)
            metrics[f"tickets_per_week.{name}"] = resolved / weeks
            metrics[f"ticket_resolution_hours_mean.{name}"] = tally.mean
            metrics[f"ticket_resolution_hours_p50.{name}"] = tally.quantile(0.5)
            metrics[f"ticket_resolution_hours_p90.{name}"] = tally.quantile(0.9)
            judged = resolved + state[f"tickets_breached_open.{name}"]
            metrics[f"sla_attainment.{name}"] = ratio(met, judged)
            met_total += met
            judged_total += judged
            resolved_total += resolved
        metrics["tickets_per_week.total"] = resolved_total / weeks
        metrics["ticket_resolution_hours_mean.total"] = overall.mean
        metrics["ticket_resolution_hours_p90.total"] = overall.quantile(0.9)
        metrics["sla_attainment.total"] = ratio(met_total, judged_total)
        metrics["level1_resolution_share"] = ratio(counts["tickets_resolved_at_level1"], resolved_total)
        metrics["manager_escalation_share"] = ratio(counts["tickets_escalated_to_manager"], resolved_total)
        metrics["tickets_open_at_end"] = float(sum(state[f"tickets_open.{name}"] for name in names))
        return metrics

    @classmethod
    def expected_arrivals(cls, scenario) -> list[Arrivals]:
        """Employees x tickets per employee per month over the horizon."""
        tickets = scenario.org.employees * scenario.tickets.per_employee_per_month * 12 / 52
        return [
            Arrivals(
                tickets * scenario.simulation.horizon_weeks,
                "tickets.per_employee_per_month",
                "tickets",
                "lower the rate, org.employees or simulation.horizon_weeks",
            )
        ]


SOURCE = TicketDesk
