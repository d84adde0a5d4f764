"""The fixtures the tests of orgsim.plots share: a small run, comparison and sweep, each run
once for the whole folder (test_run, test_compare, test_sweep and test_files draw and save
the same results)."""

from __future__ import annotations

import pytest

import orgsim
from tests.conftest import make_scenario

SMALL = {"simulation": {"horizon_weeks": 10, "warmup_weeks": 2}}


@pytest.fixture(scope="package")
def results():
    scenario = make_scenario(name="one", org={"employees": 200, "structure": "pmo"}, **SMALL)
    return orgsim.simulate(scenario, replications=3, seed=1, jobs=1)


@pytest.fixture(scope="package")
def comparison():
    scenarios = [
        make_scenario(name=s, org={"employees": 100, "structure": s}, **SMALL) for s in ("combined", "separate")
    ]
    return orgsim.compare(scenarios, replications=3, seed=1, jobs=1)


@pytest.fixture(scope="package")
def sweep_result():
    return orgsim.sweep(
        make_scenario(name="grid", **SMALL),
        vary={"org.employees": [40, 120, 360]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=1,
        jobs=1,
    )
