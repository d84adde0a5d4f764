"""Every shipped scenario runs through the real ``orgsim`` command and writes every file."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib.image
import pandas as pd
import pytest

from orgsim import load_scenario
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
PLOTS = ("throughput.png", "workload.png", "backlog.png", "leadtimes.png")


def test_the_six_scenarios_of_the_design_are_shipped():
    assert {"small-combined", "small-separate", "small-no-pm", "large-combined", "large-separate", "large-pmo"} <= set(
        SHIPPED
    )
    for name in SHIPPED:
        text = (SCENARIOS / f"{name}.toml").read_text()
        assert text.startswith("#"), f"{name} needs a comment header saying what it represents"
        scenario = load_scenario(SCENARIOS / f"{name}.toml")
        assert scenario.name == name


def _orgsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "orgsim", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_runs_through_the_cli_and_writes_every_file(name, tmp_path):
    done = _orgsim(
        "run",
        str(SCENARIOS / f"{name}.toml"),
        "--replications",
        "2",
        "--jobs",
        "1",
        "--quiet",
        "--set",
        "simulation.horizon_weeks=26",
        "--set",
        "simulation.warmup_weeks=4",  # the large scenarios warm up for 26 weeks
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    out = tmp_path / "outputs" / name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"]["name"] == name
    assert summary["scenario"]["simulation"]["horizon_weeks"] == 26
    assert summary["scenario"]["projects"]["wip_limit"] >= 1  # defaults filled in
    assert {"small", "medium"} <= set(summary["scenario"]["projects"]["classes"])
    metric = summary["metrics"]["tickets_per_week.total"]
    assert metric["ci_low"] <= metric["mean"] <= metric["ci_high"] and metric["n"] == 2
    replications = pd.read_csv(out / "replications.csv")
    assert list(replications["replication"]) == [0, 1]
    assert "utilisation.it_manager" in replications.columns
    assert {"projects_per_quarter.small", "projects_per_quarter.medium"} <= set(replications.columns)
    assert any(column.startswith("multitasking_loss.") for column in replications.columns)
    timeseries = pd.read_csv(out / "timeseries.csv")
    assert len(timeseries) == 2 * 26 * 5
    assert {"day", "queue.ticket_l2", "busy_hours.engineer"} <= set(timeseries.columns)
    for plot in PLOTS:
        image = matplotlib.image.imread(out / plot)
        height, width = image.shape[:2]
        assert height >= 400 and width >= 800, plot
        assert image.std() > 0.05, f"{plot} looks blank"
    assert "tickets resolved" in done.stdout and "IT manager utilisation" in done.stdout


def test_events_csv_is_a_process_mining_event_log(tmp_path):
    done = _orgsim(
        "run",
        str(SCENARIOS / "small-combined.toml"),
        "--replications",
        "1",
        "--events",
        "--quiet",
        "--no-plots",
        "--set",
        "simulation.horizon_weeks=10",
        "--set",
        "simulation.warmup_weeks=2",
        "--set",
        "projects.initial_portfolio=2",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    events = pd.read_csv(tmp_path / "run" / "events.csv")
    for column in ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "lifecycle:transition"):
        assert column in events.columns
    assert set(events["lifecycle:transition"]) <= {"schedule", "start", "suspend", "resume", "complete"}
    stamps = pd.to_datetime(events["time:timestamp"])
    assert stamps.min() >= pd.Timestamp("2026-01-05 09:00")
    assert (stamps.dt.day_of_week < 5).all(), "working time maps onto Monday to Friday"
    tickets = events[events["case:concept:name"].str.startswith("r0-ticket-")]
    assert len(tickets) > 100
    starts = tickets[tickets["lifecycle:transition"] == "start"].groupby("case:concept:name").size()
    completes = tickets[tickets["lifecycle:transition"] == "complete"].groupby("case:concept:name").size()
    common = starts.index.intersection(completes.index)
    assert len(common) > 50
    assert (completes[common] <= starts[common]).all()
    assert events["case:concept:name"].str.startswith("r0-project-").any()


def test_the_same_command_gives_the_same_numbers(tmp_path):
    """Run twice: identical summaries.  (Independence from the executor is tested in
    test_experiment.py with a thread pool that finishes tasks out of order, and what a process
    pool needs — tasks and outputs that survive pickling — in the same place; no test starts a
    process pool inside the test workers.)"""
    outputs = {}
    for jobs in ("1", "1 again"):
        done = _orgsim(
            "run",
            str(SCENARIOS / "small-separate.toml"),
            "--replications",
            "3",
            "--jobs",
            "1",
            "--seed",
            "99",
            "--quiet",
            "--no-plots",
            "--set",
            "simulation.horizon_weeks=20",
            "--out",
            f"jobs{jobs.replace(' ', '-')}",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        outputs[jobs] = json.loads((tmp_path / f"jobs{jobs.replace(' ', '-')}" / "summary.json").read_text())["metrics"]
    assert outputs["1"] == outputs["1 again"]
