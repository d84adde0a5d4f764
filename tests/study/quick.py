"""One quick study of the shipped small-combined scenario, run once per test session through
the command line (as a user runs it), for the tests of the study's files and of its report.

Under pytest-xdist the workers share it: the first to need it runs it under a file lock in the
session's temporary folder (common to the workers), the others wait for it and read it.  The
tests only read the folder (a test that writes works on a copy)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from orgsim.cli import main

_RUN: dict[str, Path] = {}
# a year's horizon instead of two: the tests read the files' structure and their agreement with
# each other, not the magnitudes
QUICK_ARGS = ["study", "small-combined", "--quick", "--quiet"]
QUICK_ARGS += ["--set", "simulation.horizon_weeks=52", "--set", "simulation.warmup_weeks=12"]


def quick_study_folder(tmp_path_factory) -> Path:
    """The folder the quick study wrote (report.html, study.json, the CSVs), made once a session."""
    if "folder" not in _RUN:
        root = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            root = root.parent  # this session's folder, common to its workers
        folder = root / "quick-study" / "small-combined"
        with open(root / "quick-study.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "report.html").exists():
                assert main([*QUICK_ARGS, "--out", str(folder)]) == 0
        _RUN["folder"] = folder
    return _RUN["folder"]
