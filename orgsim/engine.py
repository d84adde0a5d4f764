"""One replication: build the organisation from a scenario, run it, check conservation.

The :class:`Model` owns everything of one replication: the SimPy environment, the
random streams, the duty queues, the people, the sources of work (found in
:mod:`orgsim.work`) and the recorder their statistics go to.  It is built from a frozen
:class:`~orgsim.scenario.Scenario`, which it only reads.  It is the
:class:`~orgsim.work.source.Organisation` the work sources submit their work to, and it
passes every closed case on to the sources that listen (``report_closed``).

Warm-up: one rule for every statistic.  When the warm-up ends the model calls ``restart``
on every monitor — the recorder, every queue, every person — and what the metrics read
afterwards covers the measured period only.
"""

from __future__ import annotations

import itertools
import zlib
from array import array
from datetime import datetime, timedelta

import numpy as np
import simpy

from .dispatch import DutyQueue, Worker, offer_first, offer_longest_idle, offer_random
from .distributions import Sampler
from .duties import DUTIES
from .monitors import Recorder
from .scenario import Scenario
from .scenario.roles import staff
from .work import WorkItem, WorkSource, check_run_size, sources
from .workweek import late_hours

__all__ = ["Model", "ConservationError", "DailySeries", "random_streams", "EVENT_LOG_COLUMNS", "ARRIVAL"]

EVENT_LOG_COLUMNS = (
    "replication",
    "case:concept:name",
    "concept:name",
    "time:timestamp",
    "org:resource",
    "lifecycle:transition",
    "duty",
)
# The activity of the one row every case starts with: its arrival, with the XES lifecycle
# transition "schedule" (the case is there, nobody has started on it yet).  The other rows use
# the XES transitions "start", "suspend", "resume" and "complete".
ARRIVAL = "arrival"
# The working-time clock mapped onto a calendar for the event log: Monday 5 January 2026, 09:00.
CALENDAR_ORIGIN = datetime(2026, 1, 5, 9, 0, 0)
_ORIGIN_SECONDS = CALENDAR_ORIGIN.hour * 3600 + CALENDAR_ORIGIN.minute * 60 + CALENDAR_ORIGIN.second


class ConservationError(RuntimeError):
    """Work was lost or invented: arrived != done + in progress + waiting."""


def random_streams(seed: int, replication: int):
    """``streams(name)`` -> an independent Generator for one source of randomness.

    Derived from ``SeedSequence(seed)``, child ``replication``, keyed by the source's
    name: adding or removing a source, or changing the roles, never shifts another
    source's draws (common random numbers across scenarios).
    """

    def streams(name: str) -> np.random.Generator:
        key = (replication, zlib.crc32(name.encode()))
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=key)))

    return streams


class DailySeries:
    """One value per working day for each of a fixed set of columns, stored as typed arrays
    (8 bytes a value), so that a long horizon costs little memory.  Iterating gives one
    dict per day; ``columns`` gives the arrays, ready for a DataFrame."""

    __slots__ = ("columns",)

    def __init__(self):
        self.columns: dict[str, array] = {}

    def append(self, row: dict[str, float]) -> None:
        columns = self.columns
        if not columns:
            for key in row:
                columns[key] = array("d")
        for key, value in row.items():
            columns[key].append(value)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __iter__(self):
        names = list(self.columns)
        for values in zip(*self.columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))

    def __eq__(self, other) -> bool:
        return isinstance(other, DailySeries) and self.columns == other.columns

    def __getstate__(self):
        return self.columns

    def __setstate__(self, state):
        self.columns = state


class Model:
    """The simulated IT organisation of one replication.

    ``source_types``: the work sources to run (default: every module of :mod:`orgsim.work`).
    """

    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        seed: int | None = None,
        event_sink=None,
        source_types: list[type[WorkSource]] | None = None,
    ):
        self.scenario = scenario
        self.replication = replication
        self.seed = scenario.simulation.seed if seed is None else seed
        self.env = simpy.Environment()
        self.recorder = Recorder()
        self.streams = random_streams(self.seed, replication)
        self.next_seq = itertools.count(1).__next__  # () -> 1, 2, 3, ...: the order items were created in
        self.created = dict.fromkeys(DUTIES, 0)
        self.completed = dict.fromkeys(DUTIES, 0)
        self.cancelled = dict.fromkeys(DUTIES, 0)
        self.queues = {duty: DutyQueue(duty) for duty in DUTIES}
        self.people = staff(scenario.roles, scenario.headcounts(), scenario.calendar.hours_per_week)
        self.workers: list[Worker] = []
        self._holders: dict[str, list[Worker]] = {duty: [] for duty in DUTIES}
        check_in = scenario.simulation.check_in_hours
        assign = scenario.dispatch.assign
        if assign == "random":
            self.offer = offer_random(Sampler.uniform(self.streams("dispatch")).next)
        else:
            self.offer = offer_first if assign == "first" else offer_longest_idle
        requeue = self._requeue if scenario.dispatch.resume == "any_holder" else None
        switch_once = scenario.dispatch.context_switch_on == "resume"
        for index, person in enumerate(self.people):
            worker = Worker(self.env, person, index, check_in, self._finished)
            worker.requeue = requeue
            worker.multitasking_loss = scenario.projects.loss
            worker.switch_once = switch_once
            worker.week_hours = scenario.calendar.hours_per_week
            self.workers.append(worker)
            for duty in person.role.duties:
                self._holders[duty].append(worker)
                worker.watch_queue(self.queues[duty])
        self.event_sink = event_sink
        # the event log's hooks: None without an event log, so that the hot paths only test for None
        self.log_arrival = None
        if event_sink is not None:
            self._case_prefix = f"r{replication}-"  # case ids unique across replications
            self.log_arrival = self._log_arrival
            for worker in self.workers:
                worker.log = self._log_event
        types = sources() if source_types is None else source_types
        check_run_size(scenario, types)  # a run that would never end is refused before it starts
        # closed cases are passed on only to the sources that listen (decided once, here): with
        # none, report_closed is None and no source calls anything as its cases close
        listening = [kind.name for kind in types if kind.case_closed is not WorkSource.case_closed]
        self.report_closed = self._report_closed if listening else None
        self.sources: dict[str, WorkSource] = {kind.name: kind(self, scenario) for kind in types}
        self._listeners = tuple(self.sources[name].case_closed for name in listening)
        self.timeseries = DailySeries()
        self._busy_at_day_start: dict[str, float] = {}
        self._area_at_day_start: dict[str, float] = {}
        self.measure_start = 0.0
        self._stamp_day = None  # the working day timestamp() last stamped, and its date
        self._stamp_date = ""

    # ------------------------------------------------------------------ the Organisation interface
    def holders(self, duty: str) -> list[Worker]:
        """Everyone who holds ``duty``, in staff order."""
        return self._holders[duty]

    @staticmethod
    def holds(worker: Worker, duty: str) -> bool:
        return worker.holds(duty)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False) -> WorkItem:
        """Create a work item (stamped with its creation order and the time), put it in its
        duty's shared queue — or in ``owner``'s own queue — and wake someone for it."""
        now = self.env.now
        item = WorkItem(duty, effort, case, then, self.next_seq(), now, priority, preemptive)
        item.activity = activity
        self.created[duty] += 1
        if effort <= 0.0:  # a step of no effort (set to 0 hours) is done at once, by nobody
            item.done = True
            self.completed[duty] += 1
            if then is not None:
                then(item, now)
            return item
        queue = self.queues[duty] if owner is None else owner.private_queue(duty)
        queue.offered += effort
        self.offer(queue, item, now)
        return item

    def _requeue(self, item: WorkItem) -> None:
        """Interrupted work back into its queue, for any free holder (``resume = any_holder``)."""
        self.offer(item.queue, item, self.env.now)

    @staticmethod
    def join_project(worker: Worker, hours_per_week: float) -> None:
        worker.projects += 1
        worker.project_hours += hours_per_week

    @staticmethod
    def leave_project(worker: Worker, hours_per_week: float) -> None:
        worker.projects -= 1
        worker.project_hours -= hours_per_week

    def _report_closed(self, case, now: float) -> None:
        """A case closed: every source that listens hears it, in source order."""
        for listener in self._listeners:
            listener(case, now)

    def cancel(self, item: WorkItem) -> None:
        """Withdraw an item still waiting in its queue."""
        item.queue.cancel(item, self.env.now)
        self.cancelled[item.duty] += 1

    def _finished(self, item: WorkItem, now: float, worker: Worker) -> None:
        self.completed[item.duty] += 1
        if self.event_sink is not None:
            self._log_event(item, "complete", now, worker)
        if item.on_done is not None:
            item.on_done(item, now)

    # ------------------------------------------------------------------ event log
    def _case_name(self, case) -> str:
        """``r3-ticket-1234``: the replication, the kind of case (its class's ``kind``) and its id."""
        kind = getattr(case, "kind", None) or type(case).__name__.lower().lstrip("_")
        return f"{self._case_prefix}{kind}-{case.case_id}"

    def _log_arrival(self, case, owner: Worker | None = None) -> None:
        """The row a case starts with (work sources call ``org.log_arrival`` as a case arrives,
        when it is not None): activity ``arrival``, transition ``schedule``; the resource is
        the person it is meant for when it goes to someone's own queue, else empty."""
        self.event_sink(
            (
                self.replication,
                self._case_name(case),
                ARRIVAL,
                self.timestamp(self.env.now),
                "" if owner is None else owner.person.label,
                "schedule",
                "",
            )
        )

    def _log_event(self, item: WorkItem, transition: str, now: float, worker: Worker) -> None:
        self.event_sink(
            (
                self.replication,
                self._case_name(item.case),
                item.activity,
                self.timestamp(now),
                worker.person.label,
                transition,
                item.duty,
            )
        )

    def timestamp(self, hours: float) -> str:
        """Working hours since the start -> an ISO timestamp on a Monday-to-Friday calendar
        (to the second, truncated).  The date is worked out once a day: this runs for every
        row of the event log."""
        calendar = self.scenario.calendar
        day, within = divmod(hours, calendar.hours_per_day)
        if day != self._stamp_day:
            week, weekday = divmod(int(day), int(calendar.days_per_week))
            self._stamp_date = (CALENDAR_ORIGIN + timedelta(days=7 * week + weekday)).strftime("%Y-%m-%dT")
            self._stamp_day = day
        # to the microsecond first, as timedelta(hours=within) rounds, then whole seconds
        seconds = round(within * 3_600_000_000) // 1_000_000 + _ORIGIN_SECONDS
        hour, rest = divmod(seconds, 3600)
        return f"{self._stamp_date}{hour:02d}:{rest // 60:02d}:{rest % 60:02d}"

    # ------------------------------------------------------------------ running
    def run(self) -> dict:
        """Run the replication to its horizon; returns the census of what is left
        (see :meth:`check_conservation`)."""
        sim = self.scenario.simulation
        hours_per_week = self.scenario.calendar.hours_per_week
        horizon = sim.horizon_weeks * hours_per_week
        warmup = sim.warmup_weeks * hours_per_week
        for worker in self.workers:
            worker.start()
        for source in self.sources.values():
            source.start()
        self.env.process(self._clock())
        if warmup > 0:
            self.env.timeout(warmup).callbacks.append(lambda _e: self._restart_monitors())
        else:
            self._restart_monitors()
        self.env.run(until=horizon)
        days = round(horizon / self.scenario.calendar.hours_per_day)
        if len(self.timeseries) < days:  # the last day ends exactly at the horizon, which run() excludes
            self._snapshot()
        for worker in self.workers:
            worker.flush(horizon)
        return self.check_conservation()

    def _restart_monitors(self) -> None:
        """The end of the warm-up: every monitor starts the measured period now."""
        now = self.env.now
        self.measure_start = now
        for worker in self.workers:
            worker.restart(now)
        for queue in self.all_queues():
            queue.restart(now)
        self.recorder.restart(now)

    def all_queues(self):
        """Every duty queue: the shared ones and everyone's own."""
        yield from self.queues.values()
        for worker in self.workers:
            yield from worker.private.values()

    def waiting_area_by_duty(self, now: float) -> dict[str, float]:
        """Integral of the number waiting over time since 0, per duty (item-hours)."""
        areas = dict.fromkeys(DUTIES, 0.0)
        for queue in self.all_queues():
            queue.settle(now)
            areas[queue.duty] += queue.area_total
        return areas

    def _clock(self):
        """The organisation's working days: at the start of each, every source issues the
        week's work (on the first day of a week) and the day's work, in source order; at its
        end the day's snapshot is taken."""
        calendar = self.scenario.calendar
        sources = list(self.sources.values())
        week_hours = calendar.hours_per_week
        part_timers = [
            (w, w.person.hours_per_week) for w in self.workers if w.person.hours_per_week < week_hours - 1e-9
        ]
        # the people who may stay late (see orgsim.workweek): none unless a role allows overtime
        late = [w for w in self.workers if w.person.role.overtime_hours_per_week > 0]
        day = week = 0
        while True:
            if int(day / calendar.days_per_week + 1e-9) == week:  # the first day of a week
                for worker, hours in part_timers:  # they work the first hours of the week
                    self.env.timeout(hours).callbacks.append(
                        lambda _event, w=worker, off=week_hours - hours: w.leave(off)
                    )
                for source in sources:
                    source.weekly(week)
                week += 1
            for source in sources:
                source.day(day)
            yield self.env.timeout(calendar.hours_per_day)
            day += 1
            if late and self._stay_late(late, day):
                yield self.env.timeout(0)  # the late evenings are worked (at once) before the day's snapshot
            self._snapshot()

    def _stay_late(self, late: list[Worker], day: int) -> bool:
        """The end of working day ``day`` (1, 2, ...): everyone whose role allows overtime and
        whose own waiting work is above its threshold stays late (see :mod:`orgsim.workweek`).
        True if anybody does."""
        days_per_week = int(self.scenario.calendar.days_per_week)
        weekday = (day - 1) % days_per_week  # 0 on the week's first day
        shared: dict = {}
        anybody = False
        for worker in late:
            role = worker.person.role
            if weekday == 0:
                worker.overtime_week = worker.overtime_hours  # overtime so far, at the week's start
            hours = late_hours(
                worker.own_waiting_hours(shared),
                role.overtime_threshold_hours,
                role.overtime_hours_per_week - (worker.overtime_hours - worker.overtime_week),
                days_per_week - weekday,
            )
            if hours > 0.0 and worker.work_late(hours):
                anybody = True
        return anybody

    def _snapshot(self) -> None:
        """Close one working day: average queue lengths and busy hours per role during it,
        and each work source's own columns."""
        calendar = self.scenario.calendar
        now = self.env.now
        day = len(self.timeseries) + 1
        busy_now = dict.fromkeys((r.name for r in self.scenario.roles), 0.0)
        for worker in self.workers:
            worker.flush(now)
            busy_now[worker.role_name] += sum(worker.busy.values())
        row = {"day": day, "week": (day - 1) // int(calendar.days_per_week) + 1, "hours": now}
        areas = self.waiting_area_by_duty(now)
        for duty, area in areas.items():
            row[f"queue.{duty}"] = (area - self._area_at_day_start.get(duty, 0.0)) / calendar.hours_per_day
        for role, total in busy_now.items():
            row[f"busy_hours.{role}"] = total - self._busy_at_day_start.get(role, 0.0)
        for source in self.sources.values():
            row.update(source.snapshot())
        self._busy_at_day_start = busy_now
        self._area_at_day_start = areas
        self.timeseries.append(row)

    # ------------------------------------------------------------------ conservation
    def live_items(self):
        """Every item not yet done: waiting in a queue, being worked on, or paused."""
        for queue in self.all_queues():
            for _, _, item in queue.heap:
                if not item.cancelled:
                    yield item, "waiting"
        for worker in self.workers:
            if worker.current is not None:
                yield worker.current, "in progress"
            for item in worker.paused:
                yield item, "in progress"

    def check_conservation(self) -> dict:
        """Count what is left by looking at it, and compare with the running counters:
        every item of every duty, and every case of every work source.

        Raises :class:`ConservationError` when anything was lost or double-counted.
        """
        waiting = dict.fromkeys(DUTIES, 0)
        in_progress = dict.fromkeys(DUTIES, 0)
        live = []
        for item, state in self.live_items():
            (waiting if state == "waiting" else in_progress)[item.duty] += 1
            live.append(item)
        problems = []
        for duty in DUTIES:
            left = self.completed[duty] + self.cancelled[duty] + waiting[duty] + in_progress[duty]
            if self.created[duty] != left:
                problems.append(
                    f"{duty}: {self.created[duty]} arrived != {self.completed[duty]} done + {self.cancelled[duty]} "
                    f"withdrawn + {in_progress[duty]} in progress + {waiting[duty]} waiting"
                )
        now = self.env.now
        for source in self.sources.values():
            problems.extend(source.finish(now, live))
        if problems:
            raise ConservationError("conservation violated: " + "; ".join(problems))
        return {"waiting": waiting, "in_progress": in_progress}
