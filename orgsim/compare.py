"""Compare scenarios fairly: same seed, same arrivals, paired differences.

Replication k of every scenario draws its tickets and projects from the same streams
(common random numbers), so scenario B minus scenario A is computed replication by
replication and its confidence interval is far tighter than the two separate ones.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .experiment import OutputFolder, Results, RunCache, Task, _fmt, run_tasks
from .metrics import HEADLINE_METRICS
from .scenario import Scenario

__all__ = ["compare", "Comparison", "paired_difference", "better_direction"]

# Metrics where more is better; for all others less is better (times, costs, rework, load).
_HIGHER_IS_BETTER = (
    "tickets_per_week",
    "sla_attainment",
    "projects_per_quarter",
    "project_on_time_share",
    "items_completed_per_person_week",
)


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + _fmt(abs(value)) if not math.isnan(value) else "n/a"


def better_direction(metric: str) -> int:
    """+1 when a higher value of ``metric`` is better, -1 when lower is better."""
    return 1 if metric.startswith(_HIGHER_IS_BETTER) else -1


def _t_half_width(values: np.ndarray, confidence: float = 0.95) -> float:
    from scipy import stats

    n = len(values)
    if n < 2:
        return math.nan
    return float(stats.t.ppf((1 + confidence) / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))


def paired_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> dict:
    """Mean of ``b - a`` over paired replications, its CI, and the unpaired CI for contrast.

    Replications where either value is NaN (nothing to measure) are left out of the pair.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    diff = b - a
    mean = float(diff.mean()) if len(diff) else math.nan
    half = _t_half_width(diff, confidence)
    unpaired = math.sqrt(_t_half_width(a, confidence) ** 2 + _t_half_width(b, confidence) ** 2)
    return {
        "mean_difference": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "half_width_paired": half,
        "half_width_unpaired": unpaired,
        "n": int(len(diff)),
        "significant": bool(len(diff) > 1 and (mean - half > 0 or mean + half < 0)),
    }


@dataclass
class Comparison:
    """Several scenarios run with common random numbers, side by side.

    ``comparison``: metric, scenario, mean, ci_low, ci_high.  ``differences``: every
    scenario minus the first, paired by replication: mean_difference, CI, significant.
    """

    results: list[Results]

    @property
    def names(self) -> list[str]:
        return [r.scenario.name for r in self.results]

    @property
    def comparison(self) -> pd.DataFrame:
        frames = []
        for result in self.results:
            frame = result.summary[["metric", "mean", "ci_low", "ci_high"]].copy()
            frame.insert(1, "scenario", result.scenario.name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    @property
    def differences(self) -> pd.DataFrame:
        base = self.results[0]
        rows = []
        for other in self.results[1:]:
            for metric in base.replications.columns:
                if metric == "replication" or metric not in other.replications.columns:
                    continue
                row = paired_difference(base.replications[metric], other.replications[metric])
                direction = better_direction(metric)
                better = ""
                if row["significant"]:
                    better = other.scenario.name if row["mean_difference"] * direction > 0 else base.scenario.name
                rows.append(
                    {
                        "metric": metric,
                        "scenario": other.scenario.name,
                        "baseline": base.scenario.name,
                        **row,
                        "better": better,
                    }
                )
        return pd.DataFrame(rows)

    def table(self) -> str:
        """Headline metrics of every scenario, and differences to the first, as plain text."""
        names = self.names
        width = max(12, *(len(n) for n in names))
        lines = [f"{'metric':<38}" + "".join(f"{n:>{width + 2}}" for n in names)]
        differences = self.differences
        for metric, label, unit in HEADLINE_METRICS:
            cells = []
            for result in self.results:
                row = result.summary.loc[result.summary["metric"] == metric]
                cells.append(f"{_fmt(float(row['mean'].iloc[0])):>{width + 2}}" if not row.empty else " " * (width + 2))
            lines.append(f"{f'{label} ({unit})':<38}" + "".join(cells))
            for row in differences[differences["metric"] == metric].itertuples():
                mark = f"  -> {row.better} better" if row.better else "  (not significant)"
                lines.append(
                    f"    {row.scenario} - {row.baseline}: {_signed(row.mean_difference)} "
                    f"(95% CI {_signed(row.ci_low)} to {_signed(row.ci_high)}){mark}"
                )
        for result in self.results:
            for warning in result.warnings:
                lines.append(f"warning ({result.scenario.name}): {warning}")
        return "\n".join(lines)

    # plots ----------------------------------------------------------------
    def plot_dashboard(self):
        from .plots import comparison_dashboard

        return comparison_dashboard(self)

    def plot_throughput(self):
        from .plots import comparison_throughput

        return comparison_throughput(self)

    def plot_workload(self):
        from .plots import comparison_workload

        return comparison_workload(self)

    def plot_leadtimes(self):
        from .plots import comparison_leadtimes

        return comparison_leadtimes(self)

    def plot_backlog(self):
        from .plots import comparison_backlog

        return comparison_backlog(self)

    def save(self, directory: str | Path, plots: bool = True) -> list[Path]:
        """Write comparison.csv, differences.csv and the comparison plots."""
        folder = OutputFolder(directory)
        folder.write("comparison.csv", lambda p: self.comparison.to_csv(p, index=False))
        folder.write("differences.csv", lambda p: self.differences.to_csv(p, index=False))
        if plots:
            folder.figure("dashboard.png", self.plot_dashboard())
            folder.figure("throughput.png", self.plot_throughput())
            folder.figure("workload.png", self.plot_workload())
            folder.figure("leadtimes.png", self.plot_leadtimes())
            folder.figure("backlog.png", self.plot_backlog())
        return folder.written


def _distinct_names(scenarios: list[Scenario]) -> list[Scenario]:
    seen: dict[str, int] = {}
    result = []
    for scenario in scenarios:
        count = seen.get(scenario.name, 0)
        seen[scenario.name] = count + 1
        result.append(scenario if count == 0 else scenario.with_changes({"name": f"{scenario.name}-{count + 1}"}))
    return result


def compare(
    scenarios: list[Scenario],
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
) -> Comparison:
    """Run every scenario with the same seed and replications (common random numbers).

    ``replications`` and ``seed`` default to the first scenario's settings, so that all
    scenarios are compared on equal terms whatever their own files say.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios")
    scenarios = _distinct_names(list(scenarios))
    first = scenarios[0].simulation
    replications = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    tasks = [Task(s, k, seed) for s in scenarios for k in range(replications)]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, "compare")
    results = [
        Results.from_outputs(s, seed, outputs[i * replications : (i + 1) * replications])
        for i, s in enumerate(scenarios)
    ]
    return Comparison(results)
