"""``--check``: the fitted scenario run and set beside the export."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from orgsim.calibrate.check import ticket_arrivals
from tests.calibrate.synthetic import run_cli


def test_check_runs_the_fitted_scenario_and_compares(servicenow, tmp_path, capsys):
    path, _, _, _ = servicenow
    code, stdout, err = run_cli(
        ["calibrate", path, "--out", tmp_path / "c", "--employees", 600, "--check", "-r", 2, "-j", 1, "-q"], capsys
    )
    assert code == 0, err
    assert "check: 2 replications" in stdout
    for phrase in ("share of arrivals by weekday", "share of arrivals by hour", "resolution time, working hours"):
        assert phrase in stdout
    check = json.loads((tmp_path / "c" / "calibration.json").read_text(encoding="utf-8"))["check"]
    simulated = np.array(check["weekday_share"]["simulated"])
    assert simulated.sum() == pytest.approx(1.0)
    assert check["tickets_per_working_week"]["simulated"] == pytest.approx(
        check["tickets_per_working_week"]["observed"], rel=0.15
    )
    assert "every ticket's arrival time in the event log of the 2 replications" in check["arrival_basis"]
    assert "with its [tickets.profile]" in stdout
    assert simulated[0] > simulated[4] + 0.06  # Monday heaviest (27% observed), Friday lightest (14%), as fitted
    assert set(check["resolution_hours"]) == {"p1", "p2", "p3", "p4"}


def test_arrivals_are_read_from_the_event_logs_ticket_arrival_rows():
    """Only tickets' arrival rows count; the engine's calendar (Monday to Friday from 09:00) gives
    the working day and hour."""
    rows = [
        ("r0-ticket-1", "arrival", "2026-01-05T09:30:00"),  # Monday, first hour
        ("r0-ticket-1", "level 1", "2026-01-05T09:31:00"),  # work on it: not an arrival
        ("r0-ticket-2", "arrival", "2026-01-09T16:59:59"),  # Friday, last hour
        ("r1-ticket-1", "arrival", "2026-01-14T12:00:00"),  # Wednesday, fourth hour (another replication)
        ("r0-project-1", "arrival", "2026-01-06T10:00:00"),  # not a ticket
    ]
    events = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    events["time:timestamp"] = pd.to_datetime(events["time:timestamp"])
    by_day, by_hour = ticket_arrivals(events)
    assert by_day.tolist() == [1, 0, 1, 0, 1]
    assert by_hour.tolist() == [1, 0, 0, 1, 0, 0, 0, 1]
