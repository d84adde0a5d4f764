"""Reading an export's timestamps: the order of day and month decided once for the file."""

from __future__ import annotations

import pandas as pd

from orgsim.calibrate.timestamps import parse_timestamps


def _parse(*cells):
    parsed, unreadable, note = parse_timestamps({"opened": pd.Series(list(cells), dtype=object)})
    return parsed["opened"], unreadable["opened"], note


def test_one_date_readable_only_month_first_decides_the_whole_file():
    parsed, unreadable, note = _parse("03/04/2026 10:00", "12/25/2026 09:15", None)
    assert list(parsed[:2]) == [pd.Timestamp("2026-03-04 10:00"), pd.Timestamp("2026-12-25 09:15")]
    assert note.startswith("month-first") and not unreadable.any()


def test_day_first_by_default_iso_and_utc_offsets_as_written_and_nonsense_unreadable():
    parsed, unreadable, note = _parse("03/04/2026 10:00", "2026-04-05T11:30:00+02:00", "99/99/2026 99:99", "soon")
    assert parsed[0] == pd.Timestamp("2026-04-03 10:00")
    assert parsed[1] == pd.Timestamp("2026-04-05 11:30")  # the wall-clock time as written
    assert unreadable.tolist() == [False, False, True, True]
    assert "day-first by default" in note and "UTC offset" in note
