"""Horizon independence (issue 20): at every stable point of the quick study, doubling the
horizon leaves the project lead time within its confidence interval (the same seeds: the
longer run extends the shorter one's arrivals).  A magnitude read from a queue that never
empties would grow with the horizon; a stable point's does not."""

from __future__ import annotations

import pytest

import orgsim
from orgsim.results.capacity import capacity
from orgsim.study.plan import QUICK_SIZES
from tests.conftest import SCENARIOS, paired_interval

LEAD = "project_lead_time_weeks_mean"
REPLICATIONS = 6


@pytest.mark.parametrize("structure", ["combined", "separate"])
@pytest.mark.parametrize("employees", QUICK_SIZES)
def test_doubling_the_horizon_leaves_the_lead_time_of_a_stable_point_within_its_interval(employees, structure):
    base = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
        {"org.employees": employees, "org.structure": structure}
    )
    horizon = base.simulation.horizon_weeks
    short = orgsim.simulate(base, replications=REPLICATIONS, seed=5, jobs=1)
    assert capacity(short).stable, capacity(short).sentence(f"{structure} at {employees}")
    long = orgsim.simulate(
        base.with_changes({"simulation.horizon_weeks": 2 * horizon}), replications=REPLICATIONS, seed=5, jobs=1
    )
    assert capacity(long).stable, capacity(long).sentence(f"{structure} at {employees}, {2 * horizon:g} weeks")
    # paired by seed: the longer run extends the shorter one's replications; a queue that never empties
    # lengthens the lead time in every replication, a rare long project (a medium one taking the only
    # engineer at 25 employees) in one: the paired difference's interval holds zero at a stable point
    mean, low, high = paired_interval(long.replications[LEAD], short.replications[LEAD])
    assert low <= 0 <= high, (
        f"{LEAD}: {2 * horizon:g} weeks minus {horizon:g} weeks {mean:+.2f} (95% CI {low:+.2f} to {high:+.2f})"
    )
