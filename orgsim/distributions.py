"""Effort and size distributions, and buffered samplers that draw them fast.

Why buffered: the simulation draws one effort per work item; asking numpy for one
number at a time costs microseconds of call overhead each, so each sampler draws a
block of values at once and hands them out in order.  The order of values a stream
yields is the same whatever the block size, which keeps common random numbers intact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat

import numpy as np

__all__ = ["Distribution", "Sampler", "DISTRIBUTION_KINDS"]

DISTRIBUTION_KINDS = ("fixed", "exponential", "lognormal", "triangular")

_BLOCK = 1024


@dataclass(frozen=True)
class Distribution:
    """A non-negative random quantity (an effort in hours, a size, ...).

    ``fixed``: always ``mean``.  ``exponential``: mean ``mean``.  ``lognormal``: mean
    ``mean`` and coefficient of variation ``cv`` (standard deviation / mean), the
    shape service times have in practice.  ``triangular``: ``low``, ``mode``, ``high``.
    """

    kind: str = "fixed"
    mean: float = 0.0
    cv: float = 1.0
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0

    @property
    def expected(self) -> float:
        """The distribution's mean, whatever its kind."""
        if self.kind == "triangular":
            return (self.low + self.mode + self.high) / 3.0
        return self.mean

    @property
    def is_zero(self) -> bool:
        """True when every draw is 0 (the work step does not exist)."""
        if self.kind == "triangular":
            return self.high == 0.0
        return self.mean == 0.0

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values from ``rng``."""
        if self.kind == "fixed":
            return np.full(size, float(self.mean))
        if self.kind == "exponential":
            return rng.exponential(self.mean, size)
        if self.kind == "lognormal":
            if self.mean == 0.0:
                return np.zeros(size)
            sigma2 = math.log1p(self.cv * self.cv)
            mu = math.log(self.mean) - sigma2 / 2.0
            return rng.lognormal(mu, math.sqrt(sigma2), size)
        if self.kind == "triangular":
            if self.low == self.high:
                return np.full(size, float(self.low))
            return rng.triangular(self.low, self.mode, self.high, size)
        raise ValueError(f"unknown distribution kind {self.kind!r}")

    def to_dict(self) -> dict:
        """The TOML form: only the fields the kind uses."""
        if self.kind == "triangular":
            return {"dist": "triangular", "low": self.low, "mode": self.mode, "high": self.high}
        if self.kind == "lognormal":
            return {"dist": "lognormal", "mean": self.mean, "cv": self.cv}
        return {"dist": self.kind, "mean": self.mean}


class Sampler:
    """Hands out draws of one distribution from one random stream, a block at a time.

    ``Sampler(dist, rng)`` draws ``dist``; ``Sampler.uniform(rng)`` draws U(0, 1) for
    yes/no decisions.  ``sampler()`` or, faster on a hot path, ``sampler.next()`` (a C
    iterator's ``__next__``, no Python frame per draw) returns the next value.
    """

    __slots__ = ("next",)

    def __init__(self, dist: Distribution | None, rng: np.random.Generator):
        if dist is not None and dist.kind == "fixed":
            self.next = repeat(float(dist.mean)).__next__
            return
        draw_block = rng.random if dist is None else partial(dist.draw, rng)
        blocks = iter(lambda: draw_block(_BLOCK).tolist(), None)  # a block of draws whenever one runs out
        self.next = chain.from_iterable(blocks).__next__

    @classmethod
    def uniform(cls, rng: np.random.Generator) -> Sampler:
        return cls(None, rng)

    def __call__(self) -> float:
        return self.next()
