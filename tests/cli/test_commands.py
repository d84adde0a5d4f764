"""The commands (``orgsim.cli.commands``) through ``main`` in-process, on real files: what they
print, the files they write and their exit codes.  Bad input is ``test_errors.py``'s."""

from __future__ import annotations

from pathlib import Path

import pytest

import orgsim.cli
import orgsim.wording
from orgsim.cli import EXIT_BAD_INPUT, main
from orgsim.results import MANIFEST

SHORT = ["-q", "-j", "1", "-r", "2", "--set", "simulation.horizon_weeks=20", "--set", "simulation.warmup_weeks=4"]


def test_the_one_printable_is_the_wording_modules():
    assert orgsim.cli.printable is orgsim.wording.printable


def test_validate_describes_the_scenario_and_runs_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "small-combined", "--set", "org.employees=80"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("small-combined: valid: 'small-combined', 80 employees, structure combined, ")
    assert not (tmp_path / "outputs").exists()


def test_reference_prints_the_scenario_format_in_markdown(capsys):
    assert main(["reference"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#") and "org.employees" in out


def test_run_writes_the_files_it_names(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "small-combined", "--out", str(out), "--no-plots", *SHORT]) == 0
    last = capsys.readouterr().out.rstrip("\n").splitlines()[-1]
    shown = [p for p in out.iterdir() if p.name != MANIFEST]  # every file but the folder's own list
    prefix = f"wrote {len(shown)} files to {out}/: "
    assert last.startswith(prefix)
    names = last.removeprefix(prefix).split(", ")
    assert all((out / name).is_file() for name in names) and "summary.json" in names
    assert sorted(names) == sorted(p.name for p in shown)


def test_compare_prints_the_net_benefit_when_project_weeks_are_valued(tmp_path, capsys):
    out = tmp_path / "compare"
    argv = ["compare", "small-combined", "small-separate", "--out", str(out), "--no-plots", *SHORT]
    assert main([*argv, "--value-per-project-week", "1000"]) == 0
    printed = capsys.readouterr().out
    assert "net benefit of small-separate against small-combined (cost of delay 1,000 a project-week): " in printed
    assert (out / "comparison.csv").is_file() and (out / "differences.csv").is_file()


def test_compare_with_equal_cost_prints_and_writes_the_decomposition(tmp_path, capsys):
    import pandas as pd

    out = tmp_path / "compare"
    argv = ["compare", "small-combined", "small-separate", "--equal-cost", "--out", str(out), "--no-plots", *SHORT]
    assert main([*argv, "-r", "3"]) == 0
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.startswith("decomposition: "))
    assert "separate - combined = " in line and "capacity part (combined_engineer - combined) " in line
    assert "role part (separate - combined_engineer) " in line and "95% CI" in line
    parts = pd.read_csv(out / "decomposition.csv")
    assert list(parts["part"]) == ["total", "capacity", "role"]
    assert set(parts["alternative"]) == {"combined_engineer"}
    assert parts["mean_difference"].iloc[1] + parts["mean_difference"].iloc[2] == parts["mean_difference"].iloc[0]


def test_equal_cost_needs_a_combined_and_a_separate_scenario(tmp_path, capsys):
    argv = ["compare", "small-combined", "small-no-pm", "--equal-cost", "--out", str(tmp_path / "o"), *SHORT]
    assert main(argv) == EXIT_BAD_INPUT
    assert "--equal-cost: needs a combined and a separate scenario" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_sweep_prints_its_table_and_the_headcount_steps(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", "small-combined", "--vary", "org.employees=30,60", "--across", "org.structure=combined,separate"]
    assert main([*argv, "--out", str(out), "--no-plots", *SHORT]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("project_lead_time_weeks_mean: mean (95% CI) per point\n  org.employees=30, ")
    assert "headcount steps under combined: " in printed and "headcount steps under separate: " in printed
    assert (out / "sweep.csv").is_file()


def test_a_sweep_without_vary_is_bad_input_before_anything_runs(tmp_path, capsys):
    assert main(["sweep", "small-combined", "--out", str(tmp_path / "o"), *SHORT]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "orgsim: error: sweep needs at least one --vary PATH=VALUES\n"
    assert not Path(tmp_path / "o").exists()


def test_a_quick_study_writes_a_folder_of_its_own_and_leaves_the_full_report(tmp_path, monkeypatch):
    """--quick is a first look: it must never replace the full study's report (issue 24).  The
    command picks its folder before anything runs; here the test stops it there."""
    from orgsim.cli import commands

    chosen = []

    class Chosen(Exception):
        pass

    def stop(args, default):
        chosen.append(default)
        raise Chosen

    monkeypatch.setattr(commands, "output_folder", stop)
    monkeypatch.chdir(tmp_path)
    for flags, name in ((["--quick"], "study-small-combined-quick"), ([], "study-small-combined")):
        with pytest.raises(Chosen):  # stopped once the folder is chosen: nothing has run
            main(["study", "small-combined", "--quiet", "-j", "1", *flags])
        assert chosen[-1] == name
    assert commands.study_folder_name("x", True) == "study-x-quick"
