"""Superseded recurring work (``management.skip_superseded``): a weekly status report, a weekly
coordination or a day's admin not started when the next one of the same kind (same person, same
project) is issued is skipped — withdrawn from its queue unworked (the organisation's ``cancel``)
and counted, never lost: for each kind, issued = done + skipped + still open.

An overloaded manager does not let stale reports pile up by the hundred: they drop the one the
next has made pointless.  The counts of the measured period become ``skipped_per_week.{duty}``
and ``skipped_share.{duty}`` (skipped per issued)."""

from __future__ import annotations

import math

from .measures import ratio

__all__ = ["Superseded"]


class Superseded:
    """The books of one source's recurring work that a newer one supersedes.

    ``activities``: per duty, the activity of its recurring items (a duty may hold other work).
    ``then``: the step an item continues with when done (None: none), wrapped to count it.
    """

    def __init__(self, org, activities: dict[str, str], then=None):
        self.org = org
        self.activities = activities
        self.books = {duty: [0, 0, 0] for duty in activities}  # issued, done, skipped since time 0
        self.counts = org.recorder.counts
        for duty in activities:
            org.recorder.counter(f"skipped.{duty}")
            org.recorder.counter(f"issued.{duty}")
        books = self.books

        def done(item, now):
            books[item.duty][1] += 1
            if then is not None:
                then(item, now)

        self.then = done

    def skip(self, previous) -> bool:
        """Skip ``previous`` (the last one of its kind, or None) if nobody has started it; True if
        it was skipped."""
        if previous is None or previous.started or previous.done or previous.cancelled:
            return False
        self.org.cancel(previous)
        self.books[previous.duty][2] += 1
        self.counts[f"skipped.{previous.duty}"] += 1
        return True

    def issued(self, item):
        """Count ``item`` (submitted with :attr:`then`) as issued; returns it."""
        self.books[item.duty][0] += 1
        self.counts[f"issued.{item.duty}"] += 1
        return item

    def problems(self, source: str, live_items) -> list[str]:
        """Conservation: issued = done + skipped + still open, per duty."""
        open_now = dict.fromkeys(self.books, 0)
        activities = self.activities
        for item in live_items:
            if item.duty in open_now and item.activity == activities[item.duty] and not item.cancelled:
                open_now[item.duty] += 1
        return [
            f"{source}: {issued} {duty} issued != {done} done + {skipped} skipped + {open_now[duty]} open"
            for duty, (issued, done, skipped) in self.books.items()
            if issued != done + skipped + open_now[duty]
        ]

    def metrics(self, weeks: float) -> dict[str, float]:
        """``skipped_per_week.{duty}`` and ``skipped_share.{duty}`` of the measured period."""
        metrics = {}
        for duty in self.books:
            skipped = self.counts[f"skipped.{duty}"]
            metrics[f"skipped_per_week.{duty}"] = skipped / weeks if weeks else math.nan
            metrics[f"skipped_share.{duty}"] = ratio(skipped, self.counts[f"issued.{duty}"])
        return metrics
