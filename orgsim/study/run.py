"""The study's experiments, all run in one batch with common random numbers (every run of
every experiment uses the same root seed and replication numbers, so the same replication
sees the same tickets and projects wherever the structure, size or culture lets them arrive):

``main``         sizes x structures, under each culture asked for: the answer, its regions
                 and the trade-offs (lead time, on-time share, SLA, cost, net benefit)
``culture``      the other culture for ``combined`` and ``separate`` (Q3), when only one is asked
``erp``          one large scheduled project (an ERP rollout) landing in a small firm (Q4)
``structures``   every structure at the reference size (Q6, Q7)
``clarity``      role clarity from 0 to 1 under ``separate`` at the reference size (Q8)
``sensitivity``  one parameter at a time, low and high: where does the crossover move?
``alternatives``  the PM's cost spent on capacity, and the free re-arrangements, at the
                 reference size and the size below (:mod:`orgsim.study.alternatives`)
``span``         half and double the IT manager's span of control, combined and separate at the
                 sizes up to the reference size: the answer in load per IT manager
                 (:mod:`.manager_load`; a point where a span hires the same people is shared)
``basis``        the scenario as it is, beside published figures (:mod:`orgsim.realism`)
"""

from __future__ import annotations

import json
from concurrent.futures import Executor
from dataclasses import dataclass

from ..experiment import RunCache, Task, check_runs, check_work, grid, run_tasks
from ..results import Results, Sweep, jsonable
from ..scenario import EQUAL_COST_STRUCTURES, PRESET_NAMES, Scenario
from ..work import role_clarity_matters
from .alternatives import alternative_experiments
from .container import Study
from .manager_load import shared_run, span_experiments
from .measures import ERP, erp_class
from .plan import StudyPlan, study_plan

__all__ = ["study"]


@dataclass(frozen=True)
class _Experiment:
    key: str
    base: dict
    vary: dict
    across: dict


def _erp_changes(scenario: Scenario) -> dict:
    """The scenario's changes that add the ERP rollout: a class of its own that never arrives
    at random (so that its lead time is measured on its own), scheduled at the first measured week."""
    classes = scenario.to_dict()["projects"]["classes"]
    template = dict(classes.get("medium") or next(iter(classes.values())))
    template["per_100_employees_per_year"] = 0.0
    week = scenario.simulation.warmup_weeks
    rollout = erp_class(scenario)  # apart from the scenario's own classes
    return {
        f"projects.classes.{rollout}": template,
        "projects.scheduled": [
            *[_scheduled(p) for p in scenario.projects.scheduled],
            {"week": week, "project_class": rollout, **ERP},
        ],
    }


def _scheduled(project) -> dict:
    return {
        "week": project.week,
        "project_class": project.project_class,
        "effort_hours": project.effort_hours,
        "team_size": project.team_size,
    }


def experiments(scenario: Scenario, plan: StudyPlan) -> list[_Experiment]:
    sizes = {"org.employees": list(plan.sizes)}
    pair = {"org.structure": ["combined", "separate"]}
    culture = {"org.culture": plan.culture}
    out = [
        _Experiment(f"main.{c}", {"org.culture": c}, sizes, {"org.structure": list(plan.structures)})
        for c in plan.cultures
    ]
    if len(plan.cultures) == 1:
        out.append(_Experiment(f"main.{plan.other_culture}", {"org.culture": plan.other_culture}, sizes, pair))
    small = {**culture, "org.employees": plan.small_firm}
    out.append(_Experiment("erp.without", small, {}, pair))
    out.append(_Experiment("erp.with", {**small, **_erp_changes(scenario)}, {}, pair))
    every = [s for s in PRESET_NAMES if s not in EQUAL_COST_STRUCTURES]  # those are the alternatives' (below)
    reference = {**culture, "org.employees": plan.reference_size}
    out.append(_Experiment("structures", reference, {}, {"org.structure": every}))
    out.append(
        _Experiment("clarity", reference, {"org.role_clarity": list(plan.clarity)}, {"org.structure": ["separate"]})
    )
    for path, low, high in plan.sensitivity:
        for level, value in (("low", low), ("high", high)):
            out.append(
                _Experiment(
                    f"sensitivity.{path}.{level}",
                    {**culture, path: value},
                    {"org.employees": list(plan.sensitivity_sizes)},
                    pair,
                )
            )
    out.extend(_Experiment(*row) for row in alternative_experiments(plan))
    out += [_Experiment(*row) for row in span_experiments(scenario, plan)]  # the span sweep
    out.append(_Experiment("basis", {}, {}, {}))
    return out


def _fingerprint(scenario: Scenario) -> str:
    return json.dumps(jsonable(scenario.to_dict(resolved=True)), sort_keys=True, default=str)


def study(
    scenario: Scenario,
    plan: StudyPlan | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    value_per_project_week: float | None = None,
) -> Study:
    """Run the whole study on ``scenario`` in one batch (every run on one executor, each
    distinct run once: points that several experiments share are run once), resumable
    through ``cache`` like a sweep."""
    plan = plan or study_plan(scenario)
    seed = scenario.simulation.seed if seed is None else seed
    replications = plan.replications
    built: list[tuple[_Experiment, list[dict], list[str]]] = []
    unique: dict[str, Scenario] = {}  # by the resolved scenario: each run once
    for experiment in experiments(scenario, plan):
        points = grid(experiment.vary, experiment.across) if experiment.vary or experiment.across else [{}]
        keys = []
        for point in points:
            changed = scenario.with_changes({**experiment.base, **point})
            run = shared_run(changed, scenario.org.span_of_control)
            if not role_clarity_matters(run):  # the same run at any clarity (combined): run once
                run = run.with_changes({"org.role_clarity": scenario.org.role_clarity})
            key = _fingerprint(run)
            unique.setdefault(key, changed)
            keys.append(key)
        built.append((experiment, points, keys))
    check_runs(len(unique), replications)
    check_work(list(unique.values()), replications, jobs)
    # the largest organisations first, so that no long run is left for the end on one core
    order = sorted(unique, key=lambda key: -unique[key].org.employees)
    tasks = [Task(unique[key], k, seed) for key in order for k in range(replications)]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, "study")
    results_of = {
        key: Results.from_outputs(unique[key], seed, outputs[i * replications : (i + 1) * replications])
        for i, key in enumerate(order)
    }
    sweeps: dict[str, Sweep] = {}
    basis = None
    for experiment, points, keys in built:
        results = [results_of[key] for key in keys]
        if experiment.key == "basis":
            basis = results[0]
            continue
        base = scenario.with_changes(experiment.base) if experiment.base else scenario
        log = {"org.employees"} if "org.employees" in experiment.vary else set()
        sweeps[experiment.key] = Sweep(base, dict(experiment.vary), dict(experiment.across), points, results, seed, log)
    value = scenario.projects.value_per_project_week if value_per_project_week is None else value_per_project_week
    return Study(scenario, plan, seed, sweeps, basis, float(value))
