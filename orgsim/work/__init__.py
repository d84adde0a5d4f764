"""The work that arrives, one module per kind: ``tickets``, ``projects``, ``recurring``.

Each module defines a :class:`~orgsim.work.source.WorkSource` subclass and names it
``SOURCE``; :func:`sources` finds them, so adding a kind of work is adding a module here.
"""

from __future__ import annotations

import importlib
import pkgutil

from .item import WorkItem
from .source import Organisation, WorkSource

__all__ = ["WorkItem", "WorkSource", "Organisation", "sources"]


def sources() -> list[type[WorkSource]]:
    """Every work source in this package (and any folder added to its ``__path__``), in start order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if source is not None:
            found.append(source)
    return sorted(found, key=lambda source: (source.order, source.name))
