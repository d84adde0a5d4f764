"""Manager interrupts: the short unplanned items that fragment a manager's day.

Questions from the business and colleagues, vendor calls (a rate per holder per day), questions
and escalations from each direct report (a rate per report per week), and questions from the
business shared among the holders (a rate per 100 employees per week): one Poisson stream over
all holders of the ``escalation`` duty, each item landing in one holder's own queue with
probability proportional to that holder's rate.  Tickets escalated to management come from
the ticket desk (:mod:`orgsim.work.tickets`), into the shared ``escalation`` queue.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from ..distributions import Distribution, Sampler
from .source import WorkSource

__all__ = ["Interrupt", "ManagerInterrupts", "SOURCE"]


class Interrupt:
    """One interrupt case."""

    kind = "interrupt"
    __slots__ = ("case_id", "arrived_at")

    def __init__(self, case_id, arrived_at):
        self.case_id = case_id
        self.arrived_at = arrived_at


class ManagerInterrupts(WorkSource):
    """Poisson interrupts for every holder of ``escalation``.  Records ``interrupts`` (count)."""

    name = "interrupts"
    order = 14
    duties = ("escalation",)

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        m, calendar = scenario.management, scenario.calendar
        holders = org.holders("escalation")
        # a part-timer gets their share of the day's interrupts and of the business's questions
        attending = sum(worker.person.availability for worker in holders) or 1.0
        business = scenario.org.employees / 100.0 * m.interrupts_per_100_employees_per_week / attending
        per_week = [
            (m.interrupts_per_manager_per_day * calendar.days_per_week + business) * worker.person.availability
            + m.interrupts_per_report_per_week * len(worker.person.reports)
            for worker in holders
        ]
        total = sum(per_week)
        self.holders = holders
        self.rate_per_hour = total / calendar.hours_per_week if holders else 0.0
        self.cumulative = [x / total for x in accumulate(per_week)][:-1] if total > 0 else []
        self.gaps = (
            Sampler(Distribution("exponential", mean=1.0 / self.rate_per_hour), org.streams("interrupt_arrivals"))
            if self.rate_per_hour > 0
            else None
        )
        self.pick = Sampler.uniform(org.streams("interrupt_holder"))
        self.effort = Sampler(m.interrupt_effort, org.streams("interrupt_effort"))
        self.count_key = org.recorder.counter("interrupts")
        self.counts = org.recorder.counts
        self.next_id = 0

    def start(self) -> None:
        if self.gaps is None:
            return
        env, submit = self.org.env, self.org.submit
        gaps, pick, effort = self.gaps.next, self.pick.next, self.effort.next
        holders, cumulative, counts, key = self.holders, self.cumulative, self.counts, self.count_key
        log, then = self.org.log_arrival, self.one_step_closing()

        def arrive(_event) -> None:
            self.next_id += 1
            worker = holders[bisect_right(cumulative, pick())] if cumulative else holders[0]
            hours = effort()
            counts[key] += 1
            case = Interrupt(self.next_id, env.now)
            if log is not None:
                log(case, worker)
            submit("escalation", hours, case, then, "interrupt", worker)
            env.timeout(gaps()).callbacks.append(arrive)

        env.timeout(gaps()).callbacks.append(arrive)


SOURCE = ManagerInterrupts
