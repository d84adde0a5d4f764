"""The :class:`Study`: every experiment's results (each a :class:`~orgsim.results.Sweep`),
the lookups into them, and each table, question, answer and file computed once from them.

The computing and the wording live in the modules beside this one (:mod:`.tables`,
:mod:`.questions`, :mod:`.answer`, :mod:`.files`); a Study only holds the results, finds a
point, and keeps what it has computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..results import OutputFolder, Results, Sweep, capacity
from ..scenario import Scenario
from . import answer as answer_module
from . import files
from . import tables as table_functions
from .measures import LABELS, LEAD_TIME
from .plan import StudyPlan
from .questions import QUESTIONS, answer_questions

__all__ = ["Study"]


@dataclass
class Study:
    """Every experiment of the study (each a :class:`~orgsim.results.Sweep`), the plan and
    the value of a project-week, and the tables and the answer built from them."""

    scenario: Scenario
    plan: StudyPlan
    seed: int
    sweeps: dict[str, Sweep]
    basis: Results | None
    value_per_project_week: float = 0.0
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------- lookups

    @property
    def main(self) -> Sweep:
        """The size sweep of every structure under the answer's culture."""
        return self.sweeps[f"main.{self.plan.culture}"]

    def result(self, key: str, **point) -> Results:
        """The results of one point of one experiment, e.g. ``result("main.operations_first",
        **{"org.employees": 200, "org.structure": "separate"})``."""
        sweep = self.sweeps[key]
        for at, result in zip(sweep.points, sweep.results, strict=True):
            if all(at.get(k) == v for k, v in point.items()):
                return result
        raise KeyError(f"{key}: no point {point}")

    def main_point(self, employees: int, structure: str, culture: str | None = None) -> Results:
        """The main sweep's point at ``employees`` and ``structure`` (under ``culture``, by
        default the answer's)."""
        key = f"main.{culture or self.plan.culture}"
        return self.result(key, **{"org.employees": employees, "org.structure": structure})

    def cached(self, key, compute: Callable):
        """``compute()``, once per study and ``key``."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def warnings(self) -> list[str]:
        """Every warning of the runs, ``experiment: point: warning``, grouped by point, the
        largest organisation first (:meth:`warnings_by_point`)."""
        return [f"{g['experiment']}: {g['label']}: {w}" for g in self.warnings_by_point() for w in g["warnings"]]

    def warnings_by_point(self) -> list[dict]:
        """The runs' warnings grouped by point, the largest organisation first (then over
        capacity first, then in the order of the experiments): ``experiment``, ``label`` (the
        point's parameters), ``point`` (both, in words), ``employees``, ``over_capacity`` and
        ``warnings``."""

        def compute():
            groups = []
            for key, sweep in self.sweeps.items():
                for point, result in zip(sweep.points, sweep.results, strict=True):
                    if not result.warnings:
                        continue
                    label = ", ".join(f"{k}={v}" for k, v in point.items())
                    groups.append(
                        {
                            "experiment": key,
                            "label": label,
                            "point": f"{key}: {label}" if label else key,
                            "employees": result.scenario.org.employees,
                            "over_capacity": capacity(result).over,
                            "warnings": list(result.warnings),
                        }
                    )
            order = sorted(
                range(len(groups)), key=lambda i: (-groups[i]["employees"], not groups[i]["over_capacity"], i)
            )
            return [groups[i] for i in order]

        return self.cached("warnings by point", compute)

    # ------------------------------------------------------------- the answer

    def crossover(self, culture: str | None = None) -> dict:
        """The sweep's crossover (regions with the MID) on project lead time, and on the net
        benefit when a project-week has a value."""
        culture = culture or self.plan.culture
        return self.cached(
            ("crossover", culture),
            lambda: self.sweeps[f"main.{culture}"].crossover(LEAD_TIME, self.value_per_project_week),
        )

    def answer(self) -> dict:
        """The answer in two sentences (:func:`orgsim.study.answer.answer`)."""
        return answer_module.answer(self)

    def questions(self) -> dict[str, dict]:
        """Q1-Q8 (:data:`orgsim.study.questions.QUESTIONS`): for each, ``title``,
        ``experiment`` (what was run), ``table`` (its data, the CSV behind its figure),
        ``number`` (quantity, mean, ci_low, ci_high, unit) and ``verdict``."""
        return self.cached("questions", lambda: answer_questions(self))

    def crossover_movers(self) -> pd.DataFrame:
        """The one-at-a-time changes that move the answer, most first
        (:func:`orgsim.study.tables.crossover_movers`)."""
        return self.cached("crossover movers", lambda: table_functions.crossover_movers(self))

    def unfinished(self) -> pd.DataFrame:
        """The answer's points where some replications finished no project
        (:func:`orgsim.study.tables.unfinished`)."""
        return self.cached("unfinished", lambda: table_functions.unfinished(self))

    # ------------------------------------------------------------- tables

    def table(self, name: str) -> pd.DataFrame:
        """The table written as ``name``, once: a row of :data:`orgsim.study.files.TABLES`, or
        a question's (``q4.csv``: the table of the row of Q4 in
        :data:`orgsim.study.questions.QUESTIONS`)."""
        if name not in files.TABLES:
            question = next((q.id for q in QUESTIONS if q.csv == name), None)
            if question is None:
                raise KeyError(f"the study writes no table {name!r}")
            return self.questions()[question]["table"]
        return self.cached(name, lambda: files.TABLES[name](self))

    @property
    def labels(self) -> dict[str, str]:
        """How the figures name the study's own measures (:data:`orgsim.study.measures.LABELS`)."""
        return dict(LABELS)

    def tradeoffs(self) -> pd.DataFrame:
        return self.table("tradeoffs.csv")

    def net_benefit(self) -> pd.DataFrame:
        return self.table("net_benefit.csv")

    def it_manager_hours(self) -> pd.DataFrame:
        return self.table("it_manager_hours.csv")

    def headcounts(self) -> pd.DataFrame:
        return self.table("headcounts.csv")

    def headcount_steps(self) -> pd.DataFrame:
        return self.table("headcount_steps.csv")

    def sensitivity(self) -> pd.DataFrame:
        return self.table("sensitivity.csv")

    def realism(self) -> pd.DataFrame:
        return self.table("realism.csv")

    def key_numbers(self) -> pd.DataFrame:
        return self.table("key_numbers.csv")

    # ------------------------------------------------------------- files

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every CSV the study writes, by file name (:func:`orgsim.study.files.study_tables`)."""
        return files.study_tables(self)

    def summary(self) -> dict:
        """study.json: the plan, the answer, the key numbers and the sensitivity."""
        return files.summary(self)

    def write(self, folder: OutputFolder) -> None:
        """Every table as CSV, and study.json."""
        files.write(self, folder)
