"""Monitors: tallies in constant memory with quantiles within the bin resolution, and the
recorder that forgets the warm-up in place."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.monitors import BIN_EDGES, Recorder, Tally, quantile_from_bins


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


def test_a_value_falls_in_the_bin_of_its_logarithm():
    tally = Tally()
    for value in (0.0, 1e-4, BIN_EDGES[0], 1.0, 1e7):
        tally.add(value)
    assert tally.bins[0] == 3, "0, below the first edge and the first edge itself go to bin 0"
    assert tally.bins[300] == 1, "1 h = 10^0 is the start of bin (0 - -3) x 100"
    assert tally.bins[-1] == 1, "above 10^6 h goes to the last bin"
    assert tally.count == 5 and tally.total == pytest.approx(1e7 + 1.0 + 1e-4 + BIN_EDGES[0])
    one = Tally()
    one.add(1.0)
    # the median of one value is read log-linearly halfway through its bin [1, 10^0.01)
    assert one.quantile(0.5) == pytest.approx(10**0.005)
    assert abs(one.quantile(0.5) - 1.0) < 0.012


def test_an_empty_tally_has_no_mean_and_no_quantiles():
    tally = Tally()
    assert tally.count == 0 and math.isnan(tally.mean) and math.isnan(tally.quantile(0.5))
    assert math.isnan(quantile_from_bins([0] * (len(BIN_EDGES) - 1), 0.9))


def test_clear_forgets_every_value_and_keeps_recording():
    tally = Tally()
    for value in (0.5, 2.0, 30.0):
        tally.add(value)
    tally.clear()
    assert tally.count == 0 and tally.total == 0.0
    assert sum(tally.bins) == 0 and len(tally.bins) == len(BIN_EDGES) - 1
    assert math.isnan(tally.mean) and math.isnan(tally.quantile(0.9))
    fresh = Tally()
    for value in (4.0, 8.0):
        tally.add(value)
        fresh.add(value)
    assert tally.count == 2 and tally.mean == 6.0
    assert tally.bins == fresh.bins and tally.total == fresh.total


def test_registering_a_statistic_twice_returns_the_same_one():
    recorder = Recorder()
    key = recorder.counter("tickets_resolved.p3")
    recorder.counts[key] += 5
    assert recorder.counter("tickets_resolved.p3") == key and recorder.counts[key] == 5
    total = recorder.total("rework_hours")
    recorder.totals[total] += 2.5
    assert recorder.total("rework_hours") == total and recorder.totals[total] == 2.5
    assert recorder.tally("times") is recorder.tally("times")
    assert recorder.sample("leads") is recorder.sample("leads")


def test_restart_zeroes_counts_and_totals_and_clears_tallies_and_samples_in_place():
    recorder = Recorder()
    counts, totals = recorder.counts, recorder.totals
    resolved = recorder.counter("tickets_resolved.p3")
    rework = recorder.total("rework_hours")
    times = recorder.tally("ticket_resolution_hours.p3")
    leads = recorder.sample("project_lead_time_hours")
    counts[resolved] += 7
    totals[rework] += 12.5
    for value in (1.0, 2.0, 3.0):
        times.add(value)
    leads.extend([100.0, 200.0])
    recorder.state["projects_active"] = 4

    recorder.restart(320.0)

    assert recorder.started_at == 320.0
    assert recorder.counts is counts and counts == {"tickets_resolved.p3": 0}
    assert recorder.totals is totals and totals == {"rework_hours": 0.0}
    # the objects a source holds since it was built are the ones emptied
    assert recorder.tallies["ticket_resolution_hours.p3"] is times
    assert times.count == 0 and times.total == 0.0 and sum(times.bins) == 0
    assert recorder.samples["project_lead_time_hours"] is leads and leads == []
    assert recorder.state == {"projects_active": 4}, "end-of-run state is no statistic of a period"
    # recording goes on into the same objects
    counts[resolved] += 1
    times.add(5.0)
    leads.append(50.0)
    assert recorder.counts[resolved] == 1
    assert recorder.tallies["ticket_resolution_hours.p3"].mean == 5.0
    assert recorder.samples["project_lead_time_hours"] == [50.0]
