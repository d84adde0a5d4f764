"""Reading a ticket export: the CSV file, its columns, and one row per ticket.

A CSV export of tickets — one row per ticket, or an audit export with many rows per ticket
(ServiceNow's incident columns work as they are: ``number``, ``opened_at``, ``resolved_at``,
``closed_at``, ``priority``, ``assignment_group``, ``reassignment_count``, ``made_sla``,
``incident_state``) — is read as text cells, its columns matched to :data:`FIELDS` (by format,
or named with ``mapping``), its timestamps parsed (:mod:`.timestamps`) and its rows merged to one
per ticket (:mod:`.merge`).  Every row dropped is counted by reason.  A file that cannot be used
raises :class:`~orgsim.scenario.ScenarioError`, one line naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..limits import EXPORT_MEMORY_FACTOR, MAX_EXPORT_BYTES, MEMORY_SHARE, physical_memory
from ..scenario import ScenarioError
from ..wording import printable
from .merge import merge_tickets
from .timestamps import parse_timestamps

__all__ = ["FIELDS", "FORMATS", "MISSING", "Export", "read_export"]

FORMATS = ("servicenow", "generic")
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


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


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
    source = printable(source or str(path))
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
    parsed, bad, dates = parse_timestamps({f: cells[f] for f in time_fields})
    unreadable = {f: int(bad[f].sum()) for f in time_fields if bad[f].any()}
    for name in time_fields:
        cells[name] = parsed[name]
        cells[f"{name}_bad"] = bad[name]

    order_basis = "row order"
    if "updated" in cells and cells["updated"].notna().any():
        cells = cells.sort_values("updated", na_position="first", kind="stable")
        order_basis = f"{printable(columns['updated'])} (ties and missing times in row order)"

    tickets, merged, ticket_drops, types = merge_tickets(cells, columns)
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
    """The CSV as text cells (nothing converted), the count of malformed lines, a note.

    Only a regular file is read (a FIFO would block, a device never end), and only one of at
    most :data:`~orgsim.limits.MAX_EXPORT_BYTES` (the export is read whole: about
    :data:`~orgsim.limits.EXPORT_MEMORY_FACTOR` bytes of memory per byte of file), checked
    before a byte is read."""
    data = _export_bytes(path, source)
    if not data or data.isspace():
        raise ScenarioError("", "the file is empty: no header row and no tickets", source)
    head = data[:65536]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ScenarioError("", "is a spreadsheet or archive, not CSV text: export or save it as CSV", source)
    text, note = _decode(data, source)
    del data
    if sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t") > 10:
        raise ScenarioError("", "is binary, not CSV text (it holds control characters): export it as CSV", source)
    try:
        delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    started = _unclosed_quote_line(text, delimiter) if '"' in text else None
    if started is not None:  # pandas would take the rest of the file as one cell, silently
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
    except MemoryError:
        raise ScenarioError("", "too large to read in this machine's memory: export a shorter period", source) from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScenarioError("", f"not readable as CSV: {reason}", source) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame, malformed[0], note


def _unclosed_quote_line(text: str, delimiter: str) -> int | None:
    """The line on which the record holding a quoted field that is never closed starts; None
    when every quoted field closes.  A quote inside an unquoted field (an inch mark, ``27"``)
    is text, as Python's csv module reads it."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                return start
        start = reader.line_num + 1


def _export_bytes(path: Path, source: str) -> bytes:
    """The bytes of the export, after checking (without opening it) that it is a regular file
    within the size limit."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError("", "no such file", source) from None
    except OSError as error:
        raise ScenarioError("", f"cannot read it: {error.strerror or error}", source) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError("", "is a folder; give the CSV file of the export", source)
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(
            "", "is not a regular file (a pipe, device or socket); give the CSV file of the export", source
        )
    limit = _size_limit()
    if info.st_size > limit:
        raise ScenarioError(
            "",
            f"is {_megabytes(info.st_size)}; allowed: at most {_megabytes(limit)} (calibrate reads the export whole, "
            f"about {EXPORT_MEMORY_FACTOR} bytes of memory per byte): export a shorter period or fewer columns",
            source,
        )
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except MemoryError:
        raise ScenarioError("", "too large to read in this machine's memory: export a shorter period", source) from None


def _size_limit() -> int:
    """The largest export read: :data:`MAX_EXPORT_BYTES`, or less where the machine's memory
    (its :data:`MEMORY_SHARE`) would not hold it."""
    memory = physical_memory()
    if memory is None:
        return MAX_EXPORT_BYTES
    return min(MAX_EXPORT_BYTES, int(memory * MEMORY_SHARE / EXPORT_MEMORY_FACTOR))


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size < 1e8 else f"{size / 1e6:,.0f} MB"


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """The export's text and a note on its encoding: UTF-8 (with or without a byte-order
    mark), UTF-16 (Excel's "Unicode Text", with a byte-order mark or without), else
    Windows-1252.  A file with NUL bytes that is not UTF-16 is binary."""
    head = data[:65536]
    utf16 = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    elif b"\x00" in head and len(head) >= 4:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            utf16 = "utf-16-le"
        elif even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            utf16 = "utf-16-be"
    if utf16 is not None:
        try:
            return data.decode(utf16), "UTF-16 text (Excel's Unicode Text): read as such"
        except UnicodeDecodeError:
            raise ScenarioError(
                "", "looks like UTF-16 text but is not valid UTF-16: save the export as CSV UTF-8", source
            ) from None
    if b"\x00" in head:
        raise ScenarioError("", "is binary, not CSV text (it holds NUL bytes): export the tickets as CSV", source)
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not UTF-8: read as Windows-1252 (Latin-1)"


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
            shown = ", ".join(printable(h) for h in headers[:12]) + (" ..." if len(headers) > 12 else "")
            raise ScenarioError(
                "--map", f"{name}={column!r}: no such column in {source}{hint} (columns: {shown})", "command line"
            )
    needed = [("id",), ("opened",), ("resolved", "closed")]
    for group in needed:
        if not any(name in columns for name in group):
            name = group[0]
            looked = ", ".join(dict.fromkeys(c for g in group for c in _COLUMNS[format][g]))
            shown = ", ".join(printable(h) for h in headers[:12]) + (" ..." if len(headers) > 12 else "")
            other = "generic" if format == "servicenow" else "servicenow"
            raise ScenarioError(
                "",
                f"no {FIELDS[name]} column ({format} format: looked for {looked}); name it with "
                f"--map {name}=COLUMN or try --format {other} (columns found: {shown})",
                source,
            )
    return format, columns
