"""One row per ticket: an export's rows merged by ticket number, and what each ticket is.

**Audit rows.** Rows are merged by ticket number; the last state wins: for each field the
latest non-missing value, rows ordered by their last-updated time (``sys_updated_on``) when the
export has one, else by row order (the caller sorts them).  A ticket whose latest state is open
has no resolution yet, whatever an earlier row said (it was reopened).  Each ticket gets its
class (priorities 1-4 -> p1-p4; a type naming a request or a change -> service_request or
change), whether it was escalated (reassigned, or handled by more than one assignment group)
and whether it made its SLA.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from ..wording import printable

__all__ = ["merge_tickets"]

_OPEN_STATES = {"new", "in progress", "on hold", "active", "open", "assigned", "pending", "awaiting user info", "1"}
_OPEN_STATES |= {"2", "3", "work in progress", "awaiting", "reopened", "waiting"}
_DONE_STATES = {"resolved", "closed", "done", "solved", "completed", "complete", "fixed", "6", "7"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_PRIORITY_WORDS = {"critical": 1, "urgent": 1, "high": 2, "moderate": 3, "medium": 3, "normal": 3, "low": 4}
_PRIORITY_WORDS["planning"] = 5


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


def merge_tickets(cells: pd.DataFrame, columns: dict[str, str]):
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
            why.append("priority missing" if pd.isna(raw) else f"priority {printable(raw)!r}")
    types = {}
    if has_type:
        counts = last["type"].fillna("(missing)").value_counts()
        for value, n in counts.head(12).items():
            types[printable(value)] = {"tickets": int(n), "class": _type_class(None if value == "(missing)" else value)}
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
