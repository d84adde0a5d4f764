"""What the study writes: every table as a CSV (:data:`TABLES`, one row per file, and each
question's table, named in :data:`~orgsim.study.questions.QUESTIONS`), and study.json (the
plan, the answer, the key numbers).  :data:`FILES` declares every file name, in one place,
for the report and the output folder.

A new table is one row of :data:`TABLES`: CSV name -> function of the study.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd

from ..results import OutputFolder, jsonable
from . import alternatives as a
from . import manager_load as load
from . import tables as t
from .questions import QUESTIONS, key_numbers

__all__ = ["FILES", "SUMMARY", "TABLES", "study_files", "study_tables", "summary", "write"]

# every table the study writes but the questions', by CSV name
TABLES: dict[str, Callable] = {
    "tradeoffs.csv": t.tradeoffs,
    "net_benefit.csv": t.net_benefit,
    "it_manager_hours.csv": t.it_manager_hours,
    "headcounts.csv": t.headcounts,
    "headcount_steps.csv": t.headcount_steps,
    "sensitivity.csv": t.sensitivity,
    "manager_load.csv": load.manager_load,
    "span_crossover.csv": load.span_crossovers,
    "realism.csv": t.realism,
    "alternatives.csv": a.alternatives,
    "decomposition.csv": a.decomposition,
    "staff_cost_split.csv": a.staff_cost_split,
    "key_numbers.csv": key_numbers,
}
SUMMARY = "study.json"


def study_files() -> tuple[str, ...]:
    """Every file the study writes into its folder (the report adds report.html), read from
    :data:`TABLES` and :data:`~orgsim.study.questions.QUESTIONS` when called."""
    return tuple(dict.fromkeys([*TABLES, *(q.csv for q in QUESTIONS), SUMMARY]))


FILES: tuple[str, ...] = study_files()


def study_tables(study) -> dict[str, pd.DataFrame]:
    """Every CSV the study writes, by file name: the rows of :data:`TABLES` (read when
    called, so that a row added later is written too), then each question's."""
    out = {name: study.table(name) for name in TABLES}
    for q, item in study.questions().items():
        out.setdefault(next(row.csv for row in QUESTIONS if row.id == q), item["table"])
    return out


def summary(study) -> dict:
    """study.json: the plan, the answer, the key numbers and the sensitivity."""
    plan = study.plan
    return jsonable(
        {
            "scenario": study.scenario.name,
            "seed": study.seed,
            "plan": {
                "sizes": list(plan.sizes),
                "structures": list(plan.structures),
                "cultures": list(plan.cultures),
                "replications": plan.replications,
                "reference_size": plan.reference_size,
                "small_firm": plan.small_firm,
                "quick": plan.quick,
            },
            "value_per_project_week": study.value_per_project_week,
            "answer": study.answer(),
            "warnings": study.warnings,
            "unfinished": study.unfinished().to_dict(orient="records"),
            "questions": {q: {k: v for k, v in item.items() if k != "table"} for q, item in study.questions().items()},
        }
    )


def write(study, folder: OutputFolder) -> None:
    """Every table as CSV, and study.json."""
    for name, frame in study_tables(study).items():
        folder.frame(name, frame)
    folder.text(SUMMARY, json.dumps(summary(study), indent=2))
