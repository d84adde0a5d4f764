"""orgsim: simulate an IT organisation to decide whether the IT manager should also be
the project manager, and from what size on splitting the roles pays.

The whole vocabulary::

    scenario = orgsim.load_scenario("scenarios/small-combined.toml")
    bigger = scenario.with_changes({"org.employees": 120})
    results = orgsim.simulate(bigger, replications=20, seed=1)
    results.summary            # pandas DataFrame: metric, mean, ci_low, ci_high
    results.plot_workload()    # matplotlib Figure
    results.save("outputs/bigger")
"""

from .scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict

_LAZY = {
    "ConservationError": "engine",
    "run_replication": "engine",
    "Results": "experiment",
    "simulate": "experiment",
}


def __getattr__(name):
    """Import the simulation and its pandas/scipy dependencies only when first used,
    so that ``orgsim`` answers bad input at once."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'orgsim' has no attribute {name!r}")


__all__ = [
    "ConservationError",
    "Results",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_replication",
    "scenario_from_dict",
    "simulate",
]
__version__ = "0.1.0"
