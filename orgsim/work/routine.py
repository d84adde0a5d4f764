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
    """The case a day's routine work belongs to (for the event log): its owner."""

    __slots__ = ("case_id",)

    def __init__(self, owner: str):
        self.case_id = owner


class RoutineOperations(WorkSource):
    """A day's routine operations for every holder of ``ops_routine``."""

    name = "routine"
    order = 12
    duties = ("ops_routine",)

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        days = scenario.calendar.days_per_week
        self.daily = [
            (
                worker,
                worker.person.role.routine_hours_per_week * worker.person.availability / days,
                RoutineCase(worker.person.label),
            )
            for worker in org.holders("ops_routine")
            if worker.person.role.routine_hours_per_week > 0
        ]

    def day(self, day: int) -> None:
        submit = self.org.submit
        for worker, hours, case in self.daily:
            submit("ops_routine", hours, case, None, "routine operations", worker)


SOURCE = RoutineOperations
