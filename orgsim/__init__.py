"""orgsim: simulate an IT organisation to decide whether the IT manager should also be
the project manager, and from what size on splitting the roles pays.

The whole vocabulary::

    scenario = orgsim.load_scenario("scenarios/small-combined.toml")
    bigger = scenario.with_changes({"org.employees": 120})
    results = orgsim.simulate(bigger, replications=20, seed=1)
    results.summary                       # pandas DataFrame: metric, mean, ci_low, ci_high
    orgsim.compare([scenario, bigger])    # paired differences, common random numbers
    orgsim.sweep(scenario, vary={"org.employees": [25, 100, 400]}, across={"org.structure": ["combined", "separate"]})
    orgsim.plots.workload_figure(results) # a matplotlib Figure
    orgsim.save(results, "outputs/bigger")
    done = orgsim.study(scenario)         # the decision study: done.answer(), done.questions()
    orgsim.save_study(done, "outputs/study")  # report.html and the CSV behind every figure

The package is layered; a module imports only from layers below it:
``wording``, ``duties``, ``catalogue``, ``distributions``, ``monitors``, ``stats``, ``theory``
(vocabulary) → ``scenario/`` → ``work/`` → ``dispatch`` → ``engine`` → ``metrics`` →
``experiment``, ``cache`` → ``results/`` → ``plots/`` → ``verification``, ``realism``,
``calibrate/``, ``study/`` → ``report`` → ``cli/``.
"""

from .scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict
from .version import __version__

_LAZY = {
    "ConservationError": ("engine", "ConservationError"),
    "run_replication": ("experiment", "run_replication"),
    "Results": ("results", "Results"),
    "Comparison": ("results", "Comparison"),
    "Sweep": ("results", "Sweep"),
    "simulate": ("results", "simulate"),
    "compare": ("results", "compare"),
    "sweep": ("results", "sweep"),
    "save": ("plots", "save"),
    "Study": ("study", "Study"),
    "study": ("study", "study"),
    "study_plan": ("study", "study_plan"),
    "save_study": ("report", "save_study"),
    "plots": ("plots", None),
}


def __getattr__(name):
    """Import the simulation and its pandas/scipy/matplotlib dependencies only when first
    used, so that ``orgsim`` answers bad input at once."""
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(f".{module_name}", __name__)
        return module if attribute is None else getattr(module, attribute)
    raise AttributeError(f"module 'orgsim' has no attribute {name!r}")


__all__ = [
    "Comparison",
    "ConservationError",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "compare",
    "load_scenario",
    "run_replication",
    "save",
    "scenario_from_dict",
    "simulate",
    "study",
    "study_plan",
    "save_study",
    "Study",
    "sweep",
    "__version__",
]
