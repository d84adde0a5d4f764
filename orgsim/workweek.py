"""How people spend an overloaded week: protected time, ageing and longer weeks.

Three role fields (:class:`~orgsim.scenario.roles.Role`), each off by default; a person with
none of them on runs exactly the plain code of :mod:`orgsim.dispatch`, event for event.

- *Protected time* (``protect = { project = 0.2 }``): while a protected family has had less
  than its share of the person's worked hours over the past calendar week (a sliding window:
  their busy hours on the family's duties, read at every decision and kept for one week), its
  waiting items rank first after urgent work.  Urgent work is what preempts: preemptive items
  (a P1 ticket's level-2 work) and major incidents.  "Worked hours" are the person's contract
  hours in the window and any overtime in it.  Perlow, "The Time Famine" (ASQ 1999): agreed
  blocks of protected time were kept once agreed.
- *Ageing* (``max_wait_hours``): an item of a family that has waited longer than the family's
  limit rises to the same band as protected work, above the lower-ranked families, so no item
  waits forever while its owner works on lower-ranked work.  Per queue only its head is looked
  at (O(1) a queue): the head is the oldest of its priority; set-aside work ages from when it
  was set aside.
- Both change only the key items are ranked by (:func:`managed_key`): (rank, priority, order)
  with the rank shifted down by a constant for promoted work and by twice that for urgent work,
  so that keys stay comparable with the plain ones in :func:`orgsim.dispatch._preempt_for`.  A
  person with either on scans all their queues at a decision instead of stopping at the first
  non-empty rank, and at a check-in their current item is ranked afresh.
- *Longer weeks* (``overtime_hours_per_week``, ``overtime_threshold_hours``): the clock counts
  working hours only (Monday to Friday, 8 h a day, no nights), so the evening between two
  working days is one instant of it.  Overtime is worked *in that instant*: at the end of each
  working day the model (:meth:`orgsim.engine.Model._clock`) asks every person whose role may
  work overtime and whose own waiting work (:func:`own_waiting_hours`) is above the threshold
  to stay late; their process is interrupted and :func:`work_late` works the overtime off their
  queues in priority order at once — effort done, busy hours booked, items finished at the
  day's end, as they would be by next morning — and the person then goes on as before.  Nobody
  else's clock moves, nothing is scheduled in the evening, and the item left unfinished is
  carried on next morning without a setup (as it would have been without the evening).  The
  hours a day: the excess of the waiting work over the threshold, at most the week's cap left
  spread over the working days left in the week (today included), so a week of long days
  stays under the cap (CMI: IT managers' overtime ~1 h 18 min a day, ~6.5 h a week).
"""

from __future__ import annotations

from .duties import CONTEXT_SWITCH, DUTY_TABLE, MULTITASKING

__all__ = ["FAMILY_DUTIES", "managed_best", "managed_key", "own_waiting_hours", "work_late", "late_hours"]

# the busy labels of each duty family (the time lost multitasking between projects is project time)
FAMILY_DUTIES: dict[str, tuple[str, ...]] = {
    family: tuple(d.name for d in DUTY_TABLE if d.family == family) + ((MULTITASKING,) if family == "project" else ())
    for family in dict.fromkeys(d.family for d in DUTY_TABLE)
}


def managed_best(worker, bound=None):
    """The best waiting (queue, item) for a person with protected time or ageing, or None;
    at a check-in (``bound`` given) only one better than the current item, ranked afresh."""
    now = worker.env.now
    promoted = _short_families(worker, now) if worker.protect else ()
    best = None
    best_key = None
    if bound is not None:
        best_key = worker.current_key = managed_key(worker, worker.current, now, promoted)
    for _, queue in worker.watch:
        if not queue.waiting:
            continue
        item = queue.head()
        if item is None:
            continue
        key = managed_key(worker, item, now, promoted)
        if best_key is None or key < best_key:
            best, best_key = (queue, item), key
    for item in worker.paused:
        key = managed_key(worker, item, now, promoted)
        if best_key is None or key < best_key:
            best, best_key = (None, item), key
    return best


def managed_key(worker, item, now: float, promoted=()):
    """(rank, priority, order), the rank shifted: urgent work (preemptive items, major
    incidents) first, then work of a family short of its protected share or waiting longer
    than its limit, then the rest in the role's order."""
    rank = worker.rank[item.duty]
    if item.preemptive or item.duty == "major_incident":
        return (rank + worker.urgent_shift, item.priority, item.seq)
    family = item.family
    limit = worker.max_wait.get(family)
    if family in promoted or (limit is not None and now - item.queued_at > limit):
        return (rank + worker.promote_shift, item.priority, item.seq)
    return (rank, item.priority, item.seq)


def _short_families(worker, now: float) -> tuple[str, ...]:
    """The protected families that had less than their share of the person's worked hours over
    the past calendar week.  ``worker.window`` keeps readings (time, overtime so far, hours on
    each protected family so far) for one week; the value at the window's start is
    interpolated between the two readings around it."""
    busy = worker.busy
    window = worker.window
    hours = tuple(sum(busy.get(d, 0.0) for d in duties) for _, _, duties in worker.protect)
    if now > window[-1][0]:
        window.append((now, worker.overtime_hours, *hours))
    week = worker.week_hours
    cutoff = now - week
    while len(window) > 1 and window[1][0] <= cutoff:
        window.popleft()
    start = window[0]
    if len(window) > 1 and start[0] < cutoff < window[1][0]:
        after = window[1]
        part = (cutoff - start[0]) / (after[0] - start[0])
        start = tuple(a + (b - a) * part for a, b in zip(start, after, strict=True))
    worked = min(now, week) * worker.person.availability + worker.overtime_hours - start[1]
    return tuple(
        family
        for (family, share, _), done, before in zip(worker.protect, hours, start[2:], strict=True)
        if done - before < share * worked
    )


def own_waiting_hours(worker, shared: dict) -> float:
    """Hours of work waiting for a person: their own queues, the work in hand and set aside,
    and an equal share of each shared queue they hold (``shared`` caches those, queue -> hours
    a holder, for one end of day)."""
    total = sum(item.remaining for item in worker.paused)
    if worker.current is not None:
        total += worker.current.remaining
    private = worker.private
    for _, queue in worker.watch:
        if not queue.waiting:
            continue
        if private.get(queue.duty) is queue:
            total += queue.waiting_hours()
            continue
        share = shared.get(queue)
        if share is None:
            share = shared[queue] = queue.waiting_hours() / len(queue.holders)
        total += share
    return total


def late_hours(waiting: float, threshold: float, cap_left: float, days_left: float) -> float:
    """Overtime tonight: the waiting work above the threshold, at most the week's cap left
    spread over the working days left in the week (today included)."""
    if waiting <= threshold or cap_left <= 1e-9:
        return 0.0
    return min(waiting - threshold, cap_left / max(days_left, 1.0))


def work_late(worker, item, now: float) -> None:
    """Work ``worker.overtime_left`` hours off at once: the interrupted ``item`` first (no
    setup), then the best waiting items, paying setups by the usual rule; what is left
    unfinished is set aside and carried on next morning."""
    left = start_left = worker.overtime_left
    worker.overtime_left = 0.0
    worker.interrupting = True  # nobody interrupts a person working late
    busy = worker.busy
    while True:
        if item is None:
            chosen = worker.best()
            if chosen is None:
                break
            queue, item = chosen
            if queue is None:
                worker.paused.remove(item)
                resumed = True
            else:
                queue.pop(now)
                resumed = item.started
                item.started = True
            if worker.log is not None:
                worker.log(item, "resume" if resumed else "start", now, worker)
            last = worker.last_family
            setup = worker.switch_hours if last and (resumed or item.family != last) else 0.0
            if setup > 0.0 and not (worker.switch_once and worker.paused):
                setup = min(setup, left)
                busy[CONTEXT_SWITCH] = busy.get(CONTEXT_SWITCH, 0.0) + setup
                worker.switches += 1
                left -= setup
            worker.last_family = item.family
        duty = item.duty
        speed = 1.0
        if worker.projects and duty == "project_work":
            speed = 1.0 - worker.multitasking_loss(worker.projects)
        hours = min(left, item.remaining / speed)
        item.remaining -= hours * speed
        busy[duty] = busy.get(duty, 0.0) + hours * speed
        if speed < 1.0:
            busy[MULTITASKING] = busy.get(MULTITASKING, 0.0) + hours * (1.0 - speed)
        left -= hours
        if item.remaining > 1e-9:
            worker.carry = item
            worker._park(item)
            break
        item.remaining = 0.0
        item.done = True
        worker.finished += 1
        worker.on_finish(item, now, worker)
        item = None
        if left <= 1e-9:
            break
    worker.overtime_hours += start_left - left
    worker.interrupting = False
