"""The parser (``orgsim.cli.options``): every command it knows has a function, every help text
formats, and the argument types turn text into values or into one ``UsageError``."""

from __future__ import annotations

import argparse

import pytest

from orgsim.cli import COMMANDS, build_parser
from orgsim.cli.options import UsageError
from orgsim.limits import MAX_REPLICATIONS


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_of_the_parser_has_a_function_and_no_function_lacks_a_command():
    assert set(_subcommands(build_parser())) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_commands_help_formats(command):
    text = _subcommands(build_parser())[command].format_help()
    assert text.startswith(f"usage: orgsim {command}")


def test_a_command_is_required(capsys):
    with pytest.raises(UsageError, match="required"):
        build_parser().parse_args([])
    assert capsys.readouterr().err.startswith("usage: orgsim")


def test_the_shared_run_options_reach_the_arguments():
    args = build_parser().parse_args(
        ["run", "small-combined", "-r", "3", "--seed", "0", "-j", "2", "--set", "a=1", "--set", "b=2", "-q"]
    )
    assert (args.command, args.replications, args.seed, args.jobs, args.changes, args.quiet, args.no_plots) == (
        "run",
        3,
        0,
        2,
        ["a=1", "b=2"],
        True,
        False,
    )
    assert build_parser().parse_args(["run", "x", "--events"]).events == "csv"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "x", "-r", str(MAX_REPLICATIONS + 1)], f"allowed: at most {MAX_REPLICATIONS:,}"),
        (["run", "x", "-j", "0"], "expected a whole number >= 1, found 0"),
        (["run", "x", "--seed", "one"], "expected a whole number >= 0, found 'one'"),
        (["run", "x", "--events", "parquet"], "expected csv, xes or csv,xes, found 'parquet'"),
        (["compare", "a", "b", "--value-per-project-week", "-5"], "expected a number >= 0, found '-5'"),
        (["compare", "a", "b", "--value-per-project-week", "inf"], "expected a finite number, found 'inf'"),
        (["calibrate", "e.csv", "--day-start", "24:00"], "expected a time of day such as 09:00, found '24:00'"),
    ],
)
def test_a_wrong_argument_is_one_usage_error_naming_what_is_allowed(argv, message, capsys):
    with pytest.raises(UsageError) as raised:
        build_parser().parse_args(argv)
    assert message in str(raised.value)


@pytest.mark.parametrize("text, hours", [("09:00", 9.0), ("9", 9.0), (" 7:30 ", 7.5), ("23:59", 23 + 59 / 60)])
def test_the_day_start_is_a_time_of_day_in_hours(text, hours):
    assert build_parser().parse_args(["calibrate", "e.csv", "--day-start", text]).day_start == hours
