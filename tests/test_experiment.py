"""The runner (orgsim.experiment): tasks, executors, Dask, the cache of finished runs and
resuming, and the design of a sweep (values and grid).

Nothing here starts a process pool: the suite runs in pytest-xdist workers, so every
executor is in-process (``jobs=1``, threads, a thread-based Dask cluster).
"""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import shutil
import struct
import threading
from array import array
from collections import defaultdict
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import orgsim
from orgsim import experiment
from orgsim.engine import DailySeries
from orgsim.experiment import (
    RunCache,
    Task,
    grid,
    output_from_data,
    output_to_data,
    parse_values,
    run_replication,
    run_scenarios,
    run_tasks,
)
from orgsim.metrics import ReplicationOutput
from orgsim.results import sweep
from orgsim.scenario import ScenarioError
from tests.conftest import make_scenario

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}


def test_values_grid_and_ranges():
    assert parse_values("org.employees", "25:3200:log7") == [25, 56, 126, 283, 635, 1425, 3200]
    assert parse_values("p", "0.1:0.9:5") == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])
    assert parse_values("org.structure", "combined,separate") == ["combined", "separate"]
    assert parse_values("x", "1,2.5,true") == [1, 2.5, True]
    points = grid({"org.employees": [25, 50]}, {"org.structure": ["combined", "separate"]})
    assert points == [
        {"org.employees": 25, "org.structure": "combined"},
        {"org.employees": 25, "org.structure": "separate"},
        {"org.employees": 50, "org.structure": "combined"},
        {"org.employees": 50, "org.structure": "separate"},
    ]


def test_bad_ranges_and_values_are_refused():
    assert parse_values("org.employees", "10:12:log5") == [10, 11, 12]  # whole numbers, duplicates merged
    assert parse_values("org.employees", "0:100:3") == [0, 50, 100]
    with pytest.raises(ScenarioError, match="at least 2 values"):
        parse_values("org.employees", "25:3200:1")
    with pytest.raises(ScenarioError, match="positive ends"):
        parse_values("org.employees", "0:3200:log5")
    with pytest.raises(ScenarioError, match="empty value"):
        parse_values("org.structure", "combined,,separate")
    assert grid({"a": [1, 2]}, {}) == [{"a": 1}, {"a": 2}]
    assert grid({}, {"b": ["x", "y"]}) == [{"b": "x"}, {"b": "y"}]


class _ThreadlessExecutor(Executor):
    """Runs each task when submitted; fails with KeyboardInterrupt at the ``stop_at``-th task."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.submitted = 0

    def submit(self, fn, *args, **kwargs):
        self.submitted += 1
        if self.stop_at is not None and self.submitted >= self.stop_at:
            raise KeyboardInterrupt
        future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class _OutOfOrderThreadPool(ThreadPoolExecutor):
    """Two threads; the task submitted 2j-th finishes only after the (2j+1)-th, so tasks
    finish out of submission order (1, 0, 3, 2, ...).  ``finished`` records that order."""

    def __init__(self, tasks: int):
        super().__init__(max_workers=2)
        self.tasks = tasks
        self.finished: list[int] = []
        self._submitted = 0
        self._lock = threading.Lock()
        self._done = defaultdict(threading.Event)

    def submit(self, fn, *args, **kwargs):
        with self._lock:
            index = self._submitted
            self._submitted += 1
            successor_done = self._done[index + 1]
            done = self._done[index]

        def run():
            if index % 2 == 0 and index + 1 < self.tasks:
                assert successor_done.wait(timeout=120), f"task {index + 1} never finished"
            output = fn(*args, **kwargs)
            with self._lock:
                self.finished.append(index)
            done.set()
            return output

        return super().submit(run)


def _assert_same_outputs(expected, actual):
    assert len(expected) == len(actual)
    for a, b in zip(expected, actual, strict=True):
        assert a.replication == b.replication
        assert pd.Series(a.metrics).equals(pd.Series(b.metrics))
        assert a.ticket_times == b.ticket_times
        assert a.project_lead_times == b.project_lead_times


def test_outputs_come_back_in_task_order_whatever_order_they_finish():
    scenario = make_scenario(name="order", org={"employees": 150, "structure": "separate"}, **SHORT)
    tasks = [Task(scenario, k, 11) for k in range(4)]
    in_process = run_tasks(tasks, jobs=1)
    assert [o.replication for o in in_process] == [0, 1, 2, 3]
    with _OutOfOrderThreadPool(len(tasks)) as pool:
        threaded = run_tasks(tasks, executor=pool)
    assert pool.finished == [1, 0, 3, 2]  # they did finish out of order
    _assert_same_outputs(in_process, threaded)
    # and replication k is the same run whichever other replications run with it
    (alone,) = run_tasks([Task(scenario, 2, 11)], jobs=1)
    _assert_same_outputs([in_process[2]], [alone])


def test_in_process_thread_pool_and_dask_cluster_give_identical_results():
    distributed = pytest.importorskip("dask.distributed")
    scenario = make_scenario(name="dask", org={"employees": 150, "structure": "separate"}, **SHORT)
    tasks = [Task(scenario, k, 11) for k in range(4)]
    in_process = run_tasks(tasks, jobs=1)
    with ThreadPoolExecutor(2) as pool:
        threaded = run_tasks(tasks, executor=pool)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        clustered = run_tasks(tasks, executor=client.get_executor())
    _assert_same_outputs(in_process, threaded)
    _assert_same_outputs(in_process, clustered)


def test_simulate_accepts_any_executor():
    scenario = make_scenario(org={"employees": 60}, **SHORT)
    direct = orgsim.simulate(scenario, replications=2, seed=1, jobs=1)
    through = orgsim.simulate(scenario, replications=2, seed=1, executor=_ThreadlessExecutor())
    pd.testing.assert_frame_equal(direct.replications, through.replications)


def test_run_scenarios_groups_outputs_by_scenario_in_replication_order():
    scenarios = [make_scenario(name=f"s{e}", org={"employees": e}, **SHORT) for e in (40, 80)]
    counting = _ThreadlessExecutor()
    grouped = run_scenarios(scenarios, replications=3, seed=4, executor=counting)
    assert counting.submitted == 6
    assert [[o.replication for o in outputs] for outputs in grouped] == [[0, 1, 2], [0, 1, 2]]
    assert [outputs[k].metrics["headcount.engineer"] for outputs in grouped for k in range(3)] == [1] * 3 + [2] * 3
    with pytest.raises(ValueError, match="replications.*allowed: 1 to 10,000"):
        run_scenarios(scenarios, replications=0, seed=4, jobs=1)


def test_the_cache_key_ignores_how_many_replications_run_but_not_the_seed_or_the_scenario():
    scenario = make_scenario(name="key", **SHORT)
    key = RunCache.key(Task(scenario, 0, 1))
    assert RunCache.key(Task(scenario, 3, 1)) == key  # the replication is the file name, not the key
    assert RunCache.key(Task(scenario.with_changes({"simulation.replications": 7}), 0, 1)) == key
    assert RunCache.key(Task(scenario, 0, 2)) != key
    assert RunCache.key(Task(scenario.with_changes({"org.employees": 61}), 0, 1)) != key


def test_a_cached_run_is_not_run_again_and_gives_the_same_output(tmp_path):
    scenario = make_scenario(name="cached", **SHORT)
    tasks = [Task(scenario, k, 8) for k in range(2)]
    cache = RunCache(tmp_path / ".runs")
    first = run_tasks(tasks, jobs=1, cache=cache)
    assert len(list((tmp_path / ".runs").rglob("replication-*.json"))) == 2
    counting = _ThreadlessExecutor()
    again = run_tasks(tasks, executor=counting, cache=cache)
    assert counting.submitted == 0
    _assert_same_outputs(first, again)
    next(iter((tmp_path / ".runs").rglob("replication-1.json"))).write_bytes(b"not an entry")
    repaired = run_tasks(tasks, executor=counting, cache=cache)  # an unreadable file is run again
    assert counting.submitted == 1
    _assert_same_outputs(first, repaired)


def test_an_interrupted_sweep_resumes_and_gives_the_same_csv(tmp_path):
    base = make_scenario(name="resume", **SHORT)
    arguments = dict(
        vary={"org.employees": [40, 120]}, across={"org.structure": ["combined", "separate"]}, replications=3, seed=5
    )
    cache = RunCache(tmp_path / "interrupted" / ".runs")
    with pytest.raises(KeyboardInterrupt):
        sweep(base, **arguments, executor=_ThreadlessExecutor(stop_at=10), cache=cache)
    stored = list((tmp_path / "interrupted" / ".runs").rglob("*.json"))
    assert 0 < len(stored) < 12  # the runs that finished were kept
    assert not list((tmp_path / "interrupted").rglob("*.partial"))
    assert not (tmp_path / "interrupted" / "sweep.csv").exists()
    counting = _ThreadlessExecutor()
    resumed = sweep(base, **arguments, executor=counting, cache=cache)
    assert counting.submitted == 12 - len(stored)  # only what was missing ran
    orgsim.save(resumed, tmp_path / "interrupted", plots=False)
    fresh = sweep(base, **arguments, jobs=1)
    orgsim.save(fresh, tmp_path / "fresh", plots=False)
    assert (tmp_path / "interrupted" / "sweep.csv").read_bytes() == (tmp_path / "fresh" / "sweep.csv").read_bytes()


def test_tasks_and_outputs_survive_pickling_as_a_process_pool_needs():
    """A process pool or a Dask cluster sends tasks to workers and outputs back by pickle:
    a round trip must change nothing."""
    scenario = make_scenario(
        org={"employees": 120, "structure": "pmo"}, simulation={"horizon_weeks": 8, "warmup_weeks": 2}
    )
    task = Task(scenario, 1, 7)
    again = pickle.loads(pickle.dumps(task))
    assert again == task and again.scenario.roles == scenario.roles
    output = run_replication(scenario, 1, 7)
    back = pickle.loads(pickle.dumps(output))
    assert back.metrics.keys() == output.metrics.keys()
    assert all(
        a == b or (a != a and b != b) for a, b in zip(back.metrics.values(), output.metrics.values(), strict=True)
    )
    assert back.timeseries == output.timeseries and back.people == output.people


# ------------------------------------------------------------------ the run cache holds data, checked

TINY = {"simulation": {"horizon_weeks": 6, "warmup_weeks": 1}}
NEGATIVE_NAN = struct.unpack(">d", bytes.fromhex("fff8000000000000"))[0]  # what inf - inf gives on x86


def _assert_identical(a, b, where="output"):
    """The same types and values all the way down, every float bit for bit (NaN, -0.0 too)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, ReplicationOutput):
        for field in dataclasses.fields(ReplicationOutput):
            _assert_identical(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, DailySeries):
        _assert_identical(a.columns, b.columns, f"{where}.columns")
        assert len(a) == len(b)
    elif isinstance(a, array):
        assert a.typecode == b.typecode and a.tobytes() == b.tobytes(), where
    elif isinstance(a, float):
        assert struct.pack(">d", a) == struct.pack(">d", b), f"{where}: {a!r} != {b!r}"
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: other keys or order"
        for key in a:
            _assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), f"{where}: other length"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_identical(x, y, f"{where}[{index}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _entry_path(cache, task):
    return cache.directory / RunCache.key(task) / f"replication-{task.replication}.json"


def _notices(capsys) -> list[str]:
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith("orgsim: notice: ") for line in lines), lines
    return lines


def test_the_cache_round_trip_is_exact_field_by_field(tmp_path):
    scenario = make_scenario(name="exact", org={"employees": 120, "structure": "pmo"}, **TINY)
    output = run_replication(scenario, 1, 7)
    assert any(math.isnan(v) for v in output.metrics.values())  # NaN as real runs have them
    series = DailySeries()
    series.columns = {name: array("d", column) for name, column in output.timeseries.columns.items()}
    series.columns["odd"] = array("d", [math.nan, NEGATIVE_NAN, math.inf, -math.inf, -0.0, 5e-324] * 10)[: len(series)]
    extreme = dataclasses.replace(
        output,
        metrics={
            **output.metrics,
            "inf": math.inf,
            "-inf": -math.inf,
            "-0": -0.0,
            "-nan": NEGATIVE_NAN,
            "tiny": 5e-324,
        },
        timeseries=series,
        people=[*output.people, {"person": "nan", "role": "é", "utilisation": math.nan, "flag": True, "none": None}],
        project_lead_times=[*output.project_lead_times, 0.1 + 0.2, math.nan],
        warnings=["the queue ‘ticket_l2’ grows"],
        projects=[*output.projects, ("small", math.inf, NEGATIVE_NAN, 1e308, True, -0.0)],
        project_arrivals=[*output.project_arrivals, ("large", 3)],
    )
    cache = RunCache(tmp_path / ".runs")
    for original in (output, extreme):
        task = Task(scenario, 1, 7)
        cache.store(task, original)
        assert _entry_path(cache, task).read_bytes().startswith(b'{"format":"orgsim run cache","schema":1,')
        _assert_identical(original, cache.load(task))
        _assert_identical(original, output_from_data(json.loads(json.dumps(output_to_data(original), allow_nan=False))))
    loaded = cache.load(Task(scenario, 1, 7))
    assert all(isinstance(p, tuple) for p in loaded.projects + loaded.project_arrivals)
    assert list(loaded.timeseries)[0].keys() == list(extreme.timeseries)[0].keys()
    with pytest.raises(ValueError, match="do not fit cache schema 1"):
        output_from_data({**output_to_data(output), "metrics": {"x": "1.0"}})


class _Planted:
    """Unpickling this creates ``marker``: what a planted pickle could do, and worse."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_or_foreign_json_is_run_again_and_no_code_runs(tmp_path, capsys):
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Planted(proof))).close()
    assert proof.exists()  # the plant does run code when unpickled
    scenario = make_scenario(name="planted", **TINY)
    tasks = [Task(scenario, k, 3) for k in range(3)]
    cache = RunCache(tmp_path / ".runs")
    first = run_tasks(tasks, jobs=1, cache=cache)
    marker = tmp_path / "marker"
    planted = pickle.dumps(_Planted(marker))
    _entry_path(cache, tasks[0]).write_bytes(planted)
    _entry_path(cache, tasks[0]).with_suffix(".pickle").write_bytes(planted)  # where orgsim used to look
    _entry_path(cache, tasks[1]).write_text(json.dumps({"replication": 1, "metrics": {}}))
    crafted = json.loads(_entry_path(cache, tasks[2]).read_text())  # whole and checksummed, but wrong inside
    del crafted["sha256"]
    crafted["payload"]["metrics"] = {"sla_attainment.total": "0.99"}
    _entry_path(cache, tasks[2]).write_bytes(experiment._seal(crafted))
    capsys.readouterr()
    counting = _ThreadlessExecutor()
    again = run_tasks(tasks, executor=counting, cache=cache)
    assert not marker.exists()
    assert counting.submitted == 3
    for a, b in zip(first, again, strict=True):
        _assert_identical(a, b)
    notices = _notices(capsys)
    assert len(notices) == 3
    assert "replication-0.json: not JSON" in notices[0] and notices[0].endswith("; running it again")
    assert "replication-1.json: not an orgsim run-cache entry" in notices[1]
    assert "replication-2.json: its data do not fit cache schema 1" in notices[2]
    for task, output in zip(tasks, first, strict=True):  # stored afresh
        _assert_identical(output, cache.load(task))
    assert not marker.exists()


def test_an_entry_copied_from_another_point_seed_or_replication_is_run_again(tmp_path, capsys):
    point = make_scenario(name="copied", org={"employees": 40}, **TINY)
    other = point.with_changes({"org.employees": 90})
    tasks = [Task(point, k, 3) for k in range(3)]
    cache = RunCache(tmp_path / ".runs")
    first = run_tasks([*tasks, Task(other, 1, 3), Task(point, 2, 4)], jobs=1, cache=cache)
    _entry_path(cache, tasks[0]).write_bytes(_entry_path(cache, tasks[1]).read_bytes())
    _entry_path(cache, tasks[1]).write_bytes(_entry_path(cache, Task(other, 1, 3)).read_bytes())
    _entry_path(cache, tasks[2]).write_bytes(_entry_path(cache, Task(point, 2, 4)).read_bytes())
    capsys.readouterr()
    counting = _ThreadlessExecutor()
    again = run_tasks(tasks, executor=counting, cache=cache)
    assert counting.submitted == 3
    for a, b in zip(first[:3], again, strict=True):
        _assert_identical(a, b)
    notices = _notices(capsys)
    assert "replication-0.json: copied from another replication" in notices[0]
    assert "replication-1.json: copied from another scenario" in notices[1]
    assert "replication-2.json: copied from a run with another seed" in notices[2]


def test_a_flipped_byte_anywhere_in_an_entry_is_found(tmp_path, capsys):
    scenario = make_scenario(name="flipped", **TINY)
    task = Task(scenario, 0, 2)
    cache = RunCache(tmp_path / ".runs")
    (output,) = run_tasks([task], jobs=1, cache=cache)
    path = _entry_path(cache, task)
    whole = path.read_bytes()
    # every byte of the head (format, schema, fields, key) and the tail (checksum), some of the rest
    size = len(whole)
    positions = sorted({*range(0, 500), *range(500, size, size // 150), *range(size - 80, size)})
    for position in positions:
        damaged = bytearray(whole)
        damaged[position] ^= 0x01
        path.write_bytes(bytes(damaged))
        assert cache.load(task) is None, f"byte {position} flipped, not found"
        assert not path.exists()  # discarded
    notices = _notices(capsys)
    assert 0 < len(notices) <= 4  # once per reason, not once per entry
    assert any("its checksum does not match" in line for line in notices)
    # a changed digit of a metric, through a run: detected and run again
    text = whole.decode()
    digit = text.index('"tickets_per_week.total":') + len('"tickets_per_week.total":')
    path.write_text(text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1 :])
    counting = _ThreadlessExecutor()
    (again,) = run_tasks([task], executor=counting, cache=cache)
    assert counting.submitted == 1
    _assert_identical(output, again)


def test_a_change_to_the_model_code_changes_the_key_and_old_entries_are_not_used(tmp_path, monkeypatch, capsys):
    package = Path(orgsim.__file__).resolve().parent
    copy = tmp_path / "package"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert experiment._source_fingerprint(copy) == experiment.code_fingerprint()
    with open(copy / "engine.py", "a", encoding="utf-8") as handle:
        handle.write("# a comment is a change too\n")
    changed = experiment._source_fingerprint(copy)
    assert changed != experiment.code_fingerprint()
    (copy / "engine.py").rename(copy / "engine2.py")
    assert experiment._source_fingerprint(copy) not in (changed, experiment.code_fingerprint())

    scenario = make_scenario(name="code", **TINY)
    tasks = [Task(scenario, k, 6) for k in range(2)]
    cache = RunCache(tmp_path / ".runs")
    first = run_tasks(tasks, jobs=1, cache=cache)
    written = [_entry_path(cache, task).read_bytes() for task in tasks]
    monkeypatch.setattr(experiment, "code_fingerprint", lambda: "f" * 64)
    counting = _ThreadlessExecutor()
    again = run_tasks(tasks, executor=counting, cache=cache)
    assert counting.submitted == 2  # a new key: nothing cached under it yet
    _entry_path(cache, tasks[0]).write_bytes(written[0])  # an old entry put where a new one belongs
    capsys.readouterr()
    counting = _ThreadlessExecutor()
    third = run_tasks(tasks, executor=counting, cache=cache)
    assert counting.submitted == 1
    assert "written by other model code" in _notices(capsys)[0]
    for outputs in (again, third):
        for a, b in zip(first, outputs, strict=True):
            _assert_identical(a, b)


def test_no_symbolic_link_in_the_cache_is_followed(tmp_path, capsys):
    scenario = make_scenario(name="links", **TINY)
    task = Task(scenario, 0, 9)
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"keep me")
    cache = RunCache(tmp_path / "out" / ".runs")
    (output,) = run_tasks([task], jobs=1, cache=cache)
    entry = _entry_path(cache, task)
    # a link at the entry path: writing replaces the link, never writes through it
    entry.unlink()
    entry.symlink_to(precious)
    cache.store(task, output)
    assert not entry.is_symlink() and precious.read_bytes() == b"keep me"
    _assert_identical(output, cache.load(task))
    # reading does not follow one either: it is removed and the run made again
    valid = entry.read_bytes()
    elsewhere = tmp_path / "valid.json"
    elsewhere.write_bytes(valid)
    entry.unlink()
    entry.symlink_to(elsewhere)
    capsys.readouterr()
    counting = _ThreadlessExecutor()
    run_tasks([task], executor=counting, cache=cache)
    assert counting.submitted == 1 and not entry.is_symlink()
    assert elsewhere.read_bytes() == valid
    assert "replication-0.json: a symbolic link (not followed)" in _notices(capsys)[0]
    # a link in place of a key's folder: removed, a real folder made
    folder = entry.parent
    shutil.rmtree(folder)
    target = tmp_path / "target"
    target.mkdir()
    folder.symlink_to(target, target_is_directory=True)
    run_tasks([task], jobs=1, cache=cache)
    assert not folder.is_symlink() and entry.is_file() and not list(target.iterdir())
    # .runs itself a link: refused, nothing cached, the results are the same
    linked = RunCache(tmp_path / "other" / ".runs")
    linked.directory.parent.mkdir()
    linked.directory.symlink_to(target, target_is_directory=True)
    capsys.readouterr()
    for _ in range(2):
        (again,) = run_tasks([task], jobs=1, cache=linked)
        _assert_identical(output, again)
    assert not list(target.iterdir())
    assert _notices(capsys) == [
        f"orgsim: notice: {linked.directory} is a symbolic link (not followed); finished runs are not cached"
    ]
