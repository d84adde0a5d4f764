"""The work that arrives, one module per kind: ``tickets``, ``projects``, ``recurring``, ...

Each module defines a :class:`~orgsim.work.source.WorkSource` subclass and names it
``SOURCE``; :func:`sources` finds them, so adding a kind of work is adding a module here.
Each source also says what one replication is expected to create
(:meth:`~orgsim.work.source.WorkSource.expected_arrivals`); :func:`expected_items` and
:func:`check_run_size` add them up for the limits checked before a run, so that a new kind of
work is counted without an edit to them.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..limits import MAX_ARRIVALS
from ..scenario import ScenarioError
from .handover import role_clarity_matters
from .item import WorkItem
from .source import Arrivals, Organisation, WorkSource

__all__ = [
    "WorkItem",
    "WorkSource",
    "Organisation",
    "Arrivals",
    "sources",
    "expected_arrivals",
    "expected_items",
    "check_run_size",
    "role_clarity_matters",
]


def sources() -> list[type[WorkSource]]:
    """Every work source in this package (and any folder added to its ``__path__``), in start order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if source is not None:
            found.append(source)
    return sorted(found, key=lambda source: (source.order, source.name))


def expected_arrivals(scenario, source_types=None) -> list[Arrivals]:
    """Every source's expected arrivals in one replication of ``scenario`` (``source_types``:
    the sources a model runs, by default every one of this package), in source order."""
    types = sources() if source_types is None else source_types
    return [row for kind in types for row in kind.expected_arrivals(scenario)]


def expected_items(scenario, source_types=None) -> float:
    """Cases and work items one replication is expected to create (for the limits on work and
    memory checked before a run)."""
    return sum(row.count for row in expected_arrivals(scenario, source_types))


def check_run_size(scenario, source_types=None) -> None:
    """Reject a scenario one replication of which would create more than
    :data:`~orgsim.limits.MAX_ARRIVALS` of any one thing (tickets, work packages, ...): a run
    that would take hours of computing, or never end.  Raises :class:`ScenarioError` naming
    the field whose rate took the count over."""
    totals: dict[str, float] = {}
    for row in expected_arrivals(scenario, source_types):
        totals[row.what] = totals.get(row.what, 0.0) + row.count
        if totals[row.what] > MAX_ARRIVALS:
            raise ScenarioError(
                row.field,
                f"about {totals[row.what]:,.0f} {row.what} expected per replication; allowed: at most "
                f"{MAX_ARRIVALS:,} ({row.advice})",
            )
