"""The seam where a kind of work plugs in: :class:`WorkSource`.

A *work source* is one kind of work arriving in the organisation — tickets, projects,
recurring management work.  To add one, write one module in ``orgsim/work/`` that defines a
subclass and names it ``SOURCE``; the model finds it there (:func:`orgsim.work.sources`) and
nothing else changes.  Its parameters are a section of the scenario
(:mod:`orgsim.scenario.schema`); the duties its items need are rows of the duty table
(:mod:`orgsim.duties`).

A source talks to the organisation only through the :class:`Organisation` interface the
engine implements, and records its statistics only in the model's
:class:`~orgsim.monitors.Recorder`.  Three more seams make a source whole without an edit
elsewhere:

- it hears every case that closes, whichever source it belongs to (:meth:`WorkSource.case_closed`:
  a change request raised when a project goes live);
- it reports its own metrics (:meth:`WorkSource.metrics`), declaring their catalogue rows in
  ``catalogue`` (:mod:`orgsim.catalogue`);
- it says how many cases or items one replication is expected to create
  (:meth:`WorkSource.expected_arrivals`), for the limits on a run's size and memory
  (:mod:`orgsim.work.size`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

import numpy as np

from ..catalogue import Metric, declare
from ..monitors import Recorder
from .item import WorkItem

__all__ = ["WorkSource", "Organisation", "Arrivals"]


class Arrivals(NamedTuple):
    """What one replication of a scenario is expected to create, by one rate of a source.

    ``count``: cases or work items over the whole horizon.  ``field``: the scenario field that
    sets it (named in an error).  ``what``: what is counted, plural (``tickets``, ``work
    packages``); rows of the same ``what`` add up against the limit.  ``advice``: how to ask
    for fewer.
    """

    count: float
    field: str
    what: str
    advice: str


class Organisation(Protocol):
    """What a work source may ask of the simulated organisation (implemented by the engine).

    ``env``: the SimPy environment (working hours).  ``recorder``: where statistics go.
    ``streams(name)``: the random stream of one source of randomness.  ``holders(duty)``:
    the people (workers, each with ``.person``) who hold a duty, in staff order.
    ``holds(worker, duty)``: does this person hold the duty.  ``submit(...)``: create a work
    item, stamp it, queue it (in the duty's shared queue, or the ``owner``'s own queue) and
    wake someone for it.  ``cancel(item)``: withdraw a waiting item.  ``join_project(worker, hours)`` and
    ``leave_project(worker, hours)``: a person starts or stops working on one more project at once,
    planned at ``hours`` a week (people on several projects lose time to switching between them).
    ``log_arrival``: None, or with an event log the hook ``log_arrival(case, owner=None)`` a source
    calls once as each case arrives (``owner``: the person it is meant for, if any).
    ``report_closed``: None when no source listens for closed cases, else the hook
    ``report_closed(case, now)`` a source calls once as each of its cases closes (the engine
    passes it on to every source's :meth:`WorkSource.case_closed`).
    """

    env: object
    recorder: Recorder
    log_arrival: Callable | None
    report_closed: Callable | None

    def streams(self, name: str) -> np.random.Generator: ...

    def holders(self, duty: str) -> list: ...

    def holds(self, worker, duty: str) -> bool: ...

    def submit(
        self,
        duty: str,
        effort: float,
        case,
        then: Callable | None,
        activity: str,
        owner=None,
        priority: int = 1,
        preemptive: bool = False,
    ) -> WorkItem: ...

    def cancel(self, item: WorkItem) -> None: ...

    def join_project(self, worker, hours_per_week: float) -> None: ...

    def leave_project(self, worker, hours_per_week: float) -> None: ...


class WorkSource:
    """One kind of work: when it arrives and how its cases move through their steps.

    Subclasses set ``name`` (the key in ``model.sources``), ``order`` (sources start in this
    order, which keeps runs reproducible) and ``duties`` (the duties its items may need),
    and implement :meth:`start` (arrivals), :meth:`weekly` and/or :meth:`day` (work issued at
    the start of every week or working day).  They may add columns to the daily series
    (:meth:`snapshot`) and account for their cases at the end (:meth:`finish`).

    Everything a case will need is drawn when it arrives, from streams of its own
    (``org.streams(name)``), so two scenarios run with the same seed see identical cases
    (common random numbers).

    For the event log, a case is an object with a ``case_id`` unique within its source and a
    class attribute ``kind`` (``"ticket"``: its rows are case ``r3-ticket-1234``); the source
    calls ``org.log_arrival(case)`` as it arrives, when that hook is not None.  As a case
    closes, the source calls ``org.report_closed(case, now)``, when that hook is not None.

    ``catalogue``: the rows of the metric catalogue for the metrics this source reports beyond
    the shipped catalogue (declared when the class is defined).  ``cost_unit``: the output the
    staff cost is divided by (``"ticket"``, ``"project"``: the metrics ``cost_per_ticket`` and
    ``busy_cost_per_ticket``, see :mod:`orgsim.metrics`), counted by :meth:`completed_in_period`;
    empty for a source whose cases carry no cost of their own.
    """

    name: str = ""
    order: int = 100
    duties: tuple[str, ...] = ()
    catalogue: tuple[Metric, ...] = ()
    cost_unit: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.catalogue:
            declare(cls.catalogue)

    def __init__(self, org: Organisation, scenario):
        self.org = org
        self.scenario = scenario

    def start(self) -> None:
        """Schedule the first arrivals (called once, at time 0)."""

    def weekly(self, week: int) -> None:
        """Issue this source's work of the week (called at the start of every week, from
        week 0, by the model's clock; sources in their order)."""

    def day(self, day: int) -> None:
        """Issue this source's work of the working day (called at the start of every day,
        from day 0, after the week's work)."""

    def snapshot(self) -> dict[str, float]:
        """Columns this source adds to the daily series (cumulative counts, open cases)."""
        return {}

    def finish(self, now: float, live_items: Iterable[WorkItem]) -> list[str]:
        """At the end of the run: record the state of open cases in ``recorder.state`` and
        return conservation problems (cases arrived but neither done nor open), if any.
        ``live_items`` are all items still waiting or in progress.  May be called again."""
        return []

    def one_step_closing(self) -> Callable | None:
        """The ``then`` to submit the one item of a one-item case with: None when no source
        listens for closed cases, else a step that reports the case closed as its item is done."""
        closed = self.org.report_closed
        if closed is None:
            return None
        return lambda item, now: closed(item.case, now)

    def case_closed(self, case, now: float) -> None:
        """A case closed, of this source or another (its ``kind`` says which: ``"project"``
        when a project goes live).  Only sources that override this hear anything: a model
        whose sources do not listen pays nothing for it."""

    def completed_in_period(self) -> int:
        """Cases completed after the warm-up (the ``cost_unit`` a cost is divided by)."""
        return 0

    def metrics(self, weeks: float) -> dict[str, float]:
        """This source's metrics of a finished, conservation-checked replication, by catalogue
        name, read from the recorder (which covers the measured period: ``weeks`` long)."""
        return {}

    @classmethod
    def expected_arrivals(cls, scenario) -> list[Arrivals]:
        """What one replication of ``scenario`` is expected to create, by rate (for the limits
        checked before a run).  A source whose work is issued per person and closes within
        the week (routine, recurring work) draws little and may report nothing: the limits'
        bytes per item are measured on whole runs, with that work in them."""
        return []
