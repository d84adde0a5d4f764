"""What the scenario tests share: the sections by name, the default class names, the
expected preset headcounts, and building data that must fail at a named field.

(Pure data handling: nothing here runs a simulation.)
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from orgsim.duties import DUTIES
from orgsim.scenario import (
    Calendar,
    Management,
    Org,
    Projects,
    Scenario,
    ScenarioError,
    Simulation,
    Tickets,
    scenario_from_dict,
)

SECTIONS = {
    "simulation": Simulation,
    "calendar": Calendar,
    "org": Org,
    "tickets": Tickets,
    "projects": Projects,
    "management": Management,
}
CLASS_NAMES = ["p1", "p2", "p3", "p4", "service_request", "change"]
ALL_DUTIES_BUT_L1 = [d for d in DUTIES if d != "ticket_l1"]


def public_fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def round_trip(scenario: Scenario) -> Scenario:
    return scenario_from_dict(scenario.to_dict())


def raises_at(path: str, data: dict) -> ScenarioError:
    """Building ``data`` fails, and the error names ``path``."""
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    assert info.value.path == path
    assert f"'{path}'" in str(info.value)
    return info.value


def coordinators(employees: int) -> int:
    """Project managers (or senior engineers): one per 3 projects expected to run at once, at least 1."""
    expected = scenario_from_dict({"org": {"employees": employees}}).expected_concurrent_projects
    return max(1, math.ceil(expected / 3 - 1e-9))


PM_1500 = coordinators(1500)
# structure -> employees -> headcounts.  Ratios: service desk 1 per 70 employees
# (rounded down, min 0), engineers 1 per 40 (min 1), coordinators 1 per 3 projects expected
# to run at once (min 1), IT managers 1 per 8 direct reports (rounded up, min 1), one PMO lead.
EXPECTED_HEADCOUNTS = {
    "combined": {
        40: {"service_desk": 0, "engineer": 1, "it_manager": 1, "head_of_it": 0},
        1500: {"service_desk": 21, "engineer": 37, "it_manager": 8, "head_of_it": 1},  # 58 reports
    },
    "separate": {
        40: {"service_desk": 0, "engineer": 1, "project_manager": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37,
            "project_manager": PM_1500,
            "it_manager": math.ceil((21 + 37 + PM_1500) / 8),
            "head_of_it": 1,
        },
    },
    "pmo": {
        40: {"service_desk": 0, "engineer": 1, "project_manager": 1, "pmo_lead": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37,
            "project_manager": PM_1500,
            "pmo_lead": 1,
            "it_manager": 8,
            "head_of_it": 1,
        },
    },
    # embedded project managers report outside IT: the IT managers lead operations only
    "embedded": {
        40: {"service_desk": 0, "engineer": 1, "it_manager": 1, "head_of_it": 0, "project_manager": 1},
        1500: {"service_desk": 21, "engineer": 37, "it_manager": 8, "head_of_it": 1, "project_manager": PM_1500},
    },
    # the senior engineer is one of the engineers: same headcount and cost as combined
    "no_pm": {
        40: {"service_desk": 0, "engineer": 0, "senior_engineer": 1, "it_manager": 1, "head_of_it": 0},
        1500: {
            "service_desk": 21,
            "engineer": 37 - PM_1500,
            "senior_engineer": PM_1500,
            "it_manager": 8,
            "head_of_it": 1,
        },
    },
}
PRESET_CASES = [(s, n) for s, sizes in EXPECTED_HEADCOUNTS.items() for n in sizes]
