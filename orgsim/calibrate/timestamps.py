"""Reading an export's timestamps: ISO, day-first or month-first, with or without a UTC offset.

The order of day and month is decided once for the whole file from the dates that can be read
only one way (a first number over 12 is a day); with no such date, day-first.  A UTC offset is
ignored: the wall-clock time as written is what the working clock needs.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

__all__ = ["parse_timestamps"]

_OFFSET = re.compile(r"^(.*\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)$", re.I)
_ISO = re.compile(r"^\d{4}-\d\d-\d\d(?:$|[ T])")
_SLASHED = (
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?\s*([AaPp][Mm])?)?$"
)


def parse_timestamps(columns: dict[str, pd.Series]):
    """Parse ISO (2026-11-25 14:03[:00], T, a UTC offset) and day-first or month-first
    (25/11/2026 14:03, 25.11.2026) timestamps.  The order of day and month is decided once for
    the whole file from the dates that can be read only one way (a first number over 12 is a
    day); with no such date, day-first.  Returns (parsed, unreadable masks, a note)."""
    parsed, unreadable, slashed = {}, {}, {}
    evidence = Counter()
    offsets = 0
    for name, cells in columns.items():
        text = cells.astype("string")
        offset = text.str.match(_OFFSET).fillna(False).astype(bool)
        offsets += int(offset.sum())
        text = text.where(~offset, text.str.replace(_OFFSET, r"\1", regex=True))
        iso_like = text.str.match(_ISO).fillna(False).astype(bool)
        iso = pd.to_datetime(text.where(iso_like), format="ISO8601", errors="coerce")
        parts = text.where(~iso_like).str.extract(_SLASHED)
        first, second = pd.to_numeric(parts[0]), pd.to_numeric(parts[1])
        evidence["day-first"] += int(((first > 12) & (second <= 12)).sum())
        evidence["month-first"] += int(((second > 12) & (first <= 12)).sum())
        parsed[name], slashed[name] = iso, parts
    order = "month-first" if evidence["month-first"] > evidence["day-first"] else "day-first"
    seen = {"iso": False, "slashed": False, "words": False}
    for name, cells in columns.items():
        text = cells.astype("string")
        result, parts = parsed[name], slashed[name]
        seen["iso"] |= bool(result.notna().any())
        day, month = (parts[0], parts[1]) if order == "day-first" else (parts[1], parts[0])
        year = pd.to_numeric(parts[2])
        year = year.where(year >= 100, year + 2000)
        hour = pd.to_numeric(parts[3]).fillna(0)
        pm = parts[6].str.lower() == "pm"
        am = parts[6].str.lower() == "am"
        hour = hour.where(~(pm.fillna(False) & (hour < 12)), hour + 12)
        hour = hour.where(~(am.fillna(False) & (hour == 12)), 0)
        pieces = pd.DataFrame(
            {
                "year": year,
                "month": pd.to_numeric(month),
                "day": pd.to_numeric(day),
                "hour": hour,
                "minute": pd.to_numeric(parts[4]).fillna(0),
                "second": pd.to_numeric(parts[5]).fillna(0),
            }
        )
        has = pieces["year"].notna().to_numpy()
        if has.any():
            built = pd.to_datetime(pieces[has], errors="coerce")
            result = result.copy()
            result[has] = built.to_numpy()
            seen["slashed"] = True
        words = result.isna() & text.notna() & text.str.contains(r"[A-Za-z]{3}", regex=True).fillna(False)
        if words.any():
            loose = pd.to_datetime(
                text[words].str.replace(_OFFSET, r"\1", regex=True),
                format="mixed",
                dayfirst=order == "day-first",
                errors="coerce",
            )
            result = result.copy()
            result[words.to_numpy()] = loose.to_numpy()
            seen["words"] |= bool(loose.notna().any())
        result = pd.to_datetime(result)
        if getattr(result.dt, "tz", None) is not None:
            result = result.dt.tz_localize(None)
        out_of_range = (result.dt.year < 1970) | (result.dt.year > 2100)
        result = result.where(~out_of_range.fillna(False))
        parsed[name] = result.astype("datetime64[ns]")
        unreadable[name] = (cells.notna() & parsed[name].isna()).to_numpy()
    kinds = []
    if seen["iso"]:
        kinds.append("ISO (2026-11-25 14:03)")
    if seen["slashed"]:
        why = (
            f"{evidence[order]:,} dates readable only so"
            if evidence[order]
            else "no date tells, so day-first by default"
        )
        sample = "25/11/2026 14:03" if order == "day-first" else "11/25/2026 14:03"
        kinds.append(f"{order} ({sample}; {why})")
    if seen["words"]:
        kinds.append("with month names")
    note = " and ".join(kinds) or "none readable"
    if offsets:
        note += f"; {offsets:,} carry a UTC offset, ignored: the wall-clock time as written is used"
    return parsed, unreadable, note
