"""Who does what next: duty queues, and people who pick the highest-priority waiting item.

Each person watches the shared queue of every duty their role holds and their own
private queues (work that belongs to them: the projects they coordinate, their 1:1s).
They take the waiting item with the best key ``(rank of its duty in their role,
item priority, arrival order)``.  A preemptive item interrupts the holder doing the
least important work when nobody is free; the interrupted item is resumed later by
the same person with its remaining effort.  Changing duty family, or resuming paused
work, costs the role's context-switch time.

The two seams a dispatch policy plugs into: which idle holder gets new work (the ``offer_*``
functions: the one idle longest, by default; one at random; the first in staff order) and who
resumes interrupted work (:meth:`Worker._park`: the same person by default, or — with a
``requeue`` hook — any free holder, as in the textbook multi-server preemptive queue).

How people spend an overloaded week — protected time, ageing, overtime and a context
switch counted once — is :mod:`orgsim.workweek`; each is off by default, and a person with
none of them on runs exactly the plain code here.  The context switch: with
``dispatch.context_switch_on = "every_switch"`` (the default) a setup is paid on starting an
item of another family than the last and on resuming any set-aside item, so an interrupt of
another family costs two setups (into the interrupt, back to the work); with ``"resume"``,
work started while other work is set aside (the interrupt) costs none, and the setup is paid
once, on resuming the last of the set-aside work.

This is the hot path of the simulation: classes use ``__slots__``, queues are heaps,
and idle people wait on a single event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heappop, heappush

import simpy

from .duties import CONTEXT_SWITCH, MULTITASKING
from .work.item import WorkItem
from .workweek import FAMILY_DUTIES, managed_best, own_waiting_hours, work_late

__all__ = ["DutyQueue", "Worker", "offer", "offer_longest_idle", "offer_first", "offer_random"]


class DutyQueue:
    """Items waiting for one duty (shared by its holders, or private to one person).

    Keeps the time-weighted queue length (a *level* monitor) and the waiting time of
    every item taken (a *tally*), both for the metrics and for Little's law.
    """

    __slots__ = (
        "duty",
        "heap",
        "holders",
        "waiting",
        "area",
        "area_total",
        "last_change",
        "waits_sum",
        "waits_n",
        "entered",
        "idle",
        "offered",
    )

    def __init__(self, duty: str):
        self.duty = duty
        self.heap: list = []
        self.holders: list[Worker] = []
        self.idle: deque = deque()  # (idle_epoch, worker) in the order they fell idle; stale entries skipped
        self.waiting = 0
        self.area = 0.0  # since the end of the warm-up
        self.area_total = 0.0  # since time 0, for daily averages
        self.last_change = 0.0
        self.waits_sum = 0.0
        self.waits_n = 0
        self.entered = 0
        self.offered = 0.0  # hours of work submitted to it in the measured period

    def _level(self, now: float, delta: int) -> None:
        step = self.waiting * (now - self.last_change)
        self.area += step
        self.area_total += step
        self.last_change = now
        self.waiting += delta

    def settle(self, now: float) -> None:
        """Bring the time-weighted area up to ``now`` (before reading ``area`` or ``area_total``)."""
        self._level(now, 0)

    def push(self, item: WorkItem, now: float) -> None:
        item.queued_at = now
        item.queue = self
        heappush(self.heap, (item.priority, item.seq, item))
        waiting = self.waiting  # _level(now, +1), inlined: this runs for every item
        step = waiting * (now - self.last_change)
        self.area += step
        self.area_total += step
        self.last_change = now
        self.waiting = waiting + 1
        self.entered += 1

    def head(self) -> WorkItem | None:
        heap = self.heap
        while heap and heap[0][2].cancelled:
            heappop(heap)
        return heap[0][2] if heap else None

    def pop(self, now: float) -> WorkItem:
        item = heappop(self.heap)[2]
        waiting = self.waiting  # _level(now, -1), inlined
        step = waiting * (now - self.last_change)
        self.area += step
        self.area_total += step
        self.last_change = now
        self.waiting = waiting - 1
        self.waits_sum += now - item.queued_at
        self.waits_n += 1
        return item

    def cancel(self, item: WorkItem, now: float) -> None:
        """Withdraw a waiting item (it stays in the heap, skipped when it surfaces).

        Its wait counts like any other, so that Little's law holds for the queue."""
        item.cancelled = True
        self._level(now, -1)
        self.waits_sum += now - item.queued_at
        self.waits_n += 1

    def restart(self, now: float) -> None:
        """The measured period starts ``now``: forget the area and waits so far."""
        self.settle(now)
        self.area = 0.0
        self.waits_sum = 0.0
        self.waits_n = 0
        self.entered = 0
        self.offered = 0.0

    def waiting_hours(self) -> float:
        """Effort of the items waiting in it (a scan: for end-of-day decisions only)."""
        return sum(item.remaining for _, _, item in self.heap if not item.cancelled)


class Worker:
    """A person at work: a SimPy process that serves their queues by priority."""

    __slots__ = (
        "env",
        "person",
        "index",
        "role_name",
        "watch",
        "rank",
        "paused",
        "current",
        "current_key",
        "idle",
        "wake",
        "process",
        "interrupting",
        "last_family",
        "switch_hours",
        "check_in_hours",
        "busy",
        "segment_start",
        "segment_label",
        "switches",
        "on_finish",
        "private",
        "log",
        "finished",
        "busy_at_restart",
        "switches_at_restart",
        "finished_at_restart",
        "idle_epoch",
        "requeue",
        "projects",
        "project_hours",
        "multitasking_loss",
        "segment_speed",
        "away_hours",
        "best",
        "switch_once",
        "urgent_shift",
        "promote_shift",
        "protect",
        "max_wait",
        "window",
        "week_hours",
        "overtime_left",
        "overtime_hours",
        "overtime_at_restart",
        "overtime_week",
        "carry",
    )

    def __init__(
        self,
        env: simpy.Environment,
        person,
        index: int,
        check_in_hours: float,
        on_finish: Callable[[WorkItem, float], None],
    ):
        self.env = env
        self.person = person
        self.index = index
        self.role_name = person.role.name
        self.rank = {duty: r for r, duty in enumerate(person.role.duties)}
        self.watch: list[tuple[int, DutyQueue]] = []
        self.private: dict[str, DutyQueue] = {}
        self.paused: list[WorkItem] = []
        self.current: WorkItem | None = None
        self.current_key = None
        self.idle = False
        self.wake = None
        self.interrupting = False
        self.last_family = None
        self.switch_hours = person.role.context_switch_hours
        self.check_in_hours = check_in_hours
        self.busy: dict[str, float] = {}
        self.segment_start = 0.0
        self.segment_label = None
        self.switches = 0
        self.finished = 0  # items this person completed
        self.on_finish = on_finish
        self.process = None
        self.log = None  # event-log hook log(item, transition, now, worker), only with --events
        self.idle_epoch = 0
        self.projects = 0  # projects this person is on at once
        self.project_hours = 0.0  # the weekly project hours their projects' plans count on
        self.segment_speed = 1.0  # share of the current segment that is progress (the rest: multitasking)
        self.away_hours = 0.0  # a part-timer's hours off, from when they next stop work
        self.multitasking_loss = _no_loss  # (k) -> share of project time lost on k projects at once
        self.requeue = None  # resume = any_holder: requeue(item) puts interrupted work back in its queue
        self.busy_at_restart: dict[str, float] = {}
        self.switches_at_restart = 0
        self.finished_at_restart = 0
        self.switch_once = False  # dispatch.context_switch_on = "resume"
        self.overtime_left = 0.0  # hours to work late now (set by work_late)
        self.overtime_hours = 0.0  # overtime worked since time 0
        self.overtime_at_restart = 0.0
        self.overtime_week = 0.0  # overtime_hours at the start of this week (kept by the model's clock)
        self.carry = None  # the item set aside at the end of a late evening, resumed without a setup
        self.week_hours = 40.0  # the calendar's week: the window of protected time
        self.window = None  # protected time: deque of (time, overtime, hours on each protected family)
        role = person.role
        self.protect = tuple((family, share, FAMILY_DUTIES[family]) for family, share in role.protect)
        self.max_wait = dict(role.max_wait_hours)
        # keys of a managed person: urgent work, then protected or aged work, then the rest by rank
        self.promote_shift = -(len(role.duties) + 1)
        self.urgent_shift = 0
        if self.protect or self.max_wait:
            self.best = lambda bound=None: managed_best(self, bound)
            self.urgent_shift = 2 * self.promote_shift
            if self.protect:
                self.window = deque([(0.0, 0.0, *(0.0 for _ in self.protect))])
        else:
            self.best = self._best

    # ---------------------------------------------------------------- wiring
    def watch_queue(self, queue: DutyQueue) -> None:
        self.watch.append((self.rank[queue.duty], queue))
        self.watch.sort(key=lambda pair: pair[0])
        queue.holders.append(self)
        if self.idle:  # a queue opened while this person waits: they are in its line at once
            queue.idle.append((self.idle_epoch, self))

    def private_queue(self, duty: str) -> DutyQueue:
        """This person's own queue for ``duty`` (created on first use)."""
        queue = self.private.get(duty)
        if queue is None:
            queue = self.private[duty] = DutyQueue(duty)
            self.watch_queue(queue)
        return queue

    def holds(self, duty: str) -> bool:
        return duty in self.rank

    def start(self) -> None:
        self.process = self.env.process(self._run())

    def leave(self, hours: float) -> None:
        """Stop work now and be away for ``hours`` (a part-timer's time off): work in hand is
        set aside and resumed on return; nothing is offered to them meanwhile."""
        self.away_hours = hours
        if self.idle:
            self.idle = False  # their entries in the idle lines go stale
            self.wake.succeed()
        elif self.current is not None and not self.interrupting:
            self.interrupting = True
            self.process.interrupt()

    # ------------------------------------------------------------- choosing
    def _best(self, bound=None):
        """The best waiting (queue, item) for this person, or None; only keys < bound."""
        best = None
        best_key = bound
        for rank, queue in self.watch:
            if best_key is not None and rank > best_key[0]:
                break
            if not queue.waiting:  # most queues are empty most of the time (cancelled items are not counted)
                continue
            item = queue.head()
            if item is None:
                continue
            key = (rank, item.priority, item.seq)
            if best_key is None or key < best_key:
                best, best_key = (queue, item), key
        if self.paused:
            rank_of = self.rank
            for item in self.paused:
                key = (rank_of[item.duty], item.priority, item.seq)
                if best_key is None or key < best_key:
                    best, best_key = (None, item), key
        return best

    def key_of(self, item: WorkItem):
        return (self.rank[item.duty], item.priority, item.seq)

    def own_waiting_hours(self, shared: dict) -> float:
        """Hours of work waiting for this person (see :func:`~orgsim.workweek.own_waiting_hours`)."""
        return own_waiting_hours(self, shared)

    def work_late(self, hours: float) -> bool:
        """Stay ``hours`` longer now, at the end of a working day (see :mod:`orgsim.workweek`);
        False (and nothing done) when the person is not at work on something."""
        if self.current is None or self.interrupting or hours <= 0.0:
            return False
        self.overtime_left = hours
        self.interrupting = True
        self.process.interrupt()
        return True

    def measured_overtime(self) -> float:
        """Overtime hours worked in the measured period."""
        return self.overtime_hours - self.overtime_at_restart

    # --------------------------------------------------------- bookkeeping
    def _book(self, now: float) -> None:
        """Add the time since the segment started to the busy hours of its label."""
        label = self.segment_label
        if label is not None:
            hours = now - self.segment_start
            speed = self.segment_speed
            if speed < 1.0:  # part of the time went to switching between projects
                self.busy[MULTITASKING] = self.busy.get(MULTITASKING, 0.0) + hours * (1.0 - speed)
                hours *= speed
            self.busy[label] = self.busy.get(label, 0.0) + hours
        self.segment_start = now

    def flush(self, now: float) -> None:
        """Bring the busy counters up to ``now`` (for snapshots and the end of warm-up)."""
        self._book(now)

    # ------------------------------------------------------------- measuring
    def restart(self, now: float) -> None:
        """The measured period starts ``now``.  The busy hours since time 0 stay (the daily
        series needs them); what was counted so far is kept aside and left out of the
        measured values below."""
        self.flush(now)
        self.busy_at_restart = dict(self.busy)
        self.switches_at_restart = self.switches
        self.finished_at_restart = self.finished
        self.overtime_at_restart = self.overtime_hours

    def measured_busy(self) -> dict[str, float]:
        """Busy hours by duty (and context switching) in the measured period."""
        base = self.busy_at_restart
        return {label: hours - base.get(label, 0.0) for label, hours in self.busy.items()}

    def measured_switches(self) -> int:
        return self.switches - self.switches_at_restart

    def measured_finished(self) -> int:
        """Items completed in the measured period."""
        return self.finished - self.finished_at_restart

    # ------------------------------------------------------------- the loop
    def _run(self):
        env = self.env
        timeout = env.timeout
        new_event = env.event
        best_of = self.best
        rank_of = self.rank
        busy = self.busy
        switch_hours = self.switch_hours
        check_in = self.check_in_hours
        while True:
            if self.away_hours:
                away, self.away_hours = self.away_hours, 0.0
                yield timeout(away)
                continue
            chosen = best_of()
            if chosen is None:
                self.idle = True
                self.idle_epoch = epoch = self.idle_epoch + 1
                for _, queue in self.watch:  # join every queue's line of idle holders
                    line = queue.idle
                    line.append((epoch, self))
                    if len(line) > 4 * len(queue.holders) + 8:
                        _compact(line)
                self.wake = wake = new_event()
                yield wake
                continue
            queue, item = chosen
            now = env.now
            if queue is None:
                self.paused.remove(item)
                resumed = True
                if item is self.carry:  # left at the end of a late evening: carried on, no setup
                    self.carry = self.last_family = None
            else:
                queue.pop(now)
                resumed = item.started
                item.started = True
            duty = item.duty
            self.current = item
            self.current_key = (rank_of[duty], item.priority, item.seq)
            if self.log is not None:
                self.log(item, "resume" if resumed else "start", now, self)
            last_family = self.last_family
            family = item.family
            setup = switch_hours if last_family and (resumed or family != last_family) else 0.0
            if setup > 0.0 and self.switch_once and self.paused:  # an interrupt, or not yet back at the work
                setup = 0.0
            self.last_family = family
            # when the current stretch of real work began; None while setting up.  Kept apart
            # from segment_start, which snapshots move forward to book busy hours by day.
            working_since = None
            try:
                if setup > 0.0:
                    self.switches += 1
                    self.segment_label = CONTEXT_SWITCH
                    self.segment_start = now
                    yield timeout(setup)
                    now = env.now
                    busy[CONTEXT_SWITCH] = busy.get(CONTEXT_SWITCH, 0.0) + (now - self.segment_start)
                self.segment_label = duty
                preemptive = item.preemptive
                speed = 1.0
                if self.projects and duty == "project_work":
                    # on k projects at once, a share of the project time goes to switching between them
                    speed = 1.0 - self.multitasking_loss(self.projects)
                self.segment_speed = speed
                while True:
                    self.segment_start = working_since = now
                    needed = item.remaining / speed
                    yield timeout(needed if preemptive or needed <= check_in else check_in)
                    now = env.now
                    item.remaining -= (now - working_since) * speed
                    working_since = None
                    if speed == 1.0:
                        busy[duty] = busy.get(duty, 0.0) + (now - self.segment_start)
                        self.segment_start = now
                    else:
                        self._book(now)
                    if item.remaining <= 1e-9:
                        break
                    if best_of(self.current_key) is not None:
                        self._park(item)  # something more important waits
                        break
            except simpy.Interrupt:
                now = env.now
                self.interrupting = False
                if working_since is not None:
                    item.remaining -= (now - working_since) * self.segment_speed
                self._book(now)
                if self.overtime_left:
                    work_late(self, item, now)
                elif item.remaining > 1e-9:
                    self._park(item)
            self.segment_label = None
            self.segment_speed = 1.0
            self.current = None
            self.current_key = None
            if item.remaining <= 1e-9 and not item.done:
                item.remaining = 0.0
                item.done = True
                self.finished += 1
                self.on_finish(item, now, self)

    def _park(self, item: WorkItem) -> None:
        """Set ``item`` aside, to be resumed by this person (paying a context switch), or,
        with ``resume = any_holder``, put it back in its queue for any free holder."""
        if self.log is not None:
            self.log(item, "suspend", self.env.now, self)
        if self.requeue is not None:
            self.requeue(item)
        else:
            if self.max_wait:  # set-aside work ages from now
                item.queued_at = self.env.now
            self.paused.append(item)


def _no_loss(concurrent: int) -> float:
    return 0.0


def _compact(line: deque) -> None:
    """Drop the stale entries of a queue's line of idle holders (people no longer idle, or
    idle again since: only their latest entry counts)."""
    fresh = [(epoch, worker) for epoch, worker in line if worker.idle and worker.idle_epoch == epoch]
    line.clear()
    line.extend(fresh)


def _wake(worker: Worker) -> None:
    worker.idle = False
    worker.wake.succeed()


def offer_longest_idle(queue: DutyQueue, item: WorkItem, now: float) -> None:
    """Queue ``item`` and wake the holder idle longest (amortised O(1): each entry of the
    queue's line of idle holders is looked at once); a preemptive item may interrupt one."""
    queue.push(item, now)
    line = queue.idle
    while line:
        epoch, worker = line.popleft()
        if worker.idle and worker.idle_epoch == epoch:
            _wake(worker)
            return
    if item.preemptive:
        _preempt_for(queue, item)


def offer_first(queue: DutyQueue, item: WorkItem, now: float) -> None:
    """Queue ``item`` and wake the first idle holder in staff order (the old rule: the first
    person gets the work whenever free, the last rarely)."""
    queue.push(item, now)
    for worker in queue.holders:
        if worker.idle:
            _wake(worker)
            return
    if item.preemptive:
        _preempt_for(queue, item)


def offer_random(uniform: Callable[[], float]):
    """An offer that wakes an idle holder drawn at random (``uniform()`` draws U(0, 1))."""

    def offer_random(queue: DutyQueue, item: WorkItem, now: float) -> None:
        queue.push(item, now)
        idle = [worker for worker in queue.holders if worker.idle]
        if idle:
            _wake(idle[int(uniform() * len(idle))])
        elif item.preemptive:
            _preempt_for(queue, item)

    return offer_random


offer = offer_longest_idle


def _preempt_for(queue: DutyQueue, item: WorkItem) -> None:
    """Interrupt the holder doing the least important work, if it is less important than
    ``item`` (a scan of the holders: preemptive items are rare)."""
    victim = None
    victim_key = None
    duty, priority = item.duty, item.priority
    for worker in queue.holders:
        theirs = worker.current_key
        if theirs is None or worker.interrupting:
            continue
        rank = worker.rank[duty] + worker.urgent_shift
        if (theirs[0] > rank or (theirs[0] == rank and theirs[1] > priority)) and (
            victim_key is None or theirs > victim_key
        ):
            victim, victim_key = worker, theirs
    if victim is not None:
        victim.interrupting = True
        victim.process.interrupt()
