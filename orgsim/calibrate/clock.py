"""The working clock of an export: wall-clock timestamps onto orgsim's working hours.

orgsim's clock has no nights and weekends: Monday to Friday, ``hours_per_day`` (8) hours from
``day_start`` (09:00 unless ``--day-start`` says otherwise).  A ticket opened outside working
hours counts in the **next working hour** (22:00 on Tuesday and 07:00 on Wednesday both count at
Wednesday 09:00-10:00; Saturday at Monday 09:00-10:00): in the model it is waiting when the day
starts.

Why a clock here beside the engine's: the engine maps the other way only
(``Model.timestamp``: the model's working hours to the event log's calendar, one moment at a
time, from a fixed Monday 09:00).  Calibrate needs a real export's wall-clock moments — any
date, any hour, a day that starts when ``--day-start`` says — on the working clock, a whole
column at once, with the rule for moments outside working hours.  :func:`working_hours` is that
map; :func:`wall_clock` its inverse within working time.  The engine's calendar has the same
shape (Monday to Friday, ``Calendar``'s hours a day), so the check reads a simulated arrival's
working day and hour straight off the event log's timestamp.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario.schema import Calendar

__all__ = [
    "HOURS_PER_DAY",
    "DAYS_PER_WEEK",
    "HOURS_PER_WEEK",
    "WEEKDAYS",
    "working_hours",
    "wall_clock",
    "outside_hours",
    "week_start",
    "time_of_day",
]

HOURS_PER_DAY = int(Calendar().hours_per_day)  # the profile has one value per working hour: 8
DAYS_PER_WEEK = int(Calendar().days_per_week)  # and one per working day: 5
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_EPOCH = pd.Timestamp("1970-01-05")  # a Monday


def working_hours(times: pd.Series | pd.DatetimeIndex, day_start: float = 9.0) -> np.ndarray:
    """Working hours (Monday to Friday, 8 a day from ``day_start``) since a Monday in 1970:
    the position of each moment on orgsim's working clock.  A moment outside working hours
    sits where the next working hour begins."""
    hours = (pd.to_datetime(pd.Series(times)) - _EPOCH) / pd.Timedelta(hours=1)
    hours = hours.to_numpy(dtype=float)
    days = np.floor(hours / 24.0)
    within = hours - 24.0 * days
    weeks = np.floor(days / 7.0)
    weekday = days - 7.0 * weeks
    inday = np.clip(within - day_start, 0.0, HOURS_PER_DAY)
    return weeks * HOURS_PER_WEEK + np.where(weekday < DAYS_PER_WEEK, weekday * HOURS_PER_DAY + inday, HOURS_PER_WEEK)


def wall_clock(position: np.ndarray, day_start: float = 9.0) -> pd.DatetimeIndex:
    """The moment of a working-clock position (the inverse of :func:`working_hours` within
    working time; a day's end is the next working day's start)."""
    position = np.asarray(position, dtype=float)
    weeks = np.floor(position / HOURS_PER_WEEK)
    rest = position - weeks * HOURS_PER_WEEK
    day = np.floor(rest / HOURS_PER_DAY)
    hour = rest - day * HOURS_PER_DAY
    offset = (weeks * 7 + day) * 24.0 + day_start + hour
    return _EPOCH + pd.to_timedelta(offset, unit="h")


def outside_hours(times: pd.Series, day_start: float) -> tuple[np.ndarray, np.ndarray]:
    """(weekend, evening or night) masks on the wall clock."""
    weekday = times.dt.day_of_week.to_numpy()
    hour = (times.dt.hour + times.dt.minute / 60.0 + times.dt.second / 3600.0).to_numpy()
    weekend = weekday >= DAYS_PER_WEEK
    night = ~weekend & ((hour < day_start) | (hour >= day_start + HOURS_PER_DAY))
    return weekend, night


def week_start(k: int, day_start: float) -> str:
    """The date (``2026-01-12``) of the Monday of working week ``k`` (working hours // 40)."""
    return wall_clock(np.array([k * HOURS_PER_WEEK]), day_start)[0].strftime("%Y-%m-%d")


def time_of_day(hours: float) -> str:
    """A time of day in hours as ``09:00``."""
    return f"{int(hours):02d}:{round((hours % 1) * 60):02d}"
