"""Load a shipped scenario, change two parameters, and print the effect.

Run from the repository root:  python examples/tweak_parameters.py

The question: our 40-person firm grows to 120 employees and takes on twice as many
projects per head. Does the combined IT manager still cope?
"""

from pathlib import Path

import orgsim

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "small-combined.toml"
METRICS = {
    "utilisation.it_manager": "IT manager utilisation",
    "project_lead_time_weeks_mean": "project lead time (weeks)",
    "project_on_time_share": "projects on time",
    "sla_attainment.total": "ticket SLA attainment",
}


def main() -> None:
    today = orgsim.load_scenario(SCENARIO)
    grown = today.with_changes({"org.employees": 120, "projects.per_100_employees_per_year": 16})
    before = orgsim.simulate(today, replications=10, seed=1, jobs=2)
    after = orgsim.simulate(grown, replications=10, seed=1, jobs=2)
    print(f"{'metric':<28}{'40 employees':>14}{'120, 2x projects':>18}")
    for name, label in METRICS.items():
        print(f"{label:<28}{before.metric(name):>14.2f}{after.metric(name):>18.2f}")


if __name__ == "__main__":
    main()
