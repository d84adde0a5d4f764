"""orgsim against other Python simulation libraries on the same M/M/c queue.

Run:  python benchmarks/peers.py [--weeks W] [--repeat K] [--seed S]
Needs the optional extras:  pip install ciw salabim   (a missing one is skipped)

The queue is the one of ``mmc_overhead.py`` (λ = 9/h, μ = 1/h, c = 10), for the same
number of customers in each library (orgsim's arrivals over ``--weeks`` working weeks,
≈ 216,000 at the default 600):

- orgsim: the general model configured as M/M/c (see ``mmc_overhead.py``); only
  ``Model.run()`` is timed.
- Ciw: ``ciw.create_network`` with exponential arrivals and services and 10 servers,
  ``Simulation.simulate_until_max_customers(N, method="Arrive")``; building the
  simulation and running it are timed.
- salabim: a ``Resource(capacity=10)``, a ``ComponentGenerator`` of customers that
  request, hold an exponential service time and release, without animation or trace,
  with the classic (``yield``) process API, which needs no greenlet; the environment,
  the generator and ``run()`` are timed.

Prints customers per second for each; the last line is JSON:
``{"ciw_per_s": ..., "salabim_per_s": ..., "orgsim_per_s": ...}`` (``null`` for a library
that is not installed).
"""

from __future__ import annotations

import argparse
import json
import math
import time

from mmc_overhead import LAMBDA, MU, SERVERS, mmc_scenario, run_orgsim


def run_ciw(customers: int, seed: int) -> tuple[int, float, float]:
    """(customers arrived, seconds, mean time in system of those finished) in Ciw."""
    import ciw

    start = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAMBDA)],
        service_distributions=[ciw.dists.Exponential(rate=MU)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(customers, method="Arrive")
    seconds = time.perf_counter() - start
    records = simulation.get_all_records()
    sojourn = sum(r.exit_date - r.arrival_date for r in records) / len(records)
    return simulation.nodes[0].number_of_individuals, seconds, sojourn


def run_salabim(customers: int, seed: int) -> tuple[int, float, float]:
    """(customers arrived, seconds, mean time in system of those finished) in salabim."""
    import salabim as sim

    start = time.perf_counter()
    env = sim.Environment(trace=False, random_seed=seed, yieldless=False)
    servers = sim.Resource("servers", capacity=SERVERS)
    service = sim.Exponential(1.0 / MU)
    total = [0.0, 0]

    class Customer(sim.Component):
        def process(self):
            yield self.request(servers)
            yield self.hold(service.sample())
            self.release()
            total[0] += env.now() - self.creation_time()
            total[1] += 1

    sim.ComponentGenerator(Customer, iat=sim.Exponential(1.0 / LAMBDA), number=customers)
    env.run()
    seconds = time.perf_counter() - start
    return customers, seconds, total[0] / total[1]


def installed(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", type=float, default=600, help="orgsim horizon (600 weeks ≈ 216,000 customers)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scenario = mmc_scenario(args.weeks, args.seed)
    run_orgsim(mmc_scenario(10, args.seed))  # warm imports and caches
    best = math.inf
    for _ in range(args.repeat):
        customers, seconds, _metrics = run_orgsim(scenario)
        best = min(best, seconds)
    rates = {"orgsim": customers / best}
    print(f"M/M/c  λ={LAMBDA:g}/h  μ={MU:g}/h  c={SERVERS}  ({customers:,} customers, best of {args.repeat})")
    print(f"  orgsim   {best:7.3f} s  {rates['orgsim']:10,.0f} customers/s")

    for name, runner in (("ciw", run_ciw), ("salabim", run_salabim)):
        if not installed(name):
            print(f"  {name:8} not installed (pip install {name}); skipped")
            rates[name] = None
            continue
        best = math.inf
        for _ in range(args.repeat):
            count, seconds, sojourn = runner(customers, args.seed)
            best = min(best, seconds)
        rates[name] = count / best
        print(
            f"  {name:8} {best:7.3f} s  {rates[name]:10,.0f} customers/s  "
            f"(mean time in system {sojourn:.3f} h; orgsim is {rates['orgsim'] / rates[name]:.2f}× as fast)"
        )

    names = ("ciw", "salabim", "orgsim")
    print(json.dumps({f"{k}_per_s": None if rates[k] is None else round(rates[k]) for k in names}))


if __name__ == "__main__":
    main()
