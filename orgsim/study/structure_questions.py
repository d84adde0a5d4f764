"""Q5-Q8, the questions on who organises the work and how: the IT manager's hours from the
small firm to the large (Q5), every structure side by side (Q6), whom the project managers
report to (Q7), and how much clear roles matter (Q8).

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
from .measures import IT_PEOPLE_HOURS, LEAD_TIME, PEOPLE, family_share, finite_mean, key_number
from .regions import judge_advantage

__all__ = [
    "clarity_effect",
    "clarity_effect_verdict",
    "clarity_outcomes",
    "fastest_structure",
    "fastest_structure_verdict",
    "reporting_line_cost",
    "reporting_line_cost_verdict",
    "reporting_line_outcomes",
    "structures_outcomes",
    "who_organises_the_work",
    "who_organises_the_work_verdict",
]


def _hours(study, hours: float) -> str:
    """``24 working hours (3 working days)``."""
    days = hours / study.scenario.calendar.hours_per_day
    return f"{format_number(hours)} working hours ({format_number(days)} working day{'' if days == 1 else 's'})"


# ------------------------------------------------------------------ Q5: who organises the work
# its table is it_manager_hours.csv (orgsim.study.tables.it_manager_hours)


def _project_share(study, structure: str, n: int) -> np.ndarray:
    return family_share(study.main_point(n, structure), "it_manager", ("project",))


def who_organises_the_work(study, table: pd.DataFrame) -> dict:
    """Q5's key number: the combined IT manager's share of busy hours on project duties at
    the smallest size."""
    small = study.plan.sizes[0]
    return key_number(
        f"the IT manager's share of busy hours on project duties: combined at {small:,} employees",
        "share",
        _project_share(study, "combined", small),
    )


def who_organises_the_work_verdict(study, table: pd.DataFrame, number: dict) -> str:
    small, large = study.plan.sizes[0], study.plan.sizes[-1]
    combined = study.main_point(small, "combined")
    separate = study.main_point(large, "separate")

    def split(result):
        return ", ".join(
            f"{percent(mean_interval(family_share(result, 'it_manager', (family,)))[0])} {family}"
            for family in ("operations", "project", "management")
        )

    small_project = mean_interval(_project_share(study, "combined", small))[0]
    large_project = mean_interval(_project_share(study, "separate", large))[0]
    first = f"At {small:,} employees the combined IT manager's busy hours are {split(combined)}" + (
        "" if small_project >= 0.05 else ": projects get almost none of them"
    )
    second = f"at {large:,} employees under separate they are {split(separate)}" + (
        ": the project managers organise the project work" if large_project < 0.05 else ""
    )
    return f"{first}; {second}."


def who_organises_the_work_experiment(study) -> str:
    return "the IT manager's hours per week by duty at every size, combined and separate"


# ------------------------------------------------------------------ Q6 and Q7: the structures


def _structure_values(study, structure: str) -> pd.DataFrame:
    """The replications of one structure at the reference size, with the IT managers'
    people-management hours summed over all of them (per person x FTE)."""
    frame = study.result("structures", **{"org.structure": structure}).replications
    per_person = frame.get(f"hours_per_person_week.it_manager.{PEOPLE}", 0.0)
    return frame.assign(**{IT_PEOPLE_HOURS: per_person * frame.get("fte.it_manager", 0.0)})


def _structures_table(study, metrics) -> pd.DataFrame:
    sweep = study.sweeps["structures"]
    base = _structure_values(study, "combined")
    rows = []
    for point in sweep.points:
        values = _structure_values(study, point["org.structure"])
        for metric in metrics:
            if metric not in values:
                continue
            mean, low, high = mean_interval(values[metric])
            row = paired_difference(base[metric], values[metric])
            rows.append(
                {
                    "employees": study.plan.reference_size,
                    "structure": point["org.structure"],
                    "metric": metric,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "difference_vs_combined": row["mean_difference"],
                    "difference_ci_low": row["ci_low"],
                    "difference_ci_high": row["ci_high"],
                }
            )
    return pd.DataFrame(rows)


def structures_outcomes(study) -> pd.DataFrame:
    """q6.csv: every structure at the reference size, paired by replication against combined."""
    return _structures_table(
        study, (LEAD_TIME, "project_on_time_share", "rework_hours_per_week", "staff_cost_per_week")
    )


def _lead_times(study, structure: str) -> pd.Series:
    return study.result("structures", **{"org.structure": structure}).replications[LEAD_TIME]


def _ranked(table: pd.DataFrame) -> tuple[str, pd.Series]:
    """The structure with the shortest mean lead time, and every structure's, shortest first."""
    lead = table[table["metric"] == LEAD_TIME].set_index("structure")
    best = lead["mean"].idxmin() if lead["mean"].notna().any() else "combined"
    return best, lead["mean"].dropna().sort_values()


def fastest_structure(study, table: pd.DataFrame) -> dict:
    """Q6's key number: project lead time of the fastest structure - combined (of the fastest
    structure against combined where combined is fastest; none where no structure finished a
    project)."""
    best, ranked = _ranked(table)
    if ranked.empty:
        nothing = {"mean_difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
        return key_number(
            f"project lead time of the fastest structure - combined, at {study.plan.reference_size:,} employees "
            "(no finished project under any structure)",
            "weeks",
            difference=nothing,
        )
    if best == "combined" and len(ranked) > 1:
        best = ranked.index[1]  # combined is fastest: the runner-up against it, never combined - combined
    return key_number(
        f"project lead time, {best} - combined, at {study.plan.reference_size:,} employees",
        "weeks",
        difference=paired_difference(_lead_times(study, "combined"), _lead_times(study, best)),
    )


def fastest_structure_verdict(study, table: pd.DataFrame, number: dict) -> str:
    n = study.plan.reference_size
    best, ranked = _ranked(table)
    if ranked.empty:
        return (
            f"The study cannot tell which structure is fastest at {n:,} employees: no finished project under any "
            "structure within the run (a longer horizon would tell)."
        )
    order = ", ".join(f"{s} {format_number(v)}" for s, v in ranked.items())
    runner = ranked.index[1] if len(ranked) > 1 else None
    mid = catalogue.minimal_difference(LEAD_TIME).value
    if runner is None:
        versus = ""
    else:
        row = paired_difference(_lead_times(study, best), _lead_times(study, runner))  # runner-up - best
        versus = {
            BETTER: f"; {best} is fastest, ahead of {runner} by more than the MID",
            WORSE: f"; {runner} is fastest",
            NO_PRACTICAL_DIFFERENCE: f"; {best} and {runner} are fastest, with no practical difference",
            CANNOT_TELL: f"; {best} leads, but the study cannot tell it from {runner}",
        }[judge(row["mean_difference"], row["ci_low"], row["ci_high"], mid)] + (
            f" ({format_number(row['mean_difference'], signed=True)} weeks, 95% CI "
            f"{format_number(row['ci_low'], signed=True)} to {format_number(row['ci_high'], signed=True)})"
        )
    return (
        f"Each structure has its own mechanism and outcome: mean project lead time at {n:,} employees "
        f"{order} weeks{versus}."
    )


def fastest_structure_experiment(study) -> str:
    return f"every structure at {study.plan.reference_size:,} employees, paired by replication against combined"


def reporting_line_outcomes(study) -> pd.DataFrame:
    """q7.csv: separate (PMs report to the IT manager) and embedded (PMs outside IT) at the
    reference size, against combined."""
    table = _structures_table(study, (IT_PEOPLE_HOURS, "rework_hours_per_week", LEAD_TIME, "staff_cost_per_week"))
    return table[table["structure"].isin(["separate", "embedded"])].reset_index(drop=True)


def reporting_line_cost(study, table: pd.DataFrame) -> dict:
    """Q7's key number: the IT managers' people-management hours a week, separate - embedded."""
    separate, embedded = _structure_values(study, "separate"), _structure_values(study, "embedded")
    return key_number(
        f"people-management hours of all IT managers a week, separate (PMs report to the IT manager) - "
        f"embedded (PMs outside IT), at {study.plan.reference_size:,} employees",
        "hours per week",
        difference=paired_difference(embedded[IT_PEOPLE_HOURS], separate[IT_PEOPLE_HOURS]),
    )


def _embedded_delay(study) -> str:
    """How much longer an embedded PM's escalation takes (its role's escalation latency)."""
    roles = study.result("structures", **{"org.structure": "embedded"}).scenario.roles
    return _hours(study, max((r.escalation_latency_hours for r in roles), default=0.0))


def reporting_line_cost_verdict(study, table: pd.DataFrame, number: dict) -> str:
    separate, embedded = _structure_values(study, "separate"), _structure_values(study, "embedded")
    rework = paired_difference(separate["rework_hours_per_week"], embedded["rework_hours_per_week"])
    lead = paired_difference(separate[LEAD_TIME], embedded[LEAD_TIME])
    effects = []
    for row, what, unit, metric in (
        (rework, "rework", "hours a week", "rework_hours_per_week"),
        (lead, "lead time", "weeks", LEAD_TIME),
    ):
        mid = catalogue.minimal_difference(metric).threshold(finite_mean(separate[metric]))
        word = judge_advantage(row, mid)  # embedded against separate: lower is better
        effects.append(
            f"{what} {format_number(row['mean_difference'], signed=True)} {unit} (95% CI "
            f"{format_number(row['ci_low'], signed=True)} to {format_number(row['ci_high'], signed=True)}: "
            + ("the study cannot tell" if word == CANNOT_TELL else word)
            + ")"
        )
    fixed = bool(np.isclose(number["ci_low"], number["ci_high"]))
    return (
        f"PMs who report to the IT manager cost the IT managers "
        f"{format_number(number['mean'], signed=True)} hours of 1:1s and appraisals a week"
        + (" (fixed by the reporting lines and the meeting rules)" if fixed else "")
        + f"; PMs outside IT escalate across lines, {_embedded_delay(study)} slower, with "
        + " and ".join(effects)
        + " against PMs inside IT."
    )


def reporting_line_cost_experiment(study) -> str:
    return (
        f"separate (PMs report to the IT manager) against embedded (PMs outside IT) at "
        f"{study.plan.reference_size:,} employees, paired by replication"
    )


# ------------------------------------------------------------------ Q8: role clarity


def clarity_outcomes(study) -> pd.DataFrame:
    """q8.csv: lead time, rework and on-time share at every role clarity, under separate at
    the reference size."""
    sweep = study.sweeps["clarity"]
    rows = []
    for point, result in zip(sweep.points, sweep.results, strict=True):
        for metric in (LEAD_TIME, "rework_hours_per_week", "project_on_time_share"):
            mean, low, high = mean_interval(result.replications[metric])
            rows.append(
                {
                    "employees": study.plan.reference_size,
                    "structure": "separate",
                    "role_clarity": point["org.role_clarity"],
                    "metric": metric,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def _clear_and_unclear(study) -> tuple[pd.DataFrame, pd.DataFrame]:
    low, high = min(study.plan.clarity), max(study.plan.clarity)
    unclear = study.result("clarity", **{"org.role_clarity": low}).replications
    clear = study.result("clarity", **{"org.role_clarity": high}).replications
    return clear, unclear


def clarity_effect(study, table: pd.DataFrame) -> dict:
    """Q8's key number: project lead time at the clearest roles - at the least clear."""
    clear, unclear = _clear_and_unclear(study)
    low, high = min(study.plan.clarity), max(study.plan.clarity)
    return key_number(
        f"project lead time at role clarity {format_number(low)} - at {format_number(high)}, separate, "
        f"{study.plan.reference_size:,} employees",
        "weeks",
        difference=paired_difference(clear[LEAD_TIME], unclear[LEAD_TIME]),
    )


def clarity_effect_verdict(study, table: pd.DataFrame, number: dict) -> str:
    clear, unclear = _clear_and_unclear(study)
    rework = paired_difference(clear["rework_hours_per_week"], unclear["rework_hours_per_week"])
    mid = catalogue.minimal_difference(LEAD_TIME).value
    strength = {  # clear roles against unclear: positive, clarity shortens lead time
        BETTER: "matters",
        WORSE: "backfires here",
        NO_PRACTICAL_DIFFERENCE: (
            "helps, but by less than the minimal important difference"
            if number["ci_low"] > 0
            else "makes no practical difference to lead time here"
        ),
        CANNOT_TELL: "may matter: the study cannot tell (the interval is wider than the MID)",
    }[judge(number["mean"], number["ci_low"], number["ci_high"], mid)]
    return (
        f"Role clarity {strength}: with unclear roles, where each decision that needs both waits "
        f"{_hours(study, study.scenario.projects.decision_latency_hours)} longer, lead time changes by "
        f"{format_number(number['mean'], signed=True)} weeks and rework by "
        f"{format_number(rework['mean_difference'], signed=True)} hours a week."
    )


def clarity_effect_experiment(study) -> str:
    return (
        f"role clarity {', '.join(format_number(c) for c in study.plan.clarity)} under separate at "
        f"{study.plan.reference_size:,} employees, paired by replication"
    )
