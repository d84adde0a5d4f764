"""What experiments produce: :class:`Results` of one scenario, a :class:`Comparison` of
several, a :class:`Sweep` over a grid — data first (pandas DataFrames, JSON, CSV); the
pictures are :mod:`orgsim.plots`.

:func:`simulate`, :func:`compare` and :func:`sweep` run their scenarios on the one runner
(:func:`orgsim.experiment.run_scenarios`) and wrap what comes back.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import secrets
import shutil
import stat
import tempfile
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from . import catalogue
from .engine import EVENT_LOG_COLUMNS
from .experiment import RunCache, check_runs, grid, run_scenarios
from .metrics import WEEKS_PER_QUARTER, ReplicationOutput
from .monitors import BIN_EDGES
from .scenario import Scenario
from .stats import (
    CONFIDENCE,
    find_crossover,
    find_regions,
    format_number,
    paired_difference,
    summarise,
    summary_value,
    warmup_check,
)

__all__ = ["Results", "Comparison", "Sweep", "OutputFolder", "simulate", "compare", "sweep"]


_CACHE = ".runs"  # the run cache inside an output folder (see orgsim.experiment.RunCache)

# What orgsim writes into an output folder, and litter the operating system leaves there:
# an existing folder holding anything else is not orgsim's to replace.
_OWN_FILES = frozenset(
    {
        "summary.json",
        "replications.csv",
        "timeseries.csv",
        "people.csv",
        "projects.csv",
        "events.csv",
        "events.xes",
        "comparison.csv",
        "differences.csv",
        "sweep.csv",
        "sweep-summary.csv",
        "crossover.json",
        "realism.csv",
        # orgsim study
        "report.html",
        "study.json",
        "tradeoffs.csv",
        "net_benefit.csv",
        "it_manager_hours.csv",
        "headcounts.csv",
        "headcount_steps.csv",
        "sensitivity.csv",
        "key_numbers.csv",
        *(f"q{n}.csv" for n in range(1, 9)),
        _CACHE,
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
    }
)

# The head of events.xes: the standard extensions, the attributes every trace and event has
# (with defaults), the classifiers, the log's name.  The simulated calendar is stamped as UTC.
_XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<global scope="trace">
\t\t<string key="concept:name" value="UNKNOWN"/>
\t\t<int key="replication" value="0"/>
\t</global>
\t<global scope="event">
\t\t<string key="concept:name" value="UNKNOWN"/>
\t\t<string key="lifecycle:transition" value="complete"/>
\t\t<date key="time:timestamp" value="1970-01-01T00:00:00+00:00"/>
\t</global>
\t<classifier name="Activity" keys="concept:name"/>
\t<classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
\t<string key="concept:name" value={name}/>
\t<string key="lifecycle:model" value="standard"/>
"""

# A new file: created here or an error, never through a symlink or over a file already there.
_CREATE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create(path: Path):
    """A new file at ``path`` opened for binary writing (O_CREAT|O_EXCL|O_NOFOLLOW)."""
    return os.fdopen(os.open(path, _CREATE, 0o666), "wb")


def _written_by_orgsim(name: str) -> bool:
    return name in _OWN_FILES or name.endswith(".png") or (name.startswith(".") and name.endswith(".partial"))


class OutputFolder:
    """Writes a result's files so that nothing is ever half there.

    ``OutputFolder.replace(directory)``, a context manager (what :func:`orgsim.plots.save`
    and the command line use), builds a whole new folder beside ``directory`` (a private
    sibling with an unpredictable name, ``.NAME.xxxxxxxx``), writes every file there, and
    when all are written swaps it in: the earlier folder is renamed aside, the new one
    renamed into place, the earlier one deleted.  So the folder always holds one whole
    run, the earlier or the new, never a mix and never a stale file of an earlier run; if
    anything fails (a full disk, Ctrl-C) the earlier folder is left as it was and the new
    one removed.  The run cache ``.runs/``, which compare and sweep fill during their runs,
    is carried over.  A folder holding files orgsim does not write is refused (see
    :meth:`check`), so that pointing ``--out`` at the wrong folder deletes nothing.

    ``OutputFolder(directory)`` adds files to a folder one at a time instead, each written
    under a hidden temporary name with a random part and renamed when whole.

    Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW: a symlink planted at its name is
    never followed (the write fails instead); inside the new folder nobody else could have
    planted one anyway, as it is private (mode 0700) until it is swapped in.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []
        self._staging: Path | None = None

    @staticmethod
    def check(directory: str | Path) -> Path:
        """The folder ``directory`` names, absolute (its parent's symlinks resolved), if it can be
        replaced: not a file-system root, not the current folder or one that holds it, not a
        symlink, and not holding files orgsim does not write.  Otherwise an ``OSError`` whose
        ``strerror`` says why."""
        path = Path(os.path.abspath(directory))
        if not path.name:
            raise OSError(errno.EINVAL, f"{path} is the root of a file system; give a folder below it")
        path = Path(os.path.realpath(path.parent)) / path.name
        here = Path(os.path.realpath(os.getcwd()))
        if path == here or path in here.parents:
            raise OSError(errno.EBUSY, f"{path} is the current folder or holds it; give another folder")
        if path.is_symlink():
            raise OSError(errno.ELOOP, f"{path} is a symbolic link; give the folder it points to")
        if path.exists() and not path.is_dir():
            raise OSError(errno.ENOTDIR, f"{path} exists and is not a folder; give a folder path")
        if path.is_dir():
            try:
                names = [entry.name for entry in os.scandir(path)]
            except OSError as error:
                raise OSError(error.errno, f"cannot read {path}: {error.strerror}") from None
            foreign = sorted(name for name in names if not _written_by_orgsim(name))
            if foreign:
                shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
                raise OSError(
                    errno.ENOTEMPTY,
                    f"{path} holds files orgsim did not write ({shown}) and would be replaced; "
                    "give a new folder or one orgsim wrote",
                )
        return path

    @classmethod
    @contextmanager
    def replace(cls, directory: str | Path) -> Iterator[OutputFolder]:
        """Write into a new folder that replaces ``directory`` whole when the block ends
        without an exception (and is removed, leaving ``directory`` untouched, when not)."""
        final = cls.check(directory)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}."))
        folder = cls.__new__(cls)
        folder.directory, folder.written, folder._staging = final, [], staging
        try:
            yield folder
            _swap(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def write(self, name: str, write) -> None:
        """``write(handle)`` writes the content to a binary file; it lands as ``name`` when complete."""
        if not name or name != Path(name).name or name in (".", ".."):
            raise ValueError(f"not a file name: {name!r}")
        if self._staging is not None:
            with _create(self._staging / name) as handle:
                write(handle)
        else:
            temporary = self.directory / f".{name}.{secrets.token_hex(8)}.partial"
            handle = _create(temporary)
            try:
                with handle:
                    write(handle)
                os.replace(temporary, self.directory / name)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        self.written.append(self.directory / name)

    def text(self, name: str, text: str) -> None:
        self.write(name, lambda handle: handle.write(text.encode("utf-8")))

    def frame(self, name: str, frame: pd.DataFrame) -> None:
        self.write(name, lambda handle: frame.to_csv(handle, index=False))

    def figure(self, name: str, figure) -> None:
        self.write(name, lambda handle: figure.savefig(handle, dpi=110, format="png"))


def _swap(staging: Path, final: Path) -> None:
    """Put the complete folder ``staging`` in the place of ``final``, carrying over
    ``final/.runs``; on failure ``final`` is put back as it was (``staging`` is the caller's
    to remove)."""
    if final.is_dir():
        mode = stat.S_IMODE(final.stat().st_mode)  # the earlier folder's permissions
    else:
        probe = staging / ".mode"
        probe.mkdir()  # with the mode of any new folder: 0777 less the umask
        mode = stat.S_IMODE(probe.stat().st_mode)
        probe.rmdir()
    if not os.path.lexists(final):
        os.chmod(staging, mode)
        os.rename(staging, final)
        return
    aside = final.with_name(f".{final.name}.old.{secrets.token_hex(8)}")
    cache, carried = final / _CACHE, staging / _CACHE
    moved = False
    try:
        if os.path.lexists(cache):
            os.rename(cache, carried)
            moved = True
        os.chmod(staging, mode)
        os.rename(final, aside)
        os.rename(staging, final)
    except BaseException:
        if os.path.lexists(aside) and not os.path.lexists(final):
            os.rename(aside, final)
        if moved and os.path.lexists(carried) and not os.path.lexists(cache):
            os.chmod(staging, 0o700)  # writable again, whatever mode it was given
            os.rename(carried, cache)
        raise
    shutil.rmtree(aside, ignore_errors=True)


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
    event_formats: tuple[str, ...] = ("csv",)
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
        frames = [
            pd.read_csv(part, header=None, names=list(EVENT_LOG_COLUMNS), dtype={"org:resource": str, "duty": str})
            for part in self.event_parts
        ]
        frame = pd.concat(frames, ignore_index=True)
        frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], format="ISO8601")
        return frame

    def _write_events(self, handle) -> None:
        out = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        csv.writer(out).writerow(EVENT_LOG_COLUMNS)
        for part in self.event_parts:
            with open(part, encoding="utf-8") as source:
                shutil.copyfileobj(source, out)
        out.detach()  # flushes; the handle stays the caller's to close

    def _write_events_xes(self, handle) -> None:
        """events.xes: the event log in the XES layout (IEEE 1849-2016), one trace per case with
        its ``replication``, each event with its activity, time, resource, lifecycle transition
        and duty.  One replication's events are held in memory at a time, to group them by case."""
        out = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        out.write(_XES_HEAD.format(name=quoteattr(self.scenario.name)))
        for part in self.event_parts:
            traces: dict[str, list[list[str]]] = {}
            with open(part, encoding="utf-8", newline="") as source:
                for row in csv.reader(source):
                    traces.setdefault(row[1], []).append(row)
            for case, rows in traces.items():
                out.write(
                    f'\t<trace>\n\t\t<string key="concept:name" value={quoteattr(case)}/>\n'
                    f'\t\t<int key="replication" value="{int(rows[0][0])}"/>\n'
                )
                for _, _, activity, stamp, resource, transition, duty in rows:
                    out.write(
                        f'\t\t<event>\n\t\t\t<string key="concept:name" value={quoteattr(activity)}/>\n'
                        f'\t\t\t<string key="lifecycle:transition" value={quoteattr(transition)}/>\n'
                        f'\t\t\t<date key="time:timestamp" value="{stamp}+00:00"/>\n'
                    )
                    if resource:
                        out.write(f'\t\t\t<string key="org:resource" value={quoteattr(resource)}/>\n')
                    if duty:
                        out.write(f'\t\t\t<string key="duty" value={quoteattr(duty)}/>\n')
                    out.write("\t\t</event>\n")
                out.write("\t</trace>\n")
        out.write("</log>\n")
        out.detach()

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
        """Delete the recorded event log's temporary parts (after :meth:`write`; also done
        when the Results is garbage-collected)."""
        if self._events_dir is not None:
            shutil.rmtree(self._events_dir, ignore_errors=True)
            self._events_dir = None
            self.event_parts = None

    def __del__(self):
        self.discard_events()


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
        in a temporary folder until :meth:`Results.discard_events` or garbage collection, and go
        at once if the run fails.
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
    return results


EVENT_FORMATS = ("csv", "xes")


def event_formats(events: bool | str | None) -> tuple[str, ...]:
    """``simulate``'s ``events`` -> the formats to write: True is ("csv",), False or None is
    (), "xes" is ("xes",), "csv,xes" both."""
    if events is None or events is False:
        return ()
    if events is True:
        return ("csv",)
    names = tuple(dict.fromkeys(name.strip().lower() for name in str(events).split(",")))
    unknown = [name for name in names if name not in EVENT_FORMATS]
    if unknown or not names:
        raise ValueError(f"events: expected csv, xes or csv,xes, found {events!r}")
    return names


# ------------------------------------------------------------------ money: cost of delay

NET_BENEFIT = "net_benefit_per_week"


def project_weeks_per_week(replications: pd.DataFrame) -> np.ndarray:
    """Projects in progress on average, one value per replication: each is a project-week of
    delay per week, so the value scales with the project volume.  The measured time-average
    ``projects_in_progress_mean`` where there is one (it counts the projects still open, which
    an overloaded structure piles up); else Little's law on the completed projects, projects
    completed per week x their mean lead time in weeks (0 when none completed)."""
    throughput = replications["projects_per_quarter"].to_numpy(dtype=float) / WEEKS_PER_QUARTER
    lead = replications["project_lead_time_weeks_mean"].to_numpy(dtype=float)
    little = np.where(throughput > 0, throughput * np.nan_to_num(lead), 0.0)
    if "projects_in_progress_mean" not in replications:
        return little
    measured = replications["projects_in_progress_mean"].to_numpy(dtype=float)
    return np.where(np.isnan(measured), little, measured)


def cost_with_delay(replications: pd.DataFrame, value_per_project_week: float) -> np.ndarray:
    """Staff cost per week plus the cost of delay (project-weeks per week x the value of one)."""
    staff = replications["staff_cost_per_week"].to_numpy(dtype=float)
    return staff + value_per_project_week * project_weeks_per_week(replications)


def net_benefit(baseline: pd.DataFrame, other: pd.DataFrame, value_per_project_week: float) -> np.ndarray:
    """Net benefit per week of ``other`` against ``baseline``, paired by row (replication):
    (baseline's project-weeks - other's) x value - (other's staff cost - baseline's)."""
    return cost_with_delay(baseline, value_per_project_week) - cost_with_delay(other, value_per_project_week)


# ------------------------------------------------------------------ several scenarios


@dataclass
class Comparison:
    """Several scenarios run with common random numbers, side by side.

    ``comparison``: metric, scenario, mean, ci_low, ci_high.  ``differences``: every
    scenario minus the first, paired by replication: mean_difference, CI, significant,
    and which is better (by the catalogue's direction of each metric), the minimal important
    difference (``mid``), and a ``verdict``; ``better`` names the better scenario only when
    the difference is significant *and* larger than the MID.  ``mid``: overrides of the
    catalogue's MIDs, ``{metric or pattern: value}`` with the value in the metric's unit, or a
    string such as ``"2%"`` for a share of the baseline's mean.  With a value per project-week
    (``value_per_project_week``, or else the first scenario's
    ``projects.value_per_project_week``) above 0, one more row per scenario:
    ``net_benefit_per_week`` (:func:`net_benefit`; more is better).
    """

    results: list[Results]
    value_per_project_week: float | None = None
    mid: dict = field(default_factory=dict)

    def __post_init__(self):
        self.mid = parse_mids(self.mid)

    @property
    def value(self) -> float:
        """The value of a project-week in use (0: not valued)."""
        if self.value_per_project_week is not None:
            return self.value_per_project_week
        return self.results[0].scenario.projects.value_per_project_week

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

    def minimal_difference(self, metric: str) -> catalogue.MID | None:
        """The MID of a metric: an override (by name, then by pattern) or the catalogue's."""
        if metric in self.mid:
            return self.mid[metric]
        row = catalogue.lookup(metric)
        if row is not None and row.pattern in self.mid:
            return self.mid[row.pattern]
        return catalogue.minimal_difference(metric)

    @property
    def differences(self) -> pd.DataFrame:
        base = self.results[0]
        rows = []
        for other in self.results[1:]:
            for metric in base.replications.columns:
                if metric == "replication" or metric not in other.replications.columns:
                    continue
                row = paired_difference(base.replications[metric], other.replications[metric])
                direction = catalogue.better_direction(metric)
                mid = self.minimal_difference(metric) if direction else None
                values = base.replications[metric].to_numpy(dtype=float)
                baseline_mean = float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
                threshold = mid.threshold(baseline_mean) if mid else 0.0
                if not math.isfinite(threshold):
                    threshold = 0.0
                practical = bool(row["significant"] and direction and abs(row["mean_difference"]) > threshold)
                better = ""
                if practical:
                    improves = row["mean_difference"] * direction > 0
                    better = other.scenario.name if improves else base.scenario.name
                rows.append(
                    {
                        "metric": metric,
                        "scenario": other.scenario.name,
                        "baseline": base.scenario.name,
                        **row,
                        "mid": threshold if mid else math.nan,
                        "practical": practical,
                        "better": better,
                        "verdict": verdict(row, direction, threshold if mid else None),
                    }
                )
            if self.value > 0:
                rows.append(self._net_benefit_row(base, other))
        return pd.DataFrame(rows)

    def _net_benefit_row(self, base: Results, other: Results) -> dict:
        ordered = [r.replications.sort_values("replication") for r in (base, other)]
        gain = net_benefit(*ordered, self.value)
        row = paired_difference(np.zeros_like(gain), gain)
        better = ""
        if row["significant"]:
            better = other.scenario.name if row["mean_difference"] > 0 else base.scenario.name
        return {
            "metric": NET_BENEFIT,
            "scenario": other.scenario.name,
            "baseline": base.scenario.name,
            **row,
            "mid": math.nan,  # money: any significant net benefit counts
            "practical": bool(row["significant"]),
            "better": better,
            "verdict": verdict(row, 1, None),
        }

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
                if row.better:
                    mark = f"  -> {row.better} better (beyond the MID of {format_number(row.mid)})"
                else:
                    mark = f"  ({row.verdict})"
                lines.append(
                    f"    {row.scenario} - {row.baseline}: {format_number(row.mean_difference, signed=True)} "
                    f"(95% CI {format_number(row.ci_low, signed=True)} to "
                    f"{format_number(row.ci_high, signed=True)}){mark}"
                )
        lines.append(
            "better: the 95% CI excludes zero and the difference exceeds the metric's minimal important"
            " difference (MID; estimates, override with --mid METRIC=VALUE)"
        )
        for result in self.results:
            for warning in result.warnings:
                lines.append(f"warning ({result.scenario.name}): {warning}")
        return "\n".join(lines)

    def write(self, folder: OutputFolder) -> None:
        """comparison.csv and differences.csv."""
        folder.frame("comparison.csv", self.comparison)
        folder.frame("differences.csv", self.differences)


def verdict(row: dict, direction: int, mid: float | None) -> str:
    """A paired difference in words: ``better``/``worse`` (the scenario against the baseline)
    only when its CI excludes zero and it exceeds the MID."""
    if not row["significant"]:
        return "no significant difference"
    if not direction:
        return "significant (a description: neither better nor worse)"
    if mid is not None and abs(row["mean_difference"]) <= mid:
        return f"no practical difference (significant but below the MID of {format_number(mid)})"
    return "better" if row["mean_difference"] * direction > 0 else "worse"


def parse_mids(mid) -> dict[str, catalogue.MID]:
    """Overrides of minimal important differences: ``{metric or pattern: value}`` (or an
    iterable of ``"METRIC=VALUE"`` strings), the value a number >= 0 in the metric's unit or
    ``"N%"`` for N% of the baseline's mean.  A ValueError names what is wrong."""
    if mid is None:
        return {}
    if isinstance(mid, dict) and all(isinstance(v, catalogue.MID) for v in mid.values()):
        return dict(mid)
    if not isinstance(mid, dict):
        pairs = {}
        for text in mid:
            if "=" not in str(text):
                raise ValueError(f"mid: expected METRIC=VALUE, e.g. project_lead_time_weeks_mean=0.5, found {text!r}")
            name, value = (part.strip() for part in str(text).split("=", 1))
            pairs[name] = value
        mid = pairs
    patterns = {m.pattern: m for m in catalogue.CATALOGUE}
    out = {}
    for name, value in mid.items():
        if isinstance(value, catalogue.MID):
            out[name] = value
            continue
        row = patterns.get(name) or catalogue.lookup(name)
        if row is None:
            raise ValueError(f"mid: unknown metric {name!r} (orgsim reference lists them)")
        if not row.better:
            raise ValueError(f"mid: {name} describes the organisation (neither better nor worse): it has no MID")
        text = str(value).strip()
        relative = text.endswith("%")
        try:
            number = float(text[:-1] if relative else text)
        except ValueError:
            raise ValueError(f"mid: {name}: expected a number >= 0 or a percentage, found {value!r}") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"mid: {name}: expected a finite number >= 0, found {value!r}")
        out[name] = catalogue.MID(number / 100 if relative else number, "set by the user", relative=relative)
    return out


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
    mid: dict | None = None,
) -> Comparison:
    """Run every scenario with the same seed and replications (common random numbers).

    ``replications`` and ``seed`` default to the first scenario's settings, so that all
    scenarios are compared on equal terms whatever their own files say.  ``mid`` overrides
    minimal important differences (see :class:`Comparison`); it is checked before any run.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios")
    mid = parse_mids(mid)
    scenarios = _distinct_names(list(scenarios))
    first = scenarios[0].simulation
    replications = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "compare")
    return Comparison([Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)], mid=mid)


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

    def headcount_steps(self, across_value=None) -> list[dict]:
        """Whole-person headcount changes along the varied parameter, for one ``across`` value.

        Between consecutive grid values of the one ``vary`` parameter (sorted), every role
        whose number of people changes: ``{"x": where it steps, "previous_x", "role",
        "before", "after"}`` (a role that is absent counts 0).  Where either of the two
        points counts fractional FTE (``org.fractional_headcount``) there are no steps.
        ``across_value`` picks the alternative (ignored without an ``across`` parameter).
        """
        if len(self.vary) != 1 or len(self.across) > 1:
            raise ValueError("headcount steps need exactly one --vary and at most one --across parameter")
        x_path = next(iter(self.vary))
        across_path = next(iter(self.across), None)
        chosen = sorted(
            (
                (point[x_path], result.scenario)
                for point, result in zip(self.points, self.results, strict=True)
                if across_path is None or point[across_path] == across_value
            ),
            key=lambda item: item[0],
        )
        steps = []
        for (previous_x, before), (x, after) in pairwise(chosen):
            if before.org.fractional_headcount or after.org.fractional_headcount:
                continue
            old, new = before.headcounts(), after.headcounts()
            for role in dict.fromkeys([*old, *new]):
                if old.get(role, 0) != new.get(role, 0):
                    steps.append(
                        {
                            "x": x,
                            "previous_x": previous_x,
                            "role": role,
                            "before": old.get(role, 0),
                            "after": new.get(role, 0),
                        }
                    )
        return steps

    def crossover(
        self, metric: str = "project_lead_time_weeks_mean", value_per_project_week: float | None = None
    ) -> dict:
        """From which value of the swept parameter each ``across`` value beats the first.

        Needs one numeric ``vary`` parameter and one ``across`` parameter with two or more
        values.  ``value_per_project_week`` (default: the scenario's
        ``projects.value_per_project_week``; 0: not valued): the cost of delay of one project
        for one week; above 0 the result also holds ``net_benefit``, the same analysis on the
        net benefit of each alternative against the first (:func:`net_benefit`: the
        project-weeks it saves, valued, minus its extra staff cost), under ``pairs``.

        Each pair holds what :func:`~orgsim.stats.find_crossover` finds (who wins at the top
        of the range, and from about where), ``regions`` (:func:`~orgsim.stats.find_regions`:
        who is significantly better where along the whole range, and where neither is),
        ``headcount_steps`` of the baseline and the challenger (:meth:`headcount_steps`),
        ``on_step`` (the crossover and region boundaries that lie on a headcount step), and
        the ``sentence`` that says all of it.
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
        if direction == 0:
            raise ValueError(f"{metric} describes the organisation (neither more nor less is better): no crossover")
        value = (
            self.scenario.projects.value_per_project_week if value_per_project_week is None else value_per_project_week
        )

        def matrix(label, column=metric):
            rows = frame[frame[across_path] == label]
            return rows.pivot(index="replication", columns=vary_path, values=column)[order].to_numpy().T

        def with_delay(label):  # staff cost plus cost of delay, replication by replication
            rows = frame[frame[across_path] == label].sort_values([vary_path, "replication"])
            values = cost_with_delay(rows, value).reshape(len(order), -1)
            return values

        out = {"metric": metric, "parameter": vary_path, "across": across_path}
        out["pairs"] = self._pairs(matrix, labels, order, vary_path, direction > 0, metric, None)
        out["value_per_project_week"] = value if value > 0 else None
        if value > 0:
            out["net_benefit"] = {"pairs": self._pairs(with_delay, labels, order, vary_path, False, NET_BENEFIT, value)}
        return out

    def _pairs(self, matrix, labels, order, vary_path, higher_is_better, metric, value) -> list[dict]:
        """Crossover, regions, headcount steps and sentence of each alternative against the first."""
        baseline = matrix(labels[0])
        xs = np.asarray(order, dtype=float)
        baseline_steps = self.headcount_steps(labels[0])
        pairs = []
        for label in labels[1:]:
            challenger = matrix(label)
            result = find_crossover(
                xs,
                baseline,
                challenger,
                higher_is_better=higher_is_better,
                log_x=vary_path in self.log_scale,
                seed=self.seed,
            )
            result.update({"baseline": labels[0], "challenger": label})
            result["regions"] = find_regions(
                xs, baseline, challenger, higher_is_better=higher_is_better, minimal=self._minimal(metric, baseline)
            )["regions"]
            result["headcount_steps"] = {"baseline": baseline_steps, "challenger": self.headcount_steps(label)}
            result["on_step"] = _boundaries_on_steps(result)
            result["sentence"] = _sentence(result, metric, vary_path, value)
            pairs.append(result)
        return pairs

    @staticmethod
    def _minimal(metric: str, baseline: np.ndarray) -> np.ndarray:
        """The metric's minimal important difference at every grid point (0 where it has none):
        a region is won only by a difference that is significant and larger than it."""
        mid = catalogue.minimal_difference(metric)
        if mid is None:
            return np.zeros(len(baseline))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a point without values: NaN, no MID
            means = np.nanmean(np.asarray(baseline, dtype=float), axis=1)
        return np.array([mid.threshold(m) if np.isfinite(m) else 0.0 for m in means])

    def write(self, folder: OutputFolder, metric: str = "project_lead_time_weeks_mean", value_per_project_week=None):
        """sweep.csv, sweep-summary.csv and crossover.json (when it applies); returns the crossover."""
        folder.frame("sweep.csv", self.frame)
        folder.frame("sweep-summary.csv", self.summary)
        try:
            crossover = self.crossover(metric, value_per_project_week)
        except ValueError:
            return None
        folder.text("crossover.json", json.dumps(_jsonable(crossover), indent=2))
        return crossover


def _unit(path: str) -> str:
    return {"org.employees": "employees"}.get(path, f"({path})")


def _boundaries_on_steps(result: dict) -> list[dict]:
    """The boundaries of a pair that coincide with a headcount step: the crossover (the grid
    interval its estimate lies in) and every boundary between two regions.  The boundary
    between grid values x_i and x_i+1 coincides with a step when some role's headcount
    changes from x_i to x_i+1 under either alternative.  Each entry: ``between`` (x_i,
    x_i+1), ``x`` (where it steps), ``crossover`` and ``region_boundary`` (what lies there),
    ``steps``: alternative, side (baseline or challenger), role, before, after, x, and
    ``in_both`` (the other alternative steps the same role from the same count to the same),
    and ``sets_apart`` (some step there is not taken alike by both)."""
    xs = [float(x) for x in result["x"]]
    kinds: dict[int, set] = {}
    end = -1
    for region in result.get("regions", [])[:-1]:
        end += len(region["points"])
        kinds.setdefault(end, set()).add("region_boundary")
    crossover = result.get("crossover")
    if crossover is not None and not result.get("whole_range") and len(xs) > 1:
        i = max(k for k, x in enumerate(xs) if x <= crossover) if crossover >= xs[0] else 0
        kinds.setdefault(min(i, len(xs) - 2), set()).add("crossover")
    steps = result.get("headcount_steps", {})
    out = []
    for i, what in sorted(kinds.items()):
        here = {
            side: [s for s in steps.get(side, []) if float(s["x"]) == xs[i + 1]] for side in ("baseline", "challenger")
        }
        found = []
        for side, other in (("baseline", "challenger"), ("challenger", "baseline")):
            for step in here[side]:
                twin = any(
                    (o["role"], o["before"], o["after"]) == (step["role"], step["before"], step["after"])
                    for o in here[other]
                )
                found.append({"alternative": result[side], "side": side, **step, "in_both": twin})
        if found:
            out.append(
                {
                    "between": [xs[i], xs[i + 1]],
                    "x": xs[i + 1],
                    "crossover": "crossover" in what,
                    "region_boundary": "region_boundary" in what,
                    "sets_apart": not all(step["in_both"] for step in found),
                    "steps": found,
                }
            )
    return out


_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def _ordinal(n: int) -> str:
    """``a second``, ``an 11th``: the article and the ordinal of a whole number."""
    if 0 <= n < len(_ORDINALS):
        word = _ORDINALS[n]
    else:
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        word = f"{n}{suffix}"
    digits = str(n)
    vowel = word[0] in "aeiou8" or (digits[:2] in ("11", "18") and len(digits) % 3 == 2)
    return f"{'an' if vowel else 'a'} {word}"


def _step_phrase(step: dict) -> str:
    """``a second project_manager is hired (1 -> 2)``, ``it_manager grows from 1 to 3``."""
    role, before, after = step["role"], step["before"], step["after"]
    if isinstance(before, int) and isinstance(after, int) and after == before + 1:
        return f"{_ordinal(after)} {role} is hired ({before} -> {after})"
    verb = "grows" if after > before else "drops"
    return f"{role} {verb} from {before} to {after}"


def _step_notes(result: dict) -> str:
    """What the sentence says about boundaries that lie on a headcount step ('' if none).

    Only steps that set the alternatives apart are named (one alternative hires and the
    other does not, or hires differently): a step both take alike, such as one more
    engineer wherever the size grows, is the growth the sweep is about.  crossover.json
    lists every step (``on_step``, with ``in_both``)."""
    clauses, entries = [], [e for e in result.get("on_step") or [] if e["sets_apart"]]
    for entry in entries:
        groups = []
        for side in ("baseline", "challenger"):
            phrases = [_step_phrase(s) for s in entry["steps"] if s["side"] == side and not s["in_both"]]
            if phrases:
                shown = phrases[:3] + ([f"{len(phrases) - 3} more roles change"] if len(phrases) > 3 else [])
                groups.append(" and ".join(shown) + f" under {result[side]}")
        clauses.append(f"at {format_number(entry['x'])} " + ", and ".join(groups))
    if not clauses:
        return ""
    if len(entries) == 1:
        subject = "this crossover measures" if entries[0]["crossover"] else "this boundary measures"
    else:
        subject = "these boundaries measure"
    notes = "; ".join(clauses)
    return (
        f"{notes[0].upper()}{notes[1:]}: {subject} the headcount rule, not the roles; "
        "try --across org.fractional_headcount=false,true or --set org.fractional_headcount=true"
    )


def _sentence(result: dict, metric: str, path: str, value_per_project_week=None) -> str:
    """Every region along the range in order (who is significantly better where, and where
    neither is), the interpolated crossover for the winner at the top, and the headcount
    steps that coincide with a boundary.  With ``value_per_project_week`` the comparison is
    on the net benefit (staff cost plus the cost of delay)."""
    baseline, challenger = result["baseline"], result["challenger"]
    if value_per_project_week is not None:
        what = f"net benefit (staff cost and cost of delay at {format_number(value_per_project_week)} a project-week)"
    else:
        what = catalogue.label(metric)
    xs = result["x"]
    unit = _unit(path)
    span = f"{format_number(xs[0])}-{format_number(xs[-1])} {unit}"
    regions = result.get("regions") or []
    if not regions:
        return f"no crossover between {baseline} and {challenger} on {what} in {span}: {result['reason']}"
    if all(r["winner"] is None for r in regions):
        return (
            f"no crossover between {baseline} and {challenger} on {what} in {span}: "
            "neither is significantly better anywhere in the range"
        )
    names = {"baseline": (baseline, challenger), "challenger": (challenger, baseline)}
    if len(regions) == 1:
        winner, loser = names[regions[0]["winner"]]
        return f"{winner} beats {loser} on {what} across the whole range ({span})"
    clauses = []
    for k, region in enumerate(regions):
        first, last = k == 0, k == len(regions) - 1
        low, high = format_number(region["from"]), format_number(region["to"])
        if last:
            where = (
                f"from {low} {unit} (to the top of the range, {high}"
                if region["from"] != region["to"]
                else f"at the top of the range ({high} {unit}"
            )
            if region["winner"] is not None and region["winner"] == result.get("winner"):
                where += (
                    f"; interpolated, from about {format_number(result['crossover'])}, "
                    f"95% CI {format_number(result['ci_low'])}-{format_number(result['ci_high'])}"
                )
            where += ")"
        else:
            where = f"at {low}" + (f"-{high}" if region["from"] != region["to"] else "") + (f" {unit}" if first else "")
        if region["winner"] is None:
            between = f" between {baseline} and {challenger} on {what}" if first else ""
            kind = "practical" if region.get("below_mid") else "significant"
            clauses.append(f"no {kind} difference{between} {where}")
        else:
            winner, loser = names[region["winner"]]
            clauses.append(f"{winner} beats {loser}{f' on {what}' if first else ''} {where}")
    sentence = "; ".join(clauses)
    notes = _step_notes(result)
    return f"{sentence}. {notes}" if notes else sentence


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
    check_runs(len(points), replications)  # before every point is built and checked
    scenarios = [scenario.with_changes(point) for point in points]
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "sweep")
    results = [Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)]
    if log_scale is None:
        log_scale = {p for p, v in vary.items() if _looks_logarithmic(v)}
    return Sweep(scenario, dict(vary), across, points, results, seed, set(log_scale))


def _looks_logarithmic(values: list) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) >= 3 and min(numbers) > 0 and max(numbers) / min(numbers) >= 20
