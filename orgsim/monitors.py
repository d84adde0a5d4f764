"""Monitors: what the model records about the measured period.

- :class:`Tally`: statistics of per-item values (resolution times) in constant memory;
- :class:`Recorder`: every statistic the work sources keep, by name, owned by the model and
  restarted once, when the warm-up ends.  Queues (time-weighted levels) and people (busy
  time) are monitors of their own in :mod:`orgsim.dispatch`, restarted by the same call.

A run may resolve millions of tickets; keeping every resolution time would make memory
grow with the horizon.  A :class:`Tally` keeps the count, the exact sum and a histogram on
log-spaced bins (relative width ~2.3%), from which quantiles are read to about 1%.
Tallies of several replications add up bin by bin.
"""

from __future__ import annotations

import math

__all__ = ["Tally", "Recorder", "BIN_EDGES", "quantile_from_bins"]

_LOW_EXPONENT = -3  # 0.001 h = 3.6 s
_BINS_PER_DECADE = 100
_DECADES = 9  # up to 10^6 h
_BIN_COUNT = _BINS_PER_DECADE * _DECADES
BIN_EDGES = tuple(10 ** (_LOW_EXPONENT + i / _BINS_PER_DECADE) for i in range(_BIN_COUNT + 1))
_FIRST_EDGE = BIN_EDGES[0]
_EMPTY_BINS = (0,) * _BIN_COUNT
_log10 = math.log10


class Tally:
    """Count, sum and log-binned histogram of non-negative values (hours).

    Bin 0 also holds values below 0.001 h; the last bin values above 10^6 h.
    """

    __slots__ = ("count", "total", "bins")

    def __init__(self):
        self.count = 0
        self.total = 0.0
        self.bins = [0] * _BIN_COUNT

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        if value <= _FIRST_EDGE:
            self.bins[0] += 1
        else:
            index = int((_log10(value) - _LOW_EXPONENT) * _BINS_PER_DECADE)
            self.bins[index if index < _BIN_COUNT else _BIN_COUNT - 1] += 1

    def clear(self) -> None:
        """Forget every value (in place: whoever holds this tally keeps recording into it)."""
        self.count = 0
        self.total = 0.0
        self.bins[:] = _EMPTY_BINS

    def merge(self, other: Tally) -> None:
        """Add another tally's values to this one."""
        self.count += other.count
        self.total += other.total
        self.bins = [a + b for a, b in zip(self.bins, other.bins, strict=True)]

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan

    def quantile(self, q: float) -> float:
        """The q-quantile (0..1), interpolated log-linearly inside its bin."""
        return quantile_from_bins(self.bins, q)


def quantile_from_bins(bins, q: float) -> float:
    """Quantile of a histogram on :data:`BIN_EDGES` (counts per bin)."""
    count = sum(bins)
    if count == 0:
        return math.nan
    target = q * count
    seen = 0
    for index, n in enumerate(bins):
        if n and seen + n >= target:
            fraction = (target - seen) / n
            low, high = BIN_EDGES[index], BIN_EDGES[index + 1]
            return low * (high / low) ** fraction
        seen += n
    return BIN_EDGES[-1]


class Recorder:
    """The statistics of one replication's measured period, by name.

    A work source asks for what it keeps once, when it is built — ``counter(name)``,
    ``total(name)``, ``tally(name)``, ``sample(name)`` — and records into it; the metrics
    read only the recorder.  :meth:`restart` empties every statistic in place when the
    warm-up ends (one rule for all of them), so what is read afterwards covers the measured
    period only.  ``state`` holds end-of-run values (open cases) that no warm-up touches.

    ``counts`` (whole numbers) and ``totals`` (sums of hours) are plain dicts, so that a hot
    path can do ``counts[key] += 1`` without a method call.
    """

    __slots__ = ("counts", "totals", "tallies", "samples", "state", "started_at")

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.totals: dict[str, float] = {}
        self.tallies: dict[str, Tally] = {}
        self.samples: dict[str, list] = {}
        self.state: dict[str, float] = {}
        self.started_at = 0.0

    def counter(self, name: str) -> str:
        """Register a count (starts at 0); returns its name, the key to increment."""
        self.counts.setdefault(name, 0)
        return name

    def total(self, name: str) -> str:
        """Register a sum of values (starts at 0.0); returns its key."""
        self.totals.setdefault(name, 0.0)
        return name

    def tally(self, name: str) -> Tally:
        """Register a tally of per-item values; returns it to ``add`` to."""
        return self.tallies.setdefault(name, Tally())

    def sample(self, name: str) -> list:
        """Register a list of per-item values kept whole (few items: projects); returns it."""
        return self.samples.setdefault(name, [])

    def restart(self, now: float) -> None:
        """Forget everything recorded so far: the measured period starts ``now``."""
        for key in self.counts:
            self.counts[key] = 0
        for key in self.totals:
            self.totals[key] = 0.0
        for tally in self.tallies.values():
            tally.clear()
        for values in self.samples.values():
            values.clear()
        self.started_at = now
