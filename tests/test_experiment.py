"""The runner (orgsim.experiment): tasks, executors, Dask, the cache of finished runs and
resuming, and the design of a sweep (values and grid).

Nothing here starts a process pool: the suite runs in pytest-xdist workers, so every
executor is in-process (``jobs=1``, threads, a thread-based Dask cluster).
"""

from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import orgsim
from orgsim.experiment import (
    RunCache,
    Task,
    grid,
    parse_values,
    run_replication,
    run_scenarios,
    run_tasks,
)
from orgsim.results import sweep
from orgsim.scenario import ScenarioError
from tests.conftest import ThreadlessExecutor as _ThreadlessExecutor
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
