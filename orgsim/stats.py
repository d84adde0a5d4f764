"""Statistics over replications: confidence intervals, paired differences, the bootstrap,
and the one way orgsim writes a number.

Every interval is a Student-t interval over independent replications (95% unless asked
otherwise).  Scenarios compared with the same seed see the same work replication by
replication (common random numbers), so their difference is taken per replication first:
the paired interval is far tighter than two separate ones.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from . import catalogue
from .wording import BETTER, CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, WORSE, format_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONFIDENCE",
    "t_half_width",
    "mean_interval",
    "paired_difference",
    "paired_t",
    "bootstrap_indices",
    "summarise",
    "summary_value",
    "format_number",
    "judge",
    "find_crossover",
    "find_regions",
    "warmup_check",
    "kaplan_meier",
    "kaplan_meier_median",
]

CONFIDENCE = 0.95


def _t_quantile(confidence: float, dof):
    from scipy import stats

    return stats.t.ppf((1 + confidence) / 2, dof)


def t_half_width(values, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Student-t interval of the mean of ``values``; NaN with fewer than 2."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 2:
        return math.nan
    return float(_t_quantile(confidence, n - 1) * values.std(ddof=1) / math.sqrt(n))


def mean_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean and confidence interval of per-replication values (NaNs left out)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    half = t_half_width(values, confidence)
    return mean, mean - half, mean + half


def paired_difference(a, b, confidence: float = CONFIDENCE) -> dict:
    """Mean of ``b - a`` over paired replications, its CI, and the unpaired CI for contrast.

    Replications where either value is NaN (nothing to measure) are left out of the pair.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    diff = b - a
    mean = float(diff.mean()) if len(diff) else math.nan
    half = t_half_width(diff, confidence)
    unpaired = math.sqrt(t_half_width(a, confidence) ** 2 + t_half_width(b, confidence) ** 2)
    return {
        "mean_difference": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "half_width_paired": half,
        "half_width_unpaired": unpaired,
        "n": int(len(diff)),
        "significant": bool(len(diff) > 1 and (mean - half > 0 or mean + half < 0)),
    }


def paired_t(diff: np.ndarray, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Mean and t half-width along the last axis (replications) of an array of differences."""
    n = diff.shape[-1]
    mean = diff.mean(axis=-1)
    half = _t_quantile(confidence, n - 1) * diff.std(axis=-1, ddof=1) / math.sqrt(n)
    return mean, half


def bootstrap_indices(n: int, samples: int, seed: int):
    """``samples`` resamples of ``range(n)`` with replacement, from one seeded stream."""
    rng = np.random.default_rng(seed)
    for _ in range(samples):
        yield rng.integers(0, n, n)


def summarise(replications: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Mean, standard deviation and Student-t confidence interval of every metric column.

    Every metric is >= 0, and shares (see the catalogue) are <= 1: the interval is cut to
    what is possible.
    """
    rows = []
    for column in replications.columns:
        if column in ("replication", "scenario"):
            continue
        values = replications[column].dropna().to_numpy(dtype=float)
        n = len(values)
        mean = float(values.mean()) if n else math.nan
        std = float(values.std(ddof=1)) if n > 1 else math.nan
        if n > 1:
            half = _t_quantile(confidence, n - 1) * std / math.sqrt(n)
            low, high = max(0.0, mean - half), mean + half
            if catalogue.is_share(column):
                high = min(1.0, high)
        else:  # one value gives no interval: say so, never invent one
            low = high = math.nan
        rows.append({"metric": column, "mean": mean, "std": std, "ci_low": low, "ci_high": high, "n": n})
    import pandas as pd  # here, not at the top: reading a scenario file must not wait for pandas

    return pd.DataFrame(rows, columns=["metric", "mean", "std", "ci_low", "ci_high", "n"])


def summary_value(summary: pd.DataFrame, metric: str) -> tuple[float, float, float]:
    """(mean, ci_low, ci_high) of one metric in a summary frame; NaNs when it is absent."""
    row = summary.loc[summary["metric"] == metric]
    if row.empty:
        return math.nan, math.nan, math.nan
    return tuple(float(row[c].iloc[0]) for c in ("mean", "ci_low", "ci_high"))


# ------------------------------------------------------------------ the one verdict


def judge(mean: float, low: float, high: float, mid: float | None) -> str:
    """The one rule by which orgsim calls a paired difference, everywhere (``compare``, a
    sweep's regions, the study, the figures' labels).

    ``mean`` and its confidence interval ``low`` to ``high`` are oriented so that positive
    is good for the alternative named; ``mid`` is the minimal important difference (0 or
    None: none).  The verdict is one of :data:`orgsim.wording.VERDICTS`:

    - ``better`` / ``worse``: the interval excludes zero and the difference exceeds the MID;
    - ``no practical difference``: the interval lies within +-MID, or the difference is
      significant but no larger than the MID;
    - ``cannot tell``: the interval is wider than that (more replications would tell), or
      there is no interval.
    """
    mid = 0.0 if mid is None or not math.isfinite(mid) else abs(float(mid))
    if not all(math.isfinite(v) for v in (mean, low, high)):
        return CANNOT_TELL
    if low > 0 and mean > mid:
        return BETTER
    if high < 0 and -mean > mid:
        return WORSE
    if (low >= -mid and high <= mid) or low > 0 or high < 0:
        return NO_PRACTICAL_DIFFERENCE
    return CANNOT_TELL


# ------------------------------------------------------------------ crossovers


def _last_upward_zero(xs: np.ndarray, curve: np.ndarray, log_x: bool) -> float:
    """Where ``curve`` last crosses zero from below (interpolated); ``xs[0]`` if it is
    positive throughout, ``nan`` if it is not positive at the end of the range."""
    if not curve[-1] > 0:
        return math.nan
    below = np.flatnonzero(~(curve > 0))
    if len(below) == 0:
        return float(xs[0])
    i = int(below[-1])
    u = np.log(xs) if log_x else xs
    fraction = -curve[i] / (curve[i + 1] - curve[i])
    crossing = u[i] + fraction * (u[i + 1] - u[i])
    return float(np.exp(crossing) if log_x else crossing)


def _significance_boundary(xs: np.ndarray, oriented: np.ndarray, log_x: bool) -> float:
    """The smallest x from which the lower 95% bound of the advantage stays above zero,
    interpolated between grid points (``oriented``: points x replications)."""
    mean, half = paired_t(oriented)
    return _last_upward_zero(xs, mean - np.nan_to_num(half, nan=np.inf), log_x)


def find_crossover(
    xs,
    baseline,
    challenger,
    higher_is_better: bool = False,
    log_x: bool = False,
    seed: int = 0,
    bootstrap: int = 1000,
) -> dict:
    """The value of ``xs`` from which one of two alternatives is significantly better.

    ``baseline`` and ``challenger`` are arrays (points x replications) of the metric,
    paired by replication; the advantage of the challenger is ``baseline - challenger``
    (the reverse when higher is better).  The winner is whoever is significantly better at
    the top of the range.  The crossover is where the lower end of the winner's 95%
    confidence interval on its advantage crosses zero for the last time, interpolated
    between grid points (linearly, or in log x); its 95% interval comes from a paired
    bootstrap over replications.  ``significant_from`` is the smallest grid value from
    which the advantage is significant at every larger grid value.
    """
    xs = np.asarray(xs, dtype=float)
    a, b = np.asarray(baseline, dtype=float), np.asarray(challenger, dtype=float)
    advantage = (b - a) if higher_is_better else (a - b)  # > 0: challenger better
    keep = ~np.isnan(advantage).any(axis=0)
    advantage = advantage[:, keep]
    n = advantage.shape[1]
    result = {"x": xs.tolist(), "replications": int(n)}
    none = {"winner": None, "crossover": None, "ci_low": None, "ci_high": None, "significant_from": None}
    if n < 3:
        return {**result, **none, "reason": "fewer than 3 replications with values at every point"}
    mean, half = paired_t(advantage)
    result["mean_advantage"] = mean.tolist()
    result["ci_advantage"] = [[m - h, m + h] for m, h in zip(mean.tolist(), half.tolist(), strict=True)]
    sign = 1.0 if mean[-1] > 0 else -1.0  # who leads at the top of the range
    significant = (sign * mean - half) > 0
    if not significant[-1]:
        return {**result, **none, "reason": "neither is significantly better at the top of the range"}
    start = len(xs) - 1
    while start > 0 and significant[start - 1]:
        start -= 1
    oriented = sign * advantage
    estimate = _significance_boundary(xs, oriented, log_x)
    samples = []
    for resample in bootstrap_indices(n, bootstrap, seed):
        value = _significance_boundary(xs, oriented[:, resample], log_x)
        samples.append(xs[-1] if math.isnan(value) else value)
    low, high = np.percentile(samples, [2.5, 97.5])
    return {
        **result,
        "winner": "challenger" if sign > 0 else "baseline",
        "crossover": estimate,
        "ci_low": float(low),
        "ci_high": float(high),
        "significant_from": float(xs[start]),
        "whole_range": bool(start == 0),
    }


def find_regions(
    xs, baseline, challenger, higher_is_better: bool = False, confidence: float = CONFIDENCE, minimal=0.0
) -> dict:
    """Where along ``xs`` each of two alternatives is better (by :func:`judge`), and where neither is.

    Same conventions as :func:`find_crossover`: ``baseline`` and ``challenger`` are arrays
    (points x replications) of the metric, paired by replication; the challenger's advantage
    is ``baseline - challenger`` (the reverse when higher is better).  Each grid point is
    judged on its own pairs: a replication that lacks a value at one point (a run that
    finished no project there) is left out at that point only.  Each point is called by
    :func:`judge` on the paired t interval of the challenger's advantage, with ``minimal``
    (the minimal important difference: a number, or one per grid point; not finite counts
    as none, as in :func:`judge`): a point has a winner exactly when :func:`judge` says
    ``better`` (the challenger) or ``worse`` (the baseline), i.e. the interval excludes zero
    *and* the mean advantage exceeds the MID.  ``regions`` are the maximal runs of consecutive grid
    points with the same verdict, in the order of ``xs``: ``winner`` is ``"baseline"``,
    ``"challenger"`` or ``None``, ``from`` and ``to`` the first and last grid values of the
    run, ``points`` its grid values, ``mean_advantage`` and ``ci_advantage`` the advantage
    oriented so that positive favours the winner (the challenger's advantage where there is
    no winner), ``replications`` the pairs behind each point, ``verdicts`` the word of
    :func:`judge` at each point for the challenger against the baseline (``cannot tell``
    where there are fewer than 3 pairs), ``below_mid`` (a region without
    a winner that holds a significant difference smaller than the MID) and ``undetermined``
    (it holds a point with fewer than 3 pairs: no verdict there).  With fewer than 3 pairs
    at every point there are no regions, and ``reason`` says why; ``replications`` is the
    fewest pairs at any point.
    """
    xs = np.asarray(xs, dtype=float)
    a, b = np.asarray(baseline, dtype=float), np.asarray(challenger, dtype=float)
    advantage = (b - a) if higher_is_better else (a - b)  # > 0: challenger better
    counts = (~np.isnan(advantage)).sum(axis=1)
    if counts.max(initial=0) < 3:
        return {
            "regions": [],
            "replications": int(counts.min(initial=0)),
            "reason": "fewer than 3 replications with values at every point",
        }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a point with fewer than 2 values
        mean = np.nanmean(advantage, axis=1)
        spread = np.nanstd(advantage, axis=1, ddof=1)
    half = _t_quantile(confidence, np.maximum(counts - 1, 1)) * spread / np.sqrt(np.maximum(counts, 1))
    floor = np.broadcast_to(np.abs(np.asarray(minimal, dtype=float)), mean.shape)
    judged = counts >= 3
    words = [  # the one rule, on the challenger's advantage (fewer than 3 pairs: no verdict)
        judge(m, m - h, m + h, f) if ok else CANNOT_TELL
        for ok, m, h, f in zip(judged.tolist(), mean.tolist(), half.tolist(), floor.tolist(), strict=True)
    ]
    verdicts = [{BETTER: "challenger", WORSE: "baseline"}.get(word) for word in words]
    significant = [  # the CI excludes zero, whatever the MID
        ok and (m - h > 0 or m + h < 0) for ok, m, h in zip(judged.tolist(), mean.tolist(), half.tolist(), strict=True)
    ]
    regions: list[dict] = []
    for i, verdict in enumerate(verdicts):
        if not regions or regions[-1]["winner"] != verdict:
            regions.append(
                {
                    "winner": verdict,
                    "from": float(xs[i]),
                    "points": [],
                    "mean_advantage": [],
                    "ci_advantage": [],
                    "replications": [],
                    "verdicts": [],
                    "below_mid": False,
                    "undetermined": False,
                }
            )
        region = regions[-1]
        region["below_mid"] = region["below_mid"] or (verdict is None and significant[i])
        region["undetermined"] = region["undetermined"] or not judged[i]
        sign = -1.0 if verdict == "baseline" else 1.0
        low, high = sorted((sign * (mean[i] - half[i]), sign * (mean[i] + half[i])))
        region["to"] = float(xs[i])
        region["points"].append(float(xs[i]))
        region["mean_advantage"].append(float(sign * mean[i]))
        region["ci_advantage"].append([float(low), float(high)])
        region["replications"].append(int(counts[i]))
        region["verdicts"].append(words[i])
    return {"regions": regions, "replications": int(counts.min()), "reason": None}


# ------------------------------------------------------------------ warm-up


def warmup_check(timeseries: pd.DataFrame, warmup_weeks: float, days_per_week: float) -> dict:
    """Does the warm-up look long enough?  Welch's method on the daily backlog.

    The work in the system (items in all queues, daily averages, plus projects waiting
    and active) is averaged over replications and
    smoothed with a moving average of two weeks; the steady level is the mean of the
    smoothed curve over the second half of the run.  The warm-up should last until the
    curve first comes within 10% (at least half an item) of that level.  Queues that
    grow without bound have no steady level; the growth warning covers them.
    """
    queue_columns = [c for c in timeseries.columns if c.startswith("queue.")]
    queue_columns += [c for c in ("projects_waiting", "projects_active") if c in timeseries.columns]
    if timeseries.empty or not queue_columns:
        return {"needed_weeks": 0.0, "enough": True}
    backlog = timeseries[queue_columns].sum(axis=1).groupby(timeseries["day"]).mean().to_numpy()
    window = max(1, int(round(2 * days_per_week)))
    if len(backlog) < 4 * window:
        return {"needed_weeks": math.nan, "enough": True}
    smooth = np.convolve(backlog, np.ones(window) / window, mode="valid")
    steady = float(smooth[len(smooth) // 2 :].mean())
    band = max(0.1 * steady, 0.5)
    inside = np.flatnonzero(np.abs(smooth - steady) <= band)
    first_day = int(inside[0]) if len(inside) else len(backlog)
    needed = first_day / days_per_week
    return {"needed_weeks": needed, "enough": needed <= warmup_weeks + 1e-9, "steady_backlog": steady}


# ------------------------------------------------------------------ censored durations


def kaplan_meier(durations, observed) -> dict:
    """The Kaplan-Meier estimate of the survival curve of ``durations`` (``observed`` false:
    censored at that duration, e.g. a project still open at the end of the run, at its age).

    Returns ``times`` (the distinct observed durations, ascending), ``survival`` (S just after
    each), ``at_risk``, ``events`` and ``greenwood`` (Greenwood's variance of log S: the sum of
    d / (n (n - d)) up to each time; infinite once S is 0).  A duration censored at an event
    time is at risk at that time (the usual convention)."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    keep = np.isfinite(durations)
    durations, observed = durations[keep], observed[keep]
    times, events = np.unique(durations[observed], return_counts=True)
    events = events.astype(float)
    order = np.sort(durations)
    at_risk = len(order) - np.searchsorted(order, times, side="left")
    survival = np.cumprod(1.0 - events / np.maximum(at_risk, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
    return {
        "times": times,
        "survival": survival,
        "at_risk": at_risk.astype(int),
        "events": events.astype(int),
        "greenwood": np.cumsum(terms),
    }


def _first_below_half(times: np.ndarray, curve: np.ndarray) -> float:
    below = np.flatnonzero(curve <= 0.5 + 1e-12)
    return float(times[below[0]]) if len(below) else math.inf


def _km_median(durations, observed) -> float:
    curve = kaplan_meier(durations, observed)
    return _first_below_half(curve["times"], curve["survival"])


def kaplan_meier_median(
    durations,
    observed,
    confidence: float = CONFIDENCE,
    groups=None,
    bootstrap: int = 400,
    seed: int = 0,
) -> dict:
    """The median of censored durations (Kaplan-Meier) with its confidence interval.

    ``durations`` and ``observed`` as for :func:`kaplan_meier`.  The median is the smallest
    observed duration at which the estimated survival is 0.5 or less; ``inf`` when it never
    falls that far (more than half are still open: the median is longer than the longest
    duration seen, ``longest``).

    The interval:

    - without ``groups``: Brookmeyer and Crowley's, from the pointwise log(-log) interval of
      S with Greenwood's variance (what R's ``survfit`` and lifelines give with that
      transform): the durations at which the band's upper and lower curves first reach 0.5;
    - with ``groups`` (one label per duration, e.g. the replication it comes from): a
      percentile bootstrap that resamples whole groups (``bootstrap`` resamples, one seeded
      stream), because durations of one replication share its organisation and are not
      independent.  orgsim uses this for project lead times, by replication.

    An end of the interval that the data cannot bound is ``inf``.  Also returns ``n``,
    ``events`` (observed), ``censored`` and ``method``."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    curve = kaplan_meier(durations, observed)
    median = _first_below_half(curve["times"], curve["survival"])
    out = {
        "median": median,
        "n": int(len(durations)),
        "events": int(observed.sum()),
        "censored": int((~observed).sum()),
        "longest": float(durations.max()) if len(durations) else math.nan,
    }
    if out["events"] == 0:
        return {
            **out,
            "median": math.inf if len(durations) else math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "method": "none",
        }
    alpha = 1.0 - confidence
    if groups is None:
        from scipy import stats

        z = float(stats.norm.ppf(1 - alpha / 2))
        s = curve["survival"]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_s = np.log(s)
            spread = z * np.sqrt(curve["greenwood"]) / np.abs(log_s)
            upper = np.where(s >= 1.0, 1.0, np.where(s > 0, s ** np.exp(-spread), 0.0))
            lower = np.where(s >= 1.0, 1.0, np.where(s > 0, s ** np.exp(spread), 0.0))
        unbounded = ~np.isfinite(curve["greenwood"])  # S fell to 0: the band is [0, 1]
        upper = np.where(unbounded, 1.0, np.nan_to_num(upper, nan=1.0))
        lower = np.where(unbounded, 0.0, np.nan_to_num(lower, nan=0.0))
        low = _first_below_half(curve["times"], lower)
        high = _first_below_half(curve["times"], upper)
        return {**out, "ci_low": low, "ci_high": high, "method": "Brookmeyer-Crowley, Greenwood log(-log)"}
    groups = np.asarray(groups)
    labels, index = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(index == k) for k in range(len(labels))]
    samples = []
    for resample in bootstrap_indices(len(labels), bootstrap, seed):
        chosen = np.concatenate([members[k] for k in resample])
        samples.append(_km_median(durations[chosen], observed[chosen]))
    samples = np.sort(np.asarray(samples, dtype=float))
    low = samples[int(math.floor(alpha / 2 * len(samples)))]
    high = samples[min(len(samples) - 1, int(math.ceil((1 - alpha / 2) * len(samples))) - 1)]
    return {**out, "ci_low": float(low), "ci_high": float(high), "method": f"bootstrap over {len(labels)} groups"}
