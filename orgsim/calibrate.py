"""``orgsim calibrate``: a scenario fitted to a ticket export.

Reads a CSV export of tickets — one row per ticket, or an audit export with many rows per
ticket (ServiceNow's incident columns work as they are: ``number``, ``opened_at``,
``resolved_at``, ``closed_at``, ``priority``, ``assignment_group``, ``reassignment_count``,
``made_sla``, ``incident_state``) — and fits what an export can tell about an organisation:

- the **observation window**, and whether arrivals look truncated at its edges;
- the **arrival rate** in tickets per working week (``tickets.per_employee_per_month`` when the
  number of employees served is given);
- the **weekday x hour profile** of arrivals on orgsim's working calendar (``[tickets.profile]``);
- the **class mix** (priorities 1-4 -> p1-p4; a type or category naming a request or a change
  -> service_request or change);
- the **share escalated** (reassigned, or handled by more than one assignment group);
- **resolution times** by class: a lognormal fitted by maximum likelihood to the working hours
  from opened to resolved (lead time — waiting plus work — not effort), tickets still open at
  the export's end taken as right-censored;
- the observed **SLA attainment** (``made_sla``).

It writes a scenario TOML whose comments state every fitted value and its basis, and the
whole fit as ``calibration.json`` and ``calibration.png``.  What an export cannot tell
(effort as against waiting; how many people work in IT) stays at orgsim's defaults, and the
file says so.

Decisions, stated once here and in every report:

- **Audit rows.** Rows are merged by ticket number; the last state wins: for each field the
  latest non-missing value, rows ordered by their last-updated time (``sys_updated_on``) when
  the export has one, else by row order.  A ticket whose latest state is open has no
  resolution yet, whatever an earlier row said (it was reopened).
- **Working calendar.** Monday to Friday, ``hours_per_day`` (8) hours from ``day_start``
  (09:00).  orgsim's clock has no nights and weekends, so a ticket opened outside working
  hours counts in the **next working hour** (22:00 on Tuesday and 07:00 on Wednesday both
  count at Wednesday 09:00-10:00; Saturday at Monday 09:00-10:00): in the model it is waiting
  when the day starts.  The share of such tickets is reported.
- **Window.** Rate and profile are fitted on the whole working weeks (Monday to Friday) between
  the day of the first and the day after the last opened ticket; a partial week at either edge
  is left out, as is an edge week with fewer than half the arrivals of the median week
  (reported as truncated).
- **Resolution time** is measured in working hours on that calendar (the clock of orgsim's
  ``ticket_resolution_hours``): resolved - opened, or closed - opened when the resolved time is
  missing.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .engine import Model
from .results import OutputFolder, simulate
from .scenario import DEFAULT_TICKET_CLASSES, ScenarioError, Tickets, scenario_from_toml
from .scenario.schema import Calendar, Org
from .stats import format_number
from .work.tickets import Ticket

__all__ = [
    "FIELDS",
    "FORMATS",
    "Export",
    "Calibration",
    "read_export",
    "fit",
    "calibration_figure",
    "check_fit",
    "profile_supported",
    "write_calibration",
    "HEADER",
]

HEADER = "# Fitted by orgsim calibrate"  # the first line of every scenario it writes
FORMATS = ("servicenow", "generic")
HOURS_PER_DAY = int(Calendar().hours_per_day)  # the profile has one value per working hour: 8
DAYS_PER_WEEK = int(Calendar().days_per_week)  # and one per working day: 5
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CLASS_ORDER = tuple(DEFAULT_TICKET_CLASSES)  # p1, p2, p3, p4, service_request, change
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
MIN_FIT = 5  # resolved tickets a class needs for a lognormal fit
TRUNCATED_BELOW = 0.5  # an edge week under half the median week looks truncated
CHECK_REPLICATIONS = 3

# What each field is, and the columns that hold it (names compared lower-case, runs of
# anything but letters and digits as one '_': "Opened at" is opened_at).
FIELDS = {
    "id": "ticket number",
    "opened": "opened timestamp",
    "resolved": "resolved timestamp",
    "closed": "closed timestamp",
    "priority": "priority (1-4, '3 - Moderate', P3, or critical/high/moderate/low)",
    "type": "record type or category (a request, a change, or else an incident)",
    "group": "assignment group",
    "reassignments": "reassignment count",
    "made_sla": "SLA met (true/false)",
    "state": "state (New, In Progress, On Hold, Resolved, Closed, Canceled)",
    "updated": "last-updated timestamp (orders the rows of an audit export)",
}
_SERVICENOW = {
    "id": ("number",),
    "opened": ("opened_at", "opened"),
    "resolved": ("resolved_at", "resolved"),
    "closed": ("closed_at", "closed"),
    "priority": ("priority",),
    "type": ("sys_class_name", "task_type"),
    "group": ("assignment_group",),
    "reassignments": ("reassignment_count",),
    "made_sla": ("made_sla",),
    "state": ("incident_state", "state"),
    "updated": ("sys_updated_on", "updated"),
}
_GENERIC = {
    "id": ("id", "number", "ticket_id", "ticket", "ticket_number", "incident_id", "case_id", "issue_key", "key"),
    "opened": (
        "opened_at",
        "opened",
        "created_at",
        "created",
        "creation_date",
        "open_date",
        "submitted",
        "reported_at",
    ),
    "resolved": ("resolved_at", "resolved", "resolution_date", "resolved_date", "solved_at", "solved", "completed_at"),
    "closed": ("closed_at", "closed", "close_date", "closed_date"),
    "priority": ("priority", "severity", "prio"),
    "type": ("type", "ticket_type", "issue_type", "record_type", "sys_class_name", "category", "kind"),
    "group": ("assignment_group", "assigned_group", "group", "team", "queue"),
    "reassignments": ("reassignment_count", "reassignments", "transfers", "hops"),
    "made_sla": ("made_sla", "sla_met", "met_sla", "within_sla", "sla"),
    "state": ("incident_state", "state", "status"),
    "updated": ("sys_updated_on", "updated_at", "updated", "last_updated", "modified", "last_modified"),
}
_COLUMNS = {"servicenow": _SERVICENOW, "generic": _GENERIC}
MISSING = frozenset({"", "?", "null", "none", "n/a", "na", "nan", "nat", "-", "#n/a"})
_OPEN_STATES = {"new", "in progress", "on hold", "active", "open", "assigned", "pending", "awaiting user info", "1"}
_OPEN_STATES |= {"2", "3", "work in progress", "awaiting", "reopened", "waiting"}
_DONE_STATES = {"resolved", "closed", "done", "solved", "completed", "complete", "fixed", "6", "7"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_PRIORITY_WORDS = {"critical": 1, "urgent": 1, "high": 2, "moderate": 3, "medium": 3, "normal": 3, "low": 4}
_PRIORITY_WORDS["planning"] = 5


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _plain(text: str) -> str:
    """``text`` with control and formatting characters escaped: safe in a one-line message
    and in a TOML comment, whatever a file name holds."""
    return "".join(
        ch if ch == " " or unicodedata.category(ch)[0] not in "CZ" else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )


def _n(value) -> str:
    return format_number(value)


def _pct(share) -> str:
    return "n/a" if share is None or (isinstance(share, float) and math.isnan(share)) else f"{100 * share:.1f}%"


# =====================================================================================
# reading
# =====================================================================================


@dataclass
class Export:
    """A ticket export read and merged to one row per ticket.

    ``tickets``: one row per ticket — ``id``, ``opened``, ``end`` (resolved, or closed when the
    resolved time is missing; NaT while open), ``end_from``, ``status`` (``resolved``, ``open``,
    or why there is no resolution time), ``klass`` (p1-p4, service_request, change, or
    ``None``: unmapped), ``why_unmapped``, ``escalated`` (1.0, 0.0 or NaN: unknown),
    ``made_sla`` (1.0, 0.0 or NaN), ``rows`` (rows merged into it).
    ``dropped``: rows dropped, by reason.  ``merged``: rows that were earlier states of a ticket.
    """

    source: str
    format: str
    columns: dict[str, str]
    rows_read: int
    tickets: pd.DataFrame
    dropped: dict[str, int]
    merged: int
    order_basis: str
    dates: str
    export_end: pd.Timestamp
    unreadable: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    types: dict[str, dict] = field(default_factory=dict)  # raw type value -> {tickets, class}


def read_export(
    path: str | Path, format: str | None = None, mapping: dict[str, str] | None = None, source: str | None = None
) -> Export:
    """Read a ticket export (CSV).  ``format``: ``servicenow``, ``generic`` or None (detect);
    ``mapping``: field -> column, for columns the format does not name.  Raises
    :class:`ScenarioError` (one line naming the file) when the file cannot be used."""
    path = Path(path)
    source = _plain(source or str(path))
    raw, malformed, note = _read_table(path, source)
    notes = [note] if note else []
    format, columns = _resolve_columns(list(raw.columns), format, mapping or {}, source)
    if raw.empty:
        if malformed:
            raise ScenarioError(
                "",
                f"no readable ticket row: {malformed:,} malformed (wrong number of fields, or a quote never closed)",
                source,
            )
        raise ScenarioError("", "has a header row but no ticket rows", source)
    dropped: Counter = Counter()
    if malformed:
        dropped["malformed line (wrong number of fields)"] = malformed
    rows_read = len(raw) + malformed
    cells = pd.DataFrame({f: _cells(raw[c]) for f, c in columns.items()})
    cells["row"] = np.arange(len(raw))
    duplicate = raw.duplicated(keep="first").to_numpy()
    if duplicate.any():
        dropped["duplicate row (identical to an earlier one)"] = int(duplicate.sum())
    cells = cells[~duplicate]
    no_id = cells["id"].isna().to_numpy()
    if no_id.any():
        dropped["no ticket number"] = int(no_id.sum())
    cells = cells[~no_id].copy()
    cells["id"] = cells["id"].str.strip()

    time_fields = [f for f in ("opened", "resolved", "closed", "updated") if f in cells]
    parsed, bad, dates = _timestamps({f: cells[f] for f in time_fields}, source)
    unreadable = {f: int(bad[f].sum()) for f in time_fields if bad[f].any()}
    for name in time_fields:
        cells[name] = parsed[name]
        cells[f"{name}_bad"] = bad[name]

    order_basis = "row order"
    if "updated" in cells and cells["updated"].notna().any():
        cells = cells.sort_values("updated", na_position="first", kind="stable")
        order_basis = f"{_plain(columns['updated'])} (ties and missing times in row order)"

    tickets, merged, ticket_drops, types = _merge(cells, columns)
    dropped.update(ticket_drops)
    stamps = [cells[f] for f in time_fields]
    export_end = max((s.max() for s in stamps if s.notna().any()), default=pd.NaT)
    if tickets.empty:
        reasons = "; ".join(f"{r}: {n:,}" for r, n in dropped.most_common()) or "none"
        raise ScenarioError("", f"no usable ticket in {rows_read:,} rows; dropped rows by reason: {reasons}", source)
    return Export(
        source=source,
        format=format,
        columns=columns,
        rows_read=rows_read,
        tickets=tickets,
        dropped=dict(dropped.most_common()),
        merged=merged,
        order_basis=order_basis,
        dates=dates,
        export_end=export_end,
        unreadable=unreadable,
        notes=notes,
        types=types,
    )


def _read_table(path: Path, source: str) -> tuple[pd.DataFrame, int, str]:
    """The CSV as text cells (nothing converted), the count of malformed lines, a note."""
    if not path.exists():
        raise ScenarioError("", "no such file", source)
    if path.is_dir():
        raise ScenarioError("", "is a folder; give the CSV file of the export", source)
    data = path.read_bytes()
    if not data.strip():
        raise ScenarioError("", "the file is empty: no header row and no tickets", source)
    head = data[:65536]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ScenarioError("", "is a spreadsheet or archive, not CSV text: export or save it as CSV", source)
    if b"\x00" in head:
        raise ScenarioError("", "is binary, not CSV text (it holds NUL bytes): export the tickets as CSV", source)
    note = ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        note = "not UTF-8: read as Windows-1252 (Latin-1)"
    if sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t") > 10:
        raise ScenarioError("", "is binary, not CSV text (it holds control characters): export it as CSV", source)
    try:
        delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if text.count('"') % 2:  # pandas would take the rest of the file as one cell, silently
        started = _unclosed_quote_line(text, delimiter)
        raise ScenarioError("", f'a quote (") opened on line {started:,} is never closed: not readable as CSV', source)
    malformed = [0]

    def bad_line(_fields):
        malformed[0] += 1
        return None

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            engine="python",
            on_bad_lines=bad_line,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise ScenarioError("", "no header row: the file holds no CSV columns", source) from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScenarioError("", f"not readable as CSV: {reason}", source) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame, malformed[0], note


def _unclosed_quote_line(text: str, delimiter: str) -> int:
    """The line on which the record holding an unclosed quote starts."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        pass
    return start


def _cells(column: pd.Series) -> pd.Series:
    """Text cells, stripped, with the missing markers ('', '?', 'NULL', ...) as missing."""
    text = column.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return text.where(~text.map(lambda v: not isinstance(v, str) or v.lower() in MISSING), None)


def _resolve_columns(headers: list[str], format: str | None, mapping: dict[str, str], source: str):
    """(format, {field: column}) for the export's header."""
    normal: dict[str, str] = {}
    for header in headers:
        normal.setdefault(_norm(header), header)
    if format is None:
        servicenow = all(any(n in normal for n in _SERVICENOW[f]) for f in ("id", "opened"))
        format = "servicenow" if servicenow else "generic"
    if format not in _COLUMNS:
        raise ScenarioError("--format", f"found {format!r}; allowed: {', '.join(FORMATS)}", "command line")
    columns = {}
    for name, candidates in _COLUMNS[format].items():
        for candidate in candidates:
            if candidate in normal:
                columns[name] = normal[candidate]
                break
    for name, column in mapping.items():
        if name not in FIELDS:
            raise ScenarioError("--map", f"unknown field {name!r}; allowed: {', '.join(FIELDS)}", "command line")
        if column in headers:
            columns[name] = column
        elif _norm(column) in normal:
            columns[name] = normal[_norm(column)]
        else:
            import difflib

            close = difflib.get_close_matches(column, headers, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            shown = ", ".join(_plain(h) for h in headers[:12]) + (" ..." if len(headers) > 12 else "")
            raise ScenarioError(
                "--map", f"{name}={column!r}: no such column in {source}{hint} (columns: {shown})", "command line"
            )
    needed = [("id",), ("opened",), ("resolved", "closed")]
    for group in needed:
        if not any(name in columns for name in group):
            name = group[0]
            looked = ", ".join(dict.fromkeys(c for g in group for c in _COLUMNS[format][g]))
            shown = ", ".join(_plain(h) for h in headers[:12]) + (" ..." if len(headers) > 12 else "")
            other = "generic" if format == "servicenow" else "servicenow"
            raise ScenarioError(
                "",
                f"no {FIELDS[name]} column ({format} format: looked for {looked}); name it with "
                f"--map {name}=COLUMN or try --format {other} (columns found: {shown})",
                source,
            )
    return format, columns


# ------------------------------------------------------------------ timestamps

_OFFSET = re.compile(r"^(.*\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)$", re.I)
_ISO = re.compile(r"^\d{4}-\d\d-\d\d(?:$|[ T])")
_SLASHED = (
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?\s*([AaPp][Mm])?)?$"
)


def _timestamps(columns: dict[str, pd.Series], source: str):
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


# ------------------------------------------------------------------ one row per ticket


def _state_kind(state) -> str | None:
    if pd.isna(state):
        return None
    text = str(state).strip().lower()
    if "cancel" in text:
        return "canceled"
    if text in _DONE_STATES or text.startswith(("closed", "resolved")):
        return "resolved"
    if text in _OPEN_STATES or any(word in text for word in ("progress", "hold", "open", "pending", "await")):
        return "open"
    return None


def _priority(value) -> int | None:
    if pd.isna(value):
        return None
    text = str(value).strip().lower()
    found = re.match(r"^(?:p(?:riority)?\s*[-:]?\s*)?(\d+)\b", text)
    if found:
        return int(found.group(1))
    for word, number in _PRIORITY_WORDS.items():
        if word in text:
            return number
    return -1


def _type_class(value) -> str:
    if pd.isna(value):
        return "incident"
    text = str(value).strip().lower()
    if "request" in text or text.startswith(("sc_req", "ritm", "req")):
        return "service_request"
    if "change" in text:
        return "change"
    return "incident"


def _truth(value) -> float:
    if pd.isna(value):
        return math.nan
    text = str(value).strip().lower()
    return 1.0 if text in _TRUE else 0.0 if text in _FALSE else math.nan


def _merge(cells: pd.DataFrame, columns: dict[str, str]):
    """One row per ticket from its rows (the latest non-missing value of each field)."""
    groups = cells.groupby("id", sort=False)
    rows = groups.size()
    keep = [c for c in cells.columns if c not in ("id", "row") and not c.endswith("_bad")]
    last = groups[keep].last() if keep else pd.DataFrame(index=rows.index)
    tickets = pd.DataFrame(index=rows.index)
    tickets["rows"] = rows
    tickets["opened"] = last["opened"]
    drops: Counter = Counter()
    opened_bad = groups["opened_bad"].any()
    no_open = tickets["opened"].isna()
    for reason, mask in (
        ("opened time unreadable", no_open & opened_bad),
        ("opened time missing", no_open & ~opened_bad),
    ):
        if mask.any():
            drops[reason] = int(tickets.loc[mask, "rows"].sum())
    state = last["state"] if "state" in last else pd.Series(None, index=rows.index, dtype=object)
    kind = state.map(_state_kind)
    canceled = (kind == "canceled") & ~no_open
    if canceled.any():
        drops["canceled (state)"] = int(tickets.loc[canceled, "rows"].sum())
    usable = ~no_open & ~canceled
    merged = int((rows[usable] - 1).sum())
    tickets, kind, last = tickets[usable].copy(), kind[usable], last[usable]

    resolved = last["resolved"] if "resolved" in last else pd.Series(pd.NaT, index=tickets.index)
    closed = last["closed"] if "closed" in last else pd.Series(pd.NaT, index=tickets.index)
    end = resolved.where(resolved.notna(), closed)
    end_from = pd.Series(np.where(resolved.notna(), "resolved", np.where(closed.notna(), "closed", "")), tickets.index)
    bad_end = pd.Series(False, index=tickets.index)
    for name in ("resolved", "closed"):
        if f"{name}_bad" in cells:
            bad_end |= groups[f"{name}_bad"].any()[tickets.index]
    is_open = kind == "open"
    status = pd.Series("resolved", index=tickets.index, dtype=object)
    status[end.isna() & bad_end] = "resolved time unreadable"
    status[end.isna() & ~bad_end & (kind == "resolved")] = "resolved time missing"
    status[end.isna() & ~bad_end & kind.isna()] = "open"  # no state, no resolution: still open
    status[end.notna() & (end < tickets["opened"])] = "resolved before opened"
    status[is_open] = "open"  # the latest state is open: reopened or never resolved
    end = end.where(status == "resolved")
    tickets["end"] = end
    tickets["end_from"] = end_from.where(status == "resolved", "")
    tickets["status"] = status

    classes, why, types = _classes(last, tickets.index, "type" in columns)
    tickets["klass"] = classes
    tickets["why_unmapped"] = why
    tickets["escalated"] = _escalated(cells, groups, tickets.index)
    tickets["made_sla"] = last["made_sla"].map(_truth) if "made_sla" in last else math.nan
    tickets = tickets.reset_index()
    return tickets, merged, drops, types


def _classes(last: pd.DataFrame, index, has_type: bool):
    kinds = last["type"].map(_type_class) if "type" in last else pd.Series("incident", index=index)
    priorities = last["priority"].map(_priority) if "priority" in last else pd.Series(None, index=index)
    classes, why = [], []
    for kind, priority, raw in zip(
        kinds,
        priorities,
        last["priority"] if "priority" in last else [None] * len(index),
        strict=True,
    ):
        if kind != "incident":
            classes.append(kind)
            why.append("")
        elif not pd.isna(priority) and 1 <= priority <= 4:
            classes.append(f"p{int(priority)}")
            why.append("")
        else:
            classes.append(None)
            why.append("priority missing" if pd.isna(raw) else f"priority {_plain(raw)!r}")
    types = {}
    if has_type:
        counts = last["type"].fillna("(missing)").value_counts()
        for value, n in counts.head(12).items():
            types[_plain(value)] = {"tickets": int(n), "class": _type_class(None if value == "(missing)" else value)}
    return classes, why, types


def _escalated(cells, groups, index) -> pd.Series:
    """1.0 when reassigned (count > 0) or handled by more than one group, 0.0 when neither,
    NaN when the export has neither column."""
    signal = pd.Series(math.nan, index=index)
    if "reassignments" in cells:
        count = pd.to_numeric(cells["reassignments"], errors="coerce").groupby(cells["id"]).max()[index]
        signal = signal.where(count.isna(), (count > 0).astype(float))
    if "group" in cells:
        distinct = groups["group"].nunique()[index]
        known = groups["group"].count()[index] > 0
        many = (distinct > 1).astype(float)
        signal = signal.where(~known, np.fmax(signal.fillna(0.0), many))
    return signal


# =====================================================================================
# the working calendar
# =====================================================================================

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


def _outside(times: pd.Series, day_start: float) -> tuple[np.ndarray, np.ndarray]:
    """(weekend, evening or night) masks on the wall clock."""
    weekday = times.dt.day_of_week.to_numpy()
    hour = (times.dt.hour + times.dt.minute / 60.0 + times.dt.second / 3600.0).to_numpy()
    weekend = weekday >= DAYS_PER_WEEK
    night = ~weekend & ((hour < day_start) | (hour >= day_start + HOURS_PER_DAY))
    return weekend, night


# =====================================================================================
# fitting
# =====================================================================================


def fit_lognormal(times, censored=None) -> tuple[float, float]:
    """(mu, sigma) of a lognormal by maximum likelihood; ``censored`` marks observations known
    only to exceed their time (still open at the export's end)."""
    x = np.log(np.asarray(times, dtype=float))
    cens = np.zeros(len(x), bool) if censored is None else np.asarray(censored, bool)
    done = x[~cens]
    mu, sigma = float(done.mean()), float(done.std()) or 0.5
    if not cens.any():
        return mu, sigma
    right = x[cens]

    def nll(theta):
        m, log_s = theta
        s = math.exp(log_s)
        return -(
            np.sum(stats.norm.logpdf((done - m) / s)) - len(done) * log_s + np.sum(stats.norm.logsf((right - m) / s))
        )

    best = optimize.minimize(nll, [mu, math.log(sigma)], method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9})
    return float(best.x[0]), float(math.exp(best.x[1]))


def kaplan_meier(times, censored) -> tuple[np.ndarray, np.ndarray]:
    """(times, F(t)) of the Kaplan-Meier estimate of the distribution function at each event."""
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, bool)
    order = np.lexsort((c, t))  # by time, events before censorings at a tie
    t, c = t[order], c[order]
    at_risk = len(t) - np.arange(len(t))
    survival = np.cumprod(np.where(c, 1.0, 1.0 - 1.0 / at_risk))
    return t[~c], 1.0 - survival[~c]


def _km_quantile(curve, q: float) -> float:
    t, cdf = curve
    hit = np.nonzero(cdf >= q - 1e-12)[0]
    return float(t[hit[0]]) if len(hit) else math.nan


def _km_cdf(curve, x: float) -> float:
    t, cdf = curve
    at = np.searchsorted(t, x, side="right") - 1
    return float(cdf[at]) if at >= 0 else 0.0


def _lognormal_quantile(mu: float, sigma: float, q: float) -> float:
    return float(math.exp(mu + sigma * stats.norm.ppf(q)))


@dataclass
class Calibration:
    """The fit: ``data`` (what ``calibration.json`` holds), the export it came from, and the
    arrays the figure draws."""

    export: Export
    data: dict
    day_start: float
    employees: int | None
    table: np.ndarray  # observed arrivals per working weekday x hour, whole weeks used
    wall_weekday: np.ndarray  # arrivals per week by wall-clock weekday (Mon..Sun)
    wall_hour: np.ndarray  # arrivals per week by wall-clock hour (0..23)
    curves: dict = field(default_factory=dict)  # class -> Kaplan-Meier curve

    # ------------------------------------------------------------------ the scenario
    def scenario_toml(self, name: str, profile: bool = True) -> str:
        return _scenario_toml(self, name, profile)

    def report(self) -> list[str]:
        return _report(self)


def fit(export: Export, employees: int | None = None, day_start: float = 9.0) -> Calibration:
    """Fit rate, profile, mix, escalation, resolution times and SLA attainment to ``export``."""
    if not 0 <= day_start <= 24 - HOURS_PER_DAY:
        raise ScenarioError(
            "--day-start", f"found {day_start:g} h; allowed: 00:00 to {24 - HOURS_PER_DAY:02d}:00", "command line"
        )
    t = export.tickets
    position = working_hours(t["opened"], day_start)
    week = np.floor(position / HOURS_PER_WEEK).astype(int)
    first_day = t["opened"].min().normalize()
    last_day = t["opened"].max().normalize() + pd.Timedelta(days=1)
    start, end = working_hours(pd.Series([first_day, last_day]), day_start)
    k0 = int(math.ceil(start / HOURS_PER_WEEK - 1e-9))
    k1 = int(math.floor(end / HOURS_PER_WEEK + 1e-9))
    counts = {k: int(n) for k, n in zip(*np.unique(week, return_counts=True), strict=True)}
    whole = list(range(k0, k1))
    if not whole:
        raise ScenarioError(
            "",
            f"the tickets were opened from {first_day:%Y-%m-%d} to {last_day - pd.Timedelta(days=1):%Y-%m-%d}: "
            "less than one whole working week (Monday to Friday), too short to fit arrivals",
            export.source,
        )
    edges = []
    if start < k0 * HOURS_PER_WEEK - 1e-9:
        edges.append(("first", k0 - 1, k0 * HOURS_PER_WEEK - start))
    if end > k1 * HOURS_PER_WEEK + 1e-9:
        edges.append(("last", k1, end - k1 * HOURS_PER_WEEK))
    median = float(np.median([counts.get(k, 0) for k in whole]))
    window = _window(export, first_day, last_day)
    findings = []
    for side, k, covered in edges:
        n = counts.get(k, 0)
        share = (n / covered) / (median / HOURS_PER_WEEK) if median > 0 and covered > 0 else math.nan
        kind = "truncated" if share < TRUNCATED_BELOW else "partial"
        findings.append(
            {
                "edge": side,
                "week_of": _week_start(k, day_start),
                "kind": kind,
                "tickets": n,
                "working_hours_covered": round(float(covered), 2),
                "rate_vs_median_week": _round(share, 3),
                "used": False,
            }
        )
    if len(whole) >= 3:
        for side in ("first", "last"):
            for _ in range(2):  # at most two whole weeks at each edge
                if len(whole) < 3:
                    break
                k = whole[0] if side == "first" else whole[-1]
                n = counts.get(k, 0)
                if median > 0 and n < TRUNCATED_BELOW * median:
                    whole.remove(k)
                    findings.append(
                        {
                            "edge": side,
                            "week_of": _week_start(k, day_start),
                            "kind": "truncated",
                            "tickets": n,
                            "working_hours_covered": HOURS_PER_WEEK,
                            "rate_vs_median_week": _round(n / median, 3),
                            "used": False,
                        }
                    )
                else:
                    break
    used = np.isin(week, whole)
    weeks = len(whole)
    weekly = np.array([counts.get(k, 0) for k in whole], dtype=float)
    n_used = int(used.sum())
    rate = n_used / weeks
    if weeks >= 3:
        half = float(stats.t.ppf(0.975, weeks - 1) * weekly.std(ddof=1) / math.sqrt(weeks))
        ci_basis = f"t interval over the {weeks} weekly counts"
    else:
        half = 1.96 * math.sqrt(max(n_used, 1)) / weeks
        ci_basis = "Poisson"
    arrivals = {
        "tickets_per_working_week": rate,
        "ci95": [max(rate - half, 0.0), rate + half],
        "ci_basis": ci_basis,
        "tickets": n_used,
        "weeks": weeks,
        "weekly_counts": weekly.astype(int).tolist(),
        "dispersion_index": float(weekly.var(ddof=1) / weekly.mean()) if weeks >= 2 and weekly.mean() > 0 else None,
    }
    default_rate = Tickets().per_employee_per_month
    if employees:
        arrivals["employees"] = employees
        arrivals["per_employee_per_month"] = rate * 52.0 / 12.0 / employees
        arrivals["per_employee_basis"] = f"{_n(rate)} x 52 / 12 / {employees:,} employees (--employees)"
    else:
        arrivals["employees"] = None
        arrivals["per_employee_per_month"] = None
        arrivals["per_employee_basis"] = (
            f"needs the number of employees served (--employees N): {_n(rate)} x 52 / 12 / N; at orgsim's default"
            f" {default_rate:g} per employee per month this volume fits about "
            f"{max(1, round(rate * 52 / 12 / default_rate)):,} employees"
        )

    profile, table = _profile(position[used], n_used, weeks)
    weekend, night = _outside(t["opened"], day_start)
    profile["outside_working_hours"] = {
        "share": float((weekend | night)[used].mean()) if n_used else math.nan,
        "weekend_share": float(weekend[used].mean()) if n_used else math.nan,
        "evening_night_share": float(night[used].mean()) if n_used else math.nan,
        "counted_as": "in the next working hour (the first hour of the next working day): orgsim's clock has no"
        " nights or weekends, so such a ticket is waiting when the day starts",
    }
    wall = t["opened"][used]
    wall_weekday = np.bincount(wall.dt.day_of_week.to_numpy(), minlength=7) / weeks
    wall_hour = np.bincount(wall.dt.hour.to_numpy(), minlength=24) / weeks

    mix = _mix(t)
    mix["types_seen"] = export.types  # the commonest values of the type column and the class each gave
    escalation = _escalation(t)
    resolution, curves = _resolution(export, day_start)
    sla = _sla(t, curves)
    data = {
        "source": export.source,
        "orgsim_calibrate": {
            "format": export.format,
            "columns": {k: _plain(v) for k, v in export.columns.items()},
            "dates": export.dates,
            "audit_rows": f"merged by ticket number; the last state wins: for each field the latest non-missing"
            f" value, by {export.order_basis}",
            "working_calendar": f"Monday to Friday, {HOURS_PER_DAY} hours from {_clock(day_start)}",
        },
        "rows": {
            "read": export.rows_read,
            "tickets": len(t),
            "earlier_states_merged": export.merged,
            "dropped": dict(export.dropped),
            "dropped_total": int(sum(export.dropped.values())),
            "unreadable_cells": export.unreadable,
            "notes": export.notes,
        },
        "window": {
            **window,
            "whole_weeks_used": weeks,
            "used_from": _week_start(whole[0], day_start),
            "used_to": (pd.Timestamp(_week_start(whole[-1], day_start)) + pd.Timedelta(days=4)).strftime("%Y-%m-%d"),
            "weeks_left_out": findings,
            "truncated": any(f["kind"] == "truncated" for f in findings),
        },
        "arrivals": arrivals,
        "profile": profile,
        "mix": mix,
        "escalated": escalation,
        "resolution": resolution,
        "sla": sla,
        "cannot_tell": CANNOT_TELL,
        "defaults_kept": _defaults_kept(employees, mix),
    }
    return Calibration(export, data, day_start, employees, table, wall_weekday, wall_hour, curves)


CANNOT_TELL = [
    "effort as against waiting: a resolution time is lead time (queueing, waiting for the user, hand-overs and"
    " work together), so the effort of each step (tickets.classes.*.l1_effort, l2_effort, manager_effort) keeps"
    " orgsim's defaults",
    "staff numbers: how many people work in IT and in which roles; the roles follow org.structure's headcount rules",
    "which assignment group is the service desk: a reassignment is not necessarily an escalation from level 1,"
    " so l1_resolution_share keeps its defaults (the file suggests values in comments)",
    "the organisation's SLA targets: made_sla says whether a target was met, not what it was",
    "public holidays and shutdowns: they count as ordinary working days with few tickets",
]


def _defaults_kept(employees, mix) -> list[str]:
    kept = [
        "org.structure, org.culture and every role and headcount",
        "every ticket class's effort (l1_effort, l2_effort, manager_effort), l1_resolution_share, sla_hours,"
        " priority and preemption",
        "tickets.manager_escalation_share and manager_escalation_effort",
        "projects, management and dispatch",
        "calendar (Monday to Friday, 8 hours)",
    ]
    if not employees:
        kept.insert(
            0,
            f"org.employees ({Org().employees}) and tickets.per_employee_per_month "
            f"({Tickets().per_employee_per_month:g}): the export gives tickets per week, not per employee",
        )
    if not mix.get("fitted"):
        kept.append("tickets.mix (too few tickets with a known class)")
    return kept


def _window(export, first_day, last_day) -> dict:
    t = export.tickets
    return {
        "first_opened": t["opened"].min().isoformat(),
        "last_opened": t["opened"].max().isoformat(),
        "days": int((last_day - first_day) / pd.Timedelta(days=1)),
        "export_end": export.export_end.isoformat() if pd.notna(export.export_end) else None,
    }


def _week_start(k: int, day_start: float) -> str:
    return wall_clock(np.array([k * HOURS_PER_WEEK]), day_start)[0].strftime("%Y-%m-%d")


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round((hours % 1) * 60):02d}"


def _round(value, digits):
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _relative(values: np.ndarray, digits: int = 3) -> list[float]:
    """``values`` scaled to mean 1 and rounded, the largest adjusted so that the mean stays 1."""
    values = np.asarray(values, dtype=float)
    if values.sum() <= 0:
        return [1.0] * len(values)
    scaled = values * len(values) / values.sum()
    rounded = np.round(scaled, digits)
    top = int(np.argmax(rounded))
    rounded[top] = round(rounded[top] + len(values) - rounded.sum(), digits)
    return [float(v) for v in rounded]


def _profile(position: np.ndarray, n: int, weeks: int) -> tuple[dict, np.ndarray]:
    rest = np.mod(position, HOURS_PER_WEEK)
    day = np.minimum((rest // HOURS_PER_DAY).astype(int), DAYS_PER_WEEK - 1)
    hour = np.minimum((np.mod(rest, HOURS_PER_DAY)).astype(int), HOURS_PER_DAY - 1)
    table = np.zeros((DAYS_PER_WEEK, HOURS_PER_DAY))
    np.add.at(table, (day, hour), 1)
    by_day, by_hour = table.sum(axis=1), table.sum(axis=0)
    expected = np.outer(by_day, by_hour) / max(n, 1)
    separable = {"test": "chi-square test of weekday x hour independence (the profile is weekday x hour)"}
    if n and (expected >= 5).all():
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        separable.update(chi2=float(chi2), dof=int(dof), p_value=float(p))
    else:
        separable.update(chi2=None, dof=None, p_value=None, note="too few tickets per cell (fewer than 5 expected)")
    profile = {
        "weekday": _relative(by_day),
        "hour": _relative(by_hour),
        "weekday_tickets": by_day.astype(int).tolist(),
        "hour_tickets": by_hour.astype(int).tolist(),
        "weekday_se": [float(math.sqrt(p * (1 - p) / n) * DAYS_PER_WEEK) if n else None for p in by_day / max(n, 1)],
        "hour_se": [float(math.sqrt(p * (1 - p) / n) * HOURS_PER_DAY) if n else None for p in by_hour / max(n, 1)],
        "basis": f"{n:,} tickets in {weeks} whole working weeks; relative rate, mean 1 (each weekday occurs"
        f" {weeks} times, so counts are rates)",
        "separable": separable,
    }
    return profile, table


def _mix(t: pd.DataFrame) -> dict:
    known = t["klass"].dropna()
    counts = known.value_counts()
    unmapped = t.loc[t["klass"].isna(), "why_unmapped"].value_counts()
    total = int(len(known))
    fitted = total >= 20
    shares = {}
    if fitted:
        names = [c for c in CLASS_ORDER if c in counts]
        raw = {c: float(counts[c]) / total for c in names}
        rounded = {c: round(v, 4) for c, v in raw.items()}
        top = max(rounded, key=rounded.get)
        rounded[top] = round(rounded[top] + 1.0 - sum(rounded.values()), 6)
        shares = {c: rounded.get(c, 0.0) for c in CLASS_ORDER}
    return {
        "fitted": fitted,
        "shares": shares,
        "tickets": {c: int(counts.get(c, 0)) for c in CLASS_ORDER},
        "known": total,
        "unmapped": int(t["klass"].isna().sum()),
        "unmapped_by_reason": {str(k): int(v) for k, v in unmapped.items()},
        "basis": f"{total:,} tickets with a known class (all tickets, whole window); priorities 1-4 -> p1-p4, a type"
        " naming a request -> service_request, a change -> change",
        "classes_not_seen": [c for c in CLASS_ORDER if fitted and counts.get(c, 0) == 0],
    }


def _escalation(t: pd.DataFrame) -> dict:
    known = t["escalated"].notna()
    out = {
        "basis": "reassignment_count > 0, or more than one assignment group in the rows of a ticket",
        "known": int(known.sum()),
        "share": float(t.loc[known, "escalated"].mean()) if known.any() else None,
        "by_class": {},
    }
    for name in CLASS_ORDER:
        rows = t[(t["klass"] == name) & known]
        if len(rows):
            share = float(rows["escalated"].mean())
            out["by_class"][name] = {
                "tickets": len(rows),
                "share": share,
                "suggested_l1_resolution_share": round(1.0 - share, 3),
                "default_l1_resolution_share": DEFAULT_TICKET_CLASSES[name].l1_resolution_share,
            }
    return out


def _resolution(export: Export, day_start: float):
    t = export.tickets
    opened = working_hours(t["opened"], day_start)
    end = working_hours(t["end"].fillna(t["opened"]), day_start)
    export_end = export.export_end
    horizon = working_hours(pd.Series([export_end]), day_start)[0] if pd.notna(export_end) else math.nan
    duration = np.where(t["status"] == "resolved", end - opened, horizon - opened)
    out = {
        "clock": f"working hours (Monday to Friday, {HOURS_PER_DAY} a day from {_clock(day_start)}), opened to"
        " resolved (closed when the resolved time is missing): the clock of orgsim's ticket_resolution_hours",
        "meaning": "lead time — waiting, hand-overs and work together — not effort",
        "method": "lognormal, maximum likelihood; tickets still open at the export's end are right-censored at it;"
        " observed quantiles by Kaplan-Meier (the plain empirical quantiles when nothing is censored)",
        "excluded": {},
        "closed_used_for_resolved": int((t["end_from"] == "closed").sum()),
        "by_class": {},
    }
    excluded = t.loc[~t["status"].isin(["resolved", "open"]), "status"].value_counts()
    out["excluded"] = {str(k): int(v) for k, v in excluded.items()}
    zero = (t["status"] == "resolved") & (duration <= 1e-9)
    if zero.any():
        out["excluded"]["resolved in 0 working hours (opened and resolved outside working hours)"] = int(zero.sum())
    no_time = (t["status"] == "open") & ~(duration > 1e-9)
    if no_time.any():
        out["excluded"]["open, opened after the export's last working hour"] = int(no_time.sum())
    curves = {}
    for name in (*CLASS_ORDER, "all"):
        rows = (t["klass"] == name) if name != "all" else t["klass"].notna()
        rows = rows & t["status"].isin(["resolved", "open"]) & (duration > 1e-9)
        times = duration[rows.to_numpy()]
        censored = (t.loc[rows, "status"] == "open").to_numpy()
        resolved = int((~censored).sum())
        if resolved < MIN_FIT:
            if len(times):
                out["by_class"][name] = {"resolved": resolved, "open": int(censored.sum()), "fitted": False}
            continue
        mu, sigma = fit_lognormal(times, censored)
        curve = kaplan_meier(times, censored)
        curves[name] = curve
        entry = {
            "resolved": resolved,
            "open": int(censored.sum()),
            "fitted": True,
            "mu": mu,
            "sigma": sigma,
            "mu_se_approx": sigma / math.sqrt(resolved),
            "sigma_se_approx": sigma / math.sqrt(2 * resolved),
            "median_hours": math.exp(mu),
            "mean_hours": math.exp(mu + sigma**2 / 2),
            "cv": math.sqrt(math.expm1(sigma**2)),
            "quantiles": {
                f"p{round(100 * q)}": {
                    "observed": _km_quantile(curve, q),
                    "fitted": _lognormal_quantile(mu, sigma, q),
                }
                for q in QUANTILES
            },
        }
        if name in DEFAULT_TICKET_CLASSES:
            target = DEFAULT_TICKET_CLASSES[name].sla_hours
            entry["within_default_sla"] = {"sla_hours": target, "share_observed": _km_cdf(curve, target)}
        out["by_class"][name] = entry
    return out, curves


def _sla(t: pd.DataFrame, curves) -> dict:
    rows = t[(t["status"] == "resolved") & t["made_sla"].notna()]
    out = {
        "basis": "made_sla of the resolved tickets (the latest value); the targets themselves are not in the export",
        "known": len(rows),
        "attainment": float(rows["made_sla"].mean()) if len(rows) else None,
        "by_class": {},
    }
    for name in CLASS_ORDER:
        part = rows[rows["klass"] == name]
        if len(part):
            out["by_class"][name] = {"tickets": len(part), "attainment": float(part["made_sla"].mean())}
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return value


# =====================================================================================
# the scenario file
# =====================================================================================


def profile_supported() -> bool:
    """Whether this orgsim knows ``tickets.profile`` (the time-varying arrivals of issue 13)."""
    from dataclasses import fields

    return "profile" in {f.name for f in fields(Tickets)}


def scenario_name(text: str) -> str:
    """A valid scenario name from a file name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).replace("..", ".").strip("-._")[:100].strip("-._")
    return name if name and name[0].isalnum() else "calibrated"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_list(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def _scenario_toml(cal: Calibration, name: str, profile: bool) -> str:
    d = cal.data
    rows, window, arrivals, prof, mix = d["rows"], d["window"], d["arrivals"], d["profile"], d["mix"]
    source = _plain(Path(d["source"]).name)
    lines = _wrap(
        f"{HEADER[2:]} from {source} ({d['orgsim_calibrate']['format']} columns): {rows['read']:,} rows,"
        f" {rows['tickets']:,} tickets, {rows['dropped_total']:,} rows dropped (see calibration.json)."
    )
    lines += _wrap(
        f"Observation window: tickets opened {window['first_opened'][:10]} to {window['last_opened'][:10]};"
        f" rate and profile from {arrivals['tickets']:,} tickets in {window['whole_weeks_used']} whole working"
        f" weeks, {window['used_from']} to {window['used_to']}." + _left_out_sentence(window)
    )
    outside = prof["outside_working_hours"]
    lines += _wrap(
        f"Working calendar: {d['orgsim_calibrate']['working_calendar']}; {_pct(outside['share'])} of the"
        f" arrivals fall outside it (weekends {_pct(outside['weekend_share'])}, evenings and nights"
        f" {_pct(outside['evening_night_share'])}) and count in the next working hour."
    )
    lines.append("#")
    lines += _wrap("What an export cannot tell: " + "; ".join(CANNOT_TELL) + ".")
    lines += _wrap("Defaults kept: " + "; ".join(d["defaults_kept"]) + ".")
    if profile and not profile_supported():
        lines += _wrap(
            "[tickets.profile] needs an orgsim with time-varying arrivals; an older one refuses the file: delete"
            " that table to run it there."
        )
    lines.append(f"name = {_toml_string(name)}")
    description = (
        f"fitted by orgsim calibrate from {source}: {arrivals['tickets']:,} tickets in"
        f" {window['whole_weeks_used']} working weeks from {window['used_from']}"
    )
    lines.append(f"description = {_toml_string(description)}")
    lines.append("")
    rate = arrivals["tickets_per_working_week"]
    low, high = arrivals["ci95"]
    rate_text = (
        f"{_n(rate)} tickets per working week (95% CI {_n(low)} to {_n(high)}, {arrivals['ci_basis']};"
        f" {arrivals['tickets']:,} tickets in {arrivals['weeks']} whole weeks)"
    )
    if cal.employees:
        lines += ["[org]", f"# employees served: {cal.employees:,} (--employees)", f"employees = {cal.employees}", ""]
    lines.append("[tickets]")
    if cal.employees:
        lines += _wrap(
            f"{rate_text} = {_n(arrivals['per_employee_per_month'])} tickets per employee per month"
            f" ({arrivals['per_employee_basis']})"
        )
        lines.append(f"per_employee_per_month = {round(arrivals['per_employee_per_month'], 5)!r}")
    else:
        lines += _wrap(
            f"{rate_text}. tickets.per_employee_per_month and org.employees keep orgsim's defaults: the rate per"
            f" employee {arrivals['per_employee_basis']}."
        )
    lines.append("")
    if mix["fitted"]:
        lines.append("[tickets.mix]")
        lines += _wrap(_mix_sentence(mix))
        for klass, share in mix["shares"].items():
            lines.append(f"{klass} = {float(share)!r}  # {mix['tickets'][klass]:,} tickets")
        lines.append("")
    if profile:
        lines.append("[tickets.profile]")
        lines += _wrap(
            "Relative arrival rate, mean 1: weekday Monday first, hour from the start of the working day."
            f" Basis: {prof['basis']}."
        )
        lines += _wrap(
            "weekday: "
            + ", ".join(
                f"{WEEKDAYS[i]} {v:g} (n {n:,})"
                for i, (v, n) in enumerate(zip(prof["weekday"], prof["weekday_tickets"], strict=True))
            )
        )
        lines += _wrap(
            "hour: "
            + ", ".join(
                f"{_clock(cal.day_start + i)} {v:g} (n {n:,})"
                for i, (v, n) in enumerate(zip(prof["hour"], prof["hour_tickets"], strict=True))
            )
        )
        lines.append(f"weekday = {_toml_list(prof['weekday'])}")
        lines.append(f"hour = {_toml_list(prof['hour'])}")
        lines.append("")
    lines += _escalation_comments(d["escalated"])
    lines += _resolution_comments(d["resolution"], d["sla"])
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 116) -> list[str]:
    import textwrap

    return ["# " + line for line in textwrap.wrap(_plain(text), width - 2, break_on_hyphens=False)] or ["#"]


def _left_out_sentence(window) -> str:
    parts = []
    for f in window["weeks_left_out"]:
        what = "partial week" if f["kind"] == "partial" else "week that looks truncated"
        rate = f" ({f['tickets']:,} tickets, {_pct(f['rate_vs_median_week'])} of the median week's rate)"
        parts.append(f"the {f['edge']} {what} (of {f['week_of']}){rate}")
    return (" Left out: " + "; ".join(parts) + ".") if parts else ""


def _mix_sentence(mix) -> str:
    text = f"Shares of the {mix['known']:,} tickets with a known class"
    if mix["unmapped"]:
        reasons = ", ".join(f"{k} x {v:,}" for k, v in mix["unmapped_by_reason"].items())
        text += f"; {mix['unmapped']:,} unmapped and left out ({reasons})"
    if mix["classes_not_seen"]:
        text += (
            f". Not in the export, so share 0: {', '.join(mix['classes_not_seen'])} (an incident export holds no"
            " requests or changes: add them if your desk handles them)"
        )
    return text + "."


def _escalation_comments(esc) -> list[str]:
    if esc["share"] is None:
        return []
    lines = _wrap(
        f"Escalated ({esc['basis']}): {_pct(esc['share'])} of {esc['known']:,} tickets. If every ticket starts at"
        " your service desk (level 1), 1 - this share is a class's l1_resolution_share; the export cannot tell,"
        " so the defaults stand. To use the fit, uncomment:"
    )
    for name, entry in esc["by_class"].items():
        if entry["tickets"] >= 20:
            lines.append(f"# [tickets.classes.{name}]")
            lines.append(
                f"# l1_resolution_share = {entry['suggested_l1_resolution_share']!r}  # {entry['tickets']:,} tickets,"
                f" {_pct(entry['share'])} escalated; default {entry['default_l1_resolution_share']:g}"
            )
    lines.append("")
    return lines


def _resolution_comments(res, sla) -> list[str]:
    lines = _wrap(
        f"Resolution times in {res['clock']}; {res['meaning']}. {res['method']}. Targets for orgsim's"
        " ticket_resolution_hours_p50 / _p90 metrics, not inputs:"
    )
    for name, entry in res["by_class"].items():
        if not entry.get("fitted"):
            lines += _wrap(f"{name}: {entry['resolved']} resolved, too few to fit")
            continue
        q = entry["quantiles"]
        text = (
            f"{name}: {entry['resolved']:,} resolved + {entry['open']:,} open; lognormal mu {entry['mu']:.3f}"
            f" sigma {entry['sigma']:.3f} (mean {_n(entry['mean_hours'])} h, cv {_n(entry['cv'])});"
            f" p50 {_n(q['p50']['fitted'])} h (observed {_n(q['p50']['observed'])}),"
            f" p90 {_n(q['p90']['fitted'])} h (observed {_n(q['p90']['observed'])})"
        )
        if name in sla["by_class"]:
            s = sla["by_class"][name]
            text += f"; made_sla {_pct(s['attainment'])} of {s['tickets']:,}"
        if "within_default_sla" in entry:
            w = entry["within_default_sla"]
            text += f"; {_pct(w['share_observed'])} within orgsim's default {w['sla_hours']:g} h target"
        lines += _wrap(text)
    if sla["attainment"] is not None:
        lines += _wrap(f"SLA attainment (made_sla): {_pct(sla['attainment'])} of {sla['known']:,} resolved tickets.")
    return lines


# =====================================================================================
# the report, the figure, the files
# =====================================================================================


def _report(cal: Calibration) -> list[str]:
    d = cal.data
    rows, window, arrivals, prof, mix = d["rows"], d["window"], d["arrivals"], d["profile"], d["mix"]
    meta = d["orgsim_calibrate"]
    lines = [
        f"calibrate {d['source']}: {meta['format']} columns; dates {meta['dates']}",
        "  columns: " + ", ".join(f"{k}={v}" for k, v in meta["columns"].items()),
        f"  rows: {rows['read']:,} read -> {rows['tickets']:,} tickets; {rows['earlier_states_merged']:,} earlier"
        f" states merged ({meta['audit_rows']})",
    ]
    if rows["dropped"]:
        lines.append(
            f"  dropped {rows['dropped_total']:,} rows: " + "; ".join(f"{r}: {n:,}" for r, n in rows["dropped"].items())
        )
    else:
        lines.append("  dropped 0 rows")
    if rows["unreadable_cells"]:
        lines.append(
            "  unreadable timestamps (cells): " + ", ".join(f"{k} {v:,}" for k, v in rows["unreadable_cells"].items())
        )
    for note in rows["notes"]:
        lines.append(f"  note: {note}")
    lines.append(
        f"  window: opened {window['first_opened'][:16]} to {window['last_opened'][:16]}; fitted on"
        f" {window['whole_weeks_used']} whole working weeks, {window['used_from']} to {window['used_to']}"
    )
    for f in window["weeks_left_out"]:
        if f["kind"] == "truncated":
            lines.append(
                f"  truncated: the {f['edge']} week (of {f['week_of']}) has {f['tickets']:,} tickets, "
                f"{_pct(f['rate_vs_median_week'])} of the median week's rate: arrivals look cut off there; left out"
            )
        else:
            lines.append(f"  partial: the {f['edge']} week (of {f['week_of']}) is only partly in the window; left out")
    low, high = arrivals["ci95"]
    text = (
        f"  arrivals: {_n(arrivals['tickets_per_working_week'])} tickets per working week (95% CI {_n(low)} to"
        f" {_n(high)})"
    )
    if arrivals["per_employee_per_month"] is not None:
        text += f" = {_n(arrivals['per_employee_per_month'])} per employee per month at {arrivals['employees']:,}"
    else:
        text += f"; per employee per month {arrivals['per_employee_basis']}"
    lines.append(text)
    outside = prof["outside_working_hours"]
    lines.append(
        "  profile: weekday "
        + " ".join(f"{WEEKDAYS[i]} {v:.2f}" for i, v in enumerate(prof["weekday"]))
        + "; hour "
        + " ".join(f"{_clock(cal.day_start + i)[:2]}h {v:.2f}" for i, v in enumerate(prof["hour"]))
    )
    lines.append(
        f"  outside working hours: {_pct(outside['share'])} of arrivals (weekends {_pct(outside['weekend_share'])},"
        f" evenings and nights {_pct(outside['evening_night_share'])}), counted in the next working hour"
    )
    sep = prof["separable"]
    if sep.get("p_value") is not None:
        verdict = "consistent with" if sep["p_value"] >= 0.01 else "departs from"
        lines.append(
            f"  weekday x hour: {verdict} one hour-of-day shape on every weekday (chi-square {sep['chi2']:.1f},"
            f" {sep['dof']} df, p = {sep['p_value']:.3g})"
        )
    if mix["fitted"]:
        lines.append(
            "  mix: "
            + ", ".join(f"{k} {_pct(v)}" for k, v in mix["shares"].items() if v)
            + (
                f"; {mix['unmapped']:,} unmapped ("
                + ", ".join(f"{k} x {v:,}" for k, v in mix["unmapped_by_reason"].items())
                + ")"
                if mix["unmapped"]
                else ""
            )
        )
    else:
        lines.append(f"  mix: only {mix['known']:,} tickets with a known class: the default mix is kept")
    esc = d["escalated"]
    if esc["share"] is not None:
        lines.append(
            f"  escalated (reassigned or more than one group): {_pct(esc['share'])} of {esc['known']:,}; by class "
            + ", ".join(f"{k} {_pct(v['share'])}" for k, v in esc["by_class"].items())
        )
    res = d["resolution"]
    lines.append("  resolution time, working hours (lead time, not effort): lognormal fit, p50 / p90 fitted (observed)")
    for name, entry in res["by_class"].items():
        if not entry.get("fitted"):
            continue
        q = entry["quantiles"]
        lines.append(
            f"    {name:<16} n {entry['resolved']:>6,} (+{entry['open']:,} open)  mu {entry['mu']:6.3f} sigma"
            f" {entry['sigma']:5.3f}  p50 {_n(q['p50']['fitted'])} ({_n(q['p50']['observed'])})  p90"
            f" {_n(q['p90']['fitted'])} ({_n(q['p90']['observed'])})"
        )
    if res["excluded"]:
        lines.append(
            "  no resolution time (counted in arrivals, not in the fit): "
            + "; ".join(f"{k}: {v:,}" for k, v in res["excluded"].items())
        )
    sla = d["sla"]
    if sla["attainment"] is not None:
        lines.append(
            f"  SLA attainment (made_sla): {_pct(sla['attainment'])} of {sla['known']:,} resolved; "
            + ", ".join(f"{k} {_pct(v['attainment'])}" for k, v in sla["by_class"].items())
        )
    lines.append("  an export cannot tell: " + "; ".join(c.split(":")[0] for c in CANNOT_TELL))
    lines.append("  defaults kept: " + "; ".join(d["defaults_kept"]))
    return lines


def calibration_figure(cal: Calibration):
    """Observed vs fitted arrivals by weekday and hour, the weekday x hour table against the
    fitted profile, and resolution-time quantiles observed vs fitted by class."""
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.figure import Figure

    d = cal.data
    prof, arrivals = d["profile"], d["arrivals"]
    rate = arrivals["tickets_per_working_week"]
    figure = Figure(figsize=(13, 10), layout="constrained")
    axes = figure.subplots(2, 2)
    figure.suptitle(
        f"Calibration from {Path(d['source']).name}: {arrivals['tickets']:,} tickets in {arrivals['weeks']} whole"
        f" working weeks ({d['window']['used_from']} to {d['window']['used_to']})"
    )
    ax = axes[0][0]
    ax.bar(range(7), cal.wall_weekday, color="#9ecae1", label="observed (wall clock, day opened)")
    fitted = [rate * v / DAYS_PER_WEEK for v in prof["weekday"]]
    ax.plot(range(DAYS_PER_WEEK), fitted, "o-", color="#d62728", label="fitted profile (weekend arrivals on Monday)")
    ax.set_xticks(range(7), WEEKDAYS)
    ax.set_ylabel("tickets per day (mean over the weeks)")
    ax.set_xlabel("weekday")
    ax.set_title("Arrivals by weekday")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    ax.bar(range(24), cal.wall_hour / 7.0, color="#9ecae1", label="observed (wall clock, hour opened, all days)")
    start = cal.day_start
    hours = [start + i + 0.5 for i in range(HOURS_PER_DAY)]
    ax.plot(
        [h - 0.5 for h in hours],
        [rate * v / HOURS_PER_WEEK * DAYS_PER_WEEK / 7.0 for v in prof["hour"]],
        "o-",
        color="#d62728",
        label="fitted profile (outside hours counted in the next working hour)",
    )
    ax.axvspan(start - 0.5, start + HOURS_PER_DAY - 0.5, color="#eeeeee", zorder=0, label="working hours")
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of the day (bar: tickets opened from that hour on)")
    ax.set_ylabel("tickets per hour (mean over all days)")
    ax.set_title("Arrivals by hour of day")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # room for the legend above the morning peak
    ax.legend(fontsize=8, loc="upper left")

    ax = axes[1][0]
    table = cal.table
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / max(table.sum(), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, table / expected, np.nan)
    image = ax.imshow(ratio, cmap="RdBu_r", norm=TwoSlopeNorm(vcenter=1.0, vmin=0.5, vmax=1.5), aspect="auto")
    for (i, j), value in np.ndenumerate(ratio):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(HOURS_PER_DAY), [_clock(start + i)[:2] + "h" for i in range(HOURS_PER_DAY)])
    ax.set_yticks(range(DAYS_PER_WEEK), WEEKDAYS[:DAYS_PER_WEEK])
    ax.set_xlabel("working hour (start)")
    ax.set_ylabel("working day")
    sep = prof["separable"]
    note = f" (independence test p = {sep['p_value']:.2g})" if sep.get("p_value") is not None else ""
    ax.set_title(f"Arrivals per weekday x hour, observed / fitted{note}")
    figure.colorbar(image, ax=ax, label="observed / fitted (1 = as fitted)")

    ax = axes[1][1]
    res = d["resolution"]["by_class"]
    colours = dict(
        zip(
            (*CLASS_ORDER, "all"),
            ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#7f7f7f"),
            strict=True,
        )
    )
    low, high = math.inf, 0.0
    for name, entry in res.items():
        if not entry.get("fitted") or name == "all":
            continue
        observed = [entry["quantiles"][f"p{round(100 * q)}"]["observed"] for q in QUANTILES]
        fitted_q = [entry["quantiles"][f"p{round(100 * q)}"]["fitted"] for q in QUANTILES]
        ax.plot(observed, fitted_q, "o-", color=colours[name], label=f"{name} (n {entry['resolved']:,})")
        for q, x, y in zip(QUANTILES, observed, fitted_q, strict=True):
            if q in (0.5, 0.9) and math.isfinite(x):
                ax.annotate(f"p{round(100 * q)}", (x, y), fontsize=7, xytext=(3, -8), textcoords="offset points")
        finite = [v for v in observed + fitted_q if math.isfinite(v) and v > 0]
        if finite:
            low, high = min(low, min(finite)), max(high, max(finite))
    if high > 0:
        ax.plot([low / 1.5, high * 1.5], [low / 1.5, high * 1.5], ":", color="black", label="observed = fitted")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("observed quantile (working hours, Kaplan-Meier)")
    ax.set_ylabel("fitted lognormal quantile (working hours)")
    ax.set_title("Resolution time (lead time) quantiles p10-p95 by class")
    ax.legend(fontsize=8)
    return figure


def write_calibration(cal: Calibration, folder: Path, scenario_path: Path, name: str, check: dict | None = None):
    """Write the scenario file, ``calibration.json`` and ``calibration.png``; each file lands
    whole (written under a temporary name and renamed).  Returns the paths written."""
    data = dict(cal.data)
    data["scenario"] = {"file": str(scenario_path), "name": name, "profile_supported": profile_supported()}
    if check is not None:
        data["check"] = check
    written = []
    target = OutputFolder(scenario_path.parent)
    target.text(scenario_path.name, cal.scenario_toml(name))
    written.append(scenario_path)
    out = OutputFolder(folder)
    out.text("calibration.json", json.dumps(_jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    out.figure("calibration.png", calibration_figure(cal))
    written += out.written
    return written


def refuse_foreign(path: Path) -> None:
    """A scenario file that exists and was not written by calibrate is not overwritten."""
    if path.is_dir():
        raise ScenarioError("-o", f"{_plain(path)} is a folder; give a scenario file name", "command line")
    if path.exists() or path.is_symlink():
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                first = handle.readline()
        except OSError as error:
            raise ScenarioError("-o", f"cannot read {_plain(path)}: {error.strerror}", "command line") from None
        if path.is_symlink() or not first.startswith(HEADER):
            raise ScenarioError(
                "-o",
                f"{_plain(path)} exists and was not written by orgsim calibrate; give a new file name",
                "command line",
            )


# =====================================================================================
# --check: run the fitted scenario
# =====================================================================================


class _ArrivalModel(Model):
    """One replication that also notes when each ticket arrived (at its first submission,
    the ticket's own ``arrived_at``): the event log records work, not arrivals."""

    def __init__(self, *args, **kwargs):
        self.ticket_arrivals: list[float] = []
        self._seen: set[int] = set()
        super().__init__(*args, **kwargs)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        if isinstance(case, Ticket) and case.case_id not in self._seen:
            self._seen.add(case.case_id)
            self.ticket_arrivals.append(case.arrived_at)
        return super().submit(duty, effort, case, then, activity, owner, priority, preemptive)


def check_fit(
    cal: Calibration,
    name: str,
    replications: int = CHECK_REPLICATIONS,
    seed: int = 1,
    jobs: int | None = None,
    progress: bool = False,
) -> tuple[dict, list[str]]:
    """Run the fitted scenario (few replications, a short horizon) and set its arrivals by
    weekday and hour and its resolution times and SLA attainment beside the export's.

    Resolution times and SLA attainment come from :func:`orgsim.results.simulate`; the
    arrivals from its replication 0 run once more in this process (same seed and replication:
    the same tickets at the same times), noting each ticket's arrival time."""
    with_profile = profile_supported()
    scenario = scenario_from_toml(cal.scenario_toml(name, profile=with_profile), "the fitted scenario")
    per_week = scenario.ticket_rate_per_hour * scenario.calendar.hours_per_week
    weeks = float(min(104, max(8, math.ceil(2000 / max(per_week, 1e-9)) + 2)))  # about 2,000 arrivals
    scenario = scenario.with_changes(
        {"simulation.horizon_weeks": weeks, "simulation.warmup_weeks": 2.0, "simulation.replications": replications}
    )
    results = simulate(scenario, replications=replications, seed=seed, jobs=jobs, progress=progress)
    model = _ArrivalModel(scenario, 0, seed)
    model.run()
    arrived = np.asarray(model.ticket_arrivals, dtype=float)
    hours_per_day = scenario.calendar.hours_per_day
    days_per_week = int(scenario.calendar.days_per_week)
    day = np.floor(arrived / hours_per_day).astype(int) % days_per_week
    hour = np.floor(np.mod(arrived, hours_per_day)).astype(int)
    sim_day = np.bincount(day, minlength=days_per_week)[:DAYS_PER_WEEK]
    sim_hour = np.bincount(hour, minlength=HOURS_PER_DAY)[:HOURS_PER_DAY]
    observed_day = np.asarray(cal.data["profile"]["weekday_tickets"], float)
    observed_hour = np.asarray(cal.data["profile"]["hour_tickets"], float)
    check = {
        "replications": replications,
        "horizon_weeks": weeks,
        "warmup_weeks": 2.0,
        "seed": seed,
        "profile_in_scenario": with_profile,
        "arrival_basis": f"every ticket's arrival time in replication 0 ({len(arrived):,} tickets)",
        "tickets_per_working_week": {
            "observed": cal.data["arrivals"]["tickets_per_working_week"],
            "simulated": len(arrived) / weeks,
        },
        "weekday_share": {
            "observed": (observed_day / max(observed_day.sum(), 1)).tolist(),
            "simulated": (sim_day / max(sim_day.sum(), 1)).tolist(),
        },
        "hour_share": {
            "observed": (observed_hour / max(observed_hour.sum(), 1)).tolist(),
            "simulated": (sim_hour / max(sim_hour.sum(), 1)).tolist(),
        },
        "resolution_hours": {},
        "sla_attainment": {},
    }
    times = results.ticket_times
    for klass, entry in cal.data["resolution"]["by_class"].items():
        if not entry.get("fitted") or klass == "all":
            continue
        rows = times[times["ticket_class"] == klass]
        check["resolution_hours"][klass] = {
            f"p{round(100 * q)}": {
                "observed": entry["quantiles"][f"p{round(100 * q)}"]["observed"],
                "fitted": entry["quantiles"][f"p{round(100 * q)}"]["fitted"],
                "simulated": _histogram_quantile(rows, q),
            }
            for q in (0.5, 0.9)
        }
    for klass, entry in cal.data["sla"]["by_class"].items():
        row = results.summary[results.summary["metric"] == f"sla_attainment.{klass}"]
        check["sla_attainment"][klass] = {
            "observed": entry["attainment"],
            "simulated": float(row["mean"].iloc[0]) if len(row) else None,
        }
    return check, _check_lines(check, cal)


def _histogram_quantile(rows: pd.DataFrame, q: float) -> float:
    """A quantile of a resolution-time histogram (bins on a log scale, interpolated within)."""
    total = rows["tickets"].sum()
    if total == 0:
        return math.nan
    target = q * total
    seen = 0
    for low, high, n in zip(rows["bin_low_hours"], rows["bin_high_hours"], rows["tickets"], strict=True):
        if seen + n >= target:
            return float(low * (high / low) ** ((target - seen) / n))
        seen += n
    return float(rows["bin_high_hours"].iloc[-1])


def _check_lines(check: dict, cal: Calibration) -> list[str]:
    flat = (
        " with its [tickets.profile]"
        if check["profile_in_scenario"]
        else " (flat arrivals: this orgsim does not know tickets.profile yet)"
    )
    lines = [
        f"check: {check['replications']} replications x {check['horizon_weeks']:g} weeks (warm-up"
        f" {check['warmup_weeks']:g}) of the fitted scenario{flat}",
        f"  tickets per working week: observed {_n(check['tickets_per_working_week']['observed'])}, simulated"
        f" {_n(check['tickets_per_working_week']['simulated'])}"
        + ("" if cal.employees else " (orgsim's default employees and rate: give --employees N to match)"),
        f"  arrivals simulated by: {check['arrival_basis']}",
        "  share of arrivals by weekday   " + " ".join(f"{d:>6}" for d in WEEKDAYS[:DAYS_PER_WEEK]),
    ]
    for side in ("observed", "simulated"):
        lines.append(f"    {side:<28}" + " ".join(f"{100 * v:5.1f}%" for v in check["weekday_share"][side]))
    hours = [_clock(cal.day_start + i)[:2] + "h" for i in range(HOURS_PER_DAY)]
    lines.append("  share of arrivals by hour      " + " ".join(f"{h:>6}" for h in hours))
    for side in ("observed", "simulated"):
        lines.append(f"    {side:<28}" + " ".join(f"{100 * v:5.1f}%" for v in check["hour_share"][side]))
    if check["resolution_hours"]:
        lines.append(
            "  resolution time, working hours   p50 observed  fitted  simulated    p90 observed  fitted  simulated"
        )
        for klass, q in check["resolution_hours"].items():
            lines.append(
                f"    {klass:<28} {_n(q['p50']['observed']):>10} {_n(q['p50']['fitted']):>7}"
                f" {_n(q['p50']['simulated']):>10}    {_n(q['p90']['observed']):>10} {_n(q['p90']['fitted']):>7}"
                f" {_n(q['p90']['simulated']):>10}"
            )
        lines.append(
            "    (simulated times come from orgsim's default efforts and staff: a gap says what the export cannot:"
            " waiting or effort)"
        )
    if check["sla_attainment"]:
        lines.append(
            "  SLA attainment, observed made_sla vs simulated at orgsim's default targets: "
            + ", ".join(
                f"{k} {_pct(v['observed'])} vs {_pct(v['simulated'])}" for k, v in check["sla_attainment"].items()
            )
        )
    return lines
