"""Tally monitors: statistics of per-item values in constant memory.

A run may resolve millions of tickets; keeping every resolution time would make memory
grow with the horizon.  A :class:`Tally` keeps the count, the exact sum and a histogram on
log-spaced bins (relative width ~2.3%), from which quantiles are read to about 1%.
Tallies of several replications add up bin by bin.
"""

from __future__ import annotations

import math

__all__ = ["Tally", "BIN_EDGES"]

_LOW_EXPONENT = -3  # 0.001 h = 3.6 s
_BINS_PER_DECADE = 100
_DECADES = 9  # up to 10^6 h
_BIN_COUNT = _BINS_PER_DECADE * _DECADES
BIN_EDGES = tuple(10 ** (_LOW_EXPONENT + i / _BINS_PER_DECADE) for i in range(_BIN_COUNT + 1))
_FIRST_EDGE = BIN_EDGES[0]
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
