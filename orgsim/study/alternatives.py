"""The PM against the same money spent otherwise, and against re-arranging the week for free.

Separate has more people than combined, so separate - combined mixes what a project manager
brings with what any extra person brings.  Beside combined and separate, at the reference size
and the grid size below it (:func:`alternative_sizes`; where the answer is read, and few runs),
the study runs:

- the **equal-cost** alternatives (:data:`orgsim.scenario.EQUAL_COST_STRUCTURES`): combined plus
  the PMs' cost spent on more engineers (``combined_engineer``) or on deputies who take the IT
  manager's interrupts and approvals (``combined_deputy``);
- the **free** re-arrangements: the IT manager's protected project time (the ``balanced`` culture,
  39% of the week), a senior engineer who coordinates (``no_pm``, from the main sweep) and the
  other culture (from the culture experiment).

Tables: ``alternatives.csv`` (each alternative's extra staff cost and its lead time against
separate's, judged with the MID), ``decomposition.csv`` (separate - combined as a capacity part
and a role part, :mod:`orgsim.results.decomposition`) and ``staff_cost_split.csv`` (how much of
separate's extra staff cost is the PMs and how much knock-on hiring: IT managers, a head of IT).
:func:`answer_sentences` says it in the answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue
from ..results import capacity, decompose, decomposition_sentence
from ..scenario import EQUAL_COST_STRUCTURES, PRESETS
from ..stats import judge, mean_interval, paired_difference
from ..wording import BETTER, NO_PRACTICAL_DIFFERENCE, OVER_CAPACITY, format_number
from .measures import LEAD_TIME

__all__ = [
    "PROTECTED",
    "alternative_experiments",
    "alternative_sizes",
    "alternatives",
    "answer_sentences",
    "cheapest_not_worse",
    "decomposition",
    "staff_cost_split",
]

PROTECTED = "balanced"  # the culture whose IT manager protects 39% of the week for projects
_COST = "staff_cost_per_week"


def alternative_sizes(plan) -> tuple[int, ...]:
    """The sizes the alternatives run at: the grid size below the reference size (when there is
    one) and the reference size itself, where the answer's numbers are read."""
    index = plan.sizes.index(plan.reference_size)
    return tuple(plan.sizes[max(0, index - 1) : index + 1])


def alternative_experiments(plan) -> list[tuple[str, dict, dict, dict]]:
    """The experiments (key, base, vary, across) of the alternatives: combined, separate, no_pm
    and the equal-cost structures under the answer's culture (combined, separate and no_pm
    shared with the main sweep's runs), and combined with protected project time (unless that is
    the answer's culture)."""
    sizes = {"org.employees": list(alternative_sizes(plan))}
    structures = ["combined", "separate", "no_pm", *EQUAL_COST_STRUCTURES]
    out = [("alternatives", {"org.culture": plan.culture}, sizes, {"org.structure": structures})]
    if plan.culture != PROTECTED:
        out.append(("alternatives.protected", {"org.culture": PROTECTED}, sizes, {"org.structure": ["combined"]}))
    return out


def _point(study, key: str, employees: int, structure: str):
    return study.result(key, **{"org.employees": employees, "org.structure": structure})


def _candidates(study, employees: int) -> list[tuple[str, str, object]]:
    """(name, kind, Results) of every alternative at ``employees``: the equal-cost structures,
    then the free re-arrangements, cheapest kind last."""
    out = [(name, "equal cost", _point(study, "alternatives", employees, name)) for name in EQUAL_COST_STRUCTURES]
    out.append(("no_pm", "free", _point(study, "alternatives", employees, "no_pm")))
    if "alternatives.protected" in study.sweeps:
        out.append((f"combined, {PROTECTED}", "free", _point(study, "alternatives.protected", employees, "combined")))
    other = study.plan.other_culture
    if f"main.{other}" in study.sweeps:
        out.append((f"combined, {other}", "free", study.main_point(employees, "combined", other)))
    return out


def alternatives(study) -> pd.DataFrame:
    """alternatives.csv: at each size of :func:`alternative_sizes`, combined, separate and every
    alternative: its kind, extra staff cost a week against combined, lead time (mean, CI), its
    lead time minus separate's (paired: mean, CI), the MID and the verdict against separate
    (:func:`orgsim.stats.judge`; over capacity where either side is), and
    ``not_worse_than_separate`` (better, or no practical difference)."""
    mid = catalogue.minimal_difference(LEAD_TIME).value
    rows = []
    for employees in alternative_sizes(study.plan):
        combined = _point(study, "alternatives", employees, "combined")
        separate = _point(study, "alternatives", employees, "separate")
        base_cost = float(np.nanmean(combined.replications[_COST]))
        baselines = [("combined", "baseline", combined), ("separate", "baseline", separate)]
        for name, kind, result in [*baselines, *_candidates(study, employees)]:
            mean, low, high = mean_interval(result.replications[LEAD_TIME])
            over = capacity(result).over or capacity(separate).over
            if name == "separate":
                row, word = {"mean_difference": 0.0, "ci_low": 0.0, "ci_high": 0.0}, None
            else:
                row = paired_difference(separate.replications[LEAD_TIME], result.replications[LEAD_TIME])
                # less lead time is better: orient so that positive is good for the alternative
                word = OVER_CAPACITY if over else judge(-row["mean_difference"], -row["ci_high"], -row["ci_low"], mid)
            rows.append(
                {
                    "employees": employees,
                    "alternative": name,
                    "kind": kind,
                    "extra_staff_cost": float(np.nanmean(result.replications[_COST])) - base_cost,
                    "lead_time": mean,
                    "lead_time_ci_low": low,
                    "lead_time_ci_high": high,
                    "minus_separate": row["mean_difference"],
                    "minus_separate_ci_low": row["ci_low"],
                    "minus_separate_ci_high": row["ci_high"],
                    "mid": mid,
                    "verdict_against_separate": word,
                    "not_worse_than_separate": word in (BETTER, NO_PRACTICAL_DIFFERENCE),
                }
            )
    return pd.DataFrame(rows)


def decomposition(study) -> pd.DataFrame:
    """decomposition.csv: at each size of :func:`alternative_sizes` and for each equal-cost
    structure, separate - combined on project lead time as a total, a capacity part and a role
    part, each with its paired 95% CI and verdict (:func:`orgsim.results.decompose`)."""
    frames = []
    for employees in alternative_sizes(study.plan):
        combined = _point(study, "alternatives", employees, "combined")
        separate = _point(study, "alternatives", employees, "separate")
        for name in EQUAL_COST_STRUCTURES:
            frame = decompose(combined, _point(study, "alternatives", employees, name), separate, LEAD_TIME)
            frame.insert(0, "employees", employees)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def staff_cost_split(study) -> pd.DataFrame:
    """staff_cost_split.csv: at every size of the main sweep, separate's extra staff cost a week
    against combined, split into the project managers themselves, the knock-on hiring (more IT
    managers, a head of IT: the PMs count toward the IT managers' span, as they report there)
    and the rest (overtime): ``extra_staff_cost``, ``project_managers``, ``knock_on``,
    ``overtime_and_other``, and the IT managers of each."""
    hours = study.scenario.calendar.hours_per_week
    added = set(next(row for row in PRESETS if row.name == "separate").added_roles)
    rows = []
    for employees in study.plan.sizes:
        combined = study.main_point(employees, "combined")
        separate = study.main_point(employees, "separate")
        counts = [_headcounts(result) for result in (combined, separate)]
        costs = {role.name: role.hourly_cost for role in separate.scenario.roles}
        costs.update({role.name: role.hourly_cost for role in combined.scenario.roles})
        change = {role: counts[1].get(role, 0.0) - counts[0].get(role, 0.0) for role in {*counts[0], *counts[1]}}
        pms = sum(change[r] * costs.get(r, 0.0) * hours for r in change if r in added)
        knock_on = sum(change[r] * costs.get(r, 0.0) * hours for r in change if r not in added)
        total = float(np.nanmean(separate.replications[_COST]) - np.nanmean(combined.replications[_COST]))
        rows.append(
            {
                "employees": employees,
                "extra_staff_cost": total,
                "project_managers": pms,
                "knock_on": knock_on,
                "overtime_and_other": total - pms - knock_on,
                "it_managers_combined": counts[0].get("it_manager", 0.0),
                "it_managers_separate": counts[1].get("it_manager", 0.0),
                "heads_of_it_combined": counts[0].get("head_of_it", 0.0),
                "heads_of_it_separate": counts[1].get("head_of_it", 0.0),
            }
        )
    return pd.DataFrame(rows)


def _headcounts(result) -> dict[str, float]:
    summary = result.summary
    rows = summary[summary["metric"].str.startswith("headcount.")]
    return {metric.split(".", 1)[1]: float(mean) for metric, mean in zip(rows["metric"], rows["mean"], strict=True)}


def cheapest_not_worse(study, employees: int | None = None) -> dict | None:
    """The cheapest alternative at ``employees`` (default: the reference size) whose lead time is
    not worse than separate's by more than the MID (a row of :func:`alternatives`), or None."""
    employees = study.plan.reference_size if employees is None else employees
    table = study.table("alternatives.csv")
    rows = table[(table["employees"] == employees) & (table["kind"] != "baseline") & table["not_worse_than_separate"]]
    if rows.empty:
        return None
    return rows.sort_values("extra_staff_cost", kind="stable").iloc[0].to_dict()


def answer_sentences(study) -> list[str]:
    """The answer's sentences on the alternatives at the reference size: which part of separate
    - combined the PM's money carries (capacity or role), the cheapest alternative not worse
    than separate by more than the MID, and whether the split also buys an IT manager (none
    when the study ran no alternatives)."""
    if "alternatives" not in study.sweeps:  # a study built without them
        return []
    n = study.plan.reference_size
    parts = study.table("decomposition.csv")
    out = []
    for name in EQUAL_COST_STRUCTURES:
        frame = parts[(parts["employees"] == n) & (parts["alternative"] == name)]
        if len(frame):
            out.append(f"At {format_number(n)} employees, through {name}: " + decomposition_sentence(frame))
    best = cheapest_not_worse(study)
    mid = format_number(catalogue.minimal_difference(LEAD_TIME).value)
    if best is None:
        out.append(
            f"At {format_number(n)} employees no alternative (equal cost or free) is within the MID of {mid} week of "
            "separate's project lead time."
        )
    else:
        cost = best["extra_staff_cost"]
        spent = "at no extra cost" if abs(cost) < 0.5 else f"for {format_number(cost, signed=True)} a week"
        out.append(
            f"The cheapest alternative to a PM at {format_number(n)} employees that is not worse than separate by more "
            f"than the MID of {mid} week: {best['alternative']} ({best['kind']}, {spent} against combined; "
            f"{format_number(best['minus_separate'], signed=True)} weeks against separate, 95% CI "
            f"{format_number(best['minus_separate_ci_low'], signed=True)} to "
            f"{format_number(best['minus_separate_ci_high'], signed=True)}: {best['verdict_against_separate']})."
        )
    split = study.table("staff_cost_split.csv")
    row = split[split["employees"] == n]
    if len(row):
        row = row.iloc[0]
        bought = [
            _people(row[f"{column}_separate"] - row[f"{column}_combined"], label)
            for column, label in (("it_managers", "IT manager"), ("heads_of_it", "head of IT"))
        ]
        bought = [b for b in bought if b]
        if bought:
            out.append(
                f"At {format_number(n)} employees the split also buys {' and '.join(bought)}"
                " (the project managers report to the IT managers and count toward their span): of the "
                f"{format_number(row['extra_staff_cost'], signed=True)} a week, the project managers are "
                f"{format_number(row['project_managers'], signed=True)} and the knock-on hiring "
                f"{format_number(row['knock_on'], signed=True)}; the equal-cost alternatives count the same way."
            )
    return out


def _people(count: float, role: str) -> str:
    """'one more IT manager', '2 more IT managers'; '' for none."""
    count = int(round(count))
    if count <= 0:
        return ""
    return f"one more {role}" if count == 1 else f"{format_number(count)} more {role}s"
