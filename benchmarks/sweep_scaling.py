"""Speed-up of a sweep from one to two worker processes.

Run:  python benchmarks/sweep_scaling.py [--replications R] [--weeks W]

The same sweep (organisation size 100-1,600 employees x combined/separate, R replications
each, W weeks) runs with --jobs 1 and --jobs 2, without a cache, timing the whole
sweep (task submission, runs, gathering).  Prints both times and the speed-up; the last
line is JSON.  Target (issue 3): at least 1.8x on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from orgsim import load_scenario
from orgsim.results import sweep

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "small-combined.toml"


def timed_sweep(scenario, jobs: int, replications: int):
    start = time.perf_counter()
    result = sweep(
        scenario,
        vary={"org.employees": [100, 200, 400, 800, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=replications,
        seed=7,
        jobs=jobs,
    )
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replications", type=int, default=6)
    parser.add_argument("--weeks", type=float, default=52)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO, {"simulation.horizon_weeks": args.weeks, "simulation.warmup_weeks": 8})
    serial_seconds, serial = timed_sweep(scenario, 1, args.replications)
    parallel_seconds, parallel = timed_sweep(scenario, 2, args.replications)
    pd.testing.assert_frame_equal(serial.frame, parallel.frame)  # same numbers whatever the jobs
    runs = len(serial.frame)
    speedup = serial_seconds / parallel_seconds
    print(f"{runs} runs: --jobs 1 {serial_seconds:.1f} s, --jobs 2 {parallel_seconds:.1f} s, speed-up {speedup:.2f}x")
    print(
        json.dumps(
            {
                "runs": runs,
                "jobs1_seconds": round(serial_seconds, 2),
                "jobs2_seconds": round(parallel_seconds, 2),
                "speedup": round(speedup, 3),
                "target": 1.8,
            }
        )
    )


if __name__ == "__main__":
    main()
