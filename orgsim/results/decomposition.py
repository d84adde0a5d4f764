"""What a project manager brings, taken apart: separate - combined as a **capacity part** and a
**role part**.

Separate has more people than combined (its project managers).  Spending the same money on
capacity instead (an equal-cost structure, :data:`orgsim.scenario.EQUAL_COST_STRUCTURES`:
``combined_engineer``, ``combined_deputy``) splits the difference in two, paired by replication
(common random numbers: the same seeds, so the same replication sees the same tickets and
projects under all three):

- capacity part = equal-cost - combined: what the money buys as more hands;
- role part = separate - equal-cost: what the PM role brings beyond the money;

the two add up to separate - combined in every replication.  Each part has its 95% CI (paired t)
and its verdict (the one rule :func:`orgsim.stats.judge`, oriented by the metric's direction, with
the metric's MID).  :func:`decomposition` gives the table, :func:`decomposition_sentence` says which
part carries the advantage.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import catalogue
from ..scenario import EQUAL_COST_STRUCTURES
from ..stats import judge, paired_difference
from ..wording import BETTER, NO_PRACTICAL_DIFFERENCE, WORSE, format_number
from .run import Results

__all__ = ["PARTS", "decompose", "decompositions", "decomposition_sentence", "paired_values"]

LEAD_TIME = "project_lead_time_weeks_mean"
# the rows of a decomposition: (part, what it compares, minuend, subtrahend) by position
# in (combined, equal-cost, separate)
PARTS: tuple[tuple[str, str, int, int], ...] = (
    ("total", "separate - combined", 2, 0),
    ("capacity", "equal-cost - combined: the PM's money spent on capacity", 1, 0),
    ("role", "separate - equal-cost: what the PM role brings beyond its cost", 2, 1),
)


def paired_values(results: list[Results], metric: str) -> list[np.ndarray]:
    """Each result's per-replication values of ``metric``, aligned on the replications all of
    them have (NaN where a replication measured nothing)."""
    frames = [r.replications.set_index("replication") for r in results]
    common = sorted(set.intersection(*(set(f.index) for f in frames)))
    out = []
    for frame in frames:
        column = frame[metric] if metric in frame.columns else pd.Series(math.nan, index=frame.index)
        out.append(column.loc[common].to_numpy(dtype=float))
    return out


def decompose(
    combined: Results,
    equal_cost: Results,
    separate: Results,
    metric: str = LEAD_TIME,
    mid: catalogue.MID | None = None,
) -> pd.DataFrame:
    """The decomposition of separate - combined on ``metric`` through ``equal_cost`` (combined
    plus the PMs' cost spent on capacity): one row per part of :data:`PARTS` with
    ``part``, ``compares``, ``alternative`` (the equal-cost structure), ``metric``,
    ``mean_difference``, ``ci_low``, ``ci_high``, ``n``, ``mid`` and ``verdict`` (for the
    minuend against the subtrahend, by the metric's direction, with the MID ``mid`` (None:
    the catalogue's), a share of a relative MID taken of combined's mean).
    A replication where any of the three measured nothing is left out of every part, so the
    parts add up to the total."""
    values = paired_values([combined, equal_cost, separate], metric)
    keep = ~np.any([np.isnan(v) for v in values], axis=0)
    values = [v[keep] for v in values]
    found = catalogue.minimal_difference(metric) if mid is None else mid
    mid = found.threshold(float(np.mean(values[0])) if len(values[0]) else math.nan) if found else None
    mid = mid if mid is not None and math.isfinite(mid) else None
    direction = catalogue.better_direction(metric)
    rows = []
    for part, compares, high, low in PARTS:
        row = paired_difference(values[low], values[high])
        rows.append(
            {
                "part": part,
                "compares": compares,
                "alternative": equal_cost.scenario.org.structure,
                "metric": metric,
                "mean_difference": row["mean_difference"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "n": row["n"],
                "mid": mid if mid is not None else math.nan,
                "verdict": _verdict(row, direction, mid),
            }
        )
    return pd.DataFrame(rows)


def _verdict(row: dict, direction: int, mid: float | None) -> str:
    """:func:`~orgsim.stats.judge` on a difference oriented so that positive is good for the minuend."""
    direction = direction or 1
    low, high = sorted((row["ci_low"] * direction, row["ci_high"] * direction))
    return judge(row["mean_difference"] * direction, low, high, mid)


def decompositions(results: list[Results], metric: str = LEAD_TIME, mid: catalogue.MID | None = None) -> pd.DataFrame:
    """Every decomposition a list of results allows (a comparison's): for each equal-cost
    structure among them, through the first ``combined`` and the first ``separate`` (empty
    when one of them is missing)."""
    by_structure: dict[str, Results] = {}
    for result in results:
        by_structure.setdefault(result.scenario.org.structure, result)
    if "combined" not in by_structure or "separate" not in by_structure:
        return pd.DataFrame()
    frames = [
        decompose(by_structure["combined"], by_structure[name], by_structure["separate"], metric, mid)
        for name in EQUAL_COST_STRUCTURES
        if name in by_structure
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _part(frame: pd.DataFrame, part: str) -> dict:
    return frame[frame["part"] == part].iloc[0].to_dict()


def _interval(row: dict) -> str:
    return (
        f"{format_number(row['mean_difference'], signed=True)} (95% CI {format_number(row['ci_low'], signed=True)} "
        f"to {format_number(row['ci_high'], signed=True)}; {row['verdict']})"
    )


def decomposition_sentence(frame: pd.DataFrame) -> str:
    """Which part carries separate's advantage (or disadvantage), in words, with both parts and
    their CIs: a part carries it when its verdict is better (or worse) by the MID; when both
    do, the larger; when neither does, no part on its own is practically important."""
    total, capacity, role = (_part(frame, p) for p in ("total", "capacity", "role"))
    alternative = capacity["alternative"]
    metric = catalogue.lookup(total["metric"])
    # the direction in words: the answer speaks of separate's advantage (combined - separate),
    # these differences are separate - combined, so a reader must not have to flip the sign
    better = metric.better if metric else 0
    sense = {-1: ", less is better", 1: ", more is better"}.get(better, "")
    parts = (
        f"{catalogue.label(total['metric'])} ({metric.unit if metric else ''}{sense}): separate - combined = "
        f"{_interval(total)}: capacity part ({alternative} - combined) "
        f"{_interval(capacity)}, role part (separate - {alternative}) {_interval(role)}"
    )
    judged = {BETTER, WORSE}
    it = {BETTER: "separate's advantage", WORSE: "separate's disadvantage"}.get(total["verdict"], "the difference")
    carrying = [row for row in (capacity, role) if row["verdict"] in judged]
    if len(carrying) == 2 and capacity["verdict"] != role["verdict"]:
        words = (
            f"the parts pull apart: the PM's money spent on capacity is {capacity['verdict']} than combined, and the"
            f" PM role is {role['verdict']} than that capacity"
        )
    elif len(carrying) == 2:
        larger = max(carrying, key=lambda row: abs(row["mean_difference"]))
        words = f"both parts carry {it}; the {larger['part']} part is the larger"
    elif carrying and carrying[0]["part"] == "capacity":
        words = f"the capacity part carries {it}: what the PM's money buys as more hands, not the PM role"
    elif carrying:
        words = f"the role part carries {it}: the PM role, not the money it costs"
    elif all(row["verdict"] == NO_PRACTICAL_DIFFERENCE for row in (capacity, role)):
        words = "neither part makes a practical difference"
    else:
        words = "the runs cannot tell which part carries it (an interval is wider than the MID)"
    return f"{parts}: {words}."
