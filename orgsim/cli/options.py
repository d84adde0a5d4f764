"""The ``orgsim`` command line: the parser, the types of its arguments and the options that
several commands share.

Every argument is checked here, before anything runs: a wrong one ends in argparse's usage
line and one message (``UsageError``), which ``main`` turns into exit code 2.
"""

from __future__ import annotations

import argparse
import math
import re
import sys

from ..scenario import EQUAL_COST_STRUCTURES, STUDY_STRUCTURES
from ..version import __version__

__all__ = ["SCENARIO_HELP", "UsageError", "build_parser"]

SCENARIO_HELP = "scenario file (TOML), or the name of a shipped scenario, e.g. small-combined"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: same shape as ours, exit 2
        self.print_usage(sys.stderr)
        raise UsageError(message)


class UsageError(Exception):
    """A command line that cannot be run: argparse's own complaints and the commands' checks."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {value}")
    return value


def _replications(text: str) -> int:
    from ..limits import MAX_REPLICATIONS

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
    from ..results import event_formats  # only with --events: the run needs it anyway

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


def _clock_time(text: str) -> float:
    """HH:MM (or HH) -> hours after midnight."""
    found = re.fullmatch(r"\s*(\d{1,2})(?::(\d\d))?\s*", text)
    if not found or int(found.group(1)) > 23 or int(found.group(2) or 0) > 59:
        raise argparse.ArgumentTypeError(f"expected a time of day such as 09:00, found {text!r}")
    return int(found.group(1)) + int(found.group(2) or 0) / 60.0


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
    compare.add_argument(
        "--equal-cost",
        nargs="?",
        const=EQUAL_COST_STRUCTURES[0],
        choices=[*EQUAL_COST_STRUCTURES, "all"],
        metavar="STRUCTURE",
        help="add the first combined scenario with the PM's cost spent on capacity instead"
        f" ({', '.join(EQUAL_COST_STRUCTURES)} or all; default {EQUAL_COST_STRUCTURES[0]}) and print separate -"
        " combined as a capacity part and a role part, each with its 95%% CI (written to decomposition.csv);"
        " needs a combined and a separate scenario",
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
    realism.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a measured calibration figure lies outside its band (input echoes, outcomes: never)",
    )
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
        help=f"structures to compare, among them combined and separate (default {','.join(STUDY_STRUCTURES)})",
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
