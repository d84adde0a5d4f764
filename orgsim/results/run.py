"""One scenario's results: :class:`Results` (data frames of every replication) and
:func:`simulate`, which runs a scenario on the one runner and wraps what comes back."""

from __future__ import annotations

import atexit
import json
import math
import shutil
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalogue
from ..experiment import RunCache, run_scenarios
from ..metrics import ReplicationOutput
from ..monitors import BIN_EDGES
from ..scenario import Scenario
from ..stats import CONFIDENCE, summarise, summary_value, warmup_check
from ..wording import OVER_CAPACITY, format_number
from .capacity import capacity, from_queue
from .events import event_formats, read_events, write_events_csv, write_events_xes
from .folder import FIGURES, OutputFolder, declare
from .wording import growth_warnings

__all__ = ["Results", "simulate"]


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
    open_projects : per project still open at the end of a replication (for a censored lead time):
        replication, project_class, age_weeks (working weeks since its arrival), started.
    growing : each queue that grew through the measured weeks, and in how many replications
        (:func:`orgsim.metrics.growing_queues`; the stability check is
        :func:`orgsim.results.capacity.capacity`).
    """

    FILES = (
        declare(
            "summary.json",
            "replications.csv",
            "timeseries.csv",
            "people.csv",
            "projects.csv",
            "events.csv",
            "events.xes",
        )
        | FIGURES
    )  # what write() and orgsim.plots write

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
    open_projects: pd.DataFrame = field(default_factory=pd.DataFrame)
    event_parts: list[str] | None = None
    event_formats: tuple[str, ...] = ("csv",)
    _events_dir: Path | None = None
    growing: dict[str, int] = field(default_factory=dict)

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
        warnings = growth_warnings([o.warnings for o in outputs])
        growing: dict[str, int] = {}
        for output in outputs:
            for name in output.warnings:
                growing[name] = growing.get(name, 0) + 1
        check = warmup_check(timeseries, scenario.simulation.warmup_weeks, scenario.calendar.days_per_week)
        if not check["enough"] and not warnings:
            warnings.append(
                f"the warm-up ({scenario.simulation.warmup_weeks:g} weeks) looks too short: the daily backlog "
                f"settles only after about {math.ceil(check['needed_weeks'])} weeks (Welch's method); "
                f"set simulation.warmup_weeks to at least that"
            )
        warnings = [*scenario.advice(), *warnings]
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
            open_projects=pd.DataFrame(
                [row for o in outputs for row in o.open_projects],
                columns=["replication", "project_class", "age_weeks", "started"],
            ),
            growing=growing,
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
        check = capacity(self)
        for metric in rows:
            if metric.pattern not in set(self.summary["metric"]):
                continue
            if check.over and from_queue(metric.pattern):
                lines.append(f"  {f'{metric.label} ({metric.unit})':<{width}} {OVER_CAPACITY:>10}")
                continue
            mean, low, high = summary_value(self.summary, metric.pattern)
            ci = f"  (95% CI {format_number(low)} to {format_number(high)})" if not math.isnan(low) else ""
            lines.append(f"  {f'{metric.label} ({metric.unit})':<{width}} {format_number(mean):>10}{ci}")
        if check.over:
            lines.append(f"  {check.sentence('this run')}")
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
            if "csv" in self.event_formats:
                folder.write("events.csv", self._write_events)
            if "xes" in self.event_formats:
                folder.write("events.xes", self._write_events_xes)

    @property
    def events(self) -> pd.DataFrame:
        """The recorded event log (``simulate(..., events=True)``), one row per event with the
        columns of events.csv; ``time:timestamp`` as datetimes, ``org:resource`` and ``duty``
        empty (NaN) on arrival rows.  Read from the recorded parts at each access."""
        if not self.event_parts:
            raise ValueError("no event log was recorded: run simulate(..., events=True)")
        return read_events(self.event_parts)

    def _write_events(self, handle) -> None:
        write_events_csv(self.event_parts, handle)

    def _write_events_xes(self, handle) -> None:
        write_events_xes(self.scenario.name, self.event_parts, handle)

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

    def discard_events(self) -> None:
        """Delete the recorded event log's temporary parts, once it is written (:meth:`write`)
        or no longer wanted.  The caller owns them: call this, or use the Results as a
        context manager (``with simulate(s, events=True) as results: ...``).  Parts still
        there when the interpreter exits are deleted then; nothing is deleted behind the
        caller's back (garbage collection leaves them)."""
        if self._events_dir is not None:
            _discard(self._events_dir)
            self._events_dir = None
            self.event_parts = None

    def __enter__(self) -> Results:
        return self

    def __exit__(self, *exc) -> None:
        self.discard_events()


# The event logs' temporary folders not discarded yet: deleted at the latest when the
# interpreter exits (a safety net for a caller that forgets discard_events).
_PENDING: set[Path] = set()


def _discard(events_dir: Path) -> None:
    shutil.rmtree(events_dir, ignore_errors=True)
    _PENDING.discard(events_dir)


@atexit.register
def _discard_pending() -> None:
    for events_dir in list(_PENDING):
        _discard(events_dir)


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
    events: bool | str = False,
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
        Also record an event log (each case's arrival; each activity's start, suspend, resume
        and completion): :attr:`Results.events`, written by :meth:`Results.write` as events.csv
        (``True`` or ``"csv"``), events.xes (``"xes"``) or both (``"csv,xes"``).  Its parts wait
        in a temporary folder until :meth:`Results.discard_events` (or the end of a ``with``
        block on the Results, or at the latest the interpreter's exit), and go at once if the
        run fails.
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
    formats = event_formats(events)
    events_dir = Path(tempfile.mkdtemp(prefix="orgsim-events-")) if formats else None
    try:
        (outputs,) = run_scenarios(
            [scenario], replications, seed, jobs, executor, progress, cache, scenario.name, events_dir
        )
        results = Results.from_outputs(scenario, seed, outputs)
    except BaseException:  # a failure or Ctrl-C: the event log's parts go too
        if events_dir is not None:
            shutil.rmtree(events_dir, ignore_errors=True)
        raise
    if events_dir is not None:
        results.event_parts = [str(events_dir / f"events-0-{k}.csv") for k in range(replications)]
        results.event_formats = formats
        results._events_dir = events_dir
        _PENDING.add(events_dir)
    return results
