"""The documentation tells the truth: the format reference is current, examples run."""

from __future__ import annotations

import subprocess
import sys

from orgsim.scenario.reference import reference_markdown
from tests.conftest import REPO


def test_scenario_format_reference_is_current():
    shipped = (REPO / "docs" / "scenario-format.md").read_text(encoding="utf-8").strip()
    assert shipped == reference_markdown().strip(), "run: orgsim reference > docs/scenario-format.md"


def test_readme_quick_start_names_the_test_command_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install -e ".[test]" && pytest -n 2'
    assert command in readme and command in ci
    assert "orgsim run scenarios/small-combined.toml" in readme


def test_tweak_parameters_example_prints_the_effect():
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "tweak_parameters.py")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split()[0] == "metric"
    utilisation = next(line for line in lines if line.startswith("IT manager utilisation"))
    before, after = (float(x) for x in utilisation.split()[-2:])
    assert after > before, "three times the staff served and twice the projects must load the manager more"


def test_find_breakpoint_example_prints_a_crossover_sentence():
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "find_breakpoint.py"), "3"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2
    assert all(("beats" in line or "no crossover" in line) for line in lines)
    assert "project lead time" in lines[0] and "IT manager utilisation" in lines[1]
