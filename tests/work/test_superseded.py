"""Superseded recurring work (orgsim.work.superseded, management.skip_superseded): a status
report, a weekly coordination or a day's admin nobody started before the next one of its kind is
skipped, counted per duty and never lost (issued = done + skipped + open); a project whose
coordination was skipped raises more exceptions for a week; the status-report queue of an
overloaded manager stops growing."""

from __future__ import annotations

import math

import orgsim
from orgsim.engine import Model
from orgsim.metrics import measure
from tests.conftest import SCENARIOS, before_issue_20  # the model before issue 20, each test switching its mechanism in
from tests.conftest import old_scenario as make_scenario

# the overloaded manager of issue 20: small-combined at 200 employees, a year
OVERLOADED = {"org.employees": 200, "simulation.horizon_weeks": 52, "simulation.warmup_weeks": 4}


def _overloaded(**changes):
    # the model before issue 20 (saturated at this size), the mechanism under test switched in
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(OVERLOADED)
    return before_issue_20(scenario, keep=changes).with_changes(changes)


def _run(scenario, replication=0, seed=7):
    model = Model(scenario, replication, seed=seed)
    model.run()  # raises ConservationError if an item or a case was lost
    return model, measure(model)


def _books(model):
    """issued, done, skipped, open per duty, from each source's books and what is left."""
    live = [item for item, _ in model.live_items()]
    out = {}
    for source in model.sources.values():
        superseded = getattr(source, "superseded", None)
        if superseded is None:
            continue
        for duty, (issued, done, skipped) in superseded.books.items():
            activity = superseded.activities[duty]
            still_open = sum(1 for item in live if item.duty == duty and item.activity == activity)
            out[duty] = (issued, done, skipped, still_open)
    return out


def test_an_overloaded_manager_skips_stale_work_and_every_item_is_accounted_for():
    model, output = _run(_overloaded(**{"management.skip_superseded": True}))
    books = _books(model)
    assert set(books) == {"admin", "project_coordination", "status_reporting"}
    for duty, (issued, done, skipped, still_open) in books.items():
        assert issued == done + skipped + still_open, duty
        assert issued > 0
    metrics = output.metrics
    # the manager at 100% drops most stale status reports rather than queueing them
    assert metrics["skipped_per_week.status_reporting"] > 1.0
    assert 0.3 < metrics["skipped_share.status_reporting"] < 1.0
    assert metrics["skipped_per_week.admin"] > 0.0
    weeks = (model.env.now - model.measure_start) / model.scenario.calendar.hours_per_week
    skipped = model.recorder.counts["skipped.status_reporting"]
    assert math.isclose(metrics["skipped_per_week.status_reporting"], skipped / weeks)
    # a skipped item is withdrawn from its queue, as the engine counts it
    assert model.cancelled["status_reporting"] >= books["status_reporting"][2]


def _status_queue(scenario, replications=3):
    results = orgsim.simulate(scenario, replications=replications, seed=5, jobs=1)
    weekly = results.timeseries.groupby("week")["queue.status_reporting"].mean()
    return weekly.loc[24:28].mean(), weekly.loc[48:52].mean(), results


def test_with_skipping_the_status_report_queue_stops_growing():
    mid_off, end_off, _ = _status_queue(_overloaded())
    mid_on, end_on, results = _status_queue(_overloaded(**{"management.skip_superseded": True}))
    assert end_off > 2 * mid_off > 40  # today: it grows with the length of the run
    # with skipping, at most one report of each active project waits: bounded, mid-run as at the end
    assert end_on < 10 and mid_on < 10
    assert end_on < mid_on + 3
    assert not any("status reporting queue grows" in w for w in results.warnings)


def test_skip_off_reports_nothing_new_and_skip_on_without_overload_changes_no_number():
    # a manager with room to spare never leaves work unstarted a day: nothing is skipped, so the
    # switch moves no number (the same draws: common random numbers)
    light = {"org": {"employees": 40}, "simulation": {"horizon_weeks": 12, "warmup_weeks": 2}}
    light_tickets = {"per_employee_per_month": 0.1}
    off = make_scenario(**light, tickets=light_tickets, management={"interrupts_per_manager_per_day": 0})
    on = make_scenario(
        **light, tickets=light_tickets, management={"interrupts_per_manager_per_day": 0, "skip_superseded": True}
    )
    _, out_off = _run(off)
    model_on, out_on = _run(on)
    assert not any(name.startswith("skipped") for name in out_off.metrics)
    assert all(skipped == 0 for _, _, skipped, _ in _books(model_on).values())
    common = {k: v for k, v in out_on.metrics.items() if not k.startswith("skipped")}
    assert common.keys() == out_off.metrics.keys()
    for name, value in out_off.metrics.items():
        assert value == common[name] or (math.isnan(value) and math.isnan(common[name])), name


class _Counting(Model):
    """The model, counting the exception decisions and work packages submitted."""

    def __init__(self, *args, **kwargs):
        self.by_activity = {}
        super().__init__(*args, **kwargs)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        self.by_activity[activity] = self.by_activity.get(activity, 0) + 1
        return super().submit(duty, effort, case, then, activity, owner, priority, preemptive)


def test_a_project_whose_coordination_was_skipped_raises_more_exceptions():
    rates = {}
    for factor in (1.0, 4.0):
        decisions = packages = 0
        for replication in range(3):
            scenario = _overloaded(
                **{"management.skip_superseded": True, "projects.skipped_coordination_exception_factor": factor}
            )
            model = _Counting(scenario, replication, seed=11)
            model.run()
            decisions += model.by_activity.get("exception decision", 0)
            packages += model.by_activity.get("work package", 0)
        rates[factor] = decisions / packages
    # the base probability is 0.2; a skipped coordination raises it for a week
    assert 0.15 < rates[1.0] < 0.25
    assert rates[4.0] > rates[1.0] + 0.03
