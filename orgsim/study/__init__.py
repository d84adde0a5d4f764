"""The decision study: should the IT manager also be the project manager, and from what size on?

One batch of experiments on a user's scenario, with common random numbers
(:func:`study`), and everything built from them: the tables, the practitioners' questions
Q1-Q8, the answer and the files.  Every table the report shows is a DataFrame here, written
as CSV beside ``report.html`` (:mod:`orgsim.report`), so the numbers in the page are the
numbers in the files.

The modules, lowest first:

``plan``                 what the study runs (:class:`StudyPlan`, :func:`study_plan`)
``measures``             the metric of the answer, the study's own measures, Q4's ERP, key numbers
``regions``              who is better where along the sizes, in :func:`orgsim.stats.judge`'s words
``tables``               the tables (trade-offs, net benefit, hours, headcounts, sensitivity ...)
``manager_load``         the answer in load per IT manager, the span-of-control sweep
``split_questions``      Q1-Q4 (combined against separate), ``structure_questions`` Q5-Q8
``questions``            :data:`QUESTIONS`, one row per question
``answer``               the answer's two sentences
``files``                :data:`TABLES` (one row per CSV), :data:`FILES`, study.json, writing
``container``            :class:`Study`: the results, the lookups, each thing computed once
``run``                  the experiments, run in one batch (:func:`study`)
"""

from __future__ import annotations

from .answer import key_number_line
from .container import Study
from .files import FILES, TABLES, study_files
from .measures import ERP, LABELS
from .plan import (
    DEFAULT_SIZES,
    DEFAULT_STRUCTURES,
    QUICK_REPLICATIONS,
    QUICK_SIZES,
    SENSITIVITY,
    STUDY_REPLICATIONS,
    StudyPlan,
    study_plan,
)
from .questions import QUESTIONS, Question, question_csv
from .run import experiments, study

__all__ = [
    "DEFAULT_SIZES",
    "DEFAULT_STRUCTURES",
    "ERP",
    "FILES",
    "LABELS",
    "QUESTIONS",
    "QUICK_REPLICATIONS",
    "QUICK_SIZES",
    "SENSITIVITY",
    "STUDY_REPLICATIONS",
    "TABLES",
    "Question",
    "Study",
    "StudyPlan",
    "key_number_line",
    "question_csv",
    "experiments",
    "study",
    "study_files",
    "study_plan",
]
