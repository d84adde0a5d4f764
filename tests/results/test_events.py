"""The event log is fit for process mining, as pm4py reads it (pm4py is in the test extra: if
it cannot be imported, these tests fail rather than skip).

One run of two replications, written as events.csv and events.xes: pm4py finds exactly one
case per ticket, project and occurrence of recurring work that arrived (counted from the
work sources of the same replications run again without an event log), tickets of one
replication never run into another's, each case starts with its one arrival (``schedule``),
no activity names a person, and the XES file reads back with the same cases and events.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pm4py
import pytest

import orgsim
from orgsim.cli import main
from orgsim.engine import ARRIVAL, EVENT_LOG_COLUMNS, Model
from orgsim.results import OutputFolder, event_formats
from orgsim.results.events import write_events_xes
from tests.conftest import make_scenario
from tests.test_hostile_input import to_toml

REPLICATIONS, SEED = 2, 11
XES_TRANSITIONS = {"schedule", "start", "suspend", "resume", "complete"}  # of the XES standard lifecycle model


def _scenario():
    """Every kind of work: a service desk, every ticket class, projects, 1:1s, appraisals, admin,
    portfolio reviews, routine operations and interrupts."""
    return make_scenario(
        name="mined",
        org={"employees": 300, "structure": "pmo"},
        projects={"initial_portfolio": 4, "portfolio_review_hours_per_week": 1.0},
        simulation={"horizon_weeks": 6, "warmup_weeks": 1},
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The run written with both formats; what each replication's sources say arrived."""
    folder = tmp_path_factory.mktemp("events")
    scenario = _scenario()
    results = orgsim.simulate(scenario, replications=REPLICATIONS, seed=SEED, jobs=1, events="csv,xes")
    results.write(OutputFolder(folder))
    frame = results.events
    results.discard_events()
    arrived = Counter()
    for replication in range(REPLICATIONS):
        model = Model(scenario, replication, SEED)  # no event log: the same run, counted
        model.run()
        sources = model.sources
        arrived["ticket"] += sum(sources["tickets"].arrived)
        arrived["project"] += sources["projects"].arrived
        arrived["interrupt"] += sources["interrupts"].next_id
        arrived["management"] += sources["recurring"].issued
        arrived["routine"] += sources["routine"].issued
    return folder, frame, arrived


@pytest.fixture(scope="module")
def log(run):
    """events.csv as pm4py's documentation reads a CSV: read_csv, then format_dataframe with its
    default column names."""
    folder, _, _ = run
    return pm4py.format_dataframe(pd.read_csv(folder / "events.csv"))


def _kind(case: str) -> str:
    return case.split("-")[1]


def test_pm4py_finds_one_case_per_ticket_project_and_recurring_item_that_arrived(run, log):
    _, _, arrived = run
    assert arrived["ticket"] > 500 and arrived["project"] >= 2 * 4
    assert arrived["interrupt"] > 0 and arrived["management"] > 0 and arrived["routine"] > 0
    cases = log["case:concept:name"].drop_duplicates()
    assert len(cases) == sum(arrived.values())
    assert Counter(_kind(case) for case in cases) == arrived
    assert set(log["replication"]) == set(range(REPLICATIONS))
    assert all(case.startswith(f"r{r}-") for case, r in zip(log["case:concept:name"], log["replication"], strict=True))
    assert log.groupby("case:concept:name")["replication"].nunique().max() == 1


def test_every_case_starts_with_its_one_arrival(log):
    assert set(log["lifecycle:transition"]) == XES_TRANSITIONS
    arrivals = log[log["lifecycle:transition"] == "schedule"]
    assert set(arrivals["concept:name"]) == {ARRIVAL}
    assert (log[log["concept:name"] == ARRIVAL]["lifecycle:transition"] == "schedule").all()
    assert arrivals["case:concept:name"].is_unique
    first = log.groupby("case:concept:name", sort=False).head(1)  # format_dataframe sorted each case by time
    assert (first["lifecycle:transition"] == "schedule").all() and len(first) == len(arrivals)


def test_no_activity_names_a_person(log):
    activities = set(log["concept:name"])
    assert not [name for name in activities if "#" in name]
    people = {name.split("#")[0] for name in log["org:resource"].dropna()}
    assert not [name for name in activities for person in people if person in name]
    # a person is the resource of the rows of their work, and of the arrival of work meant for them
    work = log[log["lifecycle:transition"] != "schedule"]
    assert work["org:resource"].str.fullmatch(r"[a-z_]+#\d+").all()
    recurring = {"1:1", "appraisal", "admin and meetings", "portfolio review", "routine operations", "interrupt"}
    assert recurring <= activities


def test_recurring_work_is_one_case_per_occurrence(log):
    kinds = log["case:concept:name"].map(_kind)
    recurring = log[kinds.isin(["management", "routine", "interrupt"]) & (log["concept:name"] != ARRIVAL)]
    per_case = recurring.groupby("case:concept:name")
    assert per_case["concept:name"].nunique().max() == 1, "one activity a case"
    starts = recurring[recurring["lifecycle:transition"] == "start"].groupby("case:concept:name").size()
    assert starts.max() == 1, "one item a case"
    assert per_case["org:resource"].nunique().max() == 1, "one person a case"


def _ticket_classes(activity: str) -> set[str]:
    """The ticket class an activity names (``level 2 p3`` -> {"p3"}); none for arrival and
    manager escalation, which every class has."""
    match = re.fullmatch(r"(?:level 1|level 2|approval|major incident) (\w+)", activity)
    return {match.group(1)} if match else set()


def test_the_ticket_dfg_has_no_edge_from_one_ticket_into_another(log):
    """pm4py's directly-follows graph of the tickets: every case begins at its arrival and nothing
    leads back into an arrival, no edge joins two ticket classes (as ``level 2 p3 -> level 1
    service_request`` did when replications shared case ids), and the graph is exactly the one
    built from each case's own rows."""
    tickets = log[log["case:concept:name"].map(_kind) == "ticket"]
    dfg, starts, ends = pm4py.discover_dfg(tickets)
    assert set(starts) == {ARRIVAL}
    assert starts[ARRIVAL] == tickets["case:concept:name"].nunique()
    assert not [edge for edge in dfg if edge[1] == ARRIVAL]
    mixed = [(a, b) for a, b in dfg if len(_ticket_classes(a) | _ticket_classes(b)) > 1]
    assert not mixed
    own = Counter()
    for _, activities in tickets.groupby("case:concept:name", sort=False)["concept:name"]:
        names = list(activities)
        own.update(zip(names, names[1:], strict=False))
    assert dict(dfg) == dict(own)
    assert ARRIVAL not in ends


def test_results_events_is_the_csv_as_a_frame(run):
    folder, frame, _ = run
    assert tuple(frame.columns) == EVENT_LOG_COLUMNS
    written = pd.read_csv(folder / "events.csv")
    written["time:timestamp"] = pd.to_datetime(written["time:timestamp"])
    pd.testing.assert_frame_equal(frame, written)


@pytest.mark.filterwarnings("ignore:Install the optional requirement")
def test_the_xes_file_reads_back_with_the_same_cases_and_events(run, log):
    folder, _, _ = run
    xes = pm4py.read_xes(str(folder / "events.xes"))
    assert xes["case:concept:name"].nunique() == log["case:concept:name"].nunique()
    assert len(xes) == len(log)
    assert set(xes["lifecycle:transition"]) == XES_TRANSITIONS
    assert (xes.groupby("case:concept:name")["case:replication"].nunique() == 1).all()
    key = ["case:concept:name", "concept:name", "lifecycle:transition"]
    assert Counter(map(tuple, xes[key].to_numpy())) == Counter(map(tuple, log[key].to_numpy()))
    assert pm4py.discover_dfg(xes)[0] == pm4py.discover_dfg(log)[0]


@pytest.mark.parametrize(
    ("option", "written"),
    [
        ([], []),
        (["--events"], ["events.csv"]),
        (["--events", "xes"], ["events.xes"]),
        (["--events", "csv,xes"], ["events.csv", "events.xes"]),
    ],
)
def test_run_events_writes_the_formats_asked_for(tmp_path, capsys, option, written):
    """``--events`` alone is events.csv, as before; ``--events xes`` events.xes."""
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(to_toml(make_scenario(name="tiny", org={"employees": 40}).to_dict()), encoding="utf-8")
    out = tmp_path / "run"
    args = [str(scenario), "-q", "--jobs", "1", "-r", "1", "--no-plots", "--out", str(out)]
    args += ["--set", "simulation.horizon_weeks=3", "--set", "simulation.warmup_weeks=1", *option]
    assert main(["run", *args]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.glob("events.*")) == written


def test_run_events_rejects_an_unknown_format_in_one_line(capsys):
    assert main(["run", "scenario.toml", "--events", "json"]) == 2
    assert "argument --events: expected csv, xes or csv,xes, found 'json'" in capsys.readouterr().err


def test_event_formats():
    assert event_formats(True) == ("csv",) and event_formats("csv") == ("csv",)
    assert event_formats(False) == () and event_formats(None) == ()
    assert event_formats("xes") == ("xes",) and event_formats("csv,xes") == ("csv", "xes")
    with pytest.raises(ValueError, match="expected csv, xes"):
        event_formats("json")


def test_without_an_event_log_the_hooks_are_off():
    """No event log, no cost: the hooks the hot paths test are None."""
    model = Model(_scenario(), 0)
    assert model.log_arrival is None and all(worker.log is None for worker in model.workers)


_XES_UNDER_A_LIMIT = r"""
import os, resource, sys
from orgsim.results.events import write_events_xes

part, bucket, headroom = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
page = os.sysconf("SC_PAGE_SIZE")
with open("/proc/self/statm") as handle:
    now = int(handle.read().split()[0]) * page  # the address space in use, everything imported
resource.setrlimit(resource.RLIMIT_AS, (now + headroom, now + headroom))
try:
    with open(os.devnull, "wb") as out:
        write_events_xes("big", [part], out, bucket_bytes=bucket)
except MemoryError:
    print("MemoryError")
    sys.exit(3)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc to measure the address space")
def test_the_xes_writer_streams_a_log_that_would_not_fit_in_memory(tmp_path):
    """A 12 MB part (held whole, about 7 bytes per byte: ~85 MB) written under an address-space
    limit of 40 MB more than the writer's start: it is written in buckets of 2 MB, and the
    buckets are gone afterwards; held whole, the same part fails under the same limit."""
    part = tmp_path / "events-0-0.csv"
    row = "0,ticket-{k},work,2026-01-05T09:{m:02d}:00,alice,complete,ticket_l1\n"
    with open(part, "w", encoding="utf-8") as handle:
        for k in range(200_000):
            handle.write(row.format(k=k // 3, m=k % 60))
    assert part.stat().st_size > 12_000_000
    headroom = 40 * 2**20
    env = {**os.environ, "PYTHONPATH": str(Path(orgsim.__file__).parents[1])}

    def write(bucket: int) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", _XES_UNDER_A_LIMIT, str(part), str(bucket), str(headroom)]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    streamed = write(2_000_000)
    assert streamed.returncode == 0, streamed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [part.name]  # no bucket left
    whole = write(10**12)  # one bucket: the whole part in memory
    assert whole.returncode == 3 and "MemoryError" in whole.stdout, (whole.stdout, whole.stderr)


def test_the_streamed_xes_holds_every_event_of_every_case_once(tmp_path):
    """Split into buckets, the XES has the same traces with the same events as written whole."""
    part = tmp_path / "events-0-0.csv"
    rows = [f'0,case-{k % 37},"act, {k}",2026-01-05T09:{k % 60:02d}:00,,complete,\n' for k in range(2000)]
    part.write_text("".join(rows), encoding="utf-8")

    def traces(bucket: int) -> dict:
        out = tmp_path / f"out-{bucket}.xes"
        with open(out, "wb") as handle:
            write_events_xes("x", [str(part)], handle, bucket_bytes=bucket)
        text = out.read_text(encoding="utf-8")
        found = re.findall(r'<trace>\n\t\t<string key="concept:name" value="([^"]+)"/>(.*?)</trace>', text, re.S)
        return {case: re.findall(r'value="(act, \d+)"', body) for case, body in found}

    whole, split = traces(10**9), traces(4000)
    assert len(whole) == 37 and whole == split
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([part.name, "out-1000000000.xes", "out-4000.xes"])
