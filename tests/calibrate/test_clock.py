"""The working clock: a wall-clock moment on orgsim's working hours."""

from __future__ import annotations

import pandas as pd

from orgsim import calibrate


def test_working_clock_counts_outside_hours_in_the_next_working_hour():
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-03-09 09:00",  # Monday 09:00: 0
                "2026-03-09 12:30",  # Monday 12:30: 3.5
                "2026-03-10 07:00",  # Tuesday before the day: Tuesday 09:00
                "2026-03-10 22:00",  # Tuesday night: Wednesday 09:00
                "2026-03-13 17:00",  # Friday's end: next Monday 09:00
                "2026-03-14 11:00",  # Saturday: next Monday 09:00
            ]
        )
    )
    position = calibrate.working_hours(times)
    assert list(position - position[0]) == [0.0, 3.5, 8.0, 16.0, 40.0, 40.0]
    assert calibrate.working_hours(times, day_start=8.0)[1] - calibrate.working_hours(times, day_start=8.0)[0] == 3.5
    back = calibrate.wall_clock(position[:2])
    assert list(back) == list(times[:2])
