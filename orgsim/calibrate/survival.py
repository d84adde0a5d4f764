"""Resolution times of an export: a lognormal and a Kaplan-Meier curve, both with censoring.

A ticket still open at the export's end is known only to take longer than it has so far
(right-censored): the lognormal is fitted by maximum likelihood counting it so, and the
observed quantiles come from the Kaplan-Meier estimate (the plain empirical quantiles when
nothing is censored).  Dropping open tickets instead would bias every time low.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

__all__ = ["fit_lognormal", "lognormal_quantile", "kaplan_meier", "km_quantile", "km_cdf"]


def fit_lognormal(times, censored=None) -> tuple[float, float]:
    """(mu, sigma) of a lognormal by maximum likelihood; ``censored`` marks observations known
    only to exceed their time (still open at the export's end)."""
    x = np.log(np.asarray(times, dtype=float))
    cens = np.zeros(len(x), bool) if censored is None else np.asarray(censored, bool)
    done = x[~cens]
    mu, sigma = float(done.mean()), float(done.std()) or 0.5
    if not cens.any():
        return mu, sigma
    right = x[cens]

    def nll(theta):
        m, log_s = theta
        s = math.exp(log_s)
        return -(
            np.sum(stats.norm.logpdf((done - m) / s)) - len(done) * log_s + np.sum(stats.norm.logsf((right - m) / s))
        )

    best = optimize.minimize(nll, [mu, math.log(sigma)], method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9})
    return float(best.x[0]), float(math.exp(best.x[1]))


def kaplan_meier(times, censored) -> tuple[np.ndarray, np.ndarray]:
    """(times, F(t)) of the Kaplan-Meier estimate of the distribution function at each event."""
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, bool)
    order = np.lexsort((c, t))  # by time, events before censorings at a tie
    t, c = t[order], c[order]
    at_risk = len(t) - np.arange(len(t))
    survival = np.cumprod(np.where(c, 1.0, 1.0 - 1.0 / at_risk))
    return t[~c], 1.0 - survival[~c]


def km_quantile(curve, q: float) -> float:
    """The ``q`` quantile of a :func:`kaplan_meier` curve (NaN where it never reaches ``q``)."""
    t, cdf = curve
    hit = np.nonzero(cdf >= q - 1e-12)[0]
    return float(t[hit[0]]) if len(hit) else math.nan


def km_cdf(curve, x: float) -> float:
    """F(``x``) of a :func:`kaplan_meier` curve."""
    t, cdf = curve
    at = np.searchsorted(t, x, side="right") - 1
    return float(cdf[at]) if at >= 0 else 0.0


def lognormal_quantile(mu: float, sigma: float, q: float) -> float:
    """The ``q`` quantile of a lognormal (``mu``, ``sigma``)."""
    return float(math.exp(mu + sigma * stats.norm.ppf(q)))
