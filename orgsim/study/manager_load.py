"""The answer in load per IT manager as well as in employees, and the span-of-control sweep.

The presets hire one IT manager per ``org.span_of_control`` reports (rounded up), so past the
first IT manager each one carries about the same load at every size: the size at which a
dedicated project manager starts to pay is really a load on one IT manager.  This module says
the answer in that load, at every size (combined, the answer's culture):

- reports per IT manager (the people reporting to IT managers / IT managers, from the
  headcount rules);
- projects per IT manager per year (the projects expected to arrive in a year, at the
  classes' arrival rates, / IT managers);
- the coordination hours a week offered to each IT manager (the metric
  ``offered_hours_per_person_week.it_manager.project``: project coordination, status and
  staffing, whether or not the manager gets to them);

and translates the crossover's size into these loads, interpolated between the sizes studied
the way the crossover is (in log employees; its 95% CI becomes the range of the load over the
crossover's CI).  The span sweep (half and double the scenario's span, :data:`SPAN_FACTORS`) runs combined
and separate at the sizes up to the reference size with other spans, so that the answer can read "split when
one IT manager carries more than ~X reports and ~Y projects a year (about N employees under this
scenario's headcount rules)".  The span is read by the simulation only through the headcounts,
so a point where another span hires the same people is the same run (:func:`shared_run`): it is
run once, and the sweep costs only the points where the span changes who is hired.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import catalogue
from ..results import Sweep, capacity
from ..results.capacity import OFFERED
from ..scenario import Scenario
from ..stats import mean_interval, paired_difference
from ..wording import OVER_CAPACITY, format_number
from .measures import LEAD_TIME
from .regions import judge_advantage, over_capacity_at, top_of_range

__all__ = [
    "COORDINATION",
    "SPAN_FACTORS",
    "load_sentence",
    "manager_load",
    "point_load",
    "shared_run",
    "span_crossovers",
    "span_experiments",
    "span_sweep",
    "span_sizes",
    "spans",
    "translate",
]

# the spans the study runs beside the scenario's own, as factors of it: half and double (with
# the presets' 8: 4, inside the published 3-5 for managers who also do hands-on work, and 16,
# above tech's 5-10 (Namely, Deloitte): a stress value, *estimate*).  On the study's doubling
# sizes a span of 12 would hire the same IT managers as 8 at every size up to 400 (15 reports:
# two either way), so it would run nothing new where runs are cheap.
SPAN_FACTORS: tuple[float, ...] = (0.5, 2.0)
COORDINATION = f"{OFFERED}.it_manager.project"  # coordination, status and staffing hours offered
_MANAGER = "it_manager"


def spans(scenario: Scenario) -> tuple[int, ...]:
    """Every span the study shows: the scenario's own and :data:`SPAN_FACTORS` times it
    (rounded, from 1 to 100), in order."""
    own = scenario.org.span_of_control
    return tuple(sorted({own, *(min(100, max(1, round(own * f))) for f in SPAN_FACTORS)}))


def span_sizes(plan) -> tuple[int, ...]:
    """The sizes of the span sweep: the plan's up to the reference size (where runs are cheap;
    the points where a span hires the same people as the scenario's are shared with the
    answer's runs, so the sweep costs only the points where the span changes who is hired)."""
    return tuple(n for n in plan.sizes if n <= plan.reference_size)


def span_experiments(scenario: Scenario, plan) -> list[tuple[str, dict, dict, dict]]:
    """The span sweep as (key, base, vary, across): ``span.N`` for every span of :func:`spans`
    but the scenario's own (whose points are the answer's, :func:`span_sweep`), combined and
    separate at :func:`span_sizes` under the answer's culture."""
    pair = {"org.structure": ["combined", "separate"]}
    sizes = {"org.employees": list(span_sizes(plan))}
    base = {"org.culture": plan.culture}
    own = scenario.org.span_of_control
    return [(f"span.{s}", {**base, "org.span_of_control": s}, sizes, pair) for s in spans(scenario) if s != own]


def span_sweep(study, span: int) -> Sweep:
    """The span sweep at ``span``: its experiment, or for the scenario's own span the answer's
    points (combined and separate) at the span sweep's sizes."""
    if span != study.scenario.org.span_of_control:
        return study.sweeps[f"span.{span}"]
    main = study.main
    sizes = span_sizes(study.plan)
    keep = [
        i
        for i, p in enumerate(main.points)
        if p["org.employees"] in sizes and p["org.structure"] in ("combined", "separate")
    ]
    return Sweep(
        main.scenario,
        {"org.employees": sorted({main.points[i]["org.employees"] for i in keep})},
        {"org.structure": ["combined", "separate"]},
        [main.points[i] for i in keep],
        [main.results[i] for i in keep],
        main.seed,
        set(main.log_scale),
    )


def shared_run(scenario: Scenario, span: int) -> Scenario:
    """The run ``scenario`` is: itself, or, where its span of control hires the same people as
    ``span`` (the study's scenario's), the same scenario with ``span``.  The simulation reads
    the span only through the headcounts, so the two are one run (the study runs it once)."""
    if scenario.org.span_of_control == span:
        return scenario
    other = scenario.with_changes({"org.span_of_control": span})
    return other if other.headcounts() == scenario.headcounts() else scenario


def point_load(result) -> dict:
    """The load on one IT manager at one point (a :class:`~orgsim.results.Results`):
    ``it_managers``, ``reports_per_it_manager``, ``projects_per_it_manager_per_year`` (the
    projects expected to arrive in a year / IT managers) and the coordination hours a week
    offered to each (mean and 95% CI over the replications)."""
    scenario = result.scenario
    counts = scenario.headcounts()
    managers = counts.get(_MANAGER, 0)
    reports = sum(counts.get(r.name, 0) for r in scenario.roles if r.reports_to == _MANAGER)
    scale = scenario.org.employees / 100.0 * scenario.projects.arrival_scale
    per_year = scale * sum(c.per_100_employees_per_year for c in scenario.projects.classes)
    frame = result.replications
    hours = frame[COORDINATION].to_numpy(dtype=float) if COORDINATION in frame else np.full(len(frame), np.nan)
    mean, low, high = mean_interval(hours)
    return {
        "it_managers": managers,
        "reports_per_it_manager": reports / managers if managers else math.nan,
        "projects_per_it_manager_per_year": per_year / managers if managers else math.nan,
        "coordination_hours": mean,
        "coordination_hours_ci_low": low,
        "coordination_hours_ci_high": high,
    }


def _sweep_rows(sweep: Sweep, span: int) -> list[dict]:
    """manager_load.csv's rows of one size sweep of combined and separate."""
    found = {(p["org.employees"], p["org.structure"]): r for p, r in zip(sweep.points, sweep.results, strict=True)}
    mid = catalogue.minimal_difference(LEAD_TIME).value
    rows = []
    for n in sorted({n for n, _ in found}):
        combined, separate = found[(n, "combined")], found[(n, "separate")]
        over = capacity(combined).over or capacity(separate).over
        difference = paired_difference(
            separate.replications[LEAD_TIME].to_numpy(dtype=float),
            combined.replications[LEAD_TIME].to_numpy(dtype=float),
        )  # combined - separate: > 0, separate finishes sooner
        advantage = {
            "separate_advantage_weeks": difference["mean_difference"],
            "ci_low": difference["ci_low"],
            "ci_high": difference["ci_high"],
        }
        if over:  # a lead time read from a queue that does not empty: not printed
            advantage = dict.fromkeys(advantage, math.nan)
        verdict = OVER_CAPACITY if over else judge_advantage(difference, mid, lower_is_better=False)
        rows.append(
            {
                "span_of_control": span,
                "employees": n,
                **point_load(combined),
                "utilisation": float(np.nanmean(combined.replications.get("utilisation.it_manager", np.nan))),
                **advantage,
                "verdict_for_separate": verdict,
            }
        )
    return rows


def manager_load(study) -> pd.DataFrame:
    """manager_load.csv: the load on one IT manager under combined at every size of every span
    (the scenario's span at the answer's sizes; the others at the span sweep's), beside
    separate's paired lead-time advantage (combined - separate, weeks; > 0: separate sooner;
    not printed where either is over capacity) and its verdict with the MID."""
    own = study.scenario.org.span_of_control
    rows = _sweep_rows(study.main, own)
    for span in spans(study.scenario):
        if span != own:
            rows += _sweep_rows(span_sweep(study, span), span)
    return pd.DataFrame(rows)


def translate(x: float, low: float, high: float, sizes, loads) -> tuple[float, float, float]:
    """A size (and its 95% CI, ``low``-``high``) as a load: ``loads`` at ``sizes``, interpolated
    in log size as the crossover is; the CI is the range of the interpolated load over it (a load
    per manager need not grow with size: it steps back when a manager is hired)."""
    xs, ys = np.log(np.asarray(sizes, dtype=float)), np.asarray(loads, dtype=float)

    def at(value):
        return float(np.interp(math.log(value), xs, ys)) if np.isfinite(value) and value > 0 else math.nan

    if not np.isfinite(x):
        return math.nan, math.nan, math.nan
    edges = [v for v in (low, high) if np.isfinite(v) and v > 0]
    inside = [y for u, y in zip(xs, ys, strict=True) if edges and math.log(min(edges)) < u < math.log(max(edges))]
    spread = [at(v) for v in edges] + inside
    return at(x), min(spread, default=math.nan), max(spread, default=math.nan)


_LOADS = ("reports_per_it_manager", "projects_per_it_manager_per_year", "coordination_hours")


def _crossover_row(sweep: Sweep, table: pd.DataFrame, span: int, grid: str) -> dict:
    pair = next(p for p in sweep.crossover(LEAD_TIME, 0.0)["pairs"] if p["challenger"] == "separate")
    top = top_of_range(pair)
    rows = table[table["span_of_control"] == span]
    rows = rows[rows["employees"].isin([p["org.employees"] for p in sweep.points])].sort_values("employees")
    out = {
        "span_of_control": span,
        "grid": grid,
        "sizes": f"{format_number(rows['employees'].min())}-{format_number(rows['employees'].max())}",
        **top,
    }
    for column in ("crossover", "ci_low", "ci_high", "practical_from"):
        out[column] = float(out[column]) if out[column] is not None else math.nan
    for load in _LOADS:
        mean, low, high = translate(out["crossover"], out["ci_low"], out["ci_high"], rows["employees"], rows[load])
        out.update({load: mean, f"{load}_ci_low": low, f"{load}_ci_high": high})
    over = [x for x, flag in over_capacity_at(pair).items() if flag]
    out["over_capacity_from"] = min(over, default=math.nan)  # the first size where either is over capacity
    out["over_capacity_reports_per_it_manager"] = (
        float(rows[rows["employees"] == min(over)]["reports_per_it_manager"].iloc[0]) if over else math.nan
    )
    out["top_reports_per_it_manager"] = float(rows["reports_per_it_manager"].max())
    out["top_projects_per_it_manager_per_year"] = float(rows["projects_per_it_manager_per_year"].max())
    out["sentence"] = pair["sentence"]
    return out


def span_crossovers(study) -> pd.DataFrame:
    """span_crossover.csv: the crossover of separate against combined on project lead time in
    employees and in load per IT manager: first the answer's (its sizes), then one row per span
    on the span sweep's sizes.  span_of_control, grid, sizes, winner, practical_from,
    below_mid, crossover, ci_low, ci_high (employees), the loads at the crossover with their
    95% CI ranges (reports, projects a year, coordination hours a week), the largest load of
    the grid, and the crossover's sentence."""
    table = study.table("manager_load.csv")
    own = study.scenario.org.span_of_control
    rows = [_crossover_row(study.main, table, own, "the answer's sizes")]
    for span in spans(study.scenario):  # the scenario's own span: its runs are the answer's (shared)
        rows.append(_crossover_row(span_sweep(study, span), table, span, "the span sweep's sizes"))
    return pd.DataFrame(rows)


def _load_phrase(row) -> str:
    return (
        f"~{format_number(row.reports_per_it_manager)} reports and "
        f"~{format_number(row.projects_per_it_manager_per_year)} projects a year per IT manager"
    )


def load_sentence(study) -> str:
    """The answer in load per IT manager: from what load separate is better (with the size
    that corresponds under the scenario's headcount rules), at the scenario's span and at the
    others the span sweep ran."""
    own = study.scenario.org.span_of_control
    if any(f"span.{span}" not in study.sweeps for span in spans(study.scenario) if span != own):
        return ""  # a study built without the span sweep
    table = study.table("span_crossover.csv")
    parts = []
    for row in table.itertuples():
        if row.grid != "the answer's sizes" and row.span_of_control == own:
            continue
        span = f"one IT manager per {row.span_of_control} reports"
        if row.winner == "separate" and np.isfinite(row.crossover):
            parts.append(
                f"{span}: split when one IT manager carries more than {_load_phrase(row)} (95% CI "
                f"{format_number(row.reports_per_it_manager_ci_low)}-{format_number(row.reports_per_it_manager_ci_high)}"
                f" reports), about {format_number(row.crossover)} employees"
            )
        elif row.winner == "separate":
            parts.append(f"{span}: separate is better from {format_number(row.practical_from)} employees")
        else:
            who = (
                "neither structure is better by more than the MID"
                if row.winner == "neither"
                else f"{row.winner} is better"
            )
            parts.append(
                f"{span}: {who} at the top of its sizes ({row.sizes} employees, at most "
                f"{format_number(row.top_reports_per_it_manager)} reports and "
                f"{format_number(row.top_projects_per_it_manager_per_year)} projects a year per IT manager)"
            )
        if np.isfinite(row.over_capacity_from):
            parts[-1] += (
                f", but over capacity from {format_number(row.over_capacity_from)} employees, "
                f"{format_number(row.over_capacity_reports_per_it_manager)} reports per IT manager: no lead time there"
            )
    return "In load per IT manager, under this scenario's headcount rules: " + "; ".join(parts) + "."
