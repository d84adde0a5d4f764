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


# The model before issue 20: every behaviour of an overloaded week off, interrupts a fixed load per
# manager, admin a fixed 8 h.  A test that shows a mechanism of that saturated model switches it in
# (with before_issue_20) so that it keeps asserting the mechanism where it applies.
BEFORE_ISSUE_20 = {
    "management.skip_superseded": False,
    "management.interrupts_per_manager_per_day": 10.0,
    "management.interrupts_per_report_per_week": 0.5,
    "management.interrupts_per_100_employees_per_week": 2.0,
    "management.admin_hours_per_week": 8.0,
    "management.admin_hours_per_report_per_week": 0.0,
    "projects.max_open_per_coordinator": 0,
    "projects.handoff": "package",
    "projects.coordinate_only_moved": False,
    "dispatch.context_switch_on": "every_switch",
}
_ROLES_BEFORE_ISSUE_20 = {"max_wait_hours": 0, "overtime_hours_per_week": 0}


def without_hands_on_projects(scenario) -> dict:
    """The change that takes project work off a small firm's hands-on IT manager (issue 21's
    recalibration: it works on projects when nothing of its own waits; before, it did not)."""
    manager = next((r for r in scenario.roles if r.name == "it_manager"), None)
    if manager is not None and manager.duties[-1:] == ("project_work",):
        return {"roles.it_manager.duties": list(manager.duties[:-1])}
    return {}


def before_issue_20(scenario, keep=()):
    """``scenario`` as the model before issue 20 ran it (no ageing, no overtime, the fixed
    loads), but for the dotted paths in ``keep`` (what the test set itself)."""
    out = {path: value for path, value in BEFORE_ISSUE_20.items() if path not in keep}
    changed = {change.name: change for change in scenario.role_changes}
    if "it_manager" not in changed:
        out.update(without_hands_on_projects(scenario))
    for role in scenario.roles:
        for key, off in _ROLES_BEFORE_ISSUE_20.items():
            # what the scenario's own role changes set stays; the presets' new defaults go
            if getattr(role, key) and getattr(changed.get(role.name), key, None) is None:
                out[f"roles.{role.name}.{key}"] = off
    return scenario.with_changes(out)


def old_scenario(**sections):
    """:func:`make_scenario` as the model before issue 20 ran it, but for what ``sections`` set."""
    keep = {f"{name}.{key}" for name, section in sections.items() if isinstance(section, dict) for key in section}
    return before_issue_20(make_scenario(**sections), keep)


def overtime_cost(results) -> np.ndarray:
    """Per replication of ``results``, the staff cost per week of the overtime worked (longer
    weeks, issue 20), each role's hours at its hourly cost times its premium."""
    frame = results.replications
    total = np.zeros(len(frame))
    for role in results.scenario.roles:
        column = f"overtime_hours_per_person_week.{role.name}"
        if column in frame:
            people = frame[f"headcount.{role.name}"].to_numpy()
            total += frame[column].to_numpy() * people * role.hourly_cost * role.overtime_premium
    return total


def paired_interval(a, b) -> tuple[float, float, float]:
    """Mean of a - b and its 95% t interval, over the replications where both have a value (a
    replication in which no project finished has no project lead time: a slow world, left out
    of both sides, which is conservative when the claim is that ``a`` is slower)."""
    diff = np.asarray(a, float) - np.asarray(b, float)
    diff = diff[~np.isnan(diff)]
    assert len(diff) >= 5, "too few replications with a value on both sides"
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    return diff.mean(), diff.mean() - half, diff.mean() + half


def run_sections(replications=10, seed=2026, old=False, **sections):
    """Simulate a scenario built from keyword sections, in this process (paired tests: same seed);
    ``old``: as the model before issue 20 ran it (:func:`before_issue_20`)."""
    scenario = old_scenario(**sections) if old else make_scenario(**sections)
    return orgsim.simulate(scenario, replications=replications, seed=seed, jobs=1)


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
