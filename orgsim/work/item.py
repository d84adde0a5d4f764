"""A work item: one piece of work for one person, an effort in hours under one duty."""

from __future__ import annotations

from collections.abc import Callable

from ..duties import DUTY_FAMILY

__all__ = ["WorkItem"]


class WorkItem:
    """One piece of work for one person: an effort in hours under one duty.

    Work sources do not build items themselves: the model's ``submit`` does, stamping the
    order of creation (``seq``) and the time.  ``on_done(item, now)`` continues the case the
    item belongs to (ticket, project, ...).
    """

    __slots__ = (
        "duty",
        "family",
        "priority",
        "remaining",
        "preemptive",
        "seq",
        "case",
        "on_done",
        "created_at",
        "queued_at",
        "queue",
        "started",
        "cancelled",
        "done",
        "activity",
    )

    def __init__(
        self,
        duty: str,
        effort: float,
        case,
        on_done: Callable | None,
        seq: int,
        now: float,
        priority: int = 1,
        preemptive: bool = False,
    ):
        self.duty = duty
        self.family = DUTY_FAMILY[duty]
        self.priority = priority
        self.remaining = effort
        self.preemptive = preemptive
        self.seq = seq
        self.case = case
        self.on_done = on_done
        self.created_at = now
        self.queued_at = now
        self.queue = None  # the queue it waits in, once offered
        self.started = False
        self.cancelled = False
        self.done = False
        self.activity = duty
