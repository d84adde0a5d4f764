"""One quick study of the shipped small-combined scenario, run once per test session through
the command line (as a user runs it), for the tests of the study's files and of its report."""

from __future__ import annotations

from pathlib import Path

from orgsim.cli import main

_RUN: dict[str, Path] = {}
# a year's horizon instead of two: the tests read the files' structure and their agreement with
# each other, not the magnitudes, and the study is paid once per test worker
QUICK_ARGS = ["study", "small-combined", "--quick", "--quiet"]
QUICK_ARGS += ["--set", "simulation.horizon_weeks=52", "--set", "simulation.warmup_weeks=12"]


def quick_study_folder(tmp_path_factory) -> Path:
    """The folder the quick study wrote (report.html, study.json, the CSVs), made once."""
    if "folder" not in _RUN:
        folder = tmp_path_factory.mktemp("study") / "small-combined"
        assert main([*QUICK_ARGS, "--out", str(folder)]) == 0
        _RUN["folder"] = folder
    return _RUN["folder"]
