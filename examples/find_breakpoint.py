"""Sweep organisation size for a combined IT manager/PM against a separate PM, and print
from which size splitting the roles pays on project lead time.

Run from the repository root:  python examples/find_breakpoint.py [replications]
"""

import sys
from pathlib import Path

import orgsim
from orgsim.results import sweep

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "small-combined.toml"


def main(replications: int = 10) -> None:
    scenario = orgsim.load_scenario(SCENARIO, {"simulation.horizon_weeks": 52})
    result = sweep(
        scenario,
        vary={"org.employees": [25, 50, 100, 200, 400, 800, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=replications,
        seed=2026,
        progress=True,
    )
    for metric in ("project_lead_time_weeks_mean", "utilisation.it_manager"):
        for pair in result.crossover(metric)["pairs"]:
            print(pair["sentence"])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
