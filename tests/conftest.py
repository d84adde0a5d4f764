"""Shared helpers: small scenarios built from dicts, so each test says what it varies."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgsim import scenario_from_dict

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


def make_scenario(**sections):
    """A scenario from keyword sections, e.g. ``make_scenario(org={"employees": 200})``."""
    data = {"name": sections.pop("name", "test")}
    data.update(sections)
    return scenario_from_dict(data)


@pytest.fixture
def shipped():
    """Path of a shipped scenario by name."""
    return lambda name: SCENARIOS / f"{name}.toml"
