"""Refactoring guard: every shipped scenario, a comparison and a sweep give bit-identical
numbers to the ones stored in ``tests/data/golden.json``.

The stored numbers are the model's output at the commit that wrote them.  A change that is
meant to move numbers (a new mechanism, new defaults) regenerates them on purpose with
``python -m tests.test_golden --write`` and says so in its commit; a restructuring must
leave them untouched.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys

import orgsim
from tests.conftest import REPO, SCENARIOS

GOLDEN = REPO / "tests" / "data" / "golden.json"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
SHORT = {"simulation.horizon_weeks": 26, "simulation.warmup_weeks": 4}


def _digest(frame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


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
    comparison = compare(small, replications=2, seed=3, jobs=1)
    out["compare"] = _digest(comparison.differences)
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
    assert now["compare"] == stored["compare"], "compare changed"
    assert now["sweep"] == stored["sweep"], "sweep changed"


if __name__ == "__main__":  # python -m tests.test_golden --write
    if "--write" in sys.argv:
        GOLDEN.write_text(json.dumps(fingerprint(), indent=1, sort_keys=True))
        print(f"wrote {GOLDEN}")
