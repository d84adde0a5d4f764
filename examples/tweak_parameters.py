"""Load a shipped scenario, change two parameters, and print the effect.

Run from the repository root:

    python examples/tweak_parameters.py [-r REPLICATIONS] [--out FOLDER]

The question: our 40-person firm grows to 120 employees and takes on twice as many
projects per head. Does the combined IT manager still cope?  With ``--out``, also saves
the workload figure of both organisations.
"""

import argparse
from pathlib import Path

import orgsim

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "small-combined.toml"
METRICS = {
    "utilisation.it_manager": "IT manager utilisation",
    "project_lead_time_weeks_mean": "project lead time (weeks)",
    "project_on_time_share": "projects on time",
    "sla_attainment.total": "ticket SLA attainment",
}


def main(replications: int = 10, folder: str | None = None) -> None:
    today = orgsim.load_scenario(SCENARIO)
    grown = today.with_changes({"name": "grown", "org.employees": 120, "projects.arrival_scale": 2})
    before = orgsim.simulate(today, replications=replications, seed=1, jobs=2)
    after = orgsim.simulate(grown, replications=replications, seed=1, jobs=2)
    print(f"{'metric':<28}{'40 employees':>14}{'120, 2x projects':>18}")
    for name, label in METRICS.items():
        print(f"{label:<28}{before.metric(name):>14.2f}{after.metric(name):>18.2f}")
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for results in (before, after):
            target = Path(folder) / f"workload-{results.scenario.name}.png"
            orgsim.plots.workload_figure(results).savefig(target)
            print(f"wrote {target}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--replications", type=int, default=10, help="replications of each (default 10)")
    parser.add_argument("--out", help="folder for the workload figures")
    args = parser.parse_args()
    main(args.replications, args.out)
