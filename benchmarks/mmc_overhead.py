"""The engine's overhead over bare SimPy, on the M/M/c queue (λ = 9/h, μ = 1/h, c = 10).

Run:  python benchmarks/mmc_overhead.py [--weeks W] [--repeat K] [--seed S]

orgsim runs the queue through its general model: a custom organisation of one role,
``server`` (10 people holding only ``ticket_l2``, no context switches), one ticket class
that skips level 1 (``l1_effort = 0``) with exponential level-2 effort of mean 1 h, no
projects and no management work.  Tickets arrive at
``employees × per_employee_per_month × 12 / (52 × hours_per_week)`` per working hour:
1,560 × 1.0 × 12 / (52 × 40) = 9 exactly.

The same queue is then written as the leanest idiomatic bare SimPy model — a
``simpy.Resource(capacity=10)``, a source process with exponential interarrival times
from numpy, and a customer process per arrival doing ``with res.request() as req:
yield req; yield env.timeout(service)`` — run for the same number of customers, in the
same process.  Both draw their random numbers from numpy in blocks (orgsim's samplers
buffer 1,024 draws; the SimPy model draws all of them up front, inside the timed
region), so the comparison is of the simulation machinery, not of random-number calls.

Only ``Model.run()`` (which includes orgsim's metrics and conservation check) and the
SimPy ``env.run()`` plus its draws are timed; the two alternate, and the best of
``--repeat`` runs of each is reported (on a shared machine, take ``--repeat 5`` or more).
Prints customers per second for both and their ratio; the last line is JSON:
``{"orgsim_per_s": ..., "simpy_per_s": ..., "ratio": ...}`` (ratio = orgsim / SimPy;
target ≥ 1.2).
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import simpy

import orgsim
from orgsim.engine import Model
from orgsim.metrics import measure
from orgsim.theory import mmc

LAMBDA = 9.0  # arrivals per hour
MU = 1.0  # services per hour per server
SERVERS = 10
HOURS_PER_WEEK = 40.0
EMPLOYEES = 1560  # 1,560 × 1.0 × 12 / (52 × 40) = 9 tickets per working hour
PER_EMPLOYEE_PER_MONTH = 1.0


def mmc_scenario(weeks: float, seed: int = 1) -> orgsim.Scenario:
    """The M/M/c queue as an orgsim scenario, through the general scenario schema."""
    rate = EMPLOYEES * PER_EMPLOYEE_PER_MONTH * 12.0 / (52.0 * HOURS_PER_WEEK)
    assert rate == LAMBDA, rate
    return orgsim.scenario_from_dict(
        {
            "name": "mmc",
            "simulation": {"horizon_weeks": weeks, "warmup_weeks": 0, "seed": seed},
            "calendar": {"hours_per_day": 8, "days_per_week": 5},
            "org": {"employees": EMPLOYEES, "structure": "custom"},
            "roles": {
                "server": {"headcount": SERVERS, "duties": ["ticket_l2"], "context_switch_hours": 0},
            },
            "tickets": {
                "per_employee_per_month": PER_EMPLOYEE_PER_MONTH,
                "manager_escalation_share": 0,
                "mix": {"mm": 1.0},
                "classes": {
                    "mm": {
                        "l1_effort": 0,
                        "l2_effort": {"dist": "exponential", "mean": 1.0 / MU},
                        "manager_duty": "none",
                    }
                },
            },
            "projects": {"arrival_scale": 0},
            "management": {
                "one_to_one_hours_per_report_per_week": 0,
                "appraisal_hours_per_report_per_year": 0,
                "admin_hours_per_week": 0,
            },
        }
    )


def run_orgsim(scenario: orgsim.Scenario) -> tuple[int, float, dict]:
    """(customers arrived, seconds to run and measure, metrics) for one replication."""
    model = Model(scenario, 0)
    start = time.perf_counter()
    model.run()
    output = measure(model)
    seconds = time.perf_counter() - start
    return sum(model.sources["tickets"].arrived), seconds, output.metrics


def run_simpy(customers: int, seed: int = 1) -> tuple[int, float, float]:
    """(customers served, seconds, mean time in system) for the bare SimPy M/M/c."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / LAMBDA, customers).tolist()
    services = rng.exponential(1.0 / MU, customers).tolist()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    timeout = env.timeout
    total = [0.0, 0]

    def customer(service):
        arrived = env.now
        with servers.request() as req:
            yield req
            yield timeout(service)
        total[0] += env.now - arrived
        total[1] += 1

    def source():
        process = env.process
        for gap, service in zip(gaps, services, strict=True):
            yield timeout(gap)
            process(customer(service))

    env.process(source())
    env.run()
    seconds = time.perf_counter() - start
    return total[1], seconds, total[0] / total[1]


def erlang_c_sojourn(lam: float, mu: float, c: int) -> float:
    """Mean time in system of the M/M/c queue (Erlang C), as orgsim validates it."""
    return mmc(lam, mu, c)["w"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", type=float, default=600, help="orgsim horizon (600 weeks ≈ 216,000 customers)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = mmc_scenario(args.weeks, args.seed)

    run_orgsim(mmc_scenario(10, args.seed))  # warm imports and caches
    best_orgsim = best_simpy = math.inf
    for _ in range(args.repeat):  # alternated, so that a busy spell of the machine hits both alike
        customers, seconds, metrics = run_orgsim(scenario)
        best_orgsim = min(best_orgsim, seconds)
        served, seconds, sojourn = run_simpy(customers, args.seed)
        best_simpy = min(best_simpy, seconds)

    orgsim_rate = customers / best_orgsim
    simpy_rate = served / best_simpy
    ratio = orgsim_rate / simpy_rate
    theory = erlang_c_sojourn(LAMBDA, MU, SERVERS)
    print(f"M/M/c  λ={LAMBDA:g}/h  μ={MU:g}/h  c={SERVERS}  ({customers:,} customers, best of {args.repeat})")
    print(
        f"  mean time in system: Erlang C {theory:.3f} h, orgsim "
        f"{metrics['ticket_resolution_hours_mean.mm']:.3f} h, bare SimPy {sojourn:.3f} h"
    )
    print(f"  orgsim     {best_orgsim:7.3f} s  {orgsim_rate:10,.0f} customers/s")
    print(f"  bare SimPy {best_simpy:7.3f} s  {simpy_rate:10,.0f} customers/s")
    print(f"  ratio orgsim / SimPy: {ratio:.3f}  (target >= 1.2)")
    print(json.dumps({"orgsim_per_s": round(orgsim_rate), "simpy_per_s": round(simpy_rate), "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
