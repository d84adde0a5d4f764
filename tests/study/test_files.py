"""orgsim study's files: one quick study of the shipped small-combined scenario, run through the
command line (tests/study/quick.py); the tests read what it wrote, the CSVs and study.json."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from orgsim.cli import main
from orgsim.study import DEFAULT_STRUCTURES, FILES
from tests.study.quick import QUICK_ARGS, quick_study_folder

QUESTIONS = [f"Q{n}" for n in range(1, 9)]
CSVS = [
    "tradeoffs.csv",
    "net_benefit.csv",
    "it_manager_hours.csv",
    "headcounts.csv",
    "headcount_steps.csv",
    "sensitivity.csv",
    "realism.csv",
    "key_numbers.csv",
    *[f"q{n}.csv" for n in (1, 2, 3, 4, 6, 7, 8)],
]


@pytest.fixture(scope="module")
def quick_study(tmp_path_factory) -> Path:
    return quick_study_folder(tmp_path_factory)


def test_quick_study_writes_the_report_and_the_data_behind_every_figure(quick_study):
    names = {p.name for p in quick_study.iterdir()}
    assert {"report.html", "study.json", *CSVS} <= names
    summary = json.loads((quick_study / "study.json").read_text())
    assert summary["plan"]["sizes"] == [25, 100, 400] and summary["plan"]["replications"] == 3
    assert summary["plan"]["structures"] == list(DEFAULT_STRUCTURES)
    assert set(summary["questions"]) == set(QUESTIONS)
    for name in CSVS:
        frame = pd.read_csv(quick_study / name)
        assert len(frame) > 0, name
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    # every size x structure of the answer's culture, and combined and separate under the other
    ops = tradeoffs[tradeoffs["culture"] == "operations_first"]
    assert set(zip(ops["employees"], ops["structure"], strict=True)) == {
        (n, s) for n in (25, 100, 400) for s in DEFAULT_STRUCTURES
    }
    other = tradeoffs[tradeoffs["culture"] == "projects_first"]
    assert set(other["structure"]) == {"combined", "separate"}
    key = pd.read_csv(quick_study / "key_numbers.csv")
    assert list(key["question"]) == QUESTIONS
    assert (key["ci_low"] <= key["mean"] + 1e-9).all() and (key["mean"] <= key["ci_high"] + 1e-9).all()


def test_the_study_declares_every_file_it_writes(quick_study):
    """FILES names every file the study writes; the report adds report.html."""
    written = {p.name for p in quick_study.iterdir() if not p.name.startswith(".")}
    assert written == {*FILES, "report.html"}


def test_shared_points_run_once_with_common_random_numbers(quick_study):
    """Points two experiments share are one run: role clarity 0.5 under separate at the
    reference size is the main sweep's point, replication for replication."""
    key = pd.read_csv(quick_study / "q8.csv")
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    lead = "project_lead_time_weeks_mean"
    q8 = key[(key["role_clarity"] == 0.5) & (key["metric"] == lead)]["mean"].item()
    main_point = tradeoffs[
        (tradeoffs["culture"] == "operations_first")
        & (tradeoffs["employees"] == 400)
        & (tradeoffs["structure"] == "separate")
        & (tradeoffs["metric"] == lead)
    ]["mean"].item()
    assert q8 == main_point


def test_a_second_run_reuses_the_cache_and_writes_the_same_report(quick_study, tmp_path):
    copy = tmp_path / "small-combined"  # the shared folder stays as it is for the other tests
    shutil.copytree(quick_study, copy)
    before = (copy / "key_numbers.csv").read_text()
    assert main([*QUICK_ARGS, "--out", str(copy)]) == 0
    assert (copy / "key_numbers.csv").read_text() == before
    assert (copy / ".runs").is_dir()


def test_net_benefit_table_pairs_cost_and_project_weeks(quick_study):
    table = pd.read_csv(quick_study / "net_benefit.csv")
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    cost = tradeoffs[(tradeoffs["metric"] == "staff_cost_per_week") & (tradeoffs["culture"] == "operations_first")]
    for row in table.itertuples():
        mine = cost[(cost["employees"] == row.employees) & (cost["structure"] == row.structure)]["mean"].item()
        theirs = cost[(cost["employees"] == row.employees) & (cost["structure"] == "combined")]["mean"].item()
        assert row.extra_staff_cost == pytest.approx(mine - theirs)
        if row.project_weeks_saved > 0:
            assert row.break_even_value == pytest.approx(row.extra_staff_cost / row.project_weeks_saved)
        else:
            assert math.isnan(row.break_even_value)
        # no value of a project-week in the scenario: the net benefit is minus the extra cost
        assert row.net_benefit == pytest.approx(-row.extra_staff_cost)


def test_realism_is_set_beside_the_sizes_the_answer_is_about_from_the_studys_own_runs(quick_study):
    """realism.csv: the scenario at its own size (40 employees) and the main sweep's combined
    point at the reference size (400 in the quick study), and around the crossover if there is
    one; the 400-employee block is the same run as the trade-offs' (same numbers)."""
    table = pd.read_csv(quick_study / "realism.csv")
    data = json.loads((quick_study / "study.json").read_text())
    sizes = set(table["employees"])
    assert {40, 400} <= sizes and sizes <= {40, 25, 100, 400}
    assert set(table["basis"]) == {"measured", "input echo"}
    busy = table[(table["employees"] == 400) & (table["quantity"] == "IT manager busy share")]["simulated"].item()
    trade = pd.read_csv(quick_study / "tradeoffs.csv")
    same = trade[
        (trade["culture"] == data["answer"]["culture"])
        & (trade["employees"] == 400)
        & (trade["structure"] == "combined")
        & (trade["metric"] == "utilisation.it_manager")
    ]["mean"].item()
    assert busy == pytest.approx(same, rel=1e-12)
    page = (quick_study / "report.html").read_text()
    listed = ", ".join(f"{n:,}" for n in sorted(sizes))
    assert f"published figures (<code>orgsim realism</code>) at {listed} employees" in page
