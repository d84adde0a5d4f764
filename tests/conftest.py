"""Shared helpers: small scenarios built from dicts, so each test says what it varies."""

from __future__ import annotations

import math
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import orgsim
from orgsim import scenario_from_dict

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


def make_scenario(**sections):
    """A scenario from keyword sections, e.g. ``make_scenario(org={"employees": 200})``."""
    data = {"name": sections.pop("name", "test")}
    data.update(sections)
    return scenario_from_dict(data)


def paired_interval(a, b) -> tuple[float, float, float]:
    """Mean of a - b and its 95% t interval, over the replications where both have a value (a
    replication in which no project finished has no project lead time: a slow world, left out
    of both sides, which is conservative when the claim is that ``a`` is slower)."""
    diff = np.asarray(a, float) - np.asarray(b, float)
    diff = diff[~np.isnan(diff)]
    assert len(diff) >= 5, "too few replications with a value on both sides"
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    return diff.mean(), diff.mean() - half, diff.mean() + half


def run_sections(replications=10, seed=2026, **sections):
    """Simulate a scenario built from keyword sections, in this process (paired tests: same seed)."""
    return orgsim.simulate(make_scenario(**sections), replications=replications, seed=seed, jobs=1)


@pytest.fixture
def shipped():
    """Path of a shipped scenario by name."""
    return lambda name: SCENARIOS / f"{name}.toml"


class ThreadlessExecutor(Executor):
    """Runs each task when submitted; fails with KeyboardInterrupt at the ``stop_at``-th task."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.submitted = 0

    def submit(self, fn, *args, **kwargs):
        self.submitted += 1
        if self.stop_at is not None and self.submitted >= self.stop_at:
            raise KeyboardInterrupt
        future = Future()
        future.set_result(fn(*args, **kwargs))
        return future
