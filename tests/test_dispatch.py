"""Who does what next: duty queues (levels, waits, cancellation, restart) and the people
who serve them (rank of duty, item priority, preemption, check-ins, context switches,
which holder takes new work).

Queues are checked on hand-made sequences of pushes and pops; people on tiny custom
organisations with no work source, fed items by hand at chosen times, whose event log
is compared with the schedule worked out on paper.
"""

from __future__ import annotations

import pytest

from orgsim.dispatch import DutyQueue, offer
from orgsim.engine import Model
from orgsim.work.item import WorkItem
from tests.conftest import (
    old_scenario as make_scenario,  # the model before issue 20, each test switching its mechanism in
)


class Case:
    """A bare case for hand-made items (the event log calls it management-ID)."""

    def __init__(self, case_id):
        self.case_id = case_id


def _item(seq, duty="ticket_l2", effort=1.0, priority=1, now=0.0, preemptive=False):
    return WorkItem(duty, effort, Case(seq), None, seq, now, priority, preemptive)


# ----------------------------------------------------------------------- DutyQueue


def test_a_queue_obeys_littles_law_on_a_hand_made_sequence():
    """Empty at the start and at the end, the time-weighted area equals the sum of the
    waits exactly: L = area / T, lambda = n / T, W = waits / n, so L = lambda W."""
    queue = DutyQueue("ticket_l2")
    a, b, c = _item(1), _item(2), _item(3)
    queue.push(a, 0.0)
    queue.push(b, 1.0)
    assert queue.pop(2.0) is a  # waited 2
    queue.push(c, 3.0)
    assert queue.pop(4.0) is b  # waited 3
    assert queue.pop(7.0) is c  # waited 4
    # number waiting: 1 on [0,1), 2 on [1,2), 1 on [2,3), 2 on [3,4), 1 on [4,7)
    assert queue.area == pytest.approx(1 + 2 + 1 + 2 + 3) == 9.0
    assert queue.area_total == queue.area
    assert queue.waits_sum == pytest.approx(2 + 3 + 4)
    assert queue.waits_n == 3 and queue.entered == 3 and queue.waiting == 0
    horizon = 7.0
    length = queue.area / horizon
    rate = queue.waits_n / horizon
    wait = queue.waits_sum / queue.waits_n
    assert length == pytest.approx(rate * wait) == pytest.approx(9 / 7)


def test_a_queue_serves_by_priority_then_arrival_order():
    queue = DutyQueue("ticket_l2")
    items = [_item(1, priority=3), _item(2, priority=1), _item(3, priority=3), _item(4, priority=1)]
    for item in items:
        queue.push(item, 0.0)
    assert [queue.pop(1.0).seq for _ in items] == [2, 4, 1, 3]
    assert queue.head() is None


def test_a_cancelled_item_is_skipped_by_head_and_its_wait_still_counts():
    queue = DutyQueue("ticket_l2")
    first, second = _item(1, priority=1), _item(2, priority=2)
    queue.push(first, 0.0)
    queue.push(second, 0.0)
    assert queue.head() is first
    queue.cancel(first, 1.0)
    assert first.cancelled and queue.waiting == 1
    assert len(queue.heap) == 2, "a withdrawn item stays in the heap until it surfaces"
    assert queue.head() is second
    assert len(queue.heap) == 1, "head() drops the cancelled item"
    assert queue.pop(3.0) is second
    assert queue.head() is None and queue.waiting == 0
    # 2 waiting on [0,1), 1 on [1,3): area 4 = waits 1 (withdrawn) + 3
    assert queue.area == pytest.approx(4.0)
    assert queue.waits_sum == pytest.approx(4.0) and queue.waits_n == 2


def test_restart_forgets_the_area_and_waits_but_not_the_level():
    queue = DutyQueue("ticket_l2")
    a, b = _item(1), _item(2)
    queue.push(a, 0.0)
    queue.push(b, 2.0)
    assert queue.pop(3.0) is a
    queue.push(_item(3), 4.0)
    queue.restart(5.0)
    assert queue.area == 0.0 and queue.waits_sum == 0.0 and queue.waits_n == 0 and queue.entered == 0
    assert queue.waiting == 2, "the items waiting at the restart are still waiting"
    # since time 0: 1 on [0,2), 2 on [2,3), 1 on [3,4), 2 on [4,5)
    assert queue.area_total == pytest.approx(2 + 2 + 1 + 2)
    assert queue.pop(6.0) is b
    assert queue.area == pytest.approx(2 * 1.0), "only the time after the restart is measured"
    assert queue.area_total == pytest.approx(7 + 2)
    # an item taken after the restart counts with its whole wait (b arrived at 2)
    assert queue.waits_sum == pytest.approx(4.0) and queue.waits_n == 1
    assert queue.entered == 0


def test_offer_queues_the_item_even_when_nobody_holds_the_duty():
    queue = DutyQueue("admin")
    item = _item(1, duty="admin", preemptive=True)
    offer(queue, item, 2.5)
    assert queue.head() is item and item.queue is queue and item.queued_at == 2.5


# ----------------------------------------------------------------------- people


def _organisation(duties, headcount=1, switch=0.0, check_in=8.0, weeks=1, assign="longest_idle", resume="same_person"):
    """A custom organisation of one role holding ``duties`` (in priority order), with no work
    source: only the items a test submits arrive.  Returns (model, event rows)."""
    scenario = make_scenario(
        org={"employees": 10, "structure": "custom"},
        dispatch={"assign": assign, "resume": resume},
        roles={"solo": {"headcount": headcount, "duties": list(duties), "context_switch_hours": switch}},
        tickets={"per_employee_per_month": 0.0},
        projects={"arrival_scale": 0.0},
        simulation={"horizon_weeks": weeks, "warmup_weeks": 0, "check_in_hours": check_in},
    )
    rows = []
    model = Model(scenario, 0, event_sink=rows.append, source_types=[])
    return model, rows


def _at(model, hours, duty, effort, name, priority=1, preemptive=False):
    """Submit an item ``hours`` into the run."""

    def submit(_event):
        model.submit(duty, effort, Case(name), None, name, None, priority, preemptive)

    model.env.timeout(hours).callbacks.append(submit)


def _log(model, rows):
    """(activity, transition, hours, person) for every event, hours read back from the stamp."""
    stamp = {model.timestamp(m / 60): m / 60 for m in range(60 * 40 + 1)}  # every minute of the week
    return [(row[2], row[5], stamp[row[3]], row[4]) for row in rows]


def test_a_worker_takes_the_duty_ranked_first_whatever_the_item_priority():
    """Rank of the duty in the role comes before the item's priority: project work ranked
    first is done before a priority-1 ticket, both waiting at the start."""
    model, rows = _organisation(["project_work", "ticket_l2"])
    model.submit("ticket_l2", 3.0, Case("ticket"), None, "ticket", priority=1)
    model.submit("project_work", 2.0, Case("package"), None, "package", priority=5)
    model.run()
    assert _log(model, rows) == [
        ("package", "start", 0.0, "solo#1"),
        ("package", "complete", 2.0, "solo#1"),
        ("ticket", "start", 2.0, "solo#1"),
        ("ticket", "complete", 5.0, "solo#1"),
    ]


def test_within_a_duty_items_are_taken_by_priority_then_arrival():
    model, rows = _organisation(["ticket_l2"])
    for name, priority in (("p4-a", 4), ("p2", 2), ("p4-b", 4), ("p1", 1)):
        model.submit("ticket_l2", 1.0, Case(name), None, name, priority=priority)
    model.run()
    started = [(activity, hours) for activity, transition, hours, _ in _log(model, rows) if transition == "start"]
    assert started == [("p1", 0.0), ("p2", 1.0), ("p4-a", 2.0), ("p4-b", 3.0)]


def test_a_preemptive_item_interrupts_less_important_work_which_resumes_with_what_remains():
    """4 h of project work from 0; a preemptive 2 h major incident at 1 h interrupts it.
    Setup 0.5 h on the change of family and again on resuming: incident done at
    1 + 0.5 + 2 = 3.5, the 3 h left of the package at 3.5 + 0.5 + 3 = 7."""
    model, rows = _organisation(["major_incident", "project_work"], switch=0.5)
    _at(model, 0.0, "project_work", 4.0, "package")
    _at(model, 1.0, "major_incident", 2.0, "incident", preemptive=True)
    model.run()
    assert _log(model, rows) == [
        ("package", "start", 0.0, "solo#1"),
        ("package", "suspend", 1.0, "solo#1"),
        ("incident", "start", 1.0, "solo#1"),
        ("incident", "complete", 3.5, "solo#1"),
        ("package", "resume", 3.5, "solo#1"),
        ("package", "complete", 7.0, "solo#1"),
    ]
    worker = model.workers[0]
    assert worker.switches == 2
    assert worker.busy == pytest.approx({"project_work": 4.0, "major_incident": 2.0, "context_switch": 1.0})
    assert worker.finished == 2


def test_a_preemptive_item_does_not_interrupt_more_important_work():
    """The incident is ranked below project work for this role: it waits for the package."""
    model, rows = _organisation(["project_work", "major_incident"])
    _at(model, 0.0, "project_work", 4.0, "package")
    _at(model, 1.0, "major_incident", 2.0, "incident", preemptive=True)
    model.run()
    assert _log(model, rows) == [
        ("package", "start", 0.0, "solo#1"),
        ("package", "complete", 4.0, "solo#1"),
        ("incident", "start", 4.0, "solo#1"),
        ("incident", "complete", 6.0, "solo#1"),
    ]


def test_higher_ranked_work_that_is_not_preemptive_waits_for_the_next_check_in():
    """Check-in every 1.5 h: a ticket ranked first arriving at 0.5 h is taken at 1.5 h,
    when the package is set aside; the package resumes at 2.5 h with 2.5 h left."""
    model, rows = _organisation(["ticket_l2", "project_work"], check_in=1.5)
    _at(model, 0.0, "project_work", 4.0, "package")
    _at(model, 0.5, "ticket_l2", 1.0, "ticket")
    model.run()
    assert _log(model, rows) == [
        ("package", "start", 0.0, "solo#1"),
        ("package", "suspend", 1.5, "solo#1"),
        ("ticket", "start", 1.5, "solo#1"),
        ("ticket", "complete", 2.5, "solo#1"),
        ("package", "resume", 2.5, "solo#1"),
        ("package", "complete", 5.0, "solo#1"),
    ]


def test_a_context_switch_is_paid_on_changing_family_and_on_resuming_only():
    """Two tickets then admin then a ticket: operations, operations (no setup), management
    (setup), operations (setup).  Setup 0.25 h: 1 + 1 + (0.25 + 1) + (0.25 + 1) = 4.5 h."""
    model, rows = _organisation(["ticket_l2", "admin"], switch=0.25)
    model.submit("ticket_l2", 1.0, Case("t1"), None, "t1")
    model.submit("ticket_l2", 1.0, Case("t2"), None, "t2")
    model.submit("admin", 1.0, Case("admin"), None, "admin")
    _at(model, 2.5, "ticket_l2", 1.0, "t3")
    model.run()
    completions = [(a, h) for a, t, h, _ in _log(model, rows) if t == "complete"]
    assert completions == [("t1", 1.0), ("t2", 2.0), ("admin", 3.25), ("t3", 4.5)]
    worker = model.workers[0]
    assert worker.switches == 2
    assert worker.busy == pytest.approx({"ticket_l2": 3.0, "admin": 1.0, "context_switch": 0.5})


def test_new_work_goes_to_the_holder_idle_longest():
    """Three holders, idle since 0: a goes to #1, b to #2; at 3 h both are free again, so at 4 h
    #3 (idle since 0) is the one idle longest and gets c."""
    model, rows = _organisation(["ticket_l2"], headcount=3)
    _at(model, 1.0, "ticket_l2", 2.0, "a")
    _at(model, 1.0, "ticket_l2", 2.0, "b")
    _at(model, 4.0, "ticket_l2", 1.0, "c")
    _at(model, 6.0, "ticket_l2", 1.0, "d")
    model.run()
    starts = [(a, h, who) for a, t, h, who in _log(model, rows) if t == "start"]
    assert starts == [("a", 1.0, "solo#1"), ("b", 1.0, "solo#2"), ("c", 4.0, "solo#3"), ("d", 6.0, "solo#1")]
    assert [w.finished for w in model.workers] == [2, 1, 1]


def test_the_first_rule_always_wakes_the_first_idle_holder():
    """assign = "first": the old rule; #3 never works while #1 is free."""
    model, rows = _organisation(["ticket_l2"], headcount=3, assign="first")
    _at(model, 1.0, "ticket_l2", 2.0, "a")
    _at(model, 1.0, "ticket_l2", 2.0, "b")
    _at(model, 4.0, "ticket_l2", 1.0, "c")
    model.run()
    starts = [(a, h, who) for a, t, h, who in _log(model, rows) if t == "start"]
    assert starts == [("a", 1.0, "solo#1"), ("b", 1.0, "solo#2"), ("c", 4.0, "solo#1")]
    assert [w.finished for w in model.workers] == [2, 1, 0]


@pytest.mark.parametrize("assign", ["longest_idle", "random"])
def test_fair_rules_share_the_work_out(assign):
    """200 one-hour items, one every 2 hours, among 4 holders: the first rule would give them all
    to #1; the fair rules give each holder a fair part (50 expected each)."""
    model, _ = _organisation(["ticket_l2"], headcount=4, weeks=10, assign=assign)
    for k in range(200):
        _at(model, 2.0 * k + 0.5, "ticket_l2", 1.0, f"item{k}")
    model.run()
    counts = [w.finished for w in model.workers]
    assert sum(counts) == 200
    assert min(counts) >= 30, counts


def test_any_holder_resumes_interrupted_work():
    """#1 takes the ticket (ranked higher), #2 the package; the incident at 2 h interrupts #2's
    package.  resume = "any_holder": the package goes back to the queue and #1, free at 2.5 h,
    resumes it; with same_person it waits for #2 (free at 4 h)."""
    results = {}
    for resume in ("any_holder", "same_person"):
        model, rows = _organisation(["major_incident", "ticket_l2", "project_work"], headcount=2, resume=resume)
        model.submit("project_work", 4.0, Case("package"), None, "package")
        model.submit("ticket_l2", 2.5, Case("ticket"), None, "ticket")
        _at(model, 2.0, "major_incident", 2.0, "incident", preemptive=True)
        model.run()
        results[resume] = [(t, h, who) for a, t, h, who in _log(model, rows) if a == "package"]
    assert results["any_holder"] == [
        ("start", 0.0, "solo#2"),
        ("suspend", 2.0, "solo#2"),
        ("resume", 2.5, "solo#1"),
        ("complete", 4.5, "solo#1"),
    ]
    assert results["same_person"] == [
        ("start", 0.0, "solo#2"),
        ("suspend", 2.0, "solo#2"),
        ("resume", 4.0, "solo#2"),
        ("complete", 6.0, "solo#2"),
    ]


def test_preemption_interrupts_the_holder_doing_the_least_important_work():
    """Two holders busy, one with a ticket and one with project work (ranked lower): the
    preemptive incident interrupts the project work."""
    model, rows = _organisation(["major_incident", "ticket_l2", "project_work"], headcount=2)
    model.submit("ticket_l2", 5.0, Case("ticket"), None, "ticket")
    model.submit("project_work", 5.0, Case("package"), None, "package")
    _at(model, 1.0, "major_incident", 1.0, "incident", preemptive=True)
    model.run()
    log = _log(model, rows)
    assert ("package", "suspend", 1.0, "solo#2") in log
    assert ("incident", "start", 1.0, "solo#2") in log
    assert not any(a == "ticket" and t == "suspend" for a, t, _, _ in log)
    assert ("ticket", "complete", 5.0, "solo#1") in log
    assert ("package", "complete", 6.0, "solo#2") in log
