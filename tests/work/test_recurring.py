"""Recurring management work (orgsim.work.recurring): each week a 1:1 with every direct
report, an appraisal of each report once a year spread over the year, admin for every
holder of the admin duty and a portfolio review for every holder of portfolio management,
all in the holder's own queue.

These runs have no tickets and no projects (``source_types=[RecurringWork]``), so each
item can be traced to the week that issued it."""

from __future__ import annotations

from collections import Counter

import pytest

from orgsim.engine import Model
from orgsim.work.recurring import ManagementCase, RecurringWork
from tests.conftest import (
    old_scenario as make_scenario,  # the model before issue 20, each test switching its mechanism in
)

MANAGEMENT = {
    "one_to_one_hours_per_report_per_week": 0.75,
    "appraisal_hours_per_report_per_year": 4.0,
    "admin_hours_per_week": 3.0,
}


class RecordingModel(Model):
    """The model with only recurring work, keeping every item with its week, effort and owner."""

    def __init__(self, scenario, replication=0):
        self.items = []  # (week, owner label, activity, duty, effort, item)
        super().__init__(scenario, replication, source_types=[RecurringWork])

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        item = super().submit(duty, effort, case, then, activity, owner, priority, preemptive)
        assert isinstance(case, ManagementCase) and owner is not None
        assert item.queue is owner.private[duty], "recurring work goes to its holder's own queue"
        week = int(self.env.now // self.scenario.calendar.hours_per_week)
        self.items.append((week, owner.person.label, activity, duty, effort, item))
        return item


def _pmo(weeks, management=MANAGEMENT, review=2.0):
    """1500 employees under a PMO: 8 IT managers with 6 to 9 reports, a PMO lead with the project
    managers, a head of IT with the 8 IT managers."""
    return make_scenario(
        org={"employees": 1500, "structure": "pmo"},
        management=management,
        projects={"portfolio_review_hours_per_week": review},
        simulation={"horizon_weeks": weeks, "warmup_weeks": 1},
    )


def test_a_manager_with_n_reports_has_n_one_to_ones_a_week_of_the_configured_length():
    model = RecordingModel(_pmo(10))
    model.run()
    managers = [w for w in model.workers if w.person.reports]
    # the head of IT leads the IT managers, the PMO lead the project managers (sized by the
    # projects expected to run at once); the IT managers share the rest, at most 9 each
    counts = model.scenario.headcounts()
    reports = {w.person.label: len(w.person.reports) for w in managers}
    assert reports.pop("head_of_it#1") == counts["it_manager"] == 8
    assert reports.pop("pmo_lead#1") == counts["project_manager"] >= 6
    assert len(reports) == 8 and all(6 <= n <= 9 for n in reports.values())
    assert sum(reports.values()) == counts["service_desk"] + counts["engineer"] + counts["pmo_lead"]
    meetings = Counter()
    for week, owner, activity, duty, effort, item in model.items:
        if activity == "1:1":  # the report is the case's, not the activity's (no names in activity names)
            assert duty == "people_management" and effort == 0.75
            meetings[week, owner, item.case.about.label] += 1
    expected = Counter(
        {(week, w.person.label, r.label): 1 for w in managers for r in w.person.reports for week in range(10)}
    )
    assert meetings == expected
    per_manager_week = Counter((week, owner) for week, owner, _ in meetings.elements())
    for w in managers:
        assert all(per_manager_week[week, w.person.label] == len(w.person.reports) for week in range(10))


def test_each_report_is_appraised_once_in_52_weeks_spread_over_the_year():
    model = RecordingModel(_pmo(104))
    model.run()
    appraisals = [
        (week, owner, item.case.about.label, effort)
        for week, owner, activity, duty, effort, item in model.items
        if activity == "appraisal"
    ]
    assert all(effort == 4.0 for *_, effort in appraisals)
    for w in (w for w in model.workers if w.person.reports):
        reports = [r.label for r in w.person.reports]
        for year in (0, 1):
            weeks = {report: wk for wk, boss, report, _ in appraisals if boss == w.person.label and wk // 52 == year}
            mine = [report for wk, boss, report, _ in appraisals if boss == w.person.label and wk // 52 == year]
            assert sorted(mine) == sorted(reports), "each report once a year"
            # report j of n in week j x 52 // n: spread over the year, the same week every year
            assert [weeks[r] % 52 for r in reports] == [j * 52 // len(reports) for j in range(len(reports))]
            assert len(set(weeks.values())) == len(reports)
    assert len(appraisals) == 2 * sum(len(w.person.reports) for w in model.workers)


def test_admin_comes_every_day_and_portfolio_reviews_once_a_week_to_every_holder():
    model = RecordingModel(_pmo(6))
    model.run()
    weekly = Counter((week, owner, activity, effort) for week, owner, activity, _, effort, _ in model.items)
    admins = [w.person.label for w in model.holders("admin")]
    reviewers = [w.person.label for w in model.holders("portfolio_management")]
    assert len(admins) == 9 and reviewers == ["pmo_lead#1"]  # 8 IT managers and the head of IT
    for week in range(6):
        for label in admins:
            assert weekly[week, label, "admin and meetings", 3.0 / 5] == 5  # spread over the week
        assert weekly[week, "pmo_lead#1", "portfolio review", 2.0] == 1
    admin_items = [item for item in model.items if item[2] == "admin and meetings"]
    assert len(admin_items) == 6 * 5 * 9
    days = {round(item[5].created_at / 8.0, 9) for item in admin_items}
    assert days == set(range(30)), "one part at the start of every working day"
    assert sum(1 for item in model.items if item[2] == "portfolio review") == 6


def test_nothing_is_issued_for_work_set_to_zero_hours():
    none = dict.fromkeys(MANAGEMENT, 0.0)
    model = RecordingModel(_pmo(4, management=none, review=0.0))
    model.run()
    assert model.items == []
    assert sum(model.created.values()) == 0


def test_a_manager_who_has_time_spends_exactly_the_recurring_hours():
    """An IT manager with nothing else to do finishes each week's 1:1s, appraisals and admin
    within the week and never switches family: over weeks 1..51 the measured busy hours are
    51 x (n x 0.75 + 3) plus 4 h per report appraised in those weeks."""
    model = RecordingModel(_pmo(52))
    model.run()
    for worker in model.holders("admin"):
        n = len(worker.person.reports)
        appraised = sum(1 for j in range(n) if j * 52 // n >= 1)  # week 0 is in the warm-up
        busy = worker.measured_busy()
        assert busy.get("context_switch", 0.0) == 0.0
        assert busy["admin"] == pytest.approx(51 * 3.0)
        assert busy["people_management"] == pytest.approx(51 * n * 0.75 + appraised * 4.0)
        assert worker.paused == [] and worker.current is None
