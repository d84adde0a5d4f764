"""Q1-Q4, the questions on splitting the roles (combined against separate): where the IT
manager's hours go (Q1), whether combined works in a small firm (Q2), whether the answer
depends on size and culture (Q3), and whether one ERP rollout breaks a small combined firm
(Q4).

Each question is three functions of the study, named for what they decide: its table (the
CSV behind its figure), its key number (computed), and its verdict (the words, from the
key number and the table); :data:`orgsim.study.questions.QUESTIONS` holds them as rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue
from ..stats import judge, mean_interval, paired_difference
from ..wording import BETTER, CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, WORSE, format_number, percent
from .measures import (
    ANSWER_METRICS,
    ERP,
    ERP_LEAD_TIME,
    LEAD_TIME,
    OTHER_PROJECTS,
    erp_class,
    family_share,
    finite_mean,
    key_number,
    other_projects,
    over_capacity,
)
from .regions import judge_advantage, top_phrase

__all__ = [
    "combined_at_the_smallest_size",
    "combined_at_the_smallest_size_verdict",
    "culture_interaction",
    "culture_interaction_verdict",
    "erp_break_point",
    "erp_break_point_verdict",
    "erp_rollout",
    "hours_by_family",
    "roles_time_split",
    "roles_time_split_verdict",
    "separate_advantage_by_culture",
    "smallest_size_differences",
]

# ------------------------------------------------------------------ Q1: two disciplines


def hours_by_family(study) -> pd.DataFrame:
    """q1.csv: where every role's busy hours go, by family of duty, at the reference size,
    combined and separate."""
    n = study.plan.reference_size
    rows = []
    for structure in ("combined", "separate"):
        result = study.main_point(n, structure)
        frame = result.replications
        for role in sorted({c.split(".")[1] for c in frame.columns if c.startswith("hours_per_person_week.")}):
            for family in ("operations", "project", "management"):
                share = family_share(result, role, (family,))
                mean, low, high = mean_interval(share)
                rows.append(
                    {
                        "employees": n,
                        "structure": structure,
                        "role": role,
                        "family": family,
                        "share": mean,
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
    return pd.DataFrame(rows)


def roles_time_split(study, table: pd.DataFrame) -> dict:
    """Q1's key number: the combined IT manager's share of busy hours on project duties."""
    n = study.plan.reference_size
    share = family_share(study.main_point(n, "combined"), "it_manager", ("project",))
    quantity = f"share of the combined IT manager's busy hours on project duties at {n:,} employees"
    return key_number(quantity, "share", share)


def roles_time_split_verdict(study, table: pd.DataFrame, number: dict) -> str:
    n = study.plan.reference_size
    ops = mean_interval(family_share(study.main_point(n, "combined"), "it_manager", ("operations",)))[0]
    return (
        f"Two disciplines, one person: under combined the IT manager spends {percent(number['mean'])} of the "
        f"busy hours on projects and {percent(ops)} on operations, and the two compete for the same week; "
        f"under separate the project manager's hours are project hours."
    )


def roles_time_split_experiment(study) -> str:
    return (
        f"where every role's busy hours go, by family of duty, at {study.plan.reference_size:,} employees, combined "
        f"and separate ({study.plan.replications} replications)"
    )


# ------------------------------------------------------------------ Q2: combined in a small firm


def smallest_size_differences(study) -> pd.DataFrame:
    """q2.csv: combined against separate at the smallest size, paired by replication, on the
    answer's metrics, each with its verdict for separate."""
    n = study.plan.sizes[0]
    rows = []
    base = study.main_point(n, "combined").replications
    other = study.main_point(n, "separate").replications
    for metric in ANSWER_METRICS:
        if metric not in base or metric not in other:
            continue
        row = paired_difference(base[metric], other[metric])
        mid = catalogue.minimal_difference(metric)
        threshold = mid.threshold(finite_mean(base[metric])) if mid else None
        rows.append(
            {
                "employees": n,
                "metric": metric,
                "combined": finite_mean(base[metric]),
                "separate": finite_mean(other[metric]),
                "difference": row["mean_difference"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "mid": threshold,
                "verdict_for_separate": (
                    judge_advantage(row, threshold, catalogue.better_direction(metric) < 0)
                    if threshold is not None and catalogue.better_direction(metric)
                    else "a description"
                ),
            }
        )
    return pd.DataFrame(rows)


def combined_at_the_smallest_size(study, table: pd.DataFrame) -> dict:
    """Q2's key number: project lead time, separate - combined, at the smallest size."""
    n = study.plan.sizes[0]
    base = study.main_point(n, "combined").replications
    other = study.main_point(n, "separate").replications
    return key_number(
        f"project lead time, separate - combined, at {n:,} employees",
        "weeks",
        difference=paired_difference(base[LEAD_TIME], other[LEAD_TIME]),
    )


def combined_at_the_smallest_size_verdict(study, table: pd.DataFrame, number: dict) -> str:
    n = study.plan.sizes[0]
    lead = table.set_index("metric").loc[LEAD_TIME]
    cost = table.set_index("metric").loc["staff_cost_per_week"]
    said = (
        f"a dedicated PM changes project lead time by {format_number(lead['difference'], signed=True)} weeks "
        f"(95% CI {format_number(lead['ci_low'], signed=True)} to {format_number(lead['ci_high'], signed=True)}) "
        f"and costs {format_number(cost['difference'], signed=True)} a week"
    )
    return {
        BETTER: f"Even at {n:,} employees combined is slower: {said}.",
        WORSE: f"Combined works at {n:,} employees, and better than a dedicated PM: {said}.",
        NO_PRACTICAL_DIFFERENCE: f"Combined works at {n:,} employees: {said}, no practical difference.",
        CANNOT_TELL: f"At {n:,} employees the study cannot tell whether combined works as well: {said}; the "
        "interval is wider than the minimal important difference (run more replications).",
    }[lead["verdict_for_separate"]]


def combined_at_the_smallest_size_experiment(study) -> str:
    return (
        f"combined against separate at the smallest size studied, {study.plan.sizes[0]:,} employees, paired by "
        f"replication ({study.plan.replications} replications)"
    )


# ------------------------------------------------------------------ Q3: size and culture


def _lead_times(study, culture: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replication, the lead time of combined and of separate at size ``n``."""
    base = study.main_point(n, "combined", culture).replications[LEAD_TIME].to_numpy(dtype=float)
    other = study.main_point(n, "separate", culture).replications[LEAD_TIME].to_numpy(dtype=float)
    return base, other


def _cultures(study) -> tuple[str, str]:
    return study.plan.culture, study.plan.other_culture


def separate_advantage_by_culture(study) -> pd.DataFrame:
    """q3.csv: separate's lead-time advantage over combined at every size, under both cultures
    (``over_capacity``: why either side is over capacity, '' when both are stable)."""
    rows = []
    for culture in _cultures(study):
        for n in study.plan.sizes:
            base, other = _lead_times(study, culture, n)
            over = over_capacity(*(study.main_point(n, s, culture) for s in ("combined", "separate")))
            row = paired_difference(other, base)  # combined - separate: > 0, separate faster
            rows.append(
                {
                    "culture": culture,
                    "employees": n,
                    "separate_advantage_weeks": row["mean_difference"],
                    "ci_low": row["ci_low"],
                    "ci_high": row["ci_high"],
                    "n": row["n"],
                    "over_capacity": over,
                }
            )
    return pd.DataFrame(rows)


def culture_interaction(study, table: pd.DataFrame) -> dict:
    """Q3's key number: separate's advantage under the first culture minus under the other,
    at the reference size."""
    cultures = _cultures(study)
    n = study.plan.reference_size
    first = np.subtract(*_lead_times(study, cultures[0], n))
    second = np.subtract(*_lead_times(study, cultures[1], n))
    interaction = paired_difference(second, first)  # advantage under the first minus under the second
    return key_number(
        f"separate's lead-time advantage under {cultures[0]} minus under {cultures[1]}, at {n:,} employees",
        "weeks",
        difference=interaction,
    )


def culture_interaction_verdict(study, table: pd.DataFrame, number: dict) -> str:
    cultures = _cultures(study)
    n = study.plan.reference_size
    sweeps = {c: study.crossover(c) for c in cultures}
    mid = catalogue.minimal_difference(LEAD_TIME).value
    said = "; ".join(
        f"under {c} " + top_phrase(next(p for p in sweeps[c]["pairs"] if p["challenger"] == "separate"), mid)
        for c in cultures
    )
    depends = {
        BETTER: "depends on culture",
        WORSE: "depends on culture",
        NO_PRACTICAL_DIFFERENCE: "does not depend on culture in practice",
        CANNOT_TELL: "may depend on culture (the interval is wider than the MID)",
    }[judge(number["mean"], number["ci_low"], number["ci_high"], mid)]
    regions = next(p for p in sweeps[cultures[0]]["pairs"] if p["challenger"] == "separate").get("regions") or []
    size = "Size matters" if len({r["winner"] for r in regions}) > 1 else "Size does not change the verdict"
    return (
        f"{size}: {said}. At {n:,} employees separate's advantage {depends}: "
        f"{format_number(number['mean'], signed=True)} weeks more under {cultures[0]} (95% CI "
        f"{format_number(number['ci_low'], signed=True)} to {format_number(number['ci_high'], signed=True)})."
    )


def culture_interaction_experiment(study) -> str:
    return (
        f"combined and separate at {len(study.plan.sizes)} sizes under both cultures "
        f"(operations first and projects first), paired by replication"
    )


# ------------------------------------------------------------------ Q4: one ERP rollout

_ERP_LEAD_TIME = ERP_LEAD_TIME


def _erp_runs(study) -> dict:
    """The replications of the small firm (without and with the ERP rollout, combined and
    separate), with the rollout's lead time (NaN without it, or where it did not finish) and
    the lead time of the other projects; computed once per study.  The rollout's class is
    named apart from the scenario's own classes (:func:`erp_class`): a class of the user's
    named ``erp`` is one of the other projects, never the rollout."""

    def compute():
        rollout = erp_class(study.scenario)
        column = f"project_lead_time_weeks_mean.{rollout}"
        data = {}
        for label in ("without", "with"):
            for structure in ("combined", "separate"):
                result = study.result(f"erp.{label}", **{"org.structure": structure})
                frame = result.replications
                lead = frame[column] if label == "with" and column in frame else np.nan
                data[label, structure] = frame.assign(
                    **{_ERP_LEAD_TIME: lead, OTHER_PROJECTS: other_projects(result, rollout)}
                )
        return data

    return study.cached("erp runs", compute)


def erp_rollout(study) -> pd.DataFrame:
    """q4.csv: the small firm with and without one ERP rollout, combined and separate: the
    ERP's lead time, the other projects', the IT manager's utilisation and the SLA."""
    n = study.plan.small_firm
    metrics = (_ERP_LEAD_TIME, OTHER_PROJECTS, "utilisation.it_manager", "sla_attainment.total")
    data = _erp_runs(study)
    rows = []
    for label in ("without", "with"):
        for structure in ("combined", "separate"):
            frame = data[label, structure]
            for metric in metrics:
                values = frame[metric] if metric in frame else np.full(1, np.nan)
                mean, low, high = mean_interval(values)
                rows.append(
                    {
                        "employees": n,
                        "erp": label,
                        "structure": structure,
                        "metric": metric,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "finished": int(np.isfinite(np.asarray(values, dtype=float)).sum()),
                    }
                )
    return pd.DataFrame(rows)


def _measured_weeks(study) -> float:
    simulation = study.scenario.simulation
    return simulation.horizon_weeks - simulation.warmup_weeks


def erp_break_point(study, table: pd.DataFrame) -> dict:
    """Q4's key number: the ERP rollout's lead time, combined - separate (an ERP not finished
    by the end of the run took longer than the measured period: censored at it)."""
    data = _erp_runs(study)
    combined, separate = data["with", "combined"][_ERP_LEAD_TIME], data["with", "separate"][_ERP_LEAD_TIME]
    measured = _measured_weeks(study)
    difference = paired_difference(separate.fillna(measured), combined.fillna(measured))
    if _none_finished(data):  # both sides censored at the run's length: a difference of 0 that means nothing
        difference = {**difference, "mean_difference": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    return key_number(
        f"the ERP rollout's lead time, combined - separate, at {study.plan.small_firm:,} employees (unfinished "
        f"counted as {format_number(measured)} weeks)",
        "weeks",
        difference=difference,
    )


def _none_finished(data: dict) -> bool:
    """Whether the ERP rollout finished in no replication under either structure."""
    return all(data["with", s][_ERP_LEAD_TIME].isna().all() for s in ("combined", "separate"))


def erp_break_point_verdict(study, table: pd.DataFrame, number: dict) -> str:
    n = study.plan.small_firm
    data = _erp_runs(study)
    if _none_finished(data):
        return (
            f"The study cannot tell whether one ERP rollout breaks a combined {n:,}-employee firm: no finished "
            f"project under either structure (the rollout finished in none of the "
            f"{len(data['with', 'combined'])} replications within the measured period of "
            f"{format_number(_measured_weeks(study))} weeks; a longer horizon would tell)."
        )
    combined = data["with", "combined"][_ERP_LEAD_TIME]
    crowd = paired_difference(data["without", "combined"][OTHER_PROJECTS], data["with", "combined"][OTHER_PROJECTS])
    unfinished = int(combined.isna().sum())
    mid = catalogue.minimal_difference(LEAD_TIME).value
    said = (
        f"its lead time, combined - separate, is {format_number(number['mean'], signed=True)} "
        f"weeks (95% CI {format_number(number['ci_low'], signed=True)} to "
        f"{format_number(number['ci_high'], signed=True)})"
        + (f", {unfinished} of {len(combined)} not finished in the run under combined" if unfinished else "")
    )
    return {
        BETTER: f"One ERP rollout is a break point for a combined {n:,}-employee firm: {said}, and the other "
        f"projects' lead time changes by {format_number(crowd['mean_difference'], signed=True)} weeks when it lands.",
        WORSE: f"One ERP rollout goes faster in a combined {n:,}-employee firm than with a PM: {said}.",
        NO_PRACTICAL_DIFFERENCE: f"One ERP rollout does not break a combined {n:,}-employee firm here: {said}.",
        CANNOT_TELL: f"The study cannot tell whether one ERP rollout breaks a combined {n:,}-employee firm: "
        f"{said}, an interval wider than the minimal important difference.",
    }[judge(number["mean"], number["ci_low"], number["ci_high"], mid)]


def erp_break_point_experiment(study) -> str:
    return (
        f"one ERP rollout ({format_number(ERP['effort_hours'])} hours of IT effort, a team of "
        f"{ERP['team_size']}, an estimate) scheduled at the first measured week in a {study.plan.small_firm:,}-"
        f"employee firm, combined and separate, with and without it"
    )
