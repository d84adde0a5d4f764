"""Realism: a scenario's measurements beside the published figures they should match.

Each ``Benchmark`` row of :data:`BENCHMARKS` (:mod:`orgsim.realism.benchmarks`) is one published figure: the
quantity, what was published, the band a real organisation lies in, the source, where it
applies, how to read the simulated value from a run (:mod:`orgsim.realism.measures`), and
its **basis**: an *input echo* (the scenario sets it) or *measured* (the simulation produces
it).  Calibration rows check that the organisation is real; outcome rows set what its
structure achieves beside the published figure.  :func:`realism` runs the comparison;
``orgsim realism SCENARIO --strict`` fails when a measured calibration row lies outside its
band (:func:`calibrated`); :func:`realism_at` runs it at other organisation sizes.
"""

from __future__ import annotations

from .benchmarks import BENCHMARKS, INPUT_ECHO, MEASURED
from .table import COLUMNS, FILES, calibrated, format_realism, judged, realism, realism_at, realism_title

__all__ = [
    "BENCHMARKS",
    "COLUMNS",
    "FILES",
    "INPUT_ECHO",
    "MEASURED",
    "calibrated",
    "format_realism",
    "judged",
    "realism",
    "realism_at",
    "realism_title",
]
