"""Reading an export: every row accounted for, columns by format or --map, dates either way,
audit rows merged, and a file that cannot be used refused in one line.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from orgsim import calibrate
from tests.calibrate.synthetic import GOOD_HEADER, run_cli, write_bytes


def test_every_row_is_accounted_for(servicenow):
    _, made, export, fitted = servicenow
    rows = fitted.data["rows"]
    dirty = made["dirty"]
    assert rows["read"] == made["rows"]
    assert rows["dropped"] == {
        "duplicate row (identical to an earlier one)": dirty["duplicates"],
        "canceled (state)": dirty["canceled_rows"],
        "opened time unreadable": dirty["bad_opened_rows"],
        "no ticket number": dirty["no_number"],
    }
    assert rows["read"] == rows["tickets"] + rows["earlier_states_merged"] + rows["dropped_total"]
    assert rows["tickets"] == len(made["truth"])
    assert rows["unreadable_cells"] == {"opened": dirty["spoiled_cells"] + dirty["bad_opened_rows"]}
    assert "day-first" in export.dates and "ISO" in export.dates
    assert export.order_basis.startswith("sys_updated_on")
    assert made["seconds"] < 10


def test_generic_export_with_map_types_closed_times_and_month_first_dates(tmp_path, capsys):
    """One row per ticket, other column names (one named with --map), month-first dates with
    AM/PM, types mapped to classes, the closed time used when the resolved one is missing."""
    rng = np.random.default_rng(5)
    n = 400
    opened = pd.Timestamp("2026-02-02 09:00") + pd.to_timedelta(
        np.sort(rng.integers(0, 8 * 7 * 24 * 60, n)), unit="min"
    )
    opened = opened[(opened.hour >= 9) & (opened.hour < 17) & (opened.day_of_week < 5)]
    kinds = rng.choice(["Incident", "Service Request", "Change", "Problem"], len(opened), p=[0.5, 0.3, 0.1, 0.1])
    priority = rng.choice(["P1", "P2", "high", "Medium", "low", "P9"], len(opened))
    resolved = opened + pd.Timedelta(hours=2)
    frame = pd.DataFrame(
        {
            "Ticket ID": [f"T-{i}" for i in range(len(opened))],
            "Created On": opened.strftime("%m/%d/%Y %I:%M %p"),
            "Resolution Date": resolved.strftime("%m/%d/%Y %I:%M %p"),
            "Closed": (resolved + pd.Timedelta(days=1)).strftime("%m/%d/%Y %I:%M %p"),
            "Type": kinds,
            "Priority": priority,
            "Status": "Closed",
        }
    )
    frame.loc[:9, "Resolution Date"] = ""  # ten with only a closed time
    path = tmp_path / "tickets.csv"
    frame.to_csv(path, index=False, sep=";")
    code, out, err = run_cli(["calibrate", path, "--map", "opened=Created On", "--out", tmp_path / "o"], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "o" / "calibration.json").read_text(encoding="utf-8"))
    meta = data["orgsim_calibrate"]
    assert meta["format"] == "generic"
    assert meta["columns"]["opened"] == "Created On" and meta["columns"]["resolved"] == "Resolution Date"
    assert meta["dates"].startswith("month-first")
    mix = data["mix"]
    incidents = np.isin(kinds, ["Incident", "Problem"])
    assert mix["tickets"]["service_request"] == int((kinds == "Service Request").sum())
    assert mix["tickets"]["change"] == int((kinds == "Change").sum())
    assert mix["unmapped_by_reason"] == {"priority 'P9'": int((incidents & (priority == "P9")).sum())}
    assert mix["tickets"]["p2"] == int((incidents & np.isin(priority, ["P2", "high"])).sum())
    assert mix["types_seen"]["Service Request"]["class"] == "service_request"
    assert mix["types_seen"]["Problem"]["class"] == "incident"
    assert data["resolution"]["closed_used_for_resolved"] == 10
    assert data["profile"]["outside_working_hours"]["share"] == 0.0
    assert data["rows"]["dropped"] == {}
    assert data["escalated"]["share"] is None  # no reassignment or group column: unknown, not 0
    assert "1 - this share" not in (tmp_path / "o" / "calibrated-tickets.toml").read_text(encoding="utf-8")


def test_an_audit_export_without_updated_times_uses_row_order_and_reopened_tickets_are_open(tmp_path):
    rows = [
        ("INC1", "02/03/2026 10:00", "?", "New", "Desk"),
        ("INC1", "02/03/2026 10:00", "02/03/2026 12:00", "Resolved", "Desk"),
        ("INC1", "02/03/2026 10:00", "?", "In Progress", "Network"),  # reopened, handed on: open, escalated
        ("INC2", "03/03/2026 11:00", "03/03/2026 15:00", "Resolved", "Desk"),
        ("INC2", "03/03/2026 11:00", "03/03/2026 15:00", "Closed", "Desk"),
    ]
    for week in range(1, 4):  # enough weeks to fit
        day = pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=week)
        rows.append(
            (f"INC{10 + week}", day.strftime("%d/%m/%Y 09:30"), day.strftime("%d/%m/%Y 10:30"), "Closed", "Desk")
        )
    frame = pd.DataFrame(rows, columns=["number", "opened_at", "resolved_at", "incident_state", "assignment_group"])
    path = tmp_path / "audit.csv"
    frame.to_csv(path, index=False)
    export = calibrate.read_export(path)
    assert export.order_basis == "row order"
    tickets = export.tickets.set_index("id")
    assert tickets.loc["INC1", "status"] == "open" and tickets.loc["INC1", "escalated"] == 1.0
    assert tickets.loc["INC2", "status"] == "resolved" and tickets.loc["INC2", "escalated"] == 0.0
    assert export.merged == 3
    assert calibrate.working_hours(tickets["end"].dropna()).size == 4


@pytest.mark.parametrize(
    ("make", "args", "expected"),
    [
        (lambda d: write_bytes(d / "e.csv", b""), [], "the file is empty"),
        (lambda d: write_bytes(d / "e.csv", b"\n \n"), [], "the file is empty"),
        (lambda d: write_bytes(d / "e.csv", bytes(range(256)) * 40), [], "is binary"),
        (lambda d: write_bytes(d / "e.xlsx", b"PK\x03\x04" + b"x" * 200), [], "spreadsheet"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), [], "no ticket rows"),
        (lambda d: write_bytes(d / "e.csv", b"number,resolved_at\nINC1,01/02/2026 10:00\n"), [], "no opened"),
        (lambda d: write_bytes(d / "e.csv", b"number,opened_at\nINC1,01/02/2026 10:00\n"), [], "no resolved"),
        (
            lambda d: write_bytes(
                d / "e.csv", (GOOD_HEADER + "INC1,yesterday,?,3\nINC2,31/02/2026 10:00,?,3\n").encode()
            ),
            [],
            "no usable ticket in 2 rows; dropped rows by reason: opened time unreadable: 2",
        ),
        (
            lambda d: write_bytes(d / "e.csv", (GOOD_HEADER + "INC1,02/03/2026 10:00,?,3\n").encode()),
            [],
            "less than one whole working week",
        ),
        (
            lambda d: write_bytes(d / "e.csv", (GOOD_HEADER + 'INC1,"02/03/2026 10:00,?,3\n').encode()),
            [],
            "opened on line 2 is never closed",
        ),
        (lambda d: d / "missing.csv", [], "no such file"),
        (lambda d: d, [], "is a folder"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opend=Created"], "unknown field"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opened=Created"], "no such column"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--map", "opened"], "FIELD=COLUMN"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--day-start", "25:00"], "time of day"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--day-start", "17:00"], "--day-start"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--employees", "0"], "whole number >= 1"),
        (lambda d: write_bytes(d / "e.csv", GOOD_HEADER.encode()), ["--format", "jira"], "invalid choice"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "binary",
        "xlsx",
        "header-only",
        "no-opened-column",
        "no-resolved-column",
        "all-dates-bad",
        "too-short",
        "broken-quote",
        "missing-file",
        "folder",
        "map-field",
        "map-column",
        "map-syntax",
        "day-start-syntax",
        "day-start-late",
        "employees-0",
        "format",
    ],
)
def test_a_bad_export_or_option_is_one_line_and_exit_2(make, args, expected, tmp_path, capsys):
    target = make(tmp_path)
    if expected == "--day-start":  # needs an export that reads: a good one, fitted with a day starting too late
        target.write_text(
            GOOD_HEADER
            + "".join(
                f"INC{i},{(pd.Timestamp('2026-03-02 10:00') + pd.Timedelta(days=i)):%d/%m/%Y %H:%M},?,3\n"
                for i in range(21)
            ),
            encoding="utf-8",
        )
    code, out, err = run_cli(["calibrate", target, "--out", tmp_path / "out", *args], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("orgsim: error: ") and expected in lines[-1], err
    assert sum(line.startswith("orgsim: ") for line in lines) == 1, err  # before it, argparse's usage at most
    assert "Traceback" not in err and not (tmp_path / "out" / "calibration.json").exists()


def test_malformed_lines_are_counted_not_silently_lost(tmp_path):
    lines = [GOOD_HEADER.strip()]
    for i in range(15):
        day = pd.Timestamp("2026-03-02 10:00") + pd.Timedelta(days=i)
        lines.append(f"INC{i},{day:%d/%m/%Y %H:%M},{day + pd.Timedelta(hours=3):%d/%m/%Y %H:%M},3")
    lines[5] += ",an extra field"
    lines[7] = "INC7;;broken"  # too few fields: read, the missing ones empty
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    export = calibrate.read_export(path)
    assert export.dropped == {"malformed line (wrong number of fields)": 1, "opened time missing": 1}
    assert export.rows_read == 15 and len(export.tickets) == 13


# ------------------------------------------------------------------ hostile files (issue 23)


def _export_text(rows: int = 60, note=None) -> str:
    """A small generic export, one ticket a working day; ``note(i)``: a free-text column."""
    header = "number,opened_at,resolved_at,priority" + (",description" if note else "")
    lines = [header]
    for i in range(rows):
        day = pd.Timestamp("2026-03-02 10:00") + pd.Timedelta(days=i)
        line = f"INC{i},{day:%d/%m/%Y %H:%M},{day + pd.Timedelta(hours=3):%d/%m/%Y %H:%M},3"
        lines.append(line + (f",{note(i)}" if note else ""))
    return "\n".join(lines) + "\n"


def _refused(args, capsys, expected: str, tmp_path) -> str:
    code, out, err = run_cli(args, capsys)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orgsim: error: ") and expected in lines[0], err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "calibration.json").exists()
    return lines[0]


def test_a_pipe_or_a_device_as_the_export_is_refused_without_reading_it(tmp_path, capsys):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)  # opening it would block until a writer comes: it is never opened
    _refused(["calibrate", fifo, "--out", tmp_path / "out"], capsys, "not a regular file", tmp_path)
    _refused(["calibrate", "/dev/zero", "--out", tmp_path / "out"], capsys, "not a regular file", tmp_path)


def test_a_pipe_or_a_device_as_the_scenario_file_is_refused(tmp_path, capsys):
    export = tmp_path / "e.csv"
    export.write_text(_export_text(), encoding="utf-8")
    fifo = tmp_path / "fitted.toml"
    os.mkfifo(fifo)
    for target in (fifo, "/dev/zero"):
        line = _refused(["calibrate", export, "--out", tmp_path / "out", "-o", target], capsys, "-o", tmp_path)
        assert "not a regular file" in line
    assert not any((tmp_path / "out").glob("*.toml"))


def test_an_export_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    from orgsim.calibrate import read

    export = tmp_path / "big.csv"
    export.write_text(_export_text(200), encoding="utf-8")
    monkeypatch.setattr(read, "MAX_EXPORT_BYTES", 4000)
    monkeypatch.setattr(read, "open", lambda *a, **k: pytest.fail("read"), raising=False)  # nothing is read
    line = _refused(["calibrate", export, "--out", tmp_path / "out"], capsys, "allowed: at most 0.0 MB", tmp_path)
    assert "bytes of memory per byte" in line and "shorter period" in line
    monkeypatch.setattr(read, "MAX_EXPORT_BYTES", 10**9)
    monkeypatch.setattr(read, "physical_memory", lambda: 16 * 4000 * 2)  # a small machine: a smaller limit
    _refused(["calibrate", export, "--out", tmp_path / "out"], capsys, "allowed: at most", tmp_path)


def test_an_inch_mark_in_a_column_calibrate_does_not_use_is_text(tmp_path):
    """A quote inside an unquoted cell (27") is read as Python's csv module reads it; a quoted
    cell that never closes is still refused, naming the line it opens on."""
    path = tmp_path / "inches.csv"
    path.write_text(_export_text(400, lambda i: 'monitor 27" flickers' if i == 5 else "ok"), encoding="utf-8")
    export = calibrate.read_export(path)
    assert export.rows_read == 400 and len(export.tickets) == 400 and not export.dropped
    broken = tmp_path / "broken.csv"
    broken.write_text(_export_text(400, lambda i: '"never closed' if i == 5 else "ok"), encoding="utf-8")
    with pytest.raises(calibrate.read.ScenarioError, match=r"opened on line 7 is never closed"):
        calibrate.read_export(broken)


def test_a_utf16_export_is_read_and_a_broken_one_is_refused_saying_utf16(tmp_path, capsys):
    text = _export_text(60).replace(",", "\t")  # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    export = calibrate.read_export(path)
    assert len(export.tickets) == 60 and any("UTF-16" in n for n in export.notes)
    bare = tmp_path / "bare.txt"
    bare.write_bytes(text.encode("utf-16-le"))  # without a byte-order mark
    assert len(calibrate.read_export(bare).tickets) == 60
    broken = tmp_path / "broken.txt"
    broken.write_bytes(text.encode("utf-16") + b"\x00\xd8")  # a lone surrogate at the end
    _refused(["calibrate", broken, "--out", tmp_path / "out"], capsys, "UTF-16", tmp_path)
