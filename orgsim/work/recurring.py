"""Recurring management work that reporting lines and roles create: weekly 1:1s with every
direct report, an appraisal of each report once a year (spread over the year) and portfolio
reviews; admin and meetings every day, in equal parts of the weekly hours."""

from __future__ import annotations

from .source import WorkSource

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
        self.admin_hours_per_day = scenario.management.admin_hours_per_week / scenario.calendar.days_per_week
        self.issued = 0  # cases issued since time 0 (each one's case id)
        self.then = self.one_step_closing()

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
        if self.admin_hours_per_day > 0:
            for worker in self.org.holders("admin"):
                hours = self.admin_hours_per_day * worker.person.availability  # in proportion for a part-timer
                self._own(worker, "admin", hours, "admin and meetings")

    def _own(self, worker, duty, hours, activity, about=None):
        self.issued += 1
        case = ManagementCase(self.issued, about)
        if self.org.log_arrival is not None:
            self.org.log_arrival(case, worker)
        self.org.submit(duty, hours, case, self.then, activity, worker)


SOURCE = RecurringWork
