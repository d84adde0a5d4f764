"""Speed of one replication-year of the 1,500-employee large-separate scenario.

Run:  python benchmarks/run_year.py [--employees N] [--repeat K]
Prints wall seconds, simulated events per second and peak memory; the last line is
JSON.  Target (issue 2): at most 1 s per replication-year of 1,000 employees.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

from orgsim import load_scenario
from orgsim.engine import Model
from orgsim.metrics import measure

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "large-separate.toml"


def count_events(model: Model) -> int:
    """Run the model while counting every event SimPy processes."""
    env = model.env
    counter = {"events": 0}
    step = env.step

    def counted_step():
        counter["events"] += 1
        step()

    env.step = counted_step
    model.run()
    return counter["events"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=None, help="override org.employees")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    args = parser.parse_args()
    changes = {"simulation.horizon_weeks": 52, "simulation.warmup_weeks": 0}
    if args.employees:
        changes["org.employees"] = args.employees
    scenario = load_scenario(SCENARIO, changes)
    Model(scenario, 0).run()  # warm imports and caches
    best = float("inf")
    for k in range(args.repeat):
        start = time.perf_counter()
        model = Model(scenario, k)
        model.run()
        measure(model)  # building, running, checking conservation and measuring: one replication
        best = min(best, time.perf_counter() - start)
    events = count_events(Model(scenario, 0))
    tracemalloc.start()
    Model(scenario, 0).run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "scenario": scenario.name,
        "employees": scenario.org.employees,
        "wall_seconds_per_replication_year": round(best, 3),
        "events": events,
        "events_per_second": round(events / best),
        "peak_memory_mb": round(peak / 2**20, 1),
    }
    print(
        f"one replication-year of {scenario.org.employees} employees: {best:.3f} s, "
        f"{events:,} events ({events / best:,.0f} per s), peak traced memory {peak / 2**20:.1f} MB"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
