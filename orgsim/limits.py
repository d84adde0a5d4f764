"""How much work orgsim accepts, in one place.

Every limit is checked before any simulation starts (a grid's size before its points are
built, a run's events and memory from the scenario's rates), so that a request beyond them
ends in one line saying the number asked, the limit and how to split the work, not in a
``MemoryError`` hours later.  The figures are engineering choices, not domain figures.
"""

from __future__ import annotations

import os

__all__ = [
    "MAX_REPLICATIONS",
    "MAX_RANGE_VALUES",
    "MAX_GRID_POINTS",
    "MAX_RUNS",
    "MAX_STAFF",
    "MAX_ARRIVALS",
    "LARGEST_NUMBER",
    "BYTES_PER_ITEM",
    "MEMORY_SHARE",
    "EVENT_BYTES_PER_ITEM",
    "MAX_EXPORT_BYTES",
    "EXPORT_MEMORY_FACTOR",
    "physical_memory",
]

MAX_REPLICATIONS = 10_000  # replications of one scenario
MAX_RANGE_VALUES = 1_000  # values one --vary range may give (a:b:N)
MAX_GRID_POINTS = 5_000  # points of a sweep's grid (every --vary x --across combination)
MAX_RUNS = 50_000  # runs of one command: points x replications
MAX_STAFF = 20_000  # people simulated; beyond that a run takes hours and gigabytes
MAX_ARRIVALS = 50_000_000  # expected tickets or work packages per replication: hours of computing beyond
LARGEST_NUMBER = 1e12  # beyond this no parameter of an IT organisation makes sense
BYTES_PER_ITEM = 300  # bytes per expected ticket or work package at worst, all still open (estimate; measured
# peaks: 70 bytes per expected item in a stable 1,500-employee run, 114 in an overloaded one)
MEMORY_SHARE = 0.5  # of the machine's memory, for the runs in flight at once
EVENT_BYTES_PER_ITEM = 1_000  # bytes of event log (CSV) per expected item of a whole run, warm-up included
# (measured in issue 23: 812 in small-combined, 739 in large-separate; rounded up)
MAX_EXPORT_BYTES = 200_000_000  # a ticket export orgsim calibrate reads (about 600,000 ServiceNow rows)
EXPORT_MEMORY_FACTOR = 16  # bytes of memory per byte of export while calibrate reads it (measured in issue 23:
# about 16x; a 470 MB export had reached 3.7 GB when it failed); a smaller machine gets a smaller limit


def physical_memory() -> int | None:
    """Bytes of memory of this machine, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
