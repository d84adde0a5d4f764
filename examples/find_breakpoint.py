"""Sweep organisation size for a combined IT manager/PM against a separate PM, and print
from which size splitting the roles pays on project lead time.

Run from the repository root:

    python examples/find_breakpoint.py [-r REPLICATIONS] [--weeks WEEKS] [--out FOLDER]

With ``--out``, also writes what ``orgsim sweep`` writes: sweep.csv, sweep-summary.csv,
crossover.json and a plot per swept metric.
"""

import argparse
from pathlib import Path

import orgsim

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "small-combined.toml"
METRICS = ("project_lead_time_weeks_mean", "utilisation.it_manager")


def main(replications: int = 10, weeks: float = 52, folder: str | None = None) -> None:
    scenario = orgsim.load_scenario(SCENARIO, {"simulation.horizon_weeks": weeks})
    result = orgsim.sweep(
        scenario,
        vary={"org.employees": [25, 50, 100, 200, 400, 800, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=replications,
        seed=2026,
        progress=True,
    )
    for metric in METRICS:
        for pair in result.crossover(metric)["pairs"]:
            print(pair["sentence"])
    if folder is not None:
        written, _ = orgsim.save(result, folder, metric=METRICS[0])
        print(f"wrote {len(written)} files to {folder}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--replications", type=int, default=10, help="replications per point (default 10)")
    parser.add_argument("--weeks", type=float, default=52, help="simulated working weeks per replication (default 52)")
    parser.add_argument("--out", help="folder for the sweep's data and plots")
    args = parser.parse_args()
    main(args.replications, args.weeks, args.out)
