"""The one runner: replications of scenarios, in this process, a process pool or a Dask
cluster, with a cache of finished runs on disk (:mod:`orgsim.cache`).

Every experiment — a run, a comparison, a sweep, the verification against queueing theory —
is a list of scenarios, each run for the same replications with the same root seed
(:func:`run_scenarios`).  Replication ``k`` of a scenario with seed ``s`` draws from
``SeedSequence(s)``'s child ``k`` only, so its numbers do not depend on how many processes run
or in which order they finish: ``--jobs 1`` and ``--jobs 8`` give identical results, and
scenarios run with the same seed see the same work (common random numbers).
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
import shutil
import tomllib
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import CACHE_SCHEMA, RunCache, code_fingerprint, output_from_data, output_to_data
from .engine import Model
from .limits import (
    BYTES_PER_ITEM,
    EVENT_BYTES_PER_ITEM,
    MAX_GRID_POINTS,
    MAX_RANGE_VALUES,
    MAX_REPLICATIONS,
    MAX_RUNS,
    MEMORY_SHARE,
    physical_memory,
)
from .metrics import ReplicationOutput, measure
from .scenario import Scenario, ScenarioError
from .work import check_run_size, expected_items, sources

__all__ = [
    "Task",
    "RunCache",
    "CACHE_SCHEMA",
    "code_fingerprint",
    "output_to_data",
    "output_from_data",
    "run_replication",
    "run_tasks",
    "run_scenarios",
    "default_jobs",
    "dask_executor",
    "grid",
    "parse_values",
]


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


def run_replication(
    scenario: Scenario, replication: int, seed: int | None = None, event_sink=None
) -> ReplicationOutput:
    """Build replication ``replication`` of ``scenario``, run it, check conservation, measure it."""
    model = Model(scenario, replication, seed, event_sink)
    model.run()
    return measure(model)


def _run_task(task: Task) -> ReplicationOutput:
    """Run one task in whichever process or cluster worker gets it; streams its event log."""
    if task.events_path is None:
        return run_replication(task.scenario, task.replication, task.seed)
    with open(task.events_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        return run_replication(task.scenario, task.replication, task.seed, event_sink=writer.writerow)


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


def check_runs(points: int, replications: int) -> int:
    """The runs ``points`` scenarios of ``replications`` each make, within
    :data:`~orgsim.limits.MAX_RUNS` (checked before a grid's points are even built)."""
    runs = points * replications
    if runs > MAX_RUNS:
        raise ScenarioError(
            "replications",
            f"{runs:,} runs asked ({points:,} scenarios x {replications:,} replications); allowed: at most "
            f"{MAX_RUNS:,} (split the grid into several sweeps, or use fewer replications)",
        )
    return runs


def check_work(
    scenarios: list[Scenario], replications: int, jobs: int | None = None, events_dir: Path | None = None
) -> None:
    """The limits of :mod:`orgsim.limits` on the work asked, before any of it starts: the
    replications, the runs in all, and the memory the runs in flight may need at worst (every
    item they are expected to create still open), the size of each run (what every work
    source expects to create, :func:`orgsim.work.check_run_size`), and with an event log
    (``events_dir``) the disk it will take there.  Raises :class:`ScenarioError`."""
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ScenarioError(
            "replications",
            f"found {replications:,}; allowed: 1 to {MAX_REPLICATIONS:,} (run several seeds and pool them for more)",
        )
    runs = check_runs(len(scenarios), replications)
    kinds = sources()  # found once, not once per scenario
    for scenario in scenarios:
        check_run_size(scenario, kinds)
    if events_dir is not None and scenarios:
        _check_event_disk(scenarios, replications, kinds, events_dir)
    memory = physical_memory()
    if memory and scenarios:
        in_flight = min(runs, jobs or os.cpu_count() or 1)
        items = {id(scenario): expected_items(scenario, kinds) for scenario in scenarios}
        largest = max(scenarios, key=lambda scenario: items[id(scenario)])
        need = items[id(largest)] * BYTES_PER_ITEM * in_flight
        if need > MEMORY_SHARE * memory:
            raise ScenarioError(
                "jobs",
                f"up to {need / 2**30:,.1f} GiB asked for {in_flight} runs at once of '{largest.name}' "
                f"(about {items[id(largest)]:,.0f} tickets, work packages and other items each); allowed: at most "
                f"{MEMORY_SHARE * memory / 2**30:,.1f} GiB, half this machine's memory (use fewer --jobs, a shorter "
                "horizon or a smaller organisation)",
            )


def _check_event_disk(scenarios, replications: int, kinds, events_dir: Path) -> None:
    """The event log's parts wait in ``events_dir`` (a temporary folder) until they are written
    out: refuse, naming the folder, a log that would not fit in its free space."""
    need = sum(expected_items(s, kinds) for s in scenarios) * replications * EVENT_BYTES_PER_ITEM
    free = shutil.disk_usage(events_dir).free
    if need > free:
        raise ScenarioError(
            "--events",
            f"the event log would take about {need / 2**30:,.2f} GiB in the temporary folder {events_dir.parent}, "
            f"which has {free / 2**30:,.2f} GiB free; set TMPDIR to a folder with room, or record fewer "
            "replications or a shorter horizon",
        )


def run_scenarios(
    scenarios: list[Scenario],
    replications: int,
    seed: int,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    description: str = "runs",
    events_dir: Path | None = None,
) -> list[list[ReplicationOutput]]:
    """Replications ``0 .. replications-1`` of every scenario with root ``seed``, all on one
    executor; the outputs per scenario, in replication order.  ``events_dir``: stream each
    run's event log to ``events_dir/events-SCENARIO-K.csv``."""
    check_work(scenarios, replications, jobs, events_dir)
    tasks = [
        Task(s, k, seed, str(events_dir / f"events-{i}-{k}.csv") if events_dir is not None else None)
        for i, s in enumerate(scenarios)
        for k in range(replications)
    ]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, description)
    return [outputs[i * replications : (i + 1) * replications] for i in range(len(scenarios))]


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


# ------------------------------------------------------------------ the design of a sweep

_RANGE = re.compile(r"^\s*([-+0-9.eE]+)\s*:\s*([-+0-9.eE]+)\s*:\s*(log)?\s*(\d+)\s*$")


def parse_values(path: str, text: str) -> list:
    """``"25,50,100"``, ``"25:3200:log7"`` (7 log-spaced values) or ``"0.1:0.9:5"`` (5 evenly
    spaced).  Values are TOML scalars, else text (``combined,separate``).  Ranges between
    whole numbers give whole numbers."""
    match = _RANGE.match(text)
    if match:
        low_text, high_text, log, count_text = match.groups()
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise ScenarioError(
                path, f"a range is LOW:HIGH:COUNT or LOW:HIGH:logCOUNT with numbers, found {text!r}", "--vary"
            ) from None
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ScenarioError(path, f"a range needs finite ends, found {text!r}", "--vary")
        count = int(count_text)
        if count < 2:
            raise ScenarioError(path, f"a range needs at least 2 values, found {count}", "--vary")
        if count > MAX_RANGE_VALUES:
            raise ScenarioError(
                path,
                f"{count:,} values asked; allowed: at most {MAX_RANGE_VALUES:,} per range (split the range into"
                " several sweeps)",
                "--vary",
            )
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


def grid(vary: dict[str, list], across: dict[str, list]) -> list[dict]:
    """Every combination, ``vary`` parameters slowest-varying first, ``across`` fastest.

    The grid's size is checked before any point is built (:data:`~orgsim.limits.MAX_GRID_POINTS`),
    and a parameter may not be both varied and compared across."""
    both = sorted(set(vary) & set(across))
    if both:
        raise ScenarioError(both[0], "given in both --vary and --across; give it in one of them", "command line")
    size = math.prod(len(v) for v in [*vary.values(), *across.values()])
    if size > MAX_GRID_POINTS:
        shape = " x ".join(f"{len(v):,}" for v in [*vary.values(), *across.values()])
        raise ScenarioError(
            "--vary",
            f"a grid of {size:,} points ({shape}) asked; allowed: at most {MAX_GRID_POINTS:,} (split it into"
            " several sweeps, or use fewer values)",
            "command line",
        )
    names = [*vary, *across]
    values = [*vary.values(), *across.values()]
    return [dict(zip(names, combination, strict=True)) for combination in itertools.product(*values)]
