"""The recorded event log: read back as a frame, written as events.csv or events.xes.

During a run each replication's events wait as a headerless CSV part in a temporary folder
(see :func:`orgsim.results.run.simulate`); these functions join the parts.
"""

from __future__ import annotations

import csv
import io
import shutil
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


def write_events_xes(name: str, parts: list[str], handle) -> None:
    """events.xes: the event log in the XES layout (IEEE 1849-2016), one trace per case with
    its ``replication``, each event with its activity, time, resource, lifecycle transition
    and duty.  One replication's events are held in memory at a time, to group them by case."""
    out = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
    out.write(_XES_HEAD.format(name=quoteattr(name)))
    for part in parts:
        traces: dict[str, list[list[str]]] = {}
        with open(part, encoding="utf-8", newline="") as source:
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
    out.write("</log>\n")
    out.detach()


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
