"""The study's tables (each a CSV beside the report, a DataFrame here), computed from its
experiments: the trade-offs against size, the net benefit, the IT manager's hours, the
headcounts and their steps, the sensitivity of the crossover (and which parameters move it),
the realism basis, and the answer's points where some replications finished no project.

Each is a function of a :class:`~orgsim.study.Study` (``study``); the study computes each
once (:meth:`~orgsim.study.Study.table`) and :data:`orgsim.study.files.TABLES` names the
CSV each is written as.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..duties import DUTY_FAMILY
from ..realism import realism_at
from ..results import Sweep, cost_with_delay, project_weeks_per_week
from ..stats import mean_interval, paired_difference
from ..wording import format_number
from .measures import ANSWER_METRICS, LEAD_TIME, over_capacity
from .regions import top_of_range

__all__ = [
    "answer_sizes",
    "crossover_movers",
    "headcount_steps",
    "headcounts",
    "it_manager_hours",
    "net_benefit",
    "realism",
    "sensitivity",
    "tradeoffs",
    "unfinished",
]


def tradeoffs(study) -> pd.DataFrame:
    """tradeoffs.csv: culture, employees, structure, metric, mean, ci_low, ci_high of the
    answer's metrics at every size (the trade-off figure), and ``over_capacity``: why the point
    is over capacity ('' when stable)."""
    rows = []
    for key, sweep in study.sweeps.items():
        if not key.startswith("main."):
            continue
        for point, result in zip(sweep.points, sweep.results, strict=True):
            summary = result.summary.set_index("metric")
            over = over_capacity(result)
            for metric in (*ANSWER_METRICS, "projects_open_at_end"):
                mean, low, high, n = (
                    summary.loc[metric, c] if metric in summary.index else math.nan
                    for c in ("mean", "ci_low", "ci_high", "n")
                )
                rows.append(
                    {
                        "culture": key.split(".", 1)[1],
                        "employees": point["org.employees"],
                        "structure": point["org.structure"],
                        "metric": metric,
                        "mean": float(mean),
                        "ci_low": float(low),
                        "ci_high": float(high),
                        "n": int(n) if np.isfinite(n) else 0,  # replications with a value
                        "over_capacity": over,
                    }
                )
    return pd.DataFrame(rows)


def net_benefit(study) -> pd.DataFrame:
    """net_benefit.csv: every structure against combined at every size (the answer's
    culture), paired by replication: extra staff cost a week, project-weeks saved a week,
    the break-even value of a project-week (extra cost / project-weeks saved; above it
    the structure pays, NaN where it saves none), with a value the net benefit a week, and
    ``over_capacity``: why either side is over capacity ('' when both are stable)."""
    rows = []
    value = study.value_per_project_week
    for n in study.plan.sizes:
        combined = study.main_point(n, "combined")
        base = combined.replications
        for structure in study.plan.structures[1:]:
            point = study.main_point(n, structure)
            other = point.replications
            cost = paired_difference(base["staff_cost_per_week"], other["staff_cost_per_week"])
            saved = paired_difference(project_weeks_per_week(other), project_weeks_per_week(base))
            benefit = paired_difference(
                np.zeros(len(base)), cost_with_delay(base, value) - cost_with_delay(other, value)
            )
            rows.append(
                {
                    "employees": n,
                    "structure": structure,
                    "extra_staff_cost": cost["mean_difference"],
                    "extra_staff_cost_ci_low": cost["ci_low"],
                    "extra_staff_cost_ci_high": cost["ci_high"],
                    "project_weeks_saved": saved["mean_difference"],
                    "project_weeks_saved_ci_low": saved["ci_low"],
                    "project_weeks_saved_ci_high": saved["ci_high"],
                    "break_even_value": (
                        cost["mean_difference"] / saved["mean_difference"] if saved["mean_difference"] > 0 else math.nan
                    ),
                    "value_per_project_week": value,
                    "net_benefit": benefit["mean_difference"],
                    "net_benefit_ci_low": benefit["ci_low"],
                    "net_benefit_ci_high": benefit["ci_high"],
                    "over_capacity": over_capacity(combined, point),
                }
            )
    return pd.DataFrame(rows)


def it_manager_hours(study) -> pd.DataFrame:
    """it_manager_hours.csv: hours per IT manager per week by duty, at every size, under
    combined and separate (Q1, Q5): employees, structure, duty, family, mean, ci_low,
    ci_high, share (of the IT manager's busy hours)."""
    rows = []
    prefix = "hours_per_person_week.it_manager."
    for n in study.plan.sizes:
        for structure in ("combined", "separate"):
            frame = study.main_point(n, structure).replications
            columns = [c for c in frame.columns if c.startswith(prefix)]
            total = frame[columns].sum(axis=1).to_numpy(dtype=float)
            for column in columns:
                duty = column[len(prefix) :]
                values = frame[column].to_numpy(dtype=float)
                mean, low, high = mean_interval(values)
                share = mean_interval(np.divide(values, total, out=np.zeros_like(values), where=total > 0))
                rows.append(
                    {
                        "employees": n,
                        "structure": structure,
                        "duty": duty,
                        "family": DUTY_FAMILY.get(duty, "setup"),
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "share": share[0],
                    }
                )
    return pd.DataFrame(rows)


def headcount_steps(study) -> pd.DataFrame:
    """headcount_steps.csv: every whole-person step of every role along the sizes, per structure."""
    rows = []
    for structure in study.plan.structures:
        for step in study.main.headcount_steps(structure):
            rows.append({"structure": structure, **step})
    columns = ["structure", "x", "previous_x", "role", "before", "after"]
    return pd.DataFrame(rows, columns=columns).rename(columns={"x": "employees", "previous_x": "from_employees"})


def headcounts(study) -> pd.DataFrame:
    """headcounts.csv: people per role at every size, per structure (one column per size)."""
    rows = []
    sizes = study.plan.sizes
    for structure in study.plan.structures:
        counts = {n: study.main_point(n, structure).scenario.headcounts() for n in sizes}
        roles = list(dict.fromkeys(role for n in sizes for role in counts[n]))
        for role in roles:
            rows.append({"structure": structure, "role": role, **{str(n): counts[n].get(role, 0) for n in sizes}})
    return pd.DataFrame(rows)


def unfinished(study) -> pd.DataFrame:
    """Points of the answer's sweeps where some replications finished no project in the
    measured weeks: their lead time is unknown (longer than the run) and left out, so the
    mean there understates that structure's lead time.  culture, employees, structure,
    replications, without (how many finished none)."""
    table = study.tradeoffs()
    replications = study.plan.replications
    rows = table[(table["metric"] == LEAD_TIME) & (table["n"] < replications)]
    return pd.DataFrame(
        {
            "culture": rows["culture"],
            "employees": rows["employees"],
            "structure": rows["structure"],
            "replications": replications,
            "without": replications - rows["n"],
        }
    ).reset_index(drop=True)


def _restricted(sweep: Sweep, sizes) -> Sweep:
    """The combined and separate points of a size sweep at ``sizes`` only (the sensitivity's
    grid), so that the base case's crossover is found on the same grid as every variant's."""
    keep = [
        i
        for i, point in enumerate(sweep.points)
        if point["org.employees"] in sizes and point["org.structure"] in ("combined", "separate")
    ]
    return Sweep(
        sweep.scenario,
        {"org.employees": list(sizes)},
        {"org.structure": ["combined", "separate"]},
        [sweep.points[i] for i in keep],
        [sweep.results[i] for i in keep],
        sweep.seed,
        set(sweep.log_scale),
    )


def sensitivity(study) -> pd.DataFrame:
    """sensitivity.csv: the crossover of separate against combined (project lead time) with
    one parameter at a time at a low and a high value, beside the base case and the other
    culture: parameter, value, replications, winner (practically better at the top of the
    range, with the MID; or neither), practical_from, below_mid, crossover, ci_low, ci_high
    (see :func:`~orgsim.study.regions.top_of_range`), sentence, and ``shift`` (how far the
    crossover moved from the base, in employees)."""
    rows = []

    def add(parameter, value, sweep):
        pair = next(p for p in sweep.crossover(LEAD_TIME, 0.0)["pairs"] if p["challenger"] == "separate")
        rows.append(
            {
                "parameter": parameter,
                "value": value if isinstance(value, str) else format_number(value),  # a text column
                "replications": len(sweep.results[0].replications),
                **top_of_range(pair),
                "sentence": pair["sentence"],
            }
        )

    plan = study.plan
    sizes = plan.sensitivity_sizes
    add("base case", "as in the scenario", _restricted(study.main, sizes))
    add("org.culture", plan.other_culture, _restricted(study.sweeps[f"main.{plan.other_culture}"], sizes))
    for path, low, high in plan.sensitivity:
        for level, value in (("low", low), ("high", high)):
            add(path, value, study.sweeps[f"sensitivity.{path}.{level}"])
    frame = pd.DataFrame(rows)
    for column in ("crossover", "ci_low", "ci_high", "practical_from"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["shift"] = frame["crossover"] - frame.loc[0, "crossover"]
    return frame


def crossover_movers(study) -> pd.DataFrame:
    """The one-at-a-time changes that move the answer, most first: those that change who is
    better at the top of the range (``changes_winner``, in the sensitivity table's order),
    then those that keep the winner and move the crossover, by how far (``shift``, in
    employees; only where both crossovers exist).  parameter, value, winner, shift,
    changes_winner."""
    table = study.sensitivity()
    base = table.iloc[0]
    variants = table.iloc[1:]
    changed = variants[variants["winner"] != base["winner"]]
    moved = variants.assign(size=table["shift"].abs().iloc[1:]).sort_values("size", ascending=False)
    keep = [
        isinstance(row.shift, float) and math.isfinite(row.shift) and row.winner == base["winner"]
        for row in moved.itertuples()
    ]
    moved = moved.loc[np.array(keep, dtype=bool)]
    columns = ["parameter", "value", "winner", "shift"]
    return pd.concat(
        [changed[columns].assign(changes_winner=True), moved[columns].assign(changes_winner=False)],
        ignore_index=True,
    )


def answer_sizes(study) -> list[int]:
    """The sizes the answer is about: the reference size, and where separate crosses combined,
    the grid's sizes on either side of the crossover."""
    sizes = {study.plan.reference_size}
    split = next((p for p in study.crossover()["pairs"] if p["challenger"] == "separate"), {})
    at = split.get("crossover")
    if at is not None and np.isfinite(at):
        below = [n for n in study.plan.sizes if n <= at]
        above = [n for n in study.plan.sizes if n >= at]
        sizes.update([*below[-1:], *above[:1]])
    return sorted(sizes)


def realism(study) -> pd.DataFrame:
    """realism.csv: the organisation beside published figures, one block per size
    (``employees`` first): the scenario as it is (its own size), and at the sizes the answer is
    about (:func:`answer_sizes`) the main sweep's point of the scenario's structure (or
    ``combined``): the study's own runs, none made for it."""
    own = study.scenario.org.employees
    structure = study.scenario.org.structure
    structure = structure if structure in study.plan.structures else "combined"
    runs = {n: study.main_point(n, structure) for n in answer_sizes(study) if n != own}
    runs[own] = study.basis
    return realism_at(study.scenario, [own, *sorted(n for n in runs if n != own)], runs=runs)
