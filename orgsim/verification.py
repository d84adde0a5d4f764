"""The engine against queueing theory: textbook queues built from the general model.

The scenarios in ``scenarios/validation/`` configure the ordinary orgsim model (no
special case anywhere in the engine) as textbook queues: one role of ``c`` people
holding only ``ticket_l2``, tickets that skip level 1 and need no manager, no
projects, no management work and no context-switch time.  Time runs around the clock
(24 h a day, 7 days a week), so a working hour is an hour and a week is 168 hours.
:func:`run_verification` simulates each one and compares the simulated metrics with:

- M/M/c (Erlang C; M/M/1 is c = 1): utilisation, mean queue length Lq, mean wait in
  queue Wq, mean time in system W and the 90th percentile of the time in system;
- M/M/c with two classes, preemptive-resume priority and interrupted work resumed by any
  free server (``[dispatch] resume = "any_holder"``): class high is M/M/c on its own, the
  total is M/M/c at the summed rate, and Little's law gives class low;
- M/M/1 with two classes and preemptive-resume priority: mean time in system per class
  (Kleinrock, *Queueing Systems* vol. 2, sec. 3.7; Harchol-Balter, *Performance
  Modeling and Design of Computer Systems*, ch. 32);
- M/G/1 with lognormal service: the Pollaczek-Khinchine mean wait;
- Little's law, Lq = lambda Wq, on every duty queue of a full organisation
  (``scenarios/large-separate.toml``): the time-average queue length from the model's
  daily time series against the arrival rate times the mean wait in queue, per
  replication.

A row passes when the theoretical value lies inside the simulated 95% confidence
interval, or when the relative error is within the case's tolerance.  For Little's law
the interval is paired: lambda Wq plus the 95% CI of (L - lambda Wq) over replications.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from .experiment import Task, run_tasks
from .results import Results
from .scenario import ScenarioError, load_scenario, needed_duties
from .scenario.load import shipped_folder
from .stats import format_number, mean_interval
from .theory import lognormal_second_moment, mg1, mmc, mmc_sojourn_quantile, preemptive_priority

__all__ = [
    "CASES",
    "LITTLE_CASE",
    "Case",
    "Check",
    "default_directory",
    "default_organisation",
    "case_checks",
    "check_case_scenario",
    "run_verification",
    "format_table",
    "COLUMNS",
]

COLUMNS = ["case", "quantity", "theory", "simulated", "ci_low", "ci_high", "rel_error", "pass"]


def default_directory() -> Traversable:
    """The verification scenarios installed with orgsim: ``orgsim/shipped/validation``
    (``scenarios/validation`` in a checkout), read through :mod:`importlib.resources`."""
    return shipped_folder() / "validation"


def default_organisation() -> Traversable:
    """The full organisation scenario the Little's-law check runs: the shipped ``large-separate``."""
    return shipped_folder() / "large-separate.toml"


# ----------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Check:
    """One compared quantity: its label, the theoretical value, and the orgsim metric
    (a column of ``Results.replications``) that estimates it."""

    quantity: str
    theory: float
    metric: str


@dataclass(frozen=True)
class Case:
    """A validation scenario and the queue it stands for.

    ``model`` is ``"mmc"`` (params lam, mu, c), ``"priority"`` (lams per class, highest
    priority first, with class names; mu) or ``"mg1"`` (lam, mean, cv of a lognormal).
    The run length of the full validation is the scenario file's ``[simulation]``;
    ``quick`` = (horizon_weeks, warmup_weeks, replications) for the short run the tests
    use.  ``tolerance`` and ``quick_tolerance``: the relative error accepted when the
    theory lies outside the 95% CI.
    """

    file: str
    model: str
    params: dict
    quick: tuple[float, float, int]
    tolerance: float = 0.03
    quick_tolerance: float = 0.05

    @property
    def name(self) -> str:
        return Path(self.file).stem


def _mmc_case(file, lam, mu, c, quick, quick_tolerance):
    return Case(file, "mmc", {"lam": lam, "mu": mu, "c": c}, quick, quick_tolerance=quick_tolerance)


# Full runs (the scenario files' [simulation]) give 95% CIs of at most about +-3% on every
# quantity; a row outside its CI passes within 3% (5% for the heavy-tailed M/G/1 case).
# Quick runs take about half a minute on two cores; their tolerances are 3 to 4 standard
# deviations of the relative error between seeds of the quick run (measured over 8 seeds).
CASES: tuple[Case, ...] = (
    _mmc_case("mm1-rho050.toml", 0.5, 1.0, 1, quick=(150, 4, 8), quick_tolerance=0.04),
    _mmc_case("mm1-rho080.toml", 0.8, 1.0, 1, quick=(200, 4, 8), quick_tolerance=0.10),
    # rho = 0.95 converges slowly: the relaxation time is about 1 / (mu (1 - sqrt(rho))^2) = 1,600 h
    # and the variance of the mean wait grows as (1 - rho)^-4, so a 3% estimate needs millions of
    # customers (the full run: 20 x 1,800 weeks, about 6 million).  The quick run has a tenth of
    # them: a standard deviation of about 5% on Wq and 7% on the 90th percentile; it accepts 25%.
    _mmc_case("mm1-rho095.toml", 0.95, 1.0, 1, quick=(400, 20, 8), quick_tolerance=0.25),
    _mmc_case("mmc-c3-rho050.toml", 1.5, 1.0, 3, quick=(100, 2, 8), quick_tolerance=0.06),
    _mmc_case("mmc-c3-rho080.toml", 2.4, 1.0, 3, quick=(100, 4, 8), quick_tolerance=0.10),
    _mmc_case("mmc-c10-rho090.toml", 9.0, 1.0, 10, quick=(30, 2, 8), quick_tolerance=0.12),
    Case(
        "mm1-priority-2class.toml",
        "priority",
        {"classes": ("high", "low"), "lams": (0.4, 0.4), "mu": 1.0},
        quick=(200, 4, 8),
        quick_tolerance=0.07,
    ),
    # c servers, two classes, the high one preemptive, interrupted work resumed by any free server:
    # class high is M/M/c on its own, the total M/M/c at the summed rate (equal exponential service).
    Case(
        "mmc-c3-priority-anyholder.toml",
        "priority_c",
        {"classes": ("high", "low"), "lams": (0.9, 1.2), "mu": 1.0, "c": 3},
        quick=(100, 2, 8),
        quick_tolerance=0.08,
    ),
    # Lognormal service with cv 2 has a heavy tail (E[S^4] = 15,625 E[S]^4): the mean wait converges
    # slowly, about 5% standard deviation in the quick run, 2% in the full run (5 million customers).
    Case(
        "mg1-lognormal-cv2.toml",
        "mg1",
        {"lam": 0.8, "mean": 1.0, "cv": 2.0},
        quick=(300, 8, 8),
        tolerance=0.05,
        quick_tolerance=0.20,
    ),
)

# Little's law on the full organisation; quick: (horizon_weeks, warmup_weeks, replications).
LITTLE_CASE = Case("large-separate.toml", "little", {}, quick=(26, 4, 4), tolerance=0.02, quick_tolerance=0.05)


def case_checks(case: Case) -> list[Check]:
    """The quantities a case compares, with their theoretical values."""
    p = case.params
    if case.model == "mmc":
        lam, mu, c = p["lam"], p["mu"], p["c"]
        th = mmc(lam, mu, c)
        cls = "job"
        return [
            Check("arrival rate lambda (per h)", lam, "queue_arrivals_per_hour.ticket_l2"),
            Check("utilisation rho", th["rho"], "utilisation.server"),
            Check("mean queue length Lq", th["lq"], "queue_length_mean.ticket_l2"),
            Check("mean wait in queue Wq (h)", th["wq"], "queue_wait_hours_mean.ticket_l2"),
            Check("mean time in system W (h)", th["w"], f"ticket_resolution_hours_mean.{cls}"),
            Check(
                "p90 time in system (h)", mmc_sojourn_quantile(0.9, lam, mu, c), f"ticket_resolution_hours_p90.{cls}"
            ),
        ]
    if case.model == "priority":
        names, lams, mu = p["classes"], p["lams"], p["mu"]
        times = preemptive_priority(lams, [1.0 / mu] * len(lams), [2.0 / mu**2] * len(lams))
        total = sum(lams)
        checks = [Check("utilisation rho", total / mu, "utilisation.server")]
        for name, t in zip(names, times, strict=True):
            checks.append(Check(f"mean time in system W, class {name} (h)", t, f"ticket_resolution_hours_mean.{name}"))
        overall = sum(lam * t for lam, t in zip(lams, times, strict=True)) / total
        checks.append(Check("mean time in system W, all (h)", overall, "ticket_resolution_hours_mean.total"))
        return checks
    if case.model == "priority_c":
        (high, low), (lam_high, lam_low), mu, c = p["classes"], p["lams"], p["mu"], p["c"]
        alone, total = mmc(lam_high, mu, c), mmc(lam_high + lam_low, mu, c)
        return [
            Check("utilisation rho", (lam_high + lam_low) / (c * mu), "utilisation.server"),
            Check(f"mean time in system W, class {high} (h)", alone["w"], f"ticket_resolution_hours_mean.{high}"),
            Check(
                f"mean time in system W, class {low} (h)",
                (total["l"] - alone["l"]) / lam_low,
                f"ticket_resolution_hours_mean.{low}",
            ),
            Check("mean time in system W, all (h)", total["w"], "ticket_resolution_hours_mean.total"),
        ]
    if case.model == "mg1":
        lam, mean, cv = p["lam"], p["mean"], p["cv"]
        th = mg1(lam, mean, lognormal_second_moment(mean, cv))
        return [
            Check("arrival rate lambda (per h)", lam, "queue_arrivals_per_hour.ticket_l2"),
            Check("utilisation rho", th["rho"], "utilisation.server"),
            Check("mean queue length Lq", th["lq"], "queue_length_mean.ticket_l2"),
            Check("mean wait in queue Wq (h)", th["wq"], "queue_wait_hours_mean.ticket_l2"),
            Check("mean time in system W (h)", th["w"], "ticket_resolution_hours_mean.job"),
        ]
    raise ValueError(f"unknown model {case.model!r}")


def check_case_scenario(case: Case, scenario) -> None:
    """The file must be the queue the case claims: same lambda, service, servers, nothing else."""
    problems = []
    roles = [r for r in scenario.roles if scenario.headcounts()[r.name] > 0]
    if len(roles) != 1 or roles[0].name != "server" or roles[0].duties != ("ticket_l2",):
        problems.append("needs exactly one staffed role 'server' with duties ['ticket_l2']")
    elif roles[0].context_switch_hours != 0:
        problems.append("roles.server.context_switch_hours must be 0")
    if set(needed_duties(scenario)) != {"ticket_l2"}:
        problems.append(f"the work must need ticket_l2 only, needs {sorted(needed_duties(scenario))}")
    if case.model == "priority_c" and scenario.dispatch.resume != "any_holder":
        problems.append('[dispatch] resume must be "any_holder" (any free server resumes interrupted work)')
    per_hour = scenario.ticket_rate_per_hour
    classes = {c.name: c for c in scenario.tickets.classes if c.share > 0}
    p = case.params
    if case.model in ("priority", "priority_c"):
        expected = dict(zip(p["classes"], p["lams"], strict=True))
    else:
        expected = {"job": p["lam"]}
    if set(classes) != set(expected):
        problems.append(f"ticket classes {sorted(classes)}; expected {sorted(expected)}")
    else:
        for name, lam in expected.items():
            klass = classes[name]
            if not math.isclose(per_hour * klass.share, lam, rel_tol=1e-9):
                problems.append(f"class {name}: lambda = {per_hour * klass.share:g} per hour, expected {lam:g}")
            if klass.has_level1 or klass.manager_duty != "none":
                problems.append(f"class {name}: level 1 and manager duty must be off")
            effort = klass.l2_effort
            if case.model == "mg1":
                if effort.kind != "lognormal" or effort.mean != p["mean"] or effort.cv != p["cv"]:
                    problems.append(f"class {name}: l2_effort must be lognormal mean {p['mean']} cv {p['cv']}")
            elif effort.kind != "exponential" or not math.isclose(effort.mean, 1.0 / p["mu"]):
                problems.append(f"class {name}: l2_effort must be exponential with mean {1.0 / p['mu']:g}")
        if case.model in ("priority", "priority_c"):
            first, second = (classes[n] for n in p["classes"])
            if not (first.preemptive and first.priority < second.priority):
                problems.append("the first class must be preemptive and of a higher priority (lower rank)")
    servers = scenario.headcounts().get("server", 0)
    if servers != p.get("c", 1):
        problems.append(f"{servers} servers, expected {p.get('c', 1)}")
    if problems:
        raise ScenarioError("", "not the queue it claims to be: " + "; ".join(problems), str(case.file))


# ----------------------------------------------------------------------------- running


def _row(case: str, quantity: str, theory: float, simulated: float, low: float, high: float, tolerance: float):
    rel = (simulated - theory) / theory if theory else (0.0 if simulated == theory else math.inf)
    inside = not math.isnan(low) and low <= theory <= high
    return {
        "case": case,
        "quantity": quantity,
        "theory": theory,
        "simulated": simulated,
        "ci_low": low,
        "ci_high": high,
        "rel_error": rel,
        "pass": bool(inside or abs(rel) <= tolerance),
    }


def _queue_rows(case: Case, results, tolerance: float) -> list[dict]:
    reps = results.replications
    rows = []
    for check in case_checks(case):
        values = reps[check.metric].to_numpy(dtype=float)
        mean, low, high = mean_interval(values)
        rows.append(_row(case.name, check.quantity, check.theory, mean, low, high, tolerance))
    return rows


def _little_rows(case_name: str, results, tolerance: float) -> list[dict]:
    """Lq from the daily time series vs lambda Wq, per duty queue, paired per replication."""
    reps = results.replications.set_index("replication")
    series = results.timeseries
    scenario = results.scenario
    start = scenario.simulation.warmup_weeks * scenario.calendar.hours_per_week
    measured = series[series["hours"] > start + 1e-9]
    rows = []
    duties = [c.removeprefix("queue_length_mean.") for c in reps.columns if c.startswith("queue_length_mean.")]
    for duty in duties:
        lam = reps[f"queue_arrivals_per_hour.{duty}"]
        wait = reps[f"queue_wait_hours_mean.{duty}"]
        if lam.fillna(0).eq(0).all():
            continue
        lam_w = (lam * wait.fillna(0.0)).to_numpy(dtype=float)
        # time-average number waiting over the measured days (equal length), per replication
        length = measured.groupby("replication")[f"queue.{duty}"].mean().reindex(reps.index).to_numpy(dtype=float)
        theory = float(np.mean(lam_w))
        _, low, high = mean_interval(length - lam_w)
        rows.append(
            _row(
                case_name,
                f"Little Lq = lambda Wq, {duty}",
                theory,
                float(np.mean(length)),
                theory + low,
                theory + high,
                tolerance,
            )
        )
    return rows


@dataclass
class _Job:
    case: Case
    scenario: object
    replications: int
    seed: int
    tolerance: float
    rows: list = field(default_factory=list)


def _settings(case: Case, scenario, quick: bool, replications, horizon_weeks):
    sim = scenario.simulation
    if quick:
        horizon, warmup, reps = case.quick
    else:
        horizon, warmup, reps = sim.horizon_weeks, sim.warmup_weeks, sim.replications
    if horizon_weeks is not None:
        horizon = float(horizon_weeks)
        warmup = min(warmup, horizon / 4.0)  # the warm-up never eats more than a quarter of the run
    if replications is not None:
        reps = int(replications)
    return horizon, warmup, reps


def run_verification(
    directory: str | Path | None = None,
    replications: int | None = None,
    horizon_weeks: float | None = None,
    seed: int = 1,
    jobs: int | None = None,
    quick: bool = False,
    organisation: str | Path | None = None,
    cases: Iterable[str] | None = None,
    tolerance: float | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Simulate every verification case and compare it with theory.

    Parameters
    ----------
    directory
        Folder of the verification scenarios (default :func:`default_directory`).
    replications, horizon_weeks
        Override every case's run (default: the scenario files' ``[simulation]``, or the
        short ``Case.quick`` settings with ``quick=True``).  A warm-up longer than a
        quarter of an overridden horizon is cut to a quarter.
    seed
        Root seed of every case (replication k of every case uses child k of it).
    jobs, executor, progress
        As for every experiment: every replication of every case goes to the one runner
        (:func:`orgsim.experiment.run_tasks`), longest cases first.
    quick
        Short runs (about half a minute on two cores) with wider tolerances, for tests.
    organisation
        The full-organisation scenario for the Little's-law rows (default
        ``scenarios/large-separate.toml``); ``False`` leaves them out.
    cases
        Names (file stems) of the cases to run, ``"little"`` for the Little's-law rows;
        default all.
    tolerance
        Relative error accepted when the theory lies outside the CI, instead of each
        case's own (3% full, wider in quick mode where noted in :data:`CASES`).

    Returns
    -------
    DataFrame with columns case, quantity, theory, simulated, ci_low, ci_high,
    rel_error (signed, relative to theory), pass.  ``df.attrs["runs"]`` holds, per case,
    the replications, horizon and warm-up weeks and tolerance; ``df.attrs["seconds"]`` the
    wall time.
    """
    directory = Path(directory) if directory is not None else default_directory()
    wanted = set(cases) if cases is not None else None
    if wanted is not None:
        known = {c.name for c in CASES} | {"little"}
        unknown = wanted - known
        if unknown:
            raise ValueError(f"unknown verification case(s) {sorted(unknown)}; known: {sorted(known)}")
    jobs_list: list[_Job] = []
    for case in CASES:
        if wanted is not None and case.name not in wanted:
            continue
        scenario = load_scenario(directory / case.file)
        try:
            check_case_scenario(case, scenario)
        except ScenarioError as error:  # a tampered file: one line naming it (exit 2), not a failed check
            raise error.in_source(str(directory / case.file)) from None
        jobs_list.append(_job(case, scenario, quick, replications, horizon_weeks, seed, tolerance))
    if organisation is not False and (wanted is None or "little" in wanted):
        path = Path(organisation) if organisation else default_organisation()
        case = Case(
            f"little-{path.stem}", "little", {}, LITTLE_CASE.quick, LITTLE_CASE.tolerance, LITTLE_CASE.quick_tolerance
        )
        jobs_list.append(_job(case, load_scenario(path), quick, replications, horizon_weeks, seed, tolerance))

    started = time.perf_counter()
    order = sorted(jobs_list, key=lambda j: -_cost(j))  # the longest cases first keep the pool busy
    tasks = [Task(job.scenario, k, job.seed) for job in order for k in range(job.replications)]
    outputs = iter(run_tasks(tasks, jobs, executor, progress, description="verify"))
    for job in order:
        results = Results.from_outputs(job.scenario, job.seed, [next(outputs) for _ in range(job.replications)])
        if job.case.model == "little":
            job.rows = _little_rows(job.case.name, results, job.tolerance)
        else:
            job.rows = _queue_rows(job.case, results, job.tolerance)

    frame = pd.DataFrame([row for job in jobs_list for row in job.rows], columns=COLUMNS)
    frame.attrs["runs"] = {
        job.case.name: {
            "replications": job.replications,
            "horizon_weeks": job.scenario.simulation.horizon_weeks,
            "warmup_weeks": job.scenario.simulation.warmup_weeks,
            "tolerance": job.tolerance,
        }
        for job in jobs_list
    }
    frame.attrs["seed"] = seed
    frame.attrs["quick"] = quick
    frame.attrs["seconds"] = time.perf_counter() - started
    return frame


def _job(case: Case, scenario, quick, replications, horizon_weeks, seed, tolerance) -> _Job:
    horizon, warmup, reps = _settings(case, scenario, quick, replications, horizon_weeks)
    scenario = scenario.with_changes({"simulation.horizon_weeks": horizon, "simulation.warmup_weeks": warmup})
    tol = tolerance if tolerance is not None else (case.quick_tolerance if quick else case.tolerance)
    return _Job(case, scenario, reps, seed, tol)


def _cost(job: _Job) -> float:
    """Rough work of a job: arrivals per replication-hour times hours times replications."""
    scenario = job.scenario
    hours = scenario.simulation.horizon_weeks * scenario.calendar.hours_per_week
    return scenario.ticket_rate_per_hour * hours * job.replications


# ----------------------------------------------------------------------------- output


def _number(value) -> str:
    return format_number(value, digits=4)


def format_table(df: pd.DataFrame) -> str:
    """The validation results as a plain-text table: case, quantity, theory, simulated, 95% CI, error, pass."""
    header = ("case", "quantity", "theory", "simulated", "95% CI", "error", "pass")
    lines = []
    for row in df.to_dict("records"):
        ci = f"{_number(row['ci_low'])} to {_number(row['ci_high'])}" if not math.isnan(row["ci_low"]) else "n/a"
        error = f"{100 * row['rel_error']:+.1f}%" if math.isfinite(row["rel_error"]) else "n/a"
        theory, simulated = _number(row["theory"]), _number(row["simulated"])
        lines.append((row["case"], row["quantity"], theory, simulated, ci, error, "yes" if row["pass"] else "NO"))
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    right = {2, 3, 5}

    def render(cells):
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [render(header), render(["-" * w for w in widths])]
    previous = None
    for line in lines:
        shown = list(line)
        if line[0] == previous:
            shown[0] = ""
        previous = line[0]
        out.append(render(shown))
    passed = int(df["pass"].sum())
    out.append("")
    out.append(f"{passed} of {len(df)} checks pass (theory inside the 95% CI, or relative error within tolerance)")
    runs = df.attrs.get("runs")
    if runs:
        for name, run in runs.items():
            out.append(
                f"  {name}: {run['replications']} replications x {run['horizon_weeks']:g} weeks "
                f"(warm-up {run['warmup_weeks']:g}), tolerance {100 * run['tolerance']:g}%"
            )
        if "seconds" in df.attrs:
            out.append(f"  {df.attrs['seconds']:.0f} s in all")
    return "\n".join(out)
