"""Refactoring guard: every shipped scenario, a comparison, a sweep and a quick study give
bit-identical numbers to the ones stored in ``tests/data/golden.json`` (the study: every
number of every table it writes, of study.json, and every number in the report's cells).

The stored numbers are the model's output at the commit that wrote them.  A change that is
meant to move numbers (a new mechanism, new defaults) regenerates them on purpose with
``python -m tests.test_golden --write`` and says so in its commit; a restructuring must
leave them untouched.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys

import orgsim
from tests.conftest import REPO, SCENARIOS, before_issue_20

GOLDEN = REPO / "tests" / "data" / "golden.json"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
SHORT = {"simulation.horizon_weeks": 26, "simulation.warmup_weeks": 4}
# with issue 20's behaviours switched off (no protection, ageing, overtime, skipping, intake control;
# the fixed loads): stored at the commit that turned them on, equal to the numbers stored before it
BEFORE_ISSUE_20 = ("small-combined", "small-separate", "large-combined")


def _digest(frame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


def _numbers(frame) -> str:
    """The digest of a table's numbers only (its words may be reworded; its numbers may not)."""
    return _digest(frame.select_dtypes(include="number"))


def _numbers_in(value) -> list:
    """Every number in a JSON-like value, depth first (the words around them left out)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for key in sorted(value) for n in _numbers_in(value[key])]
    return [n for item in value for n in _numbers_in(item)]


_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_NUMBER = re.compile(r"[-+\u2212]?\d[\d,]*(?:\.\d+)?%?")


def study_fingerprint() -> dict:
    """A quick study (short runs): its tables' numbers, study.json's numbers, the report's cells."""
    from orgsim.report import render
    from orgsim.study import study, study_plan

    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(SHORT)
    result = study(scenario, study_plan(scenario, quick=True), seed=11, jobs=1)
    cells = [" ".join(_NUMBER.findall(cell)) for cell in _CELL.findall(render(result))]
    return {
        "tables": {name: _numbers(frame) for name, frame in sorted(result.tables().items())},
        "summary": hashlib.sha256(json.dumps(_numbers_in(result.summary())).encode()).hexdigest(),
        "report_cells": hashlib.sha256("\n".join(c for c in cells if c).encode()).hexdigest(),
    }


def _run_fingerprint(results) -> dict:
    return {
        "metrics": results.replications.to_dict("records"),
        "timeseries": _digest(results.timeseries),
        "people": _digest(results.people),
        "lead_times": _digest(results.project_lead_times),
        "ticket_times": _digest(results.ticket_times),
    }


def fingerprint() -> dict:
    """The numbers guarded: every shipped scenario, a comparison and a sweep (short runs)."""
    from orgsim import compare, sweep

    out = {"scenarios": {}}
    for name in SHIPPED:
        scenario = orgsim.load_scenario(SCENARIOS / f"{name}.toml").with_changes(SHORT)
        out["scenarios"][name] = _run_fingerprint(orgsim.simulate(scenario, replications=2, seed=7, jobs=1))
    small = [
        orgsim.load_scenario(SCENARIOS / f"{n}.toml").with_changes(SHORT) for n in ("small-combined", "small-no-pm")
    ]
    out["before_issue_20"] = {
        name: _run_fingerprint(
            orgsim.simulate(
                before_issue_20(orgsim.load_scenario(SCENARIOS / f"{name}.toml").with_changes(SHORT)),
                replications=2,
                seed=7,
                jobs=1,
            )
        )
        for name in BEFORE_ISSUE_20
    }
    comparison = compare(small, replications=2, seed=3, jobs=1)
    out["compare"] = _numbers(comparison.differences)  # its verdict words are checked elsewhere
    base = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(SHORT)
    result = sweep(
        base,
        {"org.employees": [25, 200]},
        {"org.structure": ["combined", "separate", "pmo", "no_pm"]},
        replications=2,
        seed=5,
        jobs=1,
    )
    out["sweep"] = _digest(result.frame)
    out["study"] = study_fingerprint()
    return out


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_numbers_are_bit_identical_to_the_stored_ones():
    stored = json.loads(GOLDEN.read_text())
    now = json.loads(json.dumps(fingerprint()))  # the same float round trip as the stored file
    for name in SHIPPED:
        assert _same(now["scenarios"][name], stored["scenarios"][name]), f"{name} changed"
    for name in BEFORE_ISSUE_20:  # every new behaviour off: the model before issue 20, bit for bit
        assert _same(now["before_issue_20"][name], stored["before_issue_20"][name]), f"{name} before issue 20"
    assert now["compare"] == stored["compare"], "compare changed"
    assert now["sweep"] == stored["sweep"], "sweep changed"
    for name, digest in stored["study"]["tables"].items():
        assert now["study"]["tables"].get(name) == digest, f"the study's {name} changed"
    assert now["study"]["summary"] == stored["study"]["summary"], "study.json's numbers changed"
    assert now["study"]["report_cells"] == stored["study"]["report_cells"], "the report's cells changed"


if __name__ == "__main__":  # python -m tests.test_golden --write
    if "--write" in sys.argv:
        GOLDEN.write_text(json.dumps(fingerprint(), indent=1, sort_keys=True))
        print(f"wrote {GOLDEN}")
