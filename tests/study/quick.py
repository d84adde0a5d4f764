"""One quick study of the shipped small-combined scenario, run once per test session through
the command line (as a user runs it), for the tests of the study's files and of its report."""

from __future__ import annotations

from pathlib import Path

from orgsim.cli import main

_RUN: dict[str, Path] = {}


def quick_study_folder(tmp_path_factory) -> Path:
    """The folder the quick study wrote (report.html, study.json, the CSVs), made once."""
    if "folder" not in _RUN:
        folder = tmp_path_factory.mktemp("study") / "small-combined"
        assert main(["study", "small-combined", "--quick", "--quiet", "--out", str(folder)]) == 0
        _RUN["folder"] = folder
    return _RUN["folder"]
