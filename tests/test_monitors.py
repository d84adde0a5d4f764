"""Tally monitors: constant memory, quantiles within the bin resolution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.monitors import BIN_EDGES, Tally


def test_mean_is_exact_and_quantiles_within_one_percent_of_numpy():
    values = np.random.default_rng(4).lognormal(0.5, 1.2, 50_000)
    tally = Tally()
    for value in values:
        tally.add(float(value))
    assert tally.count == len(values)
    assert tally.mean == pytest.approx(values.mean(), rel=1e-12)
    for q in (0.05, 0.5, 0.9, 0.99):
        assert tally.quantile(q) == pytest.approx(np.quantile(values, q), rel=0.012)


def test_memory_does_not_grow_with_the_number_of_values():
    tally = Tally()
    for value in np.linspace(0.0, 5000.0, 100_000):
        tally.add(float(value))
    assert len(tally.bins) == len(BIN_EDGES) - 1
    assert sum(tally.bins) == 100_000


def test_merged_tallies_equal_one_tally_of_all_values():
    first, second, both = Tally(), Tally(), Tally()
    for i, value in enumerate(np.random.default_rng(1).exponential(3.0, 2000)):
        (first if i % 2 else second).add(float(value))
        both.add(float(value))
    first.merge(second)
    assert first.bins == both.bins and first.count == both.count
    assert first.total == pytest.approx(both.total)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1e5, allow_nan=False), min_size=1, max_size=200))
def test_quantiles_stay_within_the_range_of_the_values(values):
    tally = Tally()
    for value in values:
        tally.add(value)
    low, high = min(values), max(values)
    for q in (0.0, 0.5, 1.0):
        estimate = tally.quantile(q)
        assert BIN_EDGES[0] * 0 <= estimate
        assert estimate <= max(high, BIN_EDGES[0]) * 1.03
        assert estimate >= min(low, BIN_EDGES[0]) / 1.03 or low <= BIN_EDGES[0]
