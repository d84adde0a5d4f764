"""Routine operations: the planned "keeping the lights on" work of operational people.

Patching, monitoring, backups, accounts, onboarding, deskside work: not ticket-driven but
planned, so it arrives as one item a working day for every person of a role that holds
``ops_routine``, in their own queue, sized ``role.routine_hours_per_week / days_per_week`` (in proportion
for a part-timer).
Tickets rank above it, project work below it (in the presets).
"""

from __future__ import annotations

from .source import WorkSource

__all__ = ["RoutineCase", "RoutineOperations", "SOURCE"]


class RoutineCase:
    """One person's routine work of one day: a case of its own (for the event log)."""

    kind = "routine"
    __slots__ = ("case_id",)

    def __init__(self, case_id: int):
        self.case_id = case_id


class RoutineOperations(WorkSource):
    """A day's routine operations for every holder of ``ops_routine``."""

    name = "routine"
    order = 12
    duties = ("ops_routine",)

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        days = scenario.calendar.days_per_week
        self.daily = [
            (worker, worker.person.role.routine_hours_per_week * worker.person.availability / days)
            for worker in org.holders("ops_routine")
            if worker.person.role.routine_hours_per_week > 0
        ]
        self.issued = 0  # cases issued since time 0 (each one's case id)
        self.then = self.one_step_closing()

    def day(self, day: int) -> None:
        submit, log, then = self.org.submit, self.org.log_arrival, self.then
        for worker, hours in self.daily:
            self.issued += 1
            case = RoutineCase(self.issued)
            if log is not None:
                log(case, worker)
            submit("ops_routine", hours, case, then, "routine operations", worker)


SOURCE = RoutineOperations
