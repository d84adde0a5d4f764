"""What experiments produce: :class:`Results` of one scenario, a :class:`Comparison` of
several, a :class:`Sweep` over a grid — data first (pandas DataFrames, JSON, CSV); the
pictures are :mod:`orgsim.plots`.

:func:`simulate`, :func:`compare` and :func:`sweep` run their scenarios on the one runner
(:func:`orgsim.experiment.run_scenarios`) and wrap what comes back.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue
from .engine import EVENT_LOG_COLUMNS
from .experiment import RunCache, grid, run_scenarios
from .metrics import ReplicationOutput
from .monitors import BIN_EDGES
from .scenario import Scenario
from .stats import (
    CONFIDENCE,
    find_crossover,
    format_number,
    paired_difference,
    summarise,
    summary_value,
    warmup_check,
)

__all__ = ["Results", "Comparison", "Sweep", "OutputFolder", "simulate", "compare", "sweep"]


class OutputFolder:
    """Writes files into a folder so that each appears whole or not at all: written to a
    hidden temporary name first, then renamed (an interruption never leaves half a file)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []

    def write(self, name: str, write) -> None:
        """``write(path)`` writes the content; it lands as ``name`` when complete."""
        target = self.directory / name
        temporary = self.directory / f".{name}.partial"
        write(temporary)
        os.replace(temporary, target)
        self.written.append(target)

    def text(self, name: str, text: str) -> None:
        self.write(name, lambda path: path.write_text(text, encoding="utf-8"))

    def frame(self, name: str, frame: pd.DataFrame) -> None:
        self.write(name, lambda path: frame.to_csv(path, index=False))

    def figure(self, name: str, figure) -> None:
        self.write(name, lambda path: figure.savefig(path, dpi=110, format="png"))


def _growth_warnings(growing_per_replication: list[list[str]]) -> list[str]:
    """One sentence per queue that grew without bound in some replications."""
    total = len(growing_per_replication)
    counts: dict[str, int] = {}
    for growing in growing_per_replication:
        for name in growing:
            counts[name] = counts.get(name, 0) + 1
    return [
        f"{name.replace('_', ' ')} queue grows through the run in {n} of {total} replications: "
        "its load is above capacity and its metrics depend on the horizon"
        for name, n in sorted(counts.items())
    ]


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


# ------------------------------------------------------------------ one scenario


@dataclass
class Results:
    """Everything a run of one scenario produced, as pandas DataFrames.

    Attributes
    ----------
    replications : one row per replication, one column per metric (see :mod:`orgsim.catalogue`).
    summary : one row per metric: mean, std, ci_low, ci_high (95%), n.
    timeseries : per replication and working day: queue length per duty, busy hours per role.
    people : per replication and person: utilisation, hours per week by duty, context switches.
    ticket_times : resolution-time histogram over all replications (after warm-up): ticket_class,
        bin_low_hours, bin_high_hours, tickets (constant memory, see :mod:`orgsim.monitors`).
    project_lead_times : per completed project: replication, lead time in weeks.
    projects : per completed project: replication, class, effort and estimate (hours), lead time
        (weeks), on time, rework hours.
    project_arrivals : per project arrived after the warm-up: replication, class, effort (hours).
    """

    scenario: Scenario
    seed: int
    replications: pd.DataFrame
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    people: pd.DataFrame
    ticket_times: pd.DataFrame
    project_lead_times: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)
    project_arrivals: pd.DataFrame = field(default_factory=pd.DataFrame)
    event_parts: list[str] | None = None
    _events_dir: Path | None = None

    @classmethod
    def from_outputs(cls, scenario: Scenario, seed: int, outputs: list[ReplicationOutput]) -> Results:
        replications = pd.DataFrame([{"replication": o.replication, **o.metrics} for o in outputs])
        timeseries = _daily_frame(outputs)
        people = pd.DataFrame([{"replication": o.replication, **row} for o in outputs for row in o.people])
        lead_times = pd.DataFrame(
            [(o.replication, weeks) for o in outputs for weeks in o.project_lead_times],
            columns=["replication", "lead_time_weeks"],
        )
        hours_per_week = scenario.calendar.hours_per_week
        projects = pd.DataFrame(
            [
                (o.replication, name, effort, estimate, lead / hours_per_week, on_time, rework)
                for o in outputs
                for name, effort, estimate, lead, on_time, rework in o.projects
            ],
            columns=[
                "replication",
                "project_class",
                "effort_hours",
                "estimate_hours",
                "lead_time_weeks",
                "on_time",
                "rework_hours",
            ],
        )
        arrivals = pd.DataFrame(
            [(o.replication, name, effort) for o in outputs for name, effort in o.project_arrivals],
            columns=["replication", "project_class", "effort_hours"],
        )
        warnings = _growth_warnings([o.warnings for o in outputs])
        check = warmup_check(timeseries, scenario.simulation.warmup_weeks, scenario.calendar.days_per_week)
        if not check["enough"] and not warnings:
            warnings.append(
                f"the warm-up ({scenario.simulation.warmup_weeks:g} weeks) looks too short: the daily backlog "
                f"settles only after about {math.ceil(check['needed_weeks'])} weeks (Welch's method); "
                f"set simulation.warmup_weeks to at least that"
            )
        return cls(
            scenario,
            seed,
            replications,
            summarise(replications),
            timeseries,
            people.fillna(0.0),
            _histogram_frame(outputs),
            lead_times,
            warnings,
            projects,
            arrivals,
        )

    def metric(self, name: str) -> float:
        """Mean over replications of one metric."""
        mean, _, _ = summary_value(self.summary, name)
        if name not in set(self.summary["metric"]):
            raise KeyError(f"no metric {name!r}; see Results.summary['metric']")
        return mean

    def headline_table(self) -> str:
        """The headline metrics as a short plain-text table (mean and 95% CI)."""
        lines = [
            f"{self.scenario.name}: {len(self.replications)} replications, seed {self.seed}, "
            f"{self.scenario.org.employees:,} employees, structure {self.scenario.org.structure}"
        ]
        rows = catalogue.headline()
        width = max(len(m.label) + len(m.unit) + 3 for m in rows)
        for metric in rows:
            if metric.pattern not in set(self.summary["metric"]):
                continue
            mean, low, high = summary_value(self.summary, metric.pattern)
            ci = f"  (95% CI {format_number(low)} to {format_number(high)})" if not math.isnan(low) else ""
            lines.append(f"  {f'{metric.label} ({metric.unit})':<{width}} {format_number(mean):>10}{ci}")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        return "\n".join(lines)

    def write(self, folder: OutputFolder) -> None:
        """summary.json, replications.csv, timeseries.csv, people.csv, projects.csv (every completed
        project), and events.csv when recorded."""
        folder.text("summary.json", json.dumps(self._summary_data(), indent=2, allow_nan=False))
        folder.frame("replications.csv", self.replications)
        folder.frame("timeseries.csv", self.timeseries)
        folder.frame("people.csv", self.people)
        folder.frame("projects.csv", self.projects)
        if self.event_parts:
            folder.write("events.csv", self._write_events)

    def _write_events(self, path: Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerow(EVENT_LOG_COLUMNS)
            for part in self.event_parts:
                with open(part, encoding="utf-8") as handle:
                    shutil.copyfileobj(handle, out)

    def _summary_data(self) -> dict:
        def clean(value):
            return None if isinstance(value, float) and math.isnan(value) else value

        metrics = {
            row.metric: {
                "mean": clean(row.mean),
                "ci_low": clean(row.ci_low),
                "ci_high": clean(row.ci_high),
                "std": clean(row.std),
                "n": int(row.n),
            }
            for row in self.summary.itertuples(index=False)
        }
        return {
            "scenario": self.scenario.to_dict(resolved=True),
            "replications": len(self.replications),
            "seed": self.seed,
            "confidence": CONFIDENCE,
            "warnings": self.warnings,
            "metrics": metrics,
        }

    def __del__(self):
        if self._events_dir is not None:
            shutil.rmtree(self._events_dir, ignore_errors=True)


def _daily_frame(outputs: list[ReplicationOutput]) -> pd.DataFrame:
    """The daily series of all replications, one row per replication and day."""
    frames = []
    for output in outputs:
        columns = output.timeseries.columns
        if not columns:
            continue
        frame = pd.DataFrame({name: np.frombuffer(values, dtype=float) for name, values in columns.items()})
        for name in ("day", "week"):
            frame[name] = frame[name].astype(int)
        frame.insert(0, "replication", output.replication)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _histogram_frame(outputs: list[ReplicationOutput]) -> pd.DataFrame:
    """Resolution-time histograms summed over replications, non-empty bins only."""
    rows = []
    names = list(outputs[0].ticket_times) if outputs else []
    for name in names:
        counts = [sum(bins) for bins in zip(*(o.ticket_times[name] for o in outputs), strict=True)]
        rows.extend((name, BIN_EDGES[i], BIN_EDGES[i + 1], n) for i, n in enumerate(counts) if n)
    return pd.DataFrame(rows, columns=["ticket_class", "bin_low_hours", "bin_high_hours", "tickets"])


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    events: bool = False,
    progress: bool = False,
    executor: Executor | None = None,
    cache: RunCache | None = None,
) -> Results:
    """Run ``replications`` independent replications of ``scenario``.

    Parameters
    ----------
    replications, seed
        Default to the scenario's ``simulation.replications`` and ``simulation.seed``.
    jobs
        Worker processes (default: all cores).  1 runs in this process.
    events
        Also record an event log (activity start, suspend, resume, complete).
    progress
        Show a progress bar with the time left on standard error.
    executor
        Any ``concurrent.futures.Executor`` (a process pool, a Dask client's executor)
        to run the replications on instead of a new process pool.
    cache
        Keep finished replications on disk and reuse them (see :class:`~orgsim.experiment.RunCache`).
    """
    replications = scenario.simulation.replications if replications is None else replications
    seed = scenario.simulation.seed if seed is None else seed
    events_dir = Path(tempfile.mkdtemp(prefix="orgsim-events-")) if events else None
    (outputs,) = run_scenarios(
        [scenario], replications, seed, jobs, executor, progress, cache, scenario.name, events_dir
    )
    results = Results.from_outputs(scenario, seed, outputs)
    if events_dir is not None:
        results.event_parts = [str(events_dir / f"events-0-{k}.csv") for k in range(replications)]
        results._events_dir = events_dir
    return results


# ------------------------------------------------------------------ several scenarios


@dataclass
class Comparison:
    """Several scenarios run with common random numbers, side by side.

    ``comparison``: metric, scenario, mean, ci_low, ci_high.  ``differences``: every
    scenario minus the first, paired by replication: mean_difference, CI, significant,
    and which is better (by the catalogue's direction of each metric).
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
                better = ""
                direction = catalogue.better_direction(metric)
                if row["significant"] and direction:
                    improves = row["mean_difference"] * direction > 0
                    better = other.scenario.name if improves else base.scenario.name
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
        label_width = max(len(f"{m.label} ({m.unit})") for m in catalogue.headline()) + 2
        lines = [f"{'metric':<{label_width}}" + "".join(f"{n:>{width + 2}}" for n in names)]
        differences = self.differences
        for metric in catalogue.headline():
            cells = []
            for result in self.results:
                mean, _, _ = summary_value(result.summary, metric.pattern)
                present = metric.pattern in set(result.summary["metric"])
                cells.append(f"{format_number(mean):>{width + 2}}" if present else " " * (width + 2))
            lines.append(f"{f'{metric.label} ({metric.unit})':<{label_width}}" + "".join(cells))
            for row in differences[differences["metric"] == metric.pattern].itertuples():
                mark = f"  -> {row.better} better" if row.better else "  (not significant)"
                lines.append(
                    f"    {row.scenario} - {row.baseline}: {format_number(row.mean_difference, signed=True)} "
                    f"(95% CI {format_number(row.ci_low, signed=True)} to "
                    f"{format_number(row.ci_high, signed=True)}){mark}"
                )
        for result in self.results:
            for warning in result.warnings:
                lines.append(f"warning ({result.scenario.name}): {warning}")
        return "\n".join(lines)

    def write(self, folder: OutputFolder) -> None:
        """comparison.csv and differences.csv."""
        folder.frame("comparison.csv", self.comparison)
        folder.frame("differences.csv", self.differences)


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
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "compare")
    return Comparison([Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)])


# ------------------------------------------------------------------ a grid


@dataclass
class Sweep:
    """The results of a sweep: long-form frames, the crossover."""

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

    def _long(self, frames) -> pd.DataFrame:
        rows = [
            frame.assign(**point)[[*point, *frame.columns]] for point, frame in zip(self.points, frames, strict=True)
        ]
        return pd.concat(rows, ignore_index=True)

    @property
    def frame(self) -> pd.DataFrame:
        """sweep.csv: one row per point x replication, the parameters as columns, then metrics."""
        return self._long([r.replications for r in self.results])

    @property
    def summary(self) -> pd.DataFrame:
        """sweep-summary.csv: mean and 95% CI of every metric at every point."""
        return self._long([r.summary for r in self.results])

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
        direction = catalogue.better_direction(metric)
        if direction == 0 and net_of_cost is None:
            raise ValueError(f"{metric} describes the organisation (neither more nor less is better): no crossover")

        def matrix(label):
            rows = frame[frame[across_path] == label]
            values = rows.pivot(index="replication", columns=vary_path, values=metric)[order].to_numpy().T
            if net_of_cost is None:
                return values
            cost = rows.pivot(index="replication", columns=vary_path, values="staff_cost_per_week")[order]
            return cost.to_numpy().T - direction * net_of_cost * values

        baseline = matrix(labels[0])
        pairs = []
        for label in labels[1:]:
            result = find_crossover(
                np.asarray(order, dtype=float),
                baseline,
                matrix(label),
                higher_is_better=direction > 0 and net_of_cost is None,
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

    def write(self, folder: OutputFolder, metric: str = "project_lead_time_weeks_mean", net_of_cost=None):
        """sweep.csv, sweep-summary.csv and crossover.json (when it applies); returns the crossover."""
        folder.frame("sweep.csv", self.frame)
        folder.frame("sweep-summary.csv", self.summary)
        try:
            crossover = self.crossover(metric, net_of_cost)
        except ValueError:
            return None
        folder.text("crossover.json", json.dumps(_jsonable(crossover), indent=2))
        return crossover


def _unit(path: str) -> str:
    return {"org.employees": "employees"}.get(path, f"({path})")


def _sentence(result: dict, metric: str, path: str, net_of_cost) -> str:
    baseline, challenger = result["baseline"], result["challenger"]
    what = catalogue.label(metric)
    if net_of_cost is not None:
        what += f" net of staff cost (one unit worth {net_of_cost:g} a week)"
    xs = result["x"]
    span = f"{format_number(xs[0])}-{format_number(xs[-1])} {_unit(path)}"
    if result.get("winner") is None:
        return f"no crossover between {baseline} and {challenger} on {what} in {span}: {result['reason']}"
    winner, loser = (challenger, baseline) if result["winner"] == "challenger" else (baseline, challenger)
    if result.get("whole_range"):
        return f"{winner} beats {loser} on {what} across the whole range ({span})"
    return (
        f"{winner} beats {loser} on {what} from about {format_number(result['crossover'])} {_unit(path)}, "
        f"95% CI {format_number(result['ci_low'])}-{format_number(result['ci_high'])}"
    )


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
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "sweep")
    results = [Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)]
    if log_scale is None:
        log_scale = {p for p, v in vary.items() if _looks_logarithmic(v)}
    return Sweep(scenario, dict(vary), across, points, results, seed, set(log_scale))


def _looks_logarithmic(values: list) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) >= 3 and min(numbers) > 0 and max(numbers) / min(numbers) >= 20
