"""The ``orgsim`` commands, one function each, and ``main``: parse, call the library, print.

Bad input of any kind ends in one line naming the field and what is allowed, and exit code 2;
never a traceback.  The library is imported inside each command, so that ``orgsim --version``
and a wrong argument answer at once.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..scenario import ScenarioError, load_scenario, parse_assignment, scenario_summary
from ..wording import printable
from .options import UsageError, build_parser
from .output import cache, executor, output_folder, write, written_line

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "main"]

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names (default: the process's arguments); return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, ScenarioError) as error:
        return _fail(str(error))
    except BrokenProcessPool:
        return _fail("a worker process died, most likely out of memory; use fewer --jobs or a smaller run")
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            sys.stderr.close()
            return 0
        where = f" {error.filename}" if error.filename else ""
        return _fail(f"cannot read or write{where}: {error.strerror or error}")
    except MemoryError:
        return _fail("out of memory; use fewer --jobs, fewer replications, a shorter horizon or a smaller run")
    except KeyboardInterrupt:
        print("orgsim: interrupted; the output folder is as it was, finished runs kept in .runs", file=sys.stderr)
        return 130


def _fail(message: str) -> int:
    """One line on stderr, exit 2; characters that are not printable are escaped, so that
    input cannot move the cursor, clear the screen, split the line or reverse the text."""
    print(f"orgsim: error: {printable(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _scenario(args, path: str):
    """The scenario at ``path`` (a file or a shipped name) with the command's --set changes."""
    return load_scenario(path, dict(parse_assignment(text) for text in args.changes))


def run_command(args) -> int:
    from ..results import simulate

    scenario = _scenario(args, args.scenario)  # a bad file is refused before any plotting library loads
    with executor(args) as chosen:  # a cluster it cannot reach fails before a folder is made
        folder = output_folder(args, scenario.name)
        try:
            results = simulate(  # with --events, a failure or Ctrl-C here removes the event log's parts
                scenario,
                replications=args.replications,
                seed=args.seed,
                jobs=args.jobs,
                events=args.events,
                progress=not args.quiet,
                executor=chosen,
            )
        except OSError as error:
            if not (args.events and error.errno == errno.ENOSPC):
                raise
            raise ScenarioError(  # the parts wait in the temporary folder: name it, and how to move it
                "--events",
                f"no space left for the event log in the temporary folder {tempfile.gettempdir()}; set TMPDIR "
                "to a folder with room, or record fewer replications",
                "command line",
            ) from None
    try:
        from ..plots import save  # matplotlib: only once there is something to draw

        written = write(lambda: save(results, folder, plots=not args.no_plots), folder)
    finally:
        results.discard_events()  # on any exit, Ctrl-C included: nothing stays in the temp folder
    print(results.headline_table())
    print(written_line(written, folder))
    return 0


def compare_command(args) -> int:
    from ..results import compare, net_benefit_lines, parse_mids

    if len(args.scenarios) < 2:
        raise UsageError("compare needs at least two scenario files")
    try:
        mid = parse_mids(args.mid)
    except ValueError as error:
        raise UsageError(str(error).replace("mid: ", "--mid: ", 1)) from None
    changes = dict(parse_assignment(text) for text in args.changes)
    scenarios = [load_scenario(path, changes) for path in args.scenarios]
    if args.equal_cost:
        scenarios += _equal_cost(scenarios, args.equal_cost)
    with executor(args) as chosen:  # a cluster it cannot reach fails before a folder is made
        folder = output_folder(args, "compare-" + "-".join(s.name for s in scenarios))
        comparison = compare(
            scenarios,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=chosen,
            progress=not args.quiet,
            cache=cache(folder),
            mid=mid,
        )
    comparison.value_per_project_week = args.value_per_project_week
    from ..plots import save  # matplotlib: only once there is something to draw

    written = write(lambda: save(comparison, folder, plots=not args.no_plots), folder)
    print(comparison.table())
    for line in net_benefit_lines(comparison):
        print(line)
    print(written_line(written, folder))
    return 0


def _equal_cost(scenarios: list, which: str) -> list:
    """The equal-cost scenarios --equal-cost adds: the first combined scenario re-structured."""
    from ..scenario import EQUAL_COST_STRUCTURES

    structures = [s.org.structure for s in scenarios]
    if "combined" not in structures or "separate" not in structures:
        raise UsageError("--equal-cost: needs a combined and a separate scenario among those compared")
    combined = scenarios[structures.index("combined")]
    names = EQUAL_COST_STRUCTURES if which == "all" else (which,)
    return [
        combined.with_changes({"org.structure": name, "name": f"{combined.name}-{name}"})
        for name in names
        if name not in structures
    ]


def _parse_grid(options: list[str], flag: str) -> dict[str, list]:
    from ..experiment import parse_values

    grid = {}
    for text in options:
        if "=" not in text:
            raise ScenarioError(text, "expected PATH=VALUES, e.g. org.employees=25,50,100", flag)
        path, values = (part.strip() for part in text.split("=", 1))
        grid[path] = parse_values(path, values)
    return grid


def sweep_command(args) -> int:
    from ..catalogue import lookup
    from ..experiment import check_runs, grid
    from ..results import headcount_step_lines, sweep, sweep_table

    scenario = _scenario(args, args.scenario)
    vary = _parse_grid(args.vary, "--vary")
    across = _parse_grid([args.across] if args.across else [], "--across")
    if not vary:
        raise UsageError("sweep needs at least one --vary PATH=VALUES")
    # everything that can be checked is checked before a folder is made or a run starts
    points = grid(vary, across)
    check_runs(len(points), args.replications or scenario.simulation.replications)
    if lookup(args.metric) is None:
        raise ScenarioError(
            "--metric", f"no metric {args.metric!r}; see the metric names in the README or sweep.csv", "command line"
        )
    with executor(args) as chosen:  # a cluster it cannot reach fails before a folder is made
        folder = output_folder(args, f"sweep-{scenario.name}")
        result = sweep(
            scenario,
            vary,
            across,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=chosen,
            progress=not args.quiet,
            cache=cache(folder),
        )
    if args.metric not in result.frame.columns:
        raise ScenarioError("--metric", f"no metric {args.metric!r}; see the columns of sweep.csv", "command line")
    from ..plots import save  # matplotlib: only once there is something to draw

    written, crossover = write(
        lambda: save(
            result,
            folder,
            plots=not args.no_plots,
            metric=args.metric,
            value_per_project_week=args.value_per_project_week,
        ),
        folder,
    )
    print(sweep_table(result, args.metric))
    for warning in result.warnings:
        print(f"warning: {warning}")
    if crossover is not None:
        for pair in crossover["pairs"] + (crossover.get("net_benefit") or {}).get("pairs", []):
            print(pair["sentence"])
        for line in headcount_step_lines(crossover):
            print(line)
    print(written_line(written, folder))
    return 0


def _names(text: str | None, flag: str) -> list[str] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise ScenarioError(flag, f"expected names separated by commas, found {text!r}", "command line")
    return names


def study_folder_name(name: str, quick: bool) -> str:
    """The study's default folder under outputs/: a quick look has one of its own, so that it
    never replaces the full study's report."""
    return f"study-{name}" + ("-quick" if quick else "")


def study_command(args) -> int:
    from ..experiment import parse_values
    from ..study import key_number_line, study, study_plan

    scenario = _scenario(args, args.scenario)
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
    _check_study_runs(plan, sizes_given=sizes is not None)
    with executor(args) as chosen:  # a cluster it cannot reach fails before a folder is made
        folder = output_folder(args, study_folder_name(scenario.name, args.quick))
        result = study(
            scenario,
            plan,
            seed=args.seed,
            jobs=args.jobs,
            executor=chosen,
            progress=not args.quiet,
            cache=cache(folder),
            value_per_project_week=args.value_per_project_week,
        )
    from ..report import save_study  # matplotlib: only once there is something to draw

    written = write(lambda: save_study(result, folder), folder)
    for sentence in result.answer()["sentences"]:
        print(sentence)
    for row in result.key_numbers().itertuples():
        print(key_number_line(row))
    warnings = result.warnings
    if warnings:
        print(f"warning: {len(warnings)} warnings (study.json lists them all), e.g. {warnings[0]}")
    print(written_line(written, folder))
    print(printable(f"open {folder / 'report.html'} in a browser"))
    return 0


def _check_study_runs(plan, sizes_given: bool) -> None:
    """The runs of the study's main sweeps alone (every size x structure x culture, all
    distinct) within :data:`~orgsim.limits.MAX_RUNS`: checked at once, before the study builds
    its thousands of scenarios, naming the option that asks too much."""
    from ..limits import MAX_RUNS

    cultures = max(len(plan.cultures), 2)  # one culture asked: the other is run for Q3 (combined and separate)
    per_size = len(plan.structures) * len(plan.cultures) + (2 if len(plan.cultures) == 1 else 0)
    runs = len(plan.sizes) * per_size * plan.replications
    if runs <= MAX_RUNS:
        return
    fewest = max(MAX_RUNS // (per_size * plan.replications), 0)
    asked = (
        f"at least {runs:,} runs ({len(plan.sizes):,} sizes x {len(plan.structures)} structures under "
        f"{cultures} cultures x {plan.replications} replications); allowed: at most {MAX_RUNS:,}"
    )
    if sizes_given and fewest >= 3:
        raise ScenarioError(
            "--sizes",
            f"{asked}: give fewer sizes (its main runs alone allow {fewest:,}), e.g. 25:1600:log7",
            "command line",
        )
    raise ScenarioError("--replications", f"{asked}: use fewer replications", "command line")


def validate_command(args) -> int:
    """Check a scenario file (and --set changes) without running it: its fields, and that one
    replication of it is a run that ends (the work sources' expected arrivals)."""
    from ..work import check_run_size

    scenario = _scenario(args, args.scenario)
    check_run_size(scenario)
    print(printable(scenario_summary(args.scenario, scenario)))
    for warning in scenario.advice():
        print(f"warning: {warning}")
    return 0


def realism_command(args) -> int:
    from ..realism import FILES, calibrated, format_realism, realism, realism_title
    from ..results import OutputFolder, simulate

    scenario = _scenario(args, args.scenario)
    folder = output_folder(args, f"realism-{scenario.name}")
    results = simulate(
        scenario, replications=args.replications, seed=args.seed, jobs=args.jobs, progress=not args.quiet
    )
    table = realism(results)
    (name,) = FILES
    write(lambda: OutputFolder(folder, files=FILES).frame(name, table), folder)
    print(format_realism(table, realism_title(scenario, results)))
    for warning in results.warnings:
        print(f"warning: {warning}")
    print(printable(f"wrote {folder / name}"))
    return 1 if args.strict and not calibrated(table) else 0


def calibrate_command(args) -> int:
    """Fit a scenario to a ticket export; with --check, run it and compare."""
    from ..calibrate import (
        CHECK_REPLICATIONS,
        check_fit,
        fit,
        read_export,
        refuse_foreign,
        scenario_name,
        write_calibration,
    )
    from ..scenario import scenario_from_toml

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
    folder = output_folder(args, f"calibrate-{scenario_name(stem)}")
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
    written = write(lambda: write_calibration(calibration, folder, scenario_path, name, check), folder)
    print(f"wrote {len(written)} files: " + printable(", ".join(str(p) for p in written)))
    return 0


def verify_command(args) -> int:
    from ..verification import default_directory, format_table, run_verification

    directory = Path(args.scenarios) if args.scenarios else default_directory()
    if not directory.is_dir():
        raise ScenarioError("--scenarios", f"{directory} is not a folder of verification scenarios", "command line")
    if args.out:  # checked before every run, not after
        _check_csv_target(Path(args.out))
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
        write(lambda: table.to_csv(target, index=False) or [target], target.parent)
        print(printable(f"wrote {target}"))
    return 0 if bool(table["pass"].all()) else 1


def _check_csv_target(target: Path) -> None:
    """A file verify may write its table to: in a folder that exists and may be written, and
    not a folder itself."""
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ScenarioError("--out", f"{target} is a folder; give a CSV file name", "command line")
    if not parent.is_dir():
        raise ScenarioError("--out", f"no folder {parent} to write {target.name} into; create it first", "command line")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError("--out", f"cannot write into {parent}: permission denied", "command line")


def reference_command(args) -> int:
    from ..scenario.reference import reference_markdown

    print(reference_markdown())
    sys.stdout.flush()  # a full disk shows here, inside main's try
    return 0


# every subcommand of build_parser() and the function that runs it
COMMANDS = {
    "run": run_command,
    "compare": compare_command,
    "sweep": sweep_command,
    "study": study_command,
    "validate": validate_command,
    "verify": verify_command,
    "realism": realism_command,
    "calibrate": calibrate_command,
    "reference": reference_command,
}
