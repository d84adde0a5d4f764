"""What experiments produce: :class:`Results` of one scenario, a :class:`Comparison` of
several, a :class:`Sweep` over a grid — data first (pandas DataFrames, JSON, CSV); the
pictures are :mod:`orgsim.plots`.

:func:`simulate`, :func:`compare` and :func:`sweep` run their scenarios on the one runner
(:func:`orgsim.experiment.run_scenarios`) and wrap what comes back.  The modules:

- :mod:`~orgsim.results.folder`: :class:`OutputFolder`, writing files whole and swapping a
  folder in;
- :mod:`~orgsim.results.run`: :class:`Results` and :func:`simulate`;
- :mod:`~orgsim.results.events`: the event log (events.csv, events.xes);
- :mod:`~orgsim.results.money`: the cost of delay and the net benefit;
- :mod:`~orgsim.results.capacity`: the stability check of a point (:func:`capacity`: over
  capacity or stable) and the metrics read from a queue (``QUEUE_MAGNITUDES``);
- :mod:`~orgsim.results.censored`: project lead time counting the open projects (Kaplan-Meier);
- :mod:`~orgsim.results.comparison`: :class:`Comparison`, :func:`compare`, the MIDs;
- :mod:`~orgsim.results.decomposition`: separate - combined as a capacity part and a role part;
- :mod:`~orgsim.results.sweep`: :class:`Sweep`, :func:`sweep`, the crossover and regions;
- :mod:`~orgsim.results.wording`: the words about results (warnings, the crossover sentence, the
  lines the commands print: net benefit, headcount steps, a sweep's table).
"""

from __future__ import annotations

from .capacity import capacity, point_label
from .censored import censored_lead_time_line
from .comparison import Comparison, compare, parse_mids, verdict
from .decomposition import decompose, decomposition_sentence
from .events import EVENT_FORMATS, event_formats
from .folder import FIGURES, MANIFEST, Files, OutputFolder, UndeclaredFileError, declare, jsonable
from .money import NET_BENEFIT, cost_with_delay, net_benefit, project_weeks_per_week
from .run import Results, simulate
from .sweep import Sweep, sweep
from .wording import headcount_step_lines, net_benefit_lines, sweep_table

__all__ = [
    "capacity",
    "censored_lead_time_line",
    "point_label",
    "Results",
    "Comparison",
    "Sweep",
    "OutputFolder",
    "Files",
    "UndeclaredFileError",
    "declare",
    "MANIFEST",
    "FIGURES",
    "simulate",
    "compare",
    "sweep",
    "parse_mids",
    "decompose",
    "decomposition_sentence",
    "verdict",
    "EVENT_FORMATS",
    "event_formats",
    "NET_BENEFIT",
    "cost_with_delay",
    "net_benefit",
    "project_weeks_per_week",
    "jsonable",
    "net_benefit_lines",
    "headcount_step_lines",
    "sweep_table",
]
