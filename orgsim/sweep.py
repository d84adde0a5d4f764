"""Sweeps over parameters, and the crossover: from which size on one structure wins.

A sweep is a full factorial grid over ``vary`` and ``across`` values, in a fixed order.
Every point runs the same replications with the same seed, so structures compared at
one size see identical tickets and projects (common random numbers) and their
difference is measured replication by replication.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import tomllib
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .compare import better_direction
from .experiment import OutputFolder, Results, RunCache, Task, run_tasks
from .scenario import Scenario, ScenarioError

__all__ = ["sweep", "Sweep", "parse_values", "find_crossover", "SWEEP_PLOT_METRICS"]

SWEEP_PLOT_METRICS = (
    "project_lead_time_weeks_mean",
    "project_on_time_share",
    "utilisation.it_manager",
    "sla_attainment.total",
    "ticket_resolution_hours_mean.total",
    "rework_hours_per_week",
    "staff_cost_per_week",
    "cost_per_project",
)
_RANGE = re.compile(r"^\s*([-+0-9.eE]+)\s*:\s*([-+0-9.eE]+)\s*:\s*(log)?\s*(\d+)\s*$")


def parse_values(path: str, text: str) -> list:
    """``"25,50,100"``, ``"25:3200:log7"`` (7 log-spaced values) or ``"0.1:0.9:5"`` (5 evenly
    spaced).  Values are TOML scalars, else text (``combined,separate``).  Ranges between
    whole numbers give whole numbers."""
    match = _RANGE.match(text)
    if match:
        low_text, high_text, log, count_text = match.groups()
        low, high, count = float(low_text), float(high_text), int(count_text)
        if count < 2:
            raise ScenarioError(path, f"a range needs at least 2 values, found {count}", "--vary")
        if log and (low <= 0 or high <= 0):
            raise ScenarioError(path, "a log range needs positive ends", "--vary")
        values = np.geomspace(low, high, count) if log else np.linspace(low, high, count)
        whole = all(re.fullmatch(r"[-+]?\d+", t.strip()) for t in (low_text, high_text))
        if whole:
            return list(dict.fromkeys(int(round(v)) for v in values))
        return [float(v) for v in values]
    values = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ScenarioError(path, f"empty value in {text!r}; give values separated by commas", "--vary")
        try:
            values.append(tomllib.loads(f"v = {part}")["v"])
        except tomllib.TOMLDecodeError:
            values.append(part)
    return values


@dataclass
class Sweep:
    """The results of a sweep: long-form frames, crossover, plots."""

    scenario: Scenario
    vary: dict[str, list]
    across: dict[str, list]
    points: list[dict]
    results: list[Results]
    seed: int
    log_scale: set = field(default_factory=set)

    @property
    def parameters(self) -> list[str]:
        return [*self.vary, *self.across]

    @property
    def frame(self) -> pd.DataFrame:
        """sweep.csv: one row per point x replication, the parameters as columns, then metrics."""
        frames = []
        for point, result in zip(self.points, self.results, strict=True):
            frame = result.replications.copy()
            for i, (path, value) in enumerate(point.items()):
                frame.insert(i, path, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    @property
    def summary(self) -> pd.DataFrame:
        """sweep-summary.csv: mean and 95% CI of every metric at every point."""
        frames = []
        for point, result in zip(self.points, self.results, strict=True):
            frame = result.summary.copy()
            for i, (path, value) in enumerate(point.items()):
                frame.insert(i, path, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    @property
    def warnings(self) -> list[str]:
        out = []
        for point, result in zip(self.points, self.results, strict=True):
            label = ", ".join(f"{k}={v}" for k, v in point.items())
            out.extend(f"{label}: {w}" for w in result.warnings)
        return out

    def crossover(self, metric: str = "project_lead_time_weeks_mean", net_of_cost: float | None = None) -> dict:
        """From which value of the swept parameter each ``across`` value beats the first.

        Needs one numeric ``vary`` parameter and one ``across`` parameter with two or more
        values.  ``net_of_cost``: the money one unit of the metric is worth per week; the
        comparison is then on ``staff_cost_per_week`` plus (or minus) that value.
        """
        if len(self.vary) != 1 or len(self.across) != 1:
            raise ValueError("a crossover needs exactly one --vary and one --across parameter")
        (vary_path, xs), (across_path, labels) = next(iter(self.vary.items())), next(iter(self.across.items()))
        if len(labels) < 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs):
            raise ValueError("a crossover needs a numeric --vary and at least two --across values")
        frame = self.frame
        if metric not in frame.columns:
            raise ValueError(f"no metric {metric!r} in the sweep")
        order = sorted(xs)

        def matrix(label):
            rows = frame[frame[across_path] == label]
            values = rows.pivot(index="replication", columns=vary_path, values=metric)[order].to_numpy().T
            if net_of_cost is None:
                return values
            cost = rows.pivot(index="replication", columns=vary_path, values="staff_cost_per_week")[order]
            return cost.to_numpy().T - better_direction(metric) * net_of_cost * values

        baseline = matrix(labels[0])
        pairs = []
        for label in labels[1:]:
            result = find_crossover(
                np.asarray(order, dtype=float),
                baseline,
                matrix(label),
                higher_is_better=better_direction(metric) > 0 and net_of_cost is None,
                log_x=vary_path in self.log_scale,
                seed=self.seed,
            )
            result.update({"baseline": labels[0], "challenger": label})
            result["sentence"] = _sentence(result, metric, vary_path, net_of_cost)
            pairs.append(result)
        return {
            "metric": metric,
            "parameter": vary_path,
            "across": across_path,
            "net_of_cost": net_of_cost,
            "pairs": pairs,
        }

    def plot_metric(self, metric: str, crossover: dict | None = None):
        from .plots import sweep_figure

        return sweep_figure(self, metric, crossover)

    def save(
        self,
        directory: str | Path,
        metric: str = "project_lead_time_weeks_mean",
        net_of_cost: float | None = None,
        plots: bool = True,
    ) -> tuple[list[Path], dict | None]:
        """Write sweep.csv, sweep-summary.csv, crossover.json (when it applies) and plots."""
        folder = OutputFolder(directory)
        folder.write("sweep.csv", lambda p: self.frame.to_csv(p, index=False))
        folder.write("sweep-summary.csv", lambda p: self.summary.to_csv(p, index=False))
        crossover = None
        try:
            crossover = self.crossover(metric, net_of_cost)
        except ValueError:
            crossover = None
        if crossover is not None:
            folder.write("crossover.json", lambda p: p.write_text(json.dumps(_jsonable(crossover), indent=2)))
        if plots and self.vary:
            available = set(self.frame.columns)
            for name in dict.fromkeys((metric, *SWEEP_PLOT_METRICS)):
                if name in available:
                    figure = self.plot_metric(name, crossover if crossover and crossover["metric"] == name else None)
                    folder.figure(f"sweep-{name}.png", figure)
        return folder.written, crossover


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _paired_t(diff: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    n = diff.shape[-1]
    mean = diff.mean(axis=-1)
    half = stats.t.ppf(0.975, n - 1) * diff.std(axis=-1, ddof=1) / math.sqrt(n)
    return mean, half


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
    mean, half = _paired_t(oriented)
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
    mean, half = _paired_t(advantage)
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
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(bootstrap):
        value = _significance_boundary(xs, oriented[:, rng.integers(0, n, n)], log_x)
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


_METRIC_WORDS = {
    "project_lead_time_weeks_mean": "project lead time",
    "project_on_time_share": "projects on time",
    "utilisation.it_manager": "IT manager utilisation",
    "sla_attainment.total": "SLA attainment",
    "ticket_resolution_hours_mean.total": "ticket resolution time",
    "staff_cost_per_week": "staff cost",
    "rework_hours_per_week": "rework hours per week",
    "cost_per_project": "cost per project",
}


def metric_words(metric: str) -> str:
    """A metric's name as a reader says it."""
    return _METRIC_WORDS.get(metric, metric.replace("_", " ").replace(".", " "))


def metric_unit(metric: str) -> str:
    """The unit of a metric, read from its name."""
    rules = (
        ("_weeks_", "working weeks"),
        ("_hours_mean", "working hours"),
        ("_hours_p", "working hours"),
        ("hours_per_week", "hours per week"),
        ("hours_per_person_week", "hours per person per week"),
        ("cost_per_week", "currency per week"),
        ("cost_per_", "currency"),
        ("per_quarter", "per quarter"),
        ("per_week", "per week"),
        ("share", "share"),
        ("attainment", "share"),
        ("utilisation", "share"),
    )
    return next((unit for key, unit in rules if key in metric), "")


def _unit(path: str) -> str:
    return {"org.employees": "employees"}.get(path, f"({path})")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.3g}"


def _sentence(result: dict, metric: str, path: str, net_of_cost) -> str:
    baseline, challenger = result["baseline"], result["challenger"]
    what = metric_words(metric)
    if net_of_cost is not None:
        what += f" net of staff cost (one unit worth {net_of_cost:g} a week)"
    xs = result["x"]
    span = f"{_number(xs[0])}-{_number(xs[-1])} {_unit(path)}"
    if result.get("winner") is None:
        return f"no crossover between {baseline} and {challenger} on {what} in {span}: {result['reason']}"
    winner, loser = (challenger, baseline) if result["winner"] == "challenger" else (baseline, challenger)
    if result.get("whole_range"):
        return f"{winner} beats {loser} on {what} across the whole range ({span})"
    return (
        f"{winner} beats {loser} on {what} from about {_number(result['crossover'])} {_unit(path)}, "
        f"95% CI {_number(result['ci_low'])}-{_number(result['ci_high'])}"
    )


def grid(vary: dict[str, list], across: dict[str, list]) -> list[dict]:
    """Every combination, ``vary`` parameters slowest-varying first, ``across`` fastest."""
    names = [*vary, *across]
    values = [*vary.values(), *across.values()]
    return [dict(zip(names, combination, strict=True)) for combination in itertools.product(*values)]


def sweep(
    scenario: Scenario,
    vary: dict[str, list],
    across: dict[str, list] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    log_scale: set | None = None,
) -> Sweep:
    """Run ``scenario`` at every point of the grid of ``vary`` x ``across`` values.

    Every point is validated before anything runs, so a bad value fails at once.
    """
    across = dict(across or {})
    if not vary and not across:
        raise ValueError("a sweep needs at least one --vary or --across parameter")
    replications = scenario.simulation.replications if replications is None else replications
    seed = scenario.simulation.seed if seed is None else seed
    points = grid(vary, across)
    scenarios = [scenario.with_changes(point) for point in points]
    tasks = [Task(s, k, seed) for s in scenarios for k in range(replications)]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, "sweep")
    results = [
        Results.from_outputs(s, seed, outputs[i * replications : (i + 1) * replications])
        for i, s in enumerate(scenarios)
    ]
    if log_scale is None:
        log_scale = {p for p, v in vary.items() if _looks_logarithmic(v)}
    return Sweep(scenario, dict(vary), across, points, results, seed, set(log_scale))


def _looks_logarithmic(values: list) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) >= 3 and min(numbers) > 0 and max(numbers) / min(numbers) >= 20
