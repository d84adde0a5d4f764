"""Queueing theory the engine is verified against: M/M/c (Erlang C), the sojourn-time
distribution of FCFS M/M/c, M/G/1 (Pollaczek-Khinchine) and M/G/1 with preemptive-resume
priorities.  Pure formulas; :mod:`orgsim.verification` compares the simulation with them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "erlang_c",
    "mmc",
    "mmc_sojourn_tail",
    "mmc_sojourn_quantile",
    "mg1",
    "lognormal_second_moment",
    "preemptive_priority",
]


def erlang_c(c: int, offered: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load ``offered`` = lambda/mu.

    Computed through the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), which is
    stable for any c; C = c B / (c - a (1 - B)).  Requires ``offered < c``.
    """
    if c < 1 or int(c) != c:
        raise ValueError(f"c must be a whole number >= 1, got {c}")
    if not 0 <= offered < c:
        raise ValueError(f"unstable: offered load {offered} >= {c} servers")
    b = 1.0
    for k in range(1, int(c) + 1):
        b = offered * b / (k + offered * b)
    return c * b / (c - offered * (1.0 - b))


def mmc(lam: float, mu: float, c: int = 1) -> dict[str, float]:
    """Steady-state M/M/c: utilisation rho, P(wait), Wq, W, Lq, L (times in the unit of 1/mu)."""
    offered = lam / mu
    p_wait = erlang_c(c, offered)
    wq = p_wait / (c * mu - lam)
    w = wq + 1.0 / mu
    return {"rho": offered / c, "p_wait": p_wait, "wq": wq, "w": w, "lq": lam * wq, "l": lam * w}


def mmc_sojourn_tail(t: float, lam: float, mu: float, c: int = 1) -> float:
    """P(T > t) for the time in system T of an FCFS M/M/c queue.

    T = S + Wq with S ~ Exp(mu) and, independently, Wq = 0 with probability 1 - C and
    Exp(c mu - lambda) with probability C (Erlang C).
    """
    p_wait = erlang_c(c, lam / mu)
    theta = c * mu - lam
    no_wait = math.exp(-mu * t)
    if abs(theta - mu) < 1e-12:
        hypo = (1.0 + mu * t) * math.exp(-mu * t)
    else:
        hypo = (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
    return (1.0 - p_wait) * no_wait + p_wait * hypo


def mmc_sojourn_quantile(q: float, lam: float, mu: float, c: int = 1) -> float:
    """The q-quantile of the time in system of an FCFS M/M/c queue (q in (0, 1))."""
    from scipy.optimize import brentq

    high = 1.0 / mu
    while mmc_sojourn_tail(high, lam, mu, c) > 1.0 - q:
        high *= 2.0
    return float(brentq(lambda t: mmc_sojourn_tail(t, lam, mu, c) - (1.0 - q), 0.0, high, xtol=1e-12))


def mg1(lam: float, mean: float, second_moment: float) -> dict[str, float]:
    """M/G/1 by Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)); W = Wq + E[S]."""
    rho = lam * mean
    if rho >= 1:
        raise ValueError(f"unstable: rho = {rho}")
    wq = lam * second_moment / (2.0 * (1.0 - rho))
    return {"rho": rho, "wq": wq, "w": wq + mean, "lq": lam * wq, "l": lam * (wq + mean)}


def lognormal_second_moment(mean: float, cv: float) -> float:
    """E[S^2] of a service time with this mean and coefficient of variation: mean^2 (1 + cv^2)."""
    return mean * mean * (1.0 + cv * cv)


def preemptive_priority(lams: Iterable[float], means: Iterable[float], second_moments: Iterable[float]) -> list[float]:
    """Mean time in system per class of an M/G/1 queue with preemptive-resume priority.

    Classes are given highest priority first.  For class k, with sigma_k = rho_1 + ... + rho_k:

        T_k = E[S_k] / (1 - sigma_{k-1})
              + (sum_{i<=k} lambda_i E[S_i^2] / 2) / ((1 - sigma_{k-1}) (1 - sigma_k))

    (Kleinrock vol. 2, sec. 3.7; Harchol-Balter ch. 32).  With exponential service of
    equal rate mu and two classes this is T_1 = (1/mu) / (1 - rho_1) and
    T_2 = (1/mu) / ((1 - rho_1) (1 - rho_1 - rho_2)).
    """
    lams, means, seconds = list(lams), list(means), list(second_moments)
    out = []
    sigma_before = 0.0
    residual = 0.0
    for lam, mean, second in zip(lams, means, seconds, strict=True):
        sigma = sigma_before + lam * mean
        if sigma >= 1:
            raise ValueError("unstable: total load >= 1")
        residual += lam * second / 2.0
        out.append(mean / (1.0 - sigma_before) + residual / ((1.0 - sigma_before) * (1.0 - sigma)))
        sigma_before = sigma
    return out
