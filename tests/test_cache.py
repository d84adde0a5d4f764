"""The run cache (orgsim.cache): an entry is data, never code; it round-trips exactly, and
anything planted, copied, damaged or written by other code is found and run again; no
symbolic link is ever followed."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import shutil
import struct
from array import array
from pathlib import Path

import pytest

import orgsim
from orgsim import cache as cache_module
from orgsim.cache import RunCache, output_from_data, output_to_data
from orgsim.engine import DailySeries
from orgsim.experiment import Task, run_replication, run_tasks
from orgsim.metrics import ReplicationOutput
from tests.conftest import ThreadlessExecutor as _ThreadlessExecutor
from tests.conftest import make_scenario

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
        open_projects=[*output.open_projects, (1, "small", 2.5, False)],
    )
    cache = RunCache(tmp_path / ".runs")
    for original in (output, extreme):
        task = Task(scenario, 1, 7)
        cache.store(task, original)
        assert _entry_path(cache, task).read_bytes().startswith(b'{"format":"orgsim run cache","schema":2,')
        _assert_identical(original, cache.load(task))
        _assert_identical(original, output_from_data(json.loads(json.dumps(output_to_data(original), allow_nan=False))))
    loaded = cache.load(Task(scenario, 1, 7))
    assert all(isinstance(p, tuple) for p in loaded.projects + loaded.project_arrivals + loaded.open_projects)
    assert list(loaded.timeseries)[0].keys() == list(extreme.timeseries)[0].keys()
    with pytest.raises(ValueError, match="do not fit cache schema 2"):
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
    _entry_path(cache, tasks[2]).write_bytes(cache_module._seal(crafted))
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
    assert "replication-2.json: its data do not fit cache schema 2" in notices[2]
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
    assert cache_module._source_fingerprint(copy) == cache_module.code_fingerprint()
    with open(copy / "engine.py", "a", encoding="utf-8") as handle:
        handle.write("# a comment is a change too\n")
    changed = cache_module._source_fingerprint(copy)
    assert changed != cache_module.code_fingerprint()
    (copy / "engine.py").rename(copy / "engine2.py")
    assert cache_module._source_fingerprint(copy) not in (changed, cache_module.code_fingerprint())

    scenario = make_scenario(name="code", **TINY)
    tasks = [Task(scenario, k, 6) for k in range(2)]
    cache = RunCache(tmp_path / ".runs")
    first = run_tasks(tasks, jobs=1, cache=cache)
    written = [_entry_path(cache, task).read_bytes() for task in tasks]
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "f" * 64)
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
