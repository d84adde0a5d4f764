"""The study's warnings: grouped by point, the largest organisation first (then the points
over capacity), each group naming its experiment and point."""

from __future__ import annotations

import pandas as pd

import orgsim
from orgsim.results import Sweep
from orgsim.study import Study, study_plan
from tests.conftest import SCENARIOS


def _point(scenario, employees: int, warnings: list[str], growing: dict | None = None):
    changed = scenario.with_changes({"org.employees": employees})
    frame = pd.DataFrame({"replication": [0, 1], "utilisation.it_manager": [0.5, 0.5]})
    empty = pd.DataFrame()
    return orgsim.Results(changed, 1, frame, empty, empty, empty, empty, empty, warnings, growing=growing or {})


def test_warnings_are_grouped_by_point_largest_organisation_first():
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    small = _point(scenario, 25, ["warm-up short"])
    large = _point(scenario, 1600, ["status reporting queue grows", "projects waiting queue grows"], {"admin": 2})
    middle = _point(scenario, 400, ["warm-up short"])
    quiet = _point(scenario, 800, [])
    sizes = {"org.employees": [25, 400, 800, 1600]}
    main = Sweep(
        scenario,
        sizes,
        {},
        [{"org.employees": n} for n in (25, 400, 800, 1600)],
        [small, middle, quiet, large],
        1,
    )
    other = Sweep(scenario, {}, {"org.structure": ["separate"]}, [{"org.structure": "separate"}], [middle], 1)
    study = Study(scenario, study_plan(scenario, quick=True), 1, {"main.x": main, "structures": other}, None)
    groups = study.warnings_by_point()
    assert [(g["experiment"], g["employees"]) for g in groups] == [
        ("main.x", 1600),
        ("main.x", 400),
        ("structures", 400),
        ("main.x", 25),
    ]
    assert groups[0]["over_capacity"] and not groups[1]["over_capacity"]
    assert groups[0]["point"] == "main.x: org.employees=1600"
    assert study.warnings[:2] == [
        "main.x: org.employees=1600: status reporting queue grows",
        "main.x: org.employees=1600: projects waiting queue grows",
    ]
    assert study.warnings[-1] == "main.x: org.employees=25: warm-up short"
