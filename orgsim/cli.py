"""The ``orgsim`` command: thin — parse, call the library, print.

Bad input of any kind ends in one line naming the field and what is allowed, and
exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import unicodedata
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .scenario import ScenarioError, load_scenario, parse_assignment
from .version import __version__

__all__ = ["main"]

EXIT_BAD_INPUT = 2
SCENARIO_HELP = "scenario file (TOML), or the name of a shipped scenario, e.g. small-combined"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: same shape as ours, exit 2
        self.print_usage(sys.stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {value}")
    return value


def _replications(text: str) -> int:
    from .limits import MAX_REPLICATIONS

    value = _positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            f"found {value:,}; allowed: at most {MAX_REPLICATIONS:,} (run several seeds and pool them for more)"
        )
    return value


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, found {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, found {value}")
    return value


def _event_formats(text: str) -> str:
    from .results import event_formats  # only with --events: the run needs it anyway

    try:
        event_formats(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected csv, xes or csv,xes, found {text!r} (the scenario goes before --events)"
        ) from None
    return text


def _value(text: str) -> float:
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, found {text!r}")
    return value


def _add_money_option(parser) -> None:
    parser.add_argument(
        "--value-per-project-week",
        type=_value,
        metavar="V",
        help="cost of delay: currency per project per week of lead time; adds the net benefit against the first"
        " alternative (default: the scenario's projects.value_per_project_week; 0: not valued)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="orgsim",
        description="Simulate an IT organisation: should the IT manager also be the project manager?",
    )
    parser.add_argument("--version", action="version", version=f"orgsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser("run", help="run one scenario and write metrics, time series and plots")
    run.add_argument("scenario", help=SCENARIO_HELP)
    _add_run_options(run)
    run.add_argument(
        "--events",
        nargs="?",
        const="csv",
        type=_event_formats,
        metavar="csv|xes",
        help="also write an event log for process mining: events.csv (the default), events.xes or both (csv,xes)",
    )
    compare = commands.add_parser("compare", help="compare scenarios with common random numbers and paired CIs")
    compare.add_argument("scenarios", nargs="+", help="two or more scenario files or names of shipped scenarios")
    _add_run_options(compare)
    _add_money_option(compare)
    compare.add_argument(
        "--mid",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="minimal important difference of a metric, in its unit or as N%% of the baseline"
        " (e.g. project_lead_time_weeks_mean=0.5); repeatable",
    )
    sweep = commands.add_parser("sweep", help="sweep parameters; find from which size one structure wins")
    sweep.add_argument("scenario", help=SCENARIO_HELP)
    sweep.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=VALUES",
        help="values to sweep: 25,50,100 or 25:3200:log7 or 0.1:0.9:5 (repeatable)",
    )
    sweep.add_argument(
        "--across", metavar="PATH=VALUES", help="values compared at every point, e.g. org.structure=combined,separate"
    )
    sweep.add_argument(
        "--metric",
        default="project_lead_time_weeks_mean",
        help="metric for the crossover (default: project_lead_time_weeks_mean)",
    )
    _add_money_option(sweep)
    _add_run_options(sweep)
    _add_study(commands)
    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help=SCENARIO_HELP)
    _add_set_option(validate)
    verify = commands.add_parser("verify", help="check the engine against queueing theory (M/M/1, M/M/c, ...)")
    verify.add_argument("--quick", action="store_true", help="short runs with wider tolerances (under a minute)")
    verify.add_argument("--replications", "-r", type=_replications, help="replications of every case")
    verify.add_argument("--seed", type=_seed, default=1, help="root random seed (default 1)")
    verify.add_argument("--jobs", "-j", type=_positive_int, help="parallel processes (default: all cores)")
    verify.add_argument(
        "--scenarios",
        metavar="DIR",
        help="folder of verification scenarios (default: the validation scenarios installed with orgsim)",
    )
    verify.add_argument("--out", help="also write the table as CSV to this file")
    verify.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    realism = commands.add_parser("realism", help="run a scenario and set its measurements beside published figures")
    realism.add_argument("scenario", help=SCENARIO_HELP)
    realism.add_argument("--replications", "-r", type=_replications, help="replications (default: the scenario's)")
    realism.add_argument("--seed", type=_seed, help="root random seed (default: the scenario's)")
    _add_set_option(realism)
    realism.add_argument("--out", help="output folder (default: outputs/realism-NAME)")
    realism.add_argument("--jobs", "-j", type=_positive_int, help="parallel processes (default: all cores)")
    realism.add_argument("--strict", action="store_true", help="exit 1 when a calibration figure lies outside its band")
    realism.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    _add_calibrate(commands)
    commands.add_parser("reference", help="print the scenario-format reference (Markdown)")
    return parser


def _add_study(commands) -> None:
    study = commands.add_parser(
        "study",
        help="the whole decision study: sizes x structures (x cultures) and Q1-Q8, as a self-contained report.html",
    )
    study.add_argument("scenario", help=SCENARIO_HELP)
    study.add_argument(
        "--sizes", metavar="VALUES", help="employees: 25,50,100 or 25:1600:log7 (default 25-1,600, 7 sizes)"
    )
    study.add_argument(
        "--structures",
        metavar="NAMES",
        help="structures to compare, among them combined and separate (default combined,separate,pmo,no_pm)",
    )
    study.add_argument(
        "--cultures",
        metavar="NAMES",
        help="operations_first, projects_first or both (default: the scenario's; the other is run for Q3)",
    )
    study.add_argument(
        "--quick", action="store_true", help="a first look: 3 sizes, 3 replications (wide intervals; minutes less)"
    )
    _add_money_option(study)
    _add_run_options(
        study, "replications per point (default 10)", "output folder (default: outputs/study-NAME)", plots=False
    )


def _clock_time(text: str) -> float:
    """HH:MM (or HH) -> hours after midnight."""
    found = re.fullmatch(r"\s*(\d{1,2})(?::(\d\d))?\s*", text)
    if not found or int(found.group(1)) > 23 or int(found.group(2) or 0) > 59:
        raise argparse.ArgumentTypeError(f"expected a time of day such as 09:00, found {text!r}")
    return int(found.group(1)) + int(found.group(2) or 0) / 60.0


def _add_calibrate(commands) -> None:
    calibrate = commands.add_parser(
        "calibrate", help="fit a scenario to a ticket export (ServiceNow incidents or any CSV of tickets)"
    )
    calibrate.add_argument(
        "export", help="ticket export (CSV): one row per ticket, or an audit export with many rows per ticket"
    )
    calibrate.add_argument(
        "--format",
        choices=("servicenow", "generic"),
        help="column names to look for (default: servicenow when its number and opened_at columns are there)",
    )
    calibrate.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="the column of a field: id, opened, resolved, closed, priority, type, group, reassignments, made_sla,"
        " state, updated (repeatable)",
    )
    calibrate.add_argument("-o", "--output", metavar="SCENARIO.toml", help="the scenario file to write")
    calibrate.add_argument("--out", metavar="DIR", help="folder for calibration.json and calibration.png")
    calibrate.add_argument(
        "--employees", type=_positive_int, help="employees served: writes tickets.per_employee_per_month"
    )
    calibrate.add_argument(
        "--day-start",
        type=_clock_time,
        default=9.0,
        metavar="HH:MM",
        help="start of the 8-hour working day (default 09:00)",
    )
    calibrate.add_argument("--check", action="store_true", help="run the fitted scenario and compare")
    calibrate.add_argument("--replications", "-r", type=_replications, help="replications of --check (default 3)")
    calibrate.add_argument("--seed", type=_seed, default=1, help="root random seed of --check (default 1)")
    calibrate.add_argument("--jobs", "-j", type=_positive_int, help="parallel processes of --check (default: all)")
    calibrate.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _add_set_option(command) -> None:
    command.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change a parameter (of every scenario) by its dotted path (repeatable)",
    )


def _add_run_options(
    command, replications: str = "replications (default: the scenario's)", out: str = "output folder", plots=True
) -> None:
    command.add_argument("--replications", "-r", type=_replications, help=replications)
    command.add_argument("--seed", type=_seed, help="root random seed (default: the scenario's)")
    _add_set_option(command)
    command.add_argument("--out", help=out)
    command.add_argument("--jobs", "-j", type=_positive_int, help="parallel processes (default: all cores)")
    command.add_argument(
        "--dask", metavar="ADDRESS", help="run on a Dask cluster: a scheduler address, or 'local' for a LocalCluster"
    )
    if plots:
        command.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    command.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "reference":
            from .scenario.reference import reference_markdown

            print(reference_markdown())
            sys.stdout.flush()  # a full disk shows here, inside the try
            return 0
        if args.command == "compare":
            return _compare(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "realism":
            return _realism(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "study":
            return _study(args)
        return _run(args)
    except (_UsageError, ScenarioError) as error:
        return _fail(str(error))
    except BrokenProcessPool:
        return _fail("a worker process died, most likely out of memory; use fewer --jobs or a smaller run")
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            sys.stderr.close()
            return 0
        where = f" {error.filename}" if error.filename else ""
        return _fail(f"cannot read or write{where}: {error.strerror or error}")
    except KeyboardInterrupt:
        print("orgsim: interrupted; the output folder is as it was, finished runs kept in .runs", file=sys.stderr)
        return 130


def _fail(message: str) -> int:
    """One line on stderr, exit 2; characters that are not printable are escaped, so that
    input cannot move the cursor, clear the screen, split the line or reverse the text."""
    print(f"orgsim: error: {printable(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def printable(text: str) -> str:
    """``text`` with control and formatting characters (ESC, newlines, U+202E, ...) escaped."""
    return "".join(
        ch if ch == " " or unicodedata.category(ch)[0] not in "CZ" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def _output_folder(args, name: str) -> Path:
    """The output folder, checked before anything runs.  It is not created here: the results
    are written beside it and swapped in whole (``OutputFolder.replace``), so it must be one
    that orgsim may replace; realism adds its one file to the folder instead."""
    from .results import OutputFolder

    folder = Path(args.out) if args.out else Path("outputs") / name
    if folder.exists() and not folder.is_dir():
        raise ScenarioError("--out", f"{folder} exists and is not a folder; give a folder path", "command line")
    if args.command not in ("realism", "calibrate"):  # these add their files to the folder
        try:
            OutputFolder.check(folder)
        except OSError as error:
            raise ScenarioError("--out", error.strerror or str(error), "command line") from None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScenarioError("--out", f"cannot create {folder}: {error.strerror}", "command line") from None
    if not os.access(folder.parent, os.W_OK | os.X_OK):
        raise ScenarioError("--out", f"cannot create {folder}: permission denied", "command line")
    return folder


def _run(args) -> int:
    from .plots import save
    from .results import simulate

    changes = dict(parse_assignment(text) for text in args.changes)
    scenario = load_scenario(args.scenario, changes)
    with _executor(args) as executor:  # a cluster it cannot reach fails before a folder is made
        folder = _output_folder(args, scenario.name)
        results = simulate(  # with --events, a failure or Ctrl-C here removes the event log's parts
            scenario,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            events=args.events,
            progress=not args.quiet,
            executor=executor,
        )
    try:
        written = _write(lambda: save(results, folder, plots=not args.no_plots), folder)
    finally:
        results.discard_events()  # on any exit, Ctrl-C included: nothing stays in the temp folder
    print(results.headline_table())
    print(f"wrote {len(written)} files to {folder}/: " + ", ".join(p.name for p in written))
    return 0


@contextmanager
def _executor(args):
    """The executor --dask asks for, or None for the default process pool."""
    if not getattr(args, "dask", None):
        yield None
        return
    from .experiment import dask_executor

    stack = ExitStack()
    try:  # only reaching the cluster is the --dask option's fault; errors of the runs are their own
        executor = stack.enter_context(dask_executor(args.dask, args.jobs))
    except (RuntimeError, ValueError, TypeError) as error:  # no Dask, or an address it cannot parse
        raise ScenarioError("--dask", str(error), "command line") from None
    except OSError as error:
        raise ScenarioError("--dask", f"cannot reach the cluster at {args.dask}: {error}", "command line") from None
    with stack:
        yield executor


def _cache(folder: Path):
    from .experiment import RunCache

    return RunCache(folder / ".runs")


def _compare(args) -> int:
    from .plots import save
    from .results import compare, parse_mids

    if len(args.scenarios) < 2:
        raise _UsageError("compare needs at least two scenario files")
    try:
        mid = parse_mids(args.mid)
    except ValueError as error:
        raise _UsageError(str(error).replace("mid: ", "--mid: ", 1)) from None
    changes = dict(parse_assignment(text) for text in args.changes)
    scenarios = [load_scenario(path, changes) for path in args.scenarios]
    with _executor(args) as executor:  # a cluster it cannot reach fails before a folder is made
        folder = _output_folder(args, "compare-" + "-".join(s.name for s in scenarios))
        comparison = compare(
            scenarios,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=executor,
            progress=not args.quiet,
            cache=_cache(folder),
            mid=mid,
        )
    comparison.value_per_project_week = args.value_per_project_week
    written = _write(lambda: save(comparison, folder, plots=not args.no_plots), folder)
    print(comparison.table())
    for line in _net_benefit_lines(comparison):
        print(line)
    print(f"wrote {len(written)} files to {folder}/: " + ", ".join(p.name for p in written))
    return 0


def _parse_grid(options: list[str], flag: str) -> dict[str, list]:
    from .experiment import parse_values

    grid = {}
    for text in options:
        if "=" not in text:
            raise ScenarioError(text, "expected PATH=VALUES, e.g. org.employees=25,50,100", flag)
        path, values = (part.strip() for part in text.split("=", 1))
        grid[path] = parse_values(path, values)
    return grid


def _sweep(args) -> int:
    from .plots import save
    from .results import sweep

    changes = dict(parse_assignment(text) for text in args.changes)
    scenario = load_scenario(args.scenario, changes)
    vary = _parse_grid(args.vary, "--vary")
    across = _parse_grid([args.across] if args.across else [], "--across")
    if not vary:
        raise _UsageError("sweep needs at least one --vary PATH=VALUES")
    # everything that can be checked is checked before a folder is made or a run starts
    from .catalogue import lookup
    from .experiment import check_runs, grid

    points = grid(vary, across)
    check_runs(len(points), args.replications or scenario.simulation.replications)
    if lookup(args.metric) is None:
        raise ScenarioError(
            "--metric", f"no metric {args.metric!r}; see the metric names in the README or sweep.csv", "command line"
        )
    with _executor(args) as executor:  # a cluster it cannot reach fails before a folder is made
        folder = _output_folder(args, f"sweep-{scenario.name}")
        result = sweep(
            scenario,
            vary,
            across,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=executor,
            progress=not args.quiet,
            cache=_cache(folder),
        )
    if args.metric not in result.frame.columns:
        raise ScenarioError("--metric", f"no metric {args.metric!r}; see the columns of sweep.csv", "command line")
    written, crossover = _write(
        lambda: save(
            result,
            folder,
            plots=not args.no_plots,
            metric=args.metric,
            value_per_project_week=args.value_per_project_week,
        ),
        folder,
    )
    print(_sweep_table(result, args.metric))
    for warning in result.warnings:
        print(f"warning: {warning}")
    if crossover is not None:
        for pair in crossover["pairs"] + (crossover.get("net_benefit") or {}).get("pairs", []):
            print(pair["sentence"])
        for line in _headcount_step_lines(crossover):
            print(line)
    print(f"wrote {len(written)} files to {folder}/: " + ", ".join(p.name for p in written))
    return 0


def _names(text: str | None, flag: str) -> list[str] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise ScenarioError(flag, f"expected names separated by commas, found {text!r}", "command line")
    return names


def _study(args) -> int:
    from .experiment import parse_values
    from .report import save_study
    from .stats import format_number
    from .study import study, study_plan

    changes = dict(parse_assignment(text) for text in args.changes)
    scenario = load_scenario(args.scenario, changes)
    try:
        sizes = parse_values("--sizes", args.sizes) if args.sizes is not None else None
    except ValueError as error:
        raise ScenarioError("--sizes", str(error), "command line") from None
    try:
        plan = study_plan(
            scenario,
            sizes=sizes,
            structures=_names(args.structures, "--structures"),
            cultures=_names(args.cultures, "--cultures"),
            replications=args.replications,
            quick=args.quick,
        )
    except ValueError as error:
        flag, _, message = str(error).partition(": ")
        raise ScenarioError(flag, message, "command line") from None
    with _executor(args) as executor:  # a cluster it cannot reach fails before a folder is made
        folder = _output_folder(args, f"study-{scenario.name}")
        result = study(
            scenario,
            plan,
            seed=args.seed,
            jobs=args.jobs,
            executor=executor,
            progress=not args.quiet,
            cache=_cache(folder),
            value_per_project_week=args.value_per_project_week,
        )

    written = _write(lambda: save_study(result, folder), folder)
    for sentence in result.answer()["sentences"]:
        print(sentence)
    for row in result.key_numbers().itertuples():
        print(
            f"{row.question}: {row.verdict} [{row.quantity}: {format_number(row.mean)} "
            f"(95% CI {format_number(row.ci_low)} to {format_number(row.ci_high)})]"
        )
    warnings = result.warnings
    if warnings:
        print(f"warning: {len(warnings)} warnings (study.json lists them all), e.g. {warnings[0]}")
    print(f"wrote {len(written)} files to {folder}/: " + ", ".join(p.name for p in written))
    print(f"open {folder / 'report.html'} in a browser")
    return 0


def _net_benefit_lines(comparison) -> list[str]:
    """One line per scenario against the first: its net benefit a week, when project-weeks are valued."""
    from .results import NET_BENEFIT
    from .stats import format_number

    differences = comparison.differences
    if comparison.value <= 0 or differences.empty:
        return []
    lines = []
    for row in differences[differences["metric"] == NET_BENEFIT].itertuples():
        verdict = f"-> {row.better} better" if row.better else "(not significant)"
        lines.append(
            f"net benefit of {row.scenario} against {row.baseline} (cost of delay "
            f"{format_number(comparison.value)} a project-week): {format_number(row.mean_difference, signed=True)}"
            f" a week (95% CI {format_number(row.ci_low, signed=True)} to {format_number(row.ci_high, signed=True)})"
            f" {verdict}"
        )
    return lines


def _headcount_step_lines(crossover: dict) -> list[str]:
    """One line per alternative: every whole-person headcount step along the swept range."""
    from .stats import format_number

    steps: dict[str, list[dict]] = {}
    for pair in crossover["pairs"]:
        for side in ("baseline", "challenger"):
            steps.setdefault(str(pair[side]), pair.get("headcount_steps", {}).get(side, []))
    lines = []
    for label, found in steps.items():
        listed = "; ".join(f"{s['role']} {s['before']}->{s['after']} at {format_number(s['x'])}" for s in found)
        lines.append(f"headcount steps under {label}: {listed or 'none'}")
    return lines


def _sweep_table(result, metric: str) -> str:
    from .stats import format_number

    summary = result.summary
    rows = summary[summary["metric"] == metric]
    lines = [f"{metric}: mean (95% CI) per point"]
    for row in rows.itertuples(index=False):
        point = ", ".join(f"{path}={row[i]}" for i, path in enumerate(result.parameters))
        lines.append(
            f"  {point}: {format_number(row.mean)} ({format_number(row.ci_low)} to {format_number(row.ci_high)})"
        )
    return "\n".join(lines)


def _validate(args) -> int:
    """Check a scenario file (and --set changes) without running it."""
    from .stats import format_number

    changes = dict(parse_assignment(text) for text in args.changes)
    scenario = load_scenario(args.scenario, changes)
    counts = scenario.headcounts()
    staff = ", ".join(f"{format_number(count)} {role}" for role, count in counts.items() if count)
    sim = scenario.simulation
    print(
        f"{args.scenario}: valid: '{scenario.name}', {scenario.org.employees:,} employees, structure "
        f"{scenario.org.structure}, {format_number(sum(counts.values()))} staff ({staff}); "
        f"{sim.replications} replications of "
        f"{sim.horizon_weeks:g} weeks (warm-up {sim.warmup_weeks:g}), seed {sim.seed}"
    )
    for warning in scenario.advice():
        print(f"warning: {warning}")
    return 0


def _realism(args) -> int:
    from .realism import calibrated, format_realism, realism
    from .results import OutputFolder, simulate

    changes = dict(parse_assignment(text) for text in args.changes)
    scenario = load_scenario(args.scenario, changes)
    folder = _output_folder(args, f"realism-{scenario.name}")
    results = simulate(
        scenario, replications=args.replications, seed=args.seed, jobs=args.jobs, progress=not args.quiet
    )
    table = realism(results)
    _write(lambda: OutputFolder(folder).frame("realism.csv", table), folder)
    title = (
        f"{scenario.name}: {len(results.replications)} replications, {scenario.org.employees:,} employees, "
        f"structure {scenario.org.structure}: measurements beside published figures"
    )
    print(format_realism(table, title))
    for warning in results.warnings:
        print(f"warning: {warning}")
    print(f"wrote {folder / 'realism.csv'}")
    return 1 if args.strict and not calibrated(table) else 0


def _calibrate(args) -> int:
    """Fit a scenario to a ticket export; with --check, run it and compare."""
    from .calibrate import (
        CHECK_REPLICATIONS,
        check_fit,
        fit,
        read_export,
        refuse_foreign,
        scenario_name,
        write_calibration,
    )
    from .scenario import scenario_from_toml

    mapping = {}
    for text in args.map:
        if "=" not in text:
            raise ScenarioError("--map", f"expected FIELD=COLUMN, e.g. opened=Created, found {text!r}", "command line")
        name, column = text.split("=", 1)
        mapping[name.strip()] = column.strip()
    export = read_export(args.export, args.format, mapping)
    calibration = fit(export, args.employees, args.day_start)
    stem = Path(args.export).stem
    name = scenario_name(Path(args.output).stem if args.output else f"calibrated-{stem}")
    folder = _output_folder(args, f"calibrate-{scenario_name(stem)}")
    scenario_path = Path(args.output) if args.output else folder / f"{name}.toml"
    refuse_foreign(scenario_path)
    scenario_from_toml(calibration.scenario_toml(name), "the fitted scenario")  # the file must load
    for line in calibration.report():
        print(line)
    check = None
    if args.check:
        check, lines = check_fit(
            calibration,
            name,
            replications=args.replications or CHECK_REPLICATIONS,
            seed=args.seed,
            jobs=args.jobs,
            progress=not args.quiet,
        )
        for line in lines:
            print(line)
    written = _write(lambda: write_calibration(calibration, folder, scenario_path, name, check), folder)
    print(f"wrote {len(written)} files: " + printable(", ".join(str(p) for p in written)))
    return 0


def _verify(args) -> int:
    from .verification import default_directory, format_table, run_verification

    directory = Path(args.scenarios) if args.scenarios else default_directory()
    if not directory.is_dir():
        raise ScenarioError("--scenarios", f"{directory} is not a folder of verification scenarios", "command line")
    table = run_verification(
        directory=directory,
        replications=args.replications,
        seed=args.seed,
        jobs=args.jobs,
        quick=args.quick,
        progress=not args.quiet,
    )
    print(format_table(table))
    if args.out:
        target = Path(args.out)
        _write(lambda: table.to_csv(target, index=False) or [target], target.parent)
        print(f"wrote {target}")
    return 0 if bool(table["pass"].all()) else 1


def _write(save, folder: Path):
    try:
        return save()
    except OSError as error:  # the folder is as it was: results are swapped in whole or not at all
        reason = error.strerror or str(error)
        raise ScenarioError("--out", f"cannot write to {folder}: {reason}", "command line") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
