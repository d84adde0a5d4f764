"""separate - combined as a capacity part and a role part (orgsim.results.decomposition), on
paired replications: a constructed 'PM' identical to an engineer, and the shipped PM."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim import load_scenario
from orgsim.results import compare, decompose, decomposition_sentence
from orgsim.scenario import preset_colour
from orgsim.scenario.presets import preset_roles
from orgsim.wording import BETTER, CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, WORSE

_SHORT = {"simulation.horizon_weeks": 30, "simulation.warmup_weeks": 6}


def _three(employees: int, separate_changes: dict | None = None, replications: int = 4):
    base = load_scenario("small-combined", {**_SHORT, "org.employees": employees})
    scenarios = [
        base.with_changes({"org.structure": "combined", "name": "combined"}),
        base.with_changes({"org.structure": "combined_engineer", "name": "combined_engineer"}),
        base.with_changes({"org.structure": "separate", "name": "separate", **(separate_changes or {})}),
    ]
    return compare(scenarios, replications=replications, seed=5, jobs=1).results


def _engineer_like_pm(employees: int) -> dict:
    """A 'PM' identical to the added engineer in every mechanism: exception factor 1, no
    protected team, no single hand-off, the same cost, duties and week; the IT manager
    coordinates, as in combined."""
    combined = preset_roles("combined_engineer", employees)
    engineer, manager = combined["added_engineer"], combined["it_manager"]
    return {
        "roles.project_manager.duties": list(engineer.duties),
        "roles.project_manager.hourly_cost": engineer.hourly_cost,
        "roles.project_manager.exception_factor": 1.0,
        "roles.project_manager.protects_team": False,
        "roles.project_manager.single_point_of_handoff": False,
        "roles.project_manager.max_wait_hours": dict(engineer.max_wait_hours),
        "roles.project_manager.overtime_hours_per_week": engineer.overtime_hours_per_week,
        "roles.it_manager.duties": list(manager.duties),
    }


def test_a_pm_identical_to_an_engineer_leaves_a_role_part_whose_ci_contains_zero():
    results = _three(400, _engineer_like_pm(400))
    frame = decompose(*results).set_index("part")
    role = frame.loc["role"]
    assert role["ci_low"] <= 0 <= role["ci_high"]
    assert role["verdict"] in (NO_PRACTICAL_DIFFERENCE, CANNOT_TELL)
    # the whole difference is capacity
    assert frame.loc["total", "mean_difference"] == pytest.approx(frame.loc["capacity", "mean_difference"], abs=0.5)


def test_the_shipped_pm_gives_a_role_part_and_the_parts_add_up_to_the_total():
    results = _three(400)
    frame = decompose(*results).set_index("part")
    total, capacity, role = (frame.loc[p, "mean_difference"] for p in ("total", "capacity", "role"))
    assert np.isfinite([total, capacity, role]).all()
    assert capacity + role == pytest.approx(total, abs=1e-9)
    for part in ("total", "capacity", "role"):
        row = frame.loc[part]
        assert row["ci_low"] <= row["mean_difference"] <= row["ci_high"]
        assert row["verdict"] in (BETTER, WORSE, NO_PRACTICAL_DIFFERENCE, CANNOT_TELL)
    sentence = decomposition_sentence(frame.reset_index())
    assert "capacity part (combined_engineer - combined)" in sentence
    assert "role part (separate - combined_engineer)" in sentence


@pytest.mark.parametrize("structure", ["combined_engineer", "combined_deputy"])
def test_an_equal_cost_structure_costs_what_separate_costs_and_has_a_colour(structure):
    for employees in (40, 400, 1600):
        separate, other = preset_roles("separate", employees), preset_roles(structure, employees)
        pm = separate["project_manager"]
        added = next(role for name, role in other.items() if name not in separate)
        assert (added.headcount, added.hourly_cost, added.reports_to) == (pm.headcount, pm.hourly_cost, pm.reports_to)
    assert preset_colour(structure) not in (preset_colour("combined"), preset_colour("separate"), preset_colour("x"))
