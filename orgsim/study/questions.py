"""The practitioners' questions Q1-Q8, as rows of one table, :data:`QUESTIONS`.

Each row names the question's id, its title, the CSV behind its figure, and the functions
that give its experiment (in words), its table, its key number and its verdict; the
functions are named for what they decide (``roles_time_split`` decides Q1, ``erp_break_point``
Q4, ``who_organises_the_work`` Q5 ...) and live in :mod:`orgsim.study.split_questions`
(Q1-Q4) and :mod:`orgsim.study.structure_questions` (Q5-Q8).  A new question is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..results import capacity, point_label
from . import split_questions as split
from . import structure_questions as structures

__all__ = ["QUESTIONS", "Question", "answer_questions", "key_numbers", "over_capacity_notes", "question_csv"]


@dataclass(frozen=True)
class Question:
    """One practitioners' question: ``table(study)`` is the data behind its figure (written
    as ``csv``), ``number(study, table)`` its key number (quantity, unit, kind, mean, ci_low,
    ci_high, n), ``verdict(study, table, number)`` the verdict in words and
    ``experiment(study)`` what was run.  ``points(study)``, for a key number read from a
    queue (a lead time), the :class:`~orgsim.results.Results` it rests on: where one is over
    capacity (:func:`orgsim.results.capacity.capacity`) the number is not printed."""

    id: str
    title: str
    csv: str
    experiment: Callable
    table: Callable
    number: Callable
    verdict: Callable
    points: Callable | None = None


def _smallest(study) -> list:
    return [study.main_point(study.plan.sizes[0], s) for s in ("combined", "separate")]


def _cultures(study) -> list:
    n, plan = study.plan.reference_size, study.plan
    return [study.main_point(n, s, c) for c in (plan.culture, plan.other_culture) for s in ("combined", "separate")]


def _erp(study) -> list:
    return [
        study.result(f"erp.{label}", **{"org.structure": s})
        for label in ("without", "with")
        for s in ("combined", "separate")
    ]


def _sweep(key: str) -> Callable:
    return lambda study: list(study.sweeps[key].results)


def _shared(study) -> pd.DataFrame:
    """Q5's table is the study's it_manager_hours.csv, computed once."""
    return study.it_manager_hours()


QUESTIONS: tuple[Question, ...] = (
    Question(
        "Q1",
        "PM and IT manager are two disciplines: projects vs IT service management",
        "q1.csv",
        split.roles_time_split_experiment,
        split.hours_by_family,
        split.roles_time_split,
        split.roles_time_split_verdict,
    ),
    Question(
        "Q2",
        "An IT manager can be a PM, but need not be",
        "q2.csv",
        split.combined_at_the_smallest_size_experiment,
        split.smallest_size_differences,
        split.combined_at_the_smallest_size,
        split.combined_at_the_smallest_size_verdict,
        _smallest,
    ),
    Question(
        "Q3",
        "It depends on the size and culture of the organisation",
        "q3.csv",
        split.culture_interaction_experiment,
        split.separate_advantage_by_culture,
        split.culture_interaction,
        split.culture_interaction_verdict,
        _cultures,
    ),
    Question(
        "Q4",
        "Small organisations hit a break point at one company project that needs a PM",
        "q4.csv",
        split.erp_break_point_experiment,
        split.erp_rollout,
        split.erp_break_point,
        split.erp_break_point_verdict,
        _erp,
    ),
    Question(
        "Q5",
        "Small firms: one IT manager does everything; larger: the PM organises the work",
        "it_manager_hours.csv",
        structures.who_organises_the_work_experiment,
        _shared,
        structures.who_organises_the_work,
        structures.who_organises_the_work_verdict,
    ),
    Question(
        "Q6",
        "PMO, embedded PMs, a senior engineer without the title, no PM role",
        "q6.csv",
        structures.fastest_structure_experiment,
        structures.structures_outcomes,
        structures.fastest_structure,
        structures.fastest_structure_verdict,
        _sweep("structures"),
    ),
    Question(
        "Q7",
        "A PM usually reports to an IT manager",
        "q7.csv",
        structures.reporting_line_cost_experiment,
        structures.reporting_line_outcomes,
        structures.reporting_line_cost,
        structures.reporting_line_cost_verdict,
    ),
    Question(
        "Q8",
        "A good PM-IT manager relationship, with roles agreed early, drives project success",
        "q8.csv",
        structures.clarity_effect_experiment,
        structures.clarity_outcomes,
        structures.clarity_effect,
        structures.clarity_effect_verdict,
        _sweep("clarity"),
    ),
)


def answer_questions(study) -> dict[str, dict]:
    """Every question of :data:`QUESTIONS`, by id: ``title``, ``experiment``, ``table``,
    ``number``, ``verdict`` and ``over_capacity`` (why each point its number rests on is over
    capacity; empty when none is)."""
    out = {}
    for question in QUESTIONS:
        table = question.table(study)
        number = question.number(study, table)
        out[question.id] = {
            "title": question.title,
            "experiment": question.experiment(study),
            "table": table,
            "number": number,
            "verdict": question.verdict(study, table, number),
            "over_capacity": over_capacity_notes(question.points(study) if question.points else []),
        }
    return out


def over_capacity_notes(points) -> list[str]:
    """Why each of ``points`` (Results) that is over capacity is, once each."""
    notes = []
    for result in points:
        check = capacity(result)
        if check.over:
            notes.append(check.why(point_label(result)))
    return list(dict.fromkeys(notes))


def key_numbers(study) -> pd.DataFrame:
    """key_numbers.csv: the number each question rests on, with its CI and the verdict, and
    ``over_capacity``: why a point it rests on is over capacity ('' when none is; then the
    number is the run's length, not the roles', and is not printed)."""
    rows = [
        {"question": q, **item["number"], "verdict": item["verdict"], "over_capacity": "; ".join(item["over_capacity"])}
        for q, item in study.questions().items()
    ]
    return pd.DataFrame(rows)


def question_csv(question: str) -> str:
    """The CSV behind a question's figure: ``q4.csv``; Q5's is it_manager_hours.csv."""
    return next(q.csv for q in QUESTIONS if q.id == question)
