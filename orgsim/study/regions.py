"""Reading a pair's regions (one structure against combined along the sizes): who is better
at the top of the range, the runs of one verdict along the grid, and their phrases.

Every verdict is :func:`orgsim.stats.judge`'s (better / worse / no practical difference /
cannot tell); a grid point where too few replications finished a project says so as the
reason: ``cannot tell (too few finished projects)``.
"""

from __future__ import annotations

import math

from ..stats import judge
from ..wording import CANNOT_TELL, OVER_CAPACITY, format_number

__all__ = [
    "TOO_FEW",
    "judge_advantage",
    "over_capacity_at",
    "point_verdict",
    "regions_phrase",
    "top_of_range",
    "top_phrase",
    "verdict_runs",
]

TOO_FEW = f"{CANNOT_TELL} (too few finished projects)"


def judge_advantage(row: dict, mid: float, lower_is_better: bool = True) -> str:
    """:func:`~orgsim.stats.judge` on a paired difference ``b - a`` (from
    :func:`~orgsim.stats.paired_difference`), for ``b``: its advantage is ``a - b`` where
    lower is better."""
    sign = -1.0 if lower_is_better else 1.0
    low, high = sorted((sign * row["ci_low"], sign * row["ci_high"]))
    return judge(sign * row["mean_difference"], low, high, mid)


def point_verdict(mean: float, low: float, high: float, pairs: int, mid: float) -> str:
    """What a grid point without a winner says: :data:`TOO_FEW` (under 3 pairs), else
    :func:`~orgsim.stats.judge`'s ``no practical difference`` or ``cannot tell`` (with no
    MID, ``mid`` 0, a difference whose interval holds zero cannot be told)."""
    if pairs < 3:
        return TOO_FEW
    return judge(mean, low, high, mid)


def verdict_runs(pair: dict, mid: float) -> list[tuple[str, float, float]]:
    """The pair's grid points as runs of one verdict each, in order: (``"separate better"``,
    ``over capacity`` where either side is (the region's ``over_capacity``), or a
    :func:`point_verdict`, from, to)."""
    names = {"baseline": pair["baseline"], "challenger": pair["challenger"]}
    runs: list[list] = []
    for region in pair.get("regions") or []:
        counts = region.get("replications") or [3] * len(region["points"])
        flags = region.get("over_capacity") or [False] * len(region["points"])
        for x, m, (lo, hi), k, over in zip(
            region["points"], region["mean_advantage"], region["ci_advantage"], counts, flags, strict=True
        ):
            if over:
                label = OVER_CAPACITY
            elif region["winner"]:
                label = f"{names[region['winner']]} better"
            else:
                label = point_verdict(m, lo, hi, k, mid)
            if runs and runs[-1][0] == label:
                runs[-1][2] = x
            else:
                runs.append([label, x, x])
    return [tuple(run) for run in runs]


def over_capacity_at(pair: dict) -> dict[float, bool]:
    """Per grid value of a pair, whether either side is over capacity there (the sweep's
    ``over_capacity`` flags; every point stable when the pair has none)."""
    flags = pair.get("over_capacity") or {}
    xs = [float(x) for x in pair.get("x") or []]
    base = flags.get("baseline") or [False] * len(xs)
    other = flags.get("challenger") or [False] * len(xs)
    return {x: bool(a or b) for x, a, b in zip(xs, base, other, strict=True)}


def top_of_range(pair: dict) -> dict:
    """Who wins a pair at the top of the range, practically (the last region, with the MID),
    and from where: ``winner`` (a structure, or "neither"), ``practical_from`` (the first
    size of that last region), and the interpolated ``crossover`` with its 95% CI only when
    the significance crossover names the same winner (else NaN: significant at the top
    but below the MID is no crossover)."""
    regions = pair.get("regions") or []
    last = regions[-1] if regions else {"winner": None}
    names = {"challenger": pair["challenger"], "baseline": pair["baseline"]}
    same = last["winner"] is not None and last["winner"] == pair.get("winner")
    return {
        "winner": names.get(last["winner"], "neither"),
        "practical_from": last.get("from") if last["winner"] is not None else math.nan,
        "below_mid": bool(last.get("below_mid")),
        "crossover": pair.get("crossover") if same else math.nan,
        "ci_low": pair.get("ci_low") if same else math.nan,
        "ci_high": pair.get("ci_high") if same else math.nan,
    }


def top_phrase(pair: dict, mid: float) -> str:
    """``separate is better from 200 employees``, or what the top of the range says."""
    top = top_of_range(pair)
    if top["winner"] == "neither":
        runs = verdict_runs(pair, mid)
        return f"at the top of the range: {runs[-1][0] if runs else TOO_FEW}"
    return f"{top['winner']} is better from {format_number(top['practical_from'])} employees"


def regions_phrase(pair: dict, mid: float) -> str:
    """Every run of one verdict along the sizes: ``separate better at 200-1,600, ...``."""
    regions = pair.get("regions") or []
    if not regions:
        return "not compared (too few replications finish a project at any size)"
    parts = []
    for label, low, high in verdict_runs(pair, mid):
        where = format_number(low) + (f"-{format_number(high)}" if high != low else "")
        parts.append(f"{label} at {where}")
    return ", ".join(parts)
