"""Recurring management work that reporting lines and roles create: weekly 1:1s with every
direct report, an appraisal of each report once a year (spread over the year) and portfolio
reviews; admin and meetings every day, in equal parts of the weekly hours (a fixed part, plus a
part per direct report when ``management.admin_hours_per_report_per_week`` is set).

With ``management.skip_superseded``, a day's admin not started when the next day's is issued is
skipped: withdrawn unworked and counted (``skipped_per_week.admin``); issued = done + skipped + open."""

from __future__ import annotations

from .source import WorkSource
from .superseded import Superseded

ADMIN = {"admin": "admin and meetings"}  # the recurring work a newer one supersedes: duty, activity

__all__ = ["ManagementCase", "RecurringWork", "SOURCE"]


class ManagementCase:
    """One occurrence of recurring management work — a 1:1, an appraisal, a portfolio review, a
    day's admin — is its own case (for the event log).  ``about``: the report a 1:1 or an
    appraisal is with, else None (the event log names people only as resources)."""

    kind = "management"
    __slots__ = ("case_id", "about")

    def __init__(self, case_id: int, about=None):
        self.case_id = case_id
        self.about = about


class RecurringWork(WorkSource):
    """Work in each holder's own queue: weekly 1:1s, appraisals and portfolio reviews; daily admin."""

    name = "recurring"
    order = 15
    duties = ("people_management", "admin", "portfolio_management")

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.management = scenario.management
        self.review_hours = scenario.projects.portfolio_review_hours_per_week
        days = scenario.calendar.days_per_week
        self.admin_hours_per_day = scenario.management.admin_hours_per_week / days
        per_report = scenario.management.admin_hours_per_report_per_week
        # each holder's admin a day (a part-timer's in proportion), the part per report added only when set
        self.admin_daily = []
        for worker in org.holders("admin"):
            weekly = scenario.management.admin_hours_per_week + per_report * len(worker.person.reports)
            if weekly > 0:
                daily = weekly / days if per_report > 0 else self.admin_hours_per_day
                self.admin_daily.append((worker, daily * worker.person.availability))
        self.issued = 0  # cases issued since time 0 (each one's case id)
        self.then = self.one_step_closing()
        # a day's admin superseded by the next (management.skip_superseded): None when off
        self.superseded = Superseded(org, ADMIN, self.then) if scenario.management.skip_superseded else None
        self.last_admin = {}  # each holder's last day of admin

    def weekly(self, week: int) -> None:
        org, mgmt = self.org, self.management
        for worker in org.holders("people_management"):
            reports = worker.person.reports
            for j, report in enumerate(reports):
                if mgmt.one_to_one_hours_per_report_per_week > 0:
                    self._own(worker, "people_management", mgmt.one_to_one_hours_per_report_per_week, "1:1", report)
                if mgmt.appraisal_hours_per_report_per_year > 0 and week % 52 == (j * 52) // len(reports):
                    self._own(
                        worker, "people_management", mgmt.appraisal_hours_per_report_per_year, "appraisal", report
                    )
        if self.review_hours > 0:
            for worker in org.holders("portfolio_management"):
                hours = self.review_hours * worker.person.availability
                self._own(worker, "portfolio_management", hours, "portfolio review")

    def day(self, day: int) -> None:
        skip = self.superseded
        if skip is None:
            for worker, hours in self.admin_daily:
                self._own(worker, "admin", hours, "admin and meetings")
            return
        last = self.last_admin
        for worker, hours in self.admin_daily:
            skip.skip(last.get(worker))  # yesterday's admin, not started: superseded by today's
            last[worker] = skip.issued(self._own(worker, "admin", hours, "admin and meetings", then=skip.then))

    def _own(self, worker, duty, hours, activity, about=None, then=None):
        self.issued += 1
        case = ManagementCase(self.issued, about)
        if self.org.log_arrival is not None:
            self.org.log_arrival(case, worker)
        return self.org.submit(duty, hours, case, then or self.then, activity, worker)

    def finish(self, now, live_items) -> list[str]:
        return [] if self.superseded is None else self.superseded.problems("recurring", live_items)

    def metrics(self, weeks: float) -> dict[str, float]:
        return {} if self.superseded is None else self.superseded.metrics(weeks)


SOURCE = RecurringWork
