"""Small helpers for the metrics work sources report (:meth:`WorkSource.metrics`) and the
model-wide ones (:mod:`orgsim.metrics`): one way to take a mean, a percentile or a ratio of
what may be empty (NaN, not an error)."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["WEEKS_PER_QUARTER", "percentile", "mean", "ratio"]

WEEKS_PER_QUARTER = 13.0


def percentile(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else math.nan


def mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan
