"""Wall time of the default study: ``orgsim study small-combined`` as a user runs it.

Run:  python benchmarks/study.py [--jobs J] [--quick]

The default study of the shipped small-combined scenario (7 sizes x 4 structures, the other
culture for combined and separate, the ERP rollout, every structure and the role-clarity
values at the reference size, the one-at-a-time sensitivity, 10 replications per point)
runs once, without a cache, with its report written to a temporary folder.  Prints the
distinct runs, the wall seconds of the runs and of the report, and ends with a JSON line.
Target (issue 12): at most 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from orgsim import load_scenario
from orgsim.report import write_report
from orgsim.results import OutputFolder
from orgsim.study import experiments, study, study_plan

TARGET_SECONDS = 180.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="time the --quick study instead")
    args = parser.parse_args()
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, quick=args.quick)
    points = sum(
        max(1, len(e.vary.get("org.employees", e.vary.get("org.role_clarity", [0]))))
        * max(1, len(next(iter(e.across.values()), [0])))
        for e in experiments(scenario, plan)
    )
    start = time.perf_counter()
    result = study(scenario, plan, jobs=args.jobs)
    ran = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder, OutputFolder.replace(f"{folder}/study") as out:
        write_report(result, out)
    total = time.perf_counter() - start
    print(
        f"{points} points ({plan.replications} replications each, shared points run once): runs {ran:.1f} s, "
        f"with the report {total:.1f} s, target {TARGET_SECONDS:.0f} s"
    )
    print(
        json.dumps(
            {
                "benchmark": "study",
                "quick": args.quick,
                "jobs": args.jobs,
                "sizes": len(plan.sizes),
                "structures": len(plan.structures),
                "replications": plan.replications,
                "run_seconds": round(ran, 1),
                "total_seconds": round(total, 1),
                "target_seconds": TARGET_SECONDS,
                "met": total <= TARGET_SECONDS,
            }
        )
    )


if __name__ == "__main__":
    main()
