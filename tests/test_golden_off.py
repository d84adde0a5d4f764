"""With every mechanism of issue 20 switched off, every shipped scenario gives bit-identical
numbers to the model before it: protected time, ageing, overtime, skipped stale reports,
deferred intake, milestone hand-offs, coordination of moved projects only, a context switch
paid once on resuming and interrupts that scale with whom a manager serves are additions, not
a rewrite (the numbers in ``tests/data/golden_mechanisms_off.json`` were written by the model
before them, at the commit that added this test, with the same settings spelled out).
"""

from __future__ import annotations

import json
import sys

import orgsim
from tests.conftest import BEFORE_ISSUE_20, REPO, SCENARIOS, without_hands_on_projects
from tests.test_golden import SHIPPED, SHORT, _run_fingerprint, _same

STORED = REPO / "tests" / "data" / "golden_mechanisms_off.json"

# each new mechanism off, and the per-manager load as it was (10 interrupts a day, 8 h of admin)
OFF = BEFORE_ISSUE_20
ROLE_OFF = {"protect": {}, "max_wait_hours": 0.0, "overtime_hours_per_week": 0.0}


def switched_off(name: str, culture: str):
    scenario = orgsim.load_scenario(SCENARIOS / f"{name}.toml").with_changes({**SHORT, **OFF, "org.culture": culture})
    roles = {f"roles.{role.name}.{key}": value for role in scenario.roles for key, value in ROLE_OFF.items()}
    return scenario.with_changes({**roles, **without_hands_on_projects(scenario)})


def fingerprint(cultures: dict[str, str]) -> dict:
    return {
        name: _run_fingerprint(orgsim.simulate(switched_off(name, cultures[name]), replications=2, seed=7, jobs=1))
        for name in SHIPPED
    }


def test_every_mechanism_off_gives_the_numbers_of_the_model_before_them():
    stored = json.loads(STORED.read_text())
    now = json.loads(json.dumps(fingerprint(stored["cultures"])))
    for name in SHIPPED:
        assert _same(now[name], stored["scenarios"][name]), f"{name} changed with every mechanism off"


if __name__ == "__main__":  # python -m tests.test_golden_off --write (only at the commit that added it)
    if "--write" in sys.argv:
        cultures = {name: orgsim.load_scenario(SCENARIOS / f"{name}.toml").org.culture for name in SHIPPED}
        assert "balanced" not in cultures.values(), "a culture that protects time did not exist before issue 20"
        STORED.write_text(
            json.dumps({"cultures": cultures, "scenarios": fingerprint(cultures)}, indent=1, sort_keys=True)
        )
        print(f"wrote {STORED}")
