"""Replications of a scenario, run in parallel, gathered into :class:`Results`.

Replication ``k`` of a scenario with seed ``s`` draws from ``SeedSequence(s)``'s child
``k`` only, so its numbers do not depend on how many processes run or in which order
they finish: ``--jobs 1`` and ``--jobs 8`` give identical results.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import os
import pickle
import shutil
import tempfile
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .engine import EVENT_LOG_COLUMNS, ReplicationOutput, run_replication
from .metrics import HEADLINE_METRICS, stability_warnings, summarise, warmup_check
from .scenario import Scenario
from .tally import BIN_EDGES

__all__ = ["simulate", "Results", "default_jobs", "Task", "RunCache", "run_tasks", "dask_executor", "OutputFolder"]


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Task:
    """One independent run: replication ``replication`` of ``scenario`` with root ``seed``."""

    scenario: Scenario
    replication: int
    seed: int
    events_path: str | None = None


def _run_task(task: Task) -> ReplicationOutput:
    """Run one task in whichever process or cluster worker gets it; streams its event log."""
    if task.events_path is None:
        return run_replication(task.scenario, task.replication, task.seed)
    with open(task.events_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        return run_replication(task.scenario, task.replication, task.seed, event_sink=writer.writerow)


class RunCache:
    """Finished runs on disk, keyed by the resolved scenario's hash, the seed and the
    replication, so that an interrupted sweep continues where it stopped.

    Each file is written to a temporary name and renamed: it is whole or absent.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    @staticmethod
    def key(task: Task) -> str:
        data = task.scenario.to_dict()
        data["simulation"].pop("replications", None)  # how many we run does not change run k
        text = json.dumps({"scenario": data, "seed": task.seed, "version": __version__}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def _path(self, task: Task) -> Path:
        return self.directory / self.key(task) / f"replication-{task.replication}.pickle"

    def load(self, task: Task) -> ReplicationOutput | None:
        path = self._path(task)
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None  # unreadable (another version): run it again

    def store(self, task: Task, output: ReplicationOutput) -> None:
        path = self._path(task)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".partial")
        with open(temporary, "wb") as handle:
            pickle.dump(output, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)


def run_tasks(
    tasks: list[Task],
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    description: str = "runs",
) -> list[ReplicationOutput]:
    """Run independent tasks, in this process, a process pool or any ``Executor``.

    The outputs come back in task order whatever order they finish in, so results do not
    depend on the executor.  Tasks already in ``cache`` are not run again; each finished
    task is stored there at once.  Only a few tasks per worker are submitted ahead, so an
    interruption loses at most the runs in flight.
    """
    outputs: list[ReplicationOutput | None] = [None] * len(tasks)
    todo = []
    for index, task in enumerate(tasks):
        cached = cache.load(task) if cache is not None and task.events_path is None else None
        if cached is None:
            todo.append(index)
        else:
            outputs[index] = cached
    jobs = default_jobs() if jobs is None else max(1, jobs)
    bar = _progress_bar(len(tasks), len(tasks) - len(todo), description) if progress else None

    def finished(index: int, output: ReplicationOutput) -> None:
        outputs[index] = output
        if cache is not None and tasks[index].events_path is None:
            cache.store(tasks[index], output)
        if bar is not None:
            bar.update(1)

    try:
        if executor is None and (jobs == 1 or len(todo) <= 1):
            for index in todo:
                finished(index, _run_task(tasks[index]))
        elif todo:
            own = executor is None
            pool = executor if executor is not None else ProcessPoolExecutor(max_workers=min(jobs, len(todo)))
            window = 2 * (jobs if executor is None else max(jobs, 4))  # tasks in flight at once
            pending = iter(todo)
            running: dict = {}
            try:
                while True:
                    for index in itertools.islice(pending, window - len(running)):
                        running[pool.submit(_run_task, tasks[index])] = index
                    if not running:
                        break
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=running.get):
                        finished(running.pop(future), future.result())
            finally:
                if own:
                    pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()
    return outputs


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
        Keep finished replications on disk and reuse them (see :class:`RunCache`).
    """
    replications = scenario.simulation.replications if replications is None else replications
    seed = scenario.simulation.seed if seed is None else seed
    if replications < 1:
        raise ValueError("replications must be >= 1")
    events_dir = Path(tempfile.mkdtemp(prefix="orgsim-events-")) if events else None
    tasks = [
        Task(scenario, k, seed, str(events_dir / f"events-{k}.csv") if events_dir else None)
        for k in range(replications)
    ]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, scenario.name)
    results = Results.from_outputs(scenario, seed, outputs)
    if events_dir is not None:
        results.event_parts = [t.events_path for t in tasks]
        results._events_dir = events_dir
    return results


def _progress_bar(total: int, done: int, description: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=done, desc=description, unit="run", leave=False, dynamic_ncols=True)


@contextmanager
def dask_executor(address: str, jobs: int | None = None):
    """A ``concurrent.futures`` executor on a Dask cluster: ``"local"`` starts a
    ``LocalCluster`` of ``jobs`` single-threaded worker processes; anything else is the
    scheduler address of a running cluster.  Needs ``pip install orgsim[dask]``."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        raise RuntimeError("--dask needs Dask: pip install 'orgsim[dask]'") from error
    cluster = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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

    def figure(self, name: str, figure) -> None:
        self.write(name, lambda path: figure.savefig(path, dpi=110, format="png"))


@dataclass
class Results:
    """Everything a run produced, as pandas DataFrames first and plots second.

    Attributes
    ----------
    replications : one row per replication, one column per metric.
    summary : one row per metric: mean, std, ci_low, ci_high (95%), n.
    timeseries : per replication and working day: queue length per duty, busy hours per role.
    people : per replication and person: utilisation, hours per week by duty, context switches.
    ticket_times : resolution-time histogram over all replications (after warm-up): ticket_class,
        bin_low_hours, bin_high_hours, tickets (constant memory, see :mod:`orgsim.tally`).
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
        timeseries = _daily_frame(outputs)
        people = pd.DataFrame([{"replication": o.replication, **row} for o in outputs for row in o.people])
        ticket_times = _histogram_frame(outputs)
        lead_times = pd.DataFrame(
            [(o.replication, weeks) for o in outputs for weeks in o.project_lead_times],
            columns=["replication", "lead_time_weeks"],
        )
        warnings = stability_warnings([o.warnings for o in outputs])
        calendar = scenario.calendar
        check = warmup_check(timeseries, scenario.simulation.warmup_weeks, calendar.days_per_week)
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
        folder = OutputFolder(directory)
        folder.write(
            "summary.json", lambda p: p.write_text(json.dumps(self._summary_data(), indent=2, allow_nan=False))
        )
        folder.write("replications.csv", lambda p: self.replications.to_csv(p, index=False))
        folder.write("timeseries.csv", lambda p: self.timeseries.to_csv(p, index=False))
        folder.write("people.csv", lambda p: self.people.to_csv(p, index=False))
        if self.event_parts:
            folder.write("events.csv", self._write_events)
        if plots:
            folder.figure("throughput.png", self.plot_throughput())
            folder.figure("workload.png", self.plot_workload())
            folder.figure("backlog.png", self.plot_backlog())
            folder.figure("leadtimes.png", self.plot_leadtimes())
        return folder.written

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


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
