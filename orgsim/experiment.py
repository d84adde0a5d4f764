"""Replications of a scenario, run in parallel, gathered into :class:`Results`.

Replication ``k`` of a scenario with seed ``s`` draws from ``SeedSequence(s)``'s child
``k`` only, so its numbers do not depend on how many processes run or in which order
they finish: ``--jobs 1`` and ``--jobs 8`` give identical results.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .engine import EVENT_LOG_COLUMNS, ReplicationOutput, run_replication
from .metrics import HEADLINE_METRICS, stability_warnings, summarise
from .scenario import Scenario

__all__ = ["simulate", "Results", "default_jobs"]


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _run_one(scenario: Scenario, replication: int, seed: int, events_path: str | None) -> ReplicationOutput:
    """One replication, in whichever process runs it; streams its event log to a file."""
    if events_path is None:
        return run_replication(scenario, replication, seed)
    with open(events_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        return run_replication(scenario, replication, seed, event_sink=writer.writerow)


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    events: bool = False,
    progress: bool = False,
    executor: Executor | None = None,
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
        Show a progress bar on standard error.
    executor
        Any ``concurrent.futures.Executor`` to run the replications on instead.
    """
    replications = scenario.simulation.replications if replications is None else replications
    seed = scenario.simulation.seed if seed is None else seed
    if replications < 1:
        raise ValueError("replications must be >= 1")
    jobs = default_jobs() if jobs is None else max(1, jobs)
    events_dir = Path(tempfile.mkdtemp(prefix="orgsim-events-")) if events else None
    paths = [str(events_dir / f"events-{k}.csv") if events_dir else None for k in range(replications)]
    bar = _progress_bar(replications, scenario.name) if progress else None
    outputs: list[ReplicationOutput | None] = [None] * replications
    try:
        if executor is None and (jobs == 1 or replications == 1):
            for k in range(replications):
                outputs[k] = _run_one(scenario, k, seed, paths[k])
                if bar:
                    bar.update(1)
        else:
            own = executor is None
            pool = executor or ProcessPoolExecutor(max_workers=min(jobs, replications))
            try:
                futures = {pool.submit(_run_one, scenario, k, seed, paths[k]): k for k in range(replications)}
                from concurrent.futures import as_completed

                for future in as_completed(futures):
                    outputs[futures[future]] = future.result()
                    if bar:
                        bar.update(1)
            finally:
                if own:
                    pool.shutdown(cancel_futures=True)
    finally:
        if bar:
            bar.close()
    results = Results.from_outputs(scenario, seed, outputs)
    if events_dir is not None:
        results.event_parts = paths
        results._events_dir = events_dir
    return results


def _progress_bar(total: int, name: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"{name}", unit="replication", leave=False, dynamic_ncols=True)


@dataclass
class Results:
    """Everything a run produced, as pandas DataFrames first and plots second.

    Attributes
    ----------
    replications : one row per replication, one column per metric.
    summary : one row per metric: mean, std, ci_low, ci_high (95%), n.
    timeseries : per replication and working day: queue length per duty, busy hours per role.
    people : per replication and person: utilisation, hours per week by duty, context switches.
    ticket_times : per resolved ticket (after warm-up): replication, class, resolution hours.
    project_lead_times : per completed project: replication, lead time in weeks.
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
    event_parts: list[str] | None = None
    _events_dir: Path | None = None

    @classmethod
    def from_outputs(cls, scenario: Scenario, seed: int, outputs: list[ReplicationOutput]) -> Results:
        replications = pd.DataFrame([{"replication": o.replication, **o.metrics} for o in outputs])
        timeseries = pd.DataFrame([{"replication": o.replication, **row} for o in outputs for row in o.timeseries])
        people = pd.DataFrame([{"replication": o.replication, **row} for o in outputs for row in o.people])
        ticket_times = pd.DataFrame(
            [
                (o.replication, name, hours)
                for o in outputs
                for name, times in o.ticket_times.items()
                for hours in times
            ],
            columns=["replication", "ticket_class", "resolution_hours"],
        )
        lead_times = pd.DataFrame(
            [(o.replication, weeks) for o in outputs for weeks in o.project_lead_times],
            columns=["replication", "lead_time_weeks"],
        )
        warnings = stability_warnings([o.warnings for o in outputs])
        return cls(
            scenario,
            seed,
            replications,
            summarise(replications),
            timeseries,
            people.fillna(0.0),
            ticket_times,
            lead_times,
            warnings,
        )

    # ---------------------------------------------------------------- reading
    def metric(self, name: str) -> float:
        """Mean over replications of one metric."""
        row = self.summary.loc[self.summary["metric"] == name]
        if row.empty:
            raise KeyError(f"no metric {name!r}; see Results.summary['metric']")
        return float(row["mean"].iloc[0])

    def headline_table(self) -> str:
        """The headline metrics as a short plain-text table (mean and 95% CI)."""
        lines = [
            f"{self.scenario.name}: {len(self.replications)} replications, seed {self.seed}, "
            f"{self.scenario.org.employees} employees, structure {self.scenario.org.structure}"
        ]
        width = max(len(label) + len(unit) + 3 for _, label, unit in HEADLINE_METRICS)
        for name, label, unit in HEADLINE_METRICS:
            row = self.summary.loc[self.summary["metric"] == name]
            if row.empty:
                continue
            mean, low, high = (float(row[c].iloc[0]) for c in ("mean", "ci_low", "ci_high"))
            ci = f"  (95% CI {_fmt(low)} to {_fmt(high)})" if not math.isnan(low) else ""
            lines.append(f"  {f'{label} ({unit})':<{width}} {_fmt(mean):>10}{ci}")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- plots
    def plot_throughput(self):
        from .plots import throughput_figure

        return throughput_figure(self)

    def plot_workload(self):
        from .plots import workload_figure

        return workload_figure(self)

    def plot_backlog(self):
        from .plots import backlog_figure

        return backlog_figure(self)

    def plot_leadtimes(self):
        from .plots import leadtimes_figure

        return leadtimes_figure(self)

    # ---------------------------------------------------------------- saving
    def save(self, directory: str | Path, plots: bool = True) -> list[Path]:
        """Write summary.json, replications.csv, timeseries.csv, people.csv, events.csv
        (when recorded) and the four plots; each file appears whole or not at all."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = []

        def atomic(name, write):
            target = directory / name
            temporary = directory / f".{name}.partial"
            write(temporary)
            os.replace(temporary, target)
            written.append(target)

        atomic("summary.json", lambda p: p.write_text(json.dumps(self._summary_data(), indent=2, allow_nan=False)))
        atomic("replications.csv", lambda p: self.replications.to_csv(p, index=False))
        atomic("timeseries.csv", lambda p: self.timeseries.to_csv(p, index=False))
        atomic("people.csv", lambda p: self.people.to_csv(p, index=False))
        if self.event_parts:
            atomic("events.csv", self._write_events)
        if plots:
            for name, make in (
                ("throughput.png", self.plot_throughput),
                ("workload.png", self.plot_workload),
                ("backlog.png", self.plot_backlog),
                ("leadtimes.png", self.plot_leadtimes),
            ):
                figure = make()
                atomic(name, lambda p, f=figure: f.savefig(p, dpi=110, format="png"))
        return written

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
            "scenario": self.scenario.to_dict(),
            "replications": len(self.replications),
            "seed": self.seed,
            "confidence": 0.95,
            "warnings": self.warnings,
            "metrics": metrics,
        }

    def __del__(self):
        if self._events_dir is not None:
            shutil.rmtree(self._events_dir, ignore_errors=True)


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
