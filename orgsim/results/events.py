"""The recorded event log: read back as a frame, written as events.csv or events.xes.

During a run each replication's events wait as a headerless CSV part in a temporary folder
(see :func:`orgsim.results.run.simulate`); these functions join the parts.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zlib
from contextlib import ExitStack, closing
from xml.sax.saxutils import quoteattr

import pandas as pd

from ..engine import EVENT_LOG_COLUMNS

__all__ = ["EVENT_FORMATS", "event_formats", "read_events", "write_events_csv", "write_events_xes"]

_XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<global scope="trace">
\t\t<string key="concept:name" value="UNKNOWN"/>
\t\t<int key="replication" value="0"/>
\t</global>
\t<global scope="event">
\t\t<string key="concept:name" value="UNKNOWN"/>
\t\t<string key="lifecycle:transition" value="complete"/>
\t\t<date key="time:timestamp" value="1970-01-01T00:00:00+00:00"/>
\t</global>
\t<classifier name="Activity" keys="concept:name"/>
\t<classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
\t<string key="concept:name" value={name}/>
\t<string key="lifecycle:model" value="standard"/>
"""


def read_events(parts: list[str]) -> pd.DataFrame:
    """The event log's parts as one frame with the columns of events.csv."""
    frames = [
        pd.read_csv(part, header=None, names=list(EVENT_LOG_COLUMNS), dtype={"org:resource": str, "duty": str})
        for part in parts
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], format="ISO8601")
    return frame


def write_events_csv(parts: list[str], handle) -> None:
    """events.csv: the header, then every part, into the binary ``handle``."""
    out = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    csv.writer(out).writerow(EVENT_LOG_COLUMNS)
    for part in parts:
        with open(part, encoding="utf-8") as source:
            shutil.copyfileobj(source, out)
    out.detach()  # flushes; the handle stays the caller's to close


# The XES writer groups a replication's events by case holding at most about this many bytes
# of its CSV part at once (a larger part is first split by case into buckets of about this
# size, on disk beside it): its memory stays bounded, about 7 bytes per byte held, whatever
# the size of the log.
XES_BUCKET_BYTES = 16_000_000
_MAX_BUCKETS = 512  # open files at once while splitting


def write_events_xes(name: str, parts: list[str], handle, bucket_bytes: int = XES_BUCKET_BYTES) -> None:
    """events.xes: the event log in the XES layout (IEEE 1849-2016), one trace per case with
    its ``replication``, each event with its activity, time, resource, lifecycle transition
    and duty.  Streamed: a part of up to ``bucket_bytes`` is grouped by case in memory (its
    traces in the order their cases first appear); a larger one is first split by case into
    buckets on disk, each grouped in turn (traces by bucket, then by first appearance), and
    the buckets are deleted however the writing ends."""
    out = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
    out.write(_XES_HEAD.format(name=quoteattr(name)))
    for part in parts:
        with closing(_buckets(part, bucket_bytes)) as buckets:  # closed (buckets deleted) on any exit
            for bucket in buckets:
                _write_traces(out, bucket)
    out.write("</log>\n")
    out.detach()


def _buckets(part: str, bucket_bytes: int):
    """Files whose rows are the part's, every case's rows in one file: the part itself when it
    is small, else buckets split by case (deleted when the iteration ends, however)."""
    size = os.path.getsize(part)
    count = min(_MAX_BUCKETS, -(-size // max(bucket_bytes, 1)))
    if count <= 1:
        yield part
        return
    paths = [f"{part}.bucket-{k}" for k in range(count)]
    try:
        with ExitStack() as stack:
            files = [stack.enter_context(open(p, "w", encoding="utf-8", newline="")) for p in paths]
            with open(part, encoding="utf-8", newline="") as source:
                for line in _records(source):
                    case = line.split(",", 2)[1]
                    files[zlib.crc32(case.encode("utf-8")) % count].write(line)
        for path in paths:
            yield path
            os.unlink(path)
    finally:
        for path in paths:
            if os.path.exists(path):
                os.unlink(path)


def _records(source):
    """The part's CSV records as text, one at a time (a quoted field may hold a newline)."""
    pending = ""
    for line in source:
        pending += line
        if pending.count('"') % 2 == 0:
            yield pending
            pending = ""
    if pending:
        yield pending


def _write_traces(out, path: str) -> None:
    traces: dict[str, list[list[str]]] = {}
    with open(path, encoding="utf-8", newline="") as source:
        for row in csv.reader(source):
            traces.setdefault(row[1], []).append(row)
    for case, rows in traces.items():
        out.write(
            f'\t<trace>\n\t\t<string key="concept:name" value={quoteattr(case)}/>\n'
            f'\t\t<int key="replication" value="{int(rows[0][0])}"/>\n'
        )
        for _, _, activity, stamp, resource, transition, duty in rows:
            out.write(
                f'\t\t<event>\n\t\t\t<string key="concept:name" value={quoteattr(activity)}/>\n'
                f'\t\t\t<string key="lifecycle:transition" value={quoteattr(transition)}/>\n'
                f'\t\t\t<date key="time:timestamp" value="{stamp}+00:00"/>\n'
            )
            if resource:
                out.write(f'\t\t\t<string key="org:resource" value={quoteattr(resource)}/>\n')
            if duty:
                out.write(f'\t\t\t<string key="duty" value={quoteattr(duty)}/>\n')
            out.write("\t\t</event>\n")
        out.write("\t</trace>\n")


EVENT_FORMATS = ("csv", "xes")


def event_formats(events: bool | str | None) -> tuple[str, ...]:
    """``simulate``'s ``events`` -> the formats to write: True is ("csv",), False or None is
    (), "xes" is ("xes",), "csv,xes" both."""
    if events is None or events is False:
        return ()
    if events is True:
        return ("csv",)
    names = tuple(dict.fromkeys(name.strip().lower() for name in str(events).split(",")))
    unknown = [name for name in names if name not in EVENT_FORMATS]
    if unknown or not names:
        raise ValueError(f"events: expected csv, xes or csv,xes, found {events!r}")
    return names
