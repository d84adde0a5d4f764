"""Experiments: paired comparisons, sweeps, crossover, executors, resuming."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Executor, Future

import numpy as np
import pandas as pd
import pytest

import orgsim
from orgsim.experiment import RunCache, Task, grid, parse_values, run_tasks
from orgsim.results import compare, sweep
from orgsim.stats import find_crossover, paired_difference
from tests.conftest import SCENARIOS, make_scenario

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}


def test_paired_differences_are_much_tighter_than_separate_intervals():
    """Common random numbers: combined and separate see the same tickets and projects, so
    the noise of the arrivals cancels in their difference."""
    scenarios = [
        make_scenario(name=s, org={"employees": 200, "structure": s}, **SHORT) for s in ("combined", "separate")
    ]
    comparison = compare(scenarios, replications=10, seed=3, jobs=2)
    differences = comparison.differences.set_index("metric")
    for metric in ("tickets_per_week.total", "ticket_resolution_hours_mean.total", "project_lead_time_weeks_mean"):
        row = differences.loc[metric]
        assert row.half_width_paired < 0.5 * row.half_width_unpaired, metric
    utilisation = differences.loc["utilisation.it_manager"]
    assert utilisation.significant and utilisation.mean_difference < 0  # the separate manager has less to do
    assert utilisation.better == "separate"


def test_paired_difference_arithmetic():
    a = np.array([10.0, 12.0, 11.0, 13.0])
    b = a + np.array([1.0, 1.2, 0.8, 1.0])
    row = paired_difference(a, b)
    assert row["mean_difference"] == pytest.approx(1.0)
    assert row["ci_low"] < 1.0 < row["ci_high"] and row["significant"]
    assert row["half_width_paired"] == pytest.approx(3.182446 * np.std([1.0, 1.2, 0.8, 1.0], ddof=1) / 2, rel=1e-5)


def test_crossover_is_found_where_it_is_by_construction():
    """Challenger's advantage = 0.01 x (x - 100) + noise: it wins from x = 100 on."""
    rng = np.random.default_rng(7)
    xs = np.array([25, 50, 75, 100, 125, 150, 200, 300, 400])
    replications = 40
    common = rng.normal(50, 5, size=(len(xs), replications))  # shared noise: common random numbers
    baseline = common + rng.normal(0, 0.05, size=common.shape)
    challenger = common - 0.01 * (xs[:, None] - 100) + rng.normal(0, 0.05, size=common.shape)
    result = find_crossover(xs, baseline, challenger, higher_is_better=False)
    assert result["winner"] == "challenger"
    assert 100 <= result["crossover"] <= 125  # significance needs a margin above the true zero at 100
    assert result["ci_low"] <= result["crossover"] <= result["ci_high"]
    assert result["ci_low"] >= 75 and result["ci_high"] <= 150
    assert result["significant_from"] == 125


def test_no_crossover_when_the_alternatives_are_equal():
    rng = np.random.default_rng(1)
    xs = np.array([1.0, 2.0, 3.0, 4.0])
    common = rng.normal(10, 1, size=(4, 20))
    result = find_crossover(xs, common + rng.normal(0, 0.1, common.shape), common + rng.normal(0, 0.1, common.shape))
    assert result["winner"] is None and result["crossover"] is None


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


def test_an_interrupted_sweep_resumes_and_gives_the_same_csv(tmp_path):
    base = make_scenario(name="resume", **SHORT)
    arguments = dict(
        vary={"org.employees": [40, 120]}, across={"org.structure": ["combined", "separate"]}, replications=3, seed=5
    )
    cache = RunCache(tmp_path / "interrupted" / ".runs")
    with pytest.raises(KeyboardInterrupt):
        sweep(base, **arguments, executor=_ThreadlessExecutor(stop_at=10), cache=cache)
    stored = list((tmp_path / "interrupted" / ".runs").rglob("*.pickle"))
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


def test_process_pool_and_dask_local_cluster_give_identical_results():
    distributed = pytest.importorskip("dask.distributed")
    scenario = make_scenario(name="dask", org={"employees": 150, "structure": "separate"}, **SHORT)
    tasks = [Task(scenario, k, 11) for k in range(4)]
    pooled = run_tasks(tasks, jobs=2)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        clustered = run_tasks(tasks, executor=client.get_executor())
    for a, b in zip(pooled, clustered, strict=True):
        assert pd.Series(a.metrics).equals(pd.Series(b.metrics))
        assert a.ticket_times == b.ticket_times


def _orgsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "orgsim", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_compare_through_the_cli_writes_every_file(tmp_path):
    done = _orgsim(
        "compare",
        str(SCENARIOS / "small-combined.toml"),
        str(SCENARIOS / "small-separate.toml"),
        "-r",
        "4",
        "-q",
        "--set",
        "simulation.horizon_weeks=20",
        "--set",
        "simulation.warmup_weeks=4",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "outputs" / "compare-small-combined-small-separate"
    comparison = pd.read_csv(out / "comparison.csv")
    assert list(comparison.columns) == ["metric", "scenario", "mean", "ci_low", "ci_high"]
    assert set(comparison["scenario"]) == {"small-combined", "small-separate"}
    differences = pd.read_csv(out / "differences.csv")
    assert {"mean_difference", "ci_low", "ci_high", "significant"} <= set(differences.columns)
    assert (differences["scenario"] == "small-separate").all()
    cost = differences.set_index("metric").loc["staff_cost_per_week"]
    assert cost["mean_difference"] == pytest.approx(2800.0)  # a project manager at 70 per hour, 40 h
    for plot in ("dashboard.png", "throughput.png", "workload.png", "leadtimes.png", "backlog.png"):
        assert (out / plot).stat().st_size > 20_000, plot
    assert "small-separate - small-combined" in done.stdout


def test_sweep_through_the_cli_writes_every_file_and_the_crossover(tmp_path):
    done = _orgsim(
        "sweep",
        str(SCENARIOS / "small-combined.toml"),
        "--vary",
        "org.employees=40,200,800",
        "--across",
        "org.structure=combined,separate",
        "--metric",
        "utilisation.it_manager",
        "-r",
        "3",
        "-q",
        "--set",
        "simulation.horizon_weeks=16",
        "--set",
        "simulation.warmup_weeks=4",
        "--out",
        "s",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "s"
    frame = pd.read_csv(out / "sweep.csv")
    assert len(frame) == 3 * 2 * 3
    assert list(frame.columns[:3]) == ["org.employees", "org.structure", "replication"]
    summary = pd.read_csv(out / "sweep-summary.csv")
    assert {"org.employees", "org.structure", "metric", "mean", "ci_low", "ci_high"} <= set(summary.columns)
    crossover = json.loads((out / "crossover.json").read_text())
    assert crossover["metric"] == "utilisation.it_manager"
    pair = crossover["pairs"][0]
    assert pair["baseline"] == "combined" and pair["challenger"] == "separate"
    assert pair["sentence"] in done.stdout
    assert (out / "sweep-utilisation.it_manager.png").stat().st_size > 20_000
    assert (out / "sweep-project_lead_time_weeks_mean.png").exists()


def test_simulate_accepts_any_executor():
    scenario = make_scenario(org={"employees": 60}, **SHORT)
    direct = orgsim.simulate(scenario, replications=2, seed=1, jobs=1)
    through = orgsim.simulate(scenario, replications=2, seed=1, executor=_ThreadlessExecutor())
    pd.testing.assert_frame_equal(direct.replications, through.replications)


def test_a_warm_up_that_is_too_short_is_reported():
    """60 projects waiting at time 0 take months to clear: a 1-week warm-up is not enough."""
    crowded = make_scenario(
        org={"employees": 400}, projects={"initial_portfolio": 60}, simulation={"horizon_weeks": 52, "warmup_weeks": 1}
    )
    results = orgsim.simulate(crowded, replications=3, seed=1, jobs=2)
    assert any("warm-up" in w and "too short" in w for w in results.warnings)
    calm = make_scenario(org={"employees": 400}, simulation={"horizon_weeks": 52, "warmup_weeks": 8})
    assert not any("warm-up" in w for w in orgsim.simulate(calm, replications=3, seed=1, jobs=2).warnings)


def test_net_of_cost_weighs_the_metric_against_staff_cost():
    """Separate has a shorter lead time but costs a project manager: valued at nothing a
    week, lead time cannot pay for one, so combined wins net of cost everywhere."""
    base = make_scenario(name="cost", simulation={"horizon_weeks": 20, "warmup_weeks": 2})
    result = sweep(
        base,
        vary={"org.employees": [100, 400, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=2,
        jobs=2,
    )
    cheap = result.crossover("project_lead_time_weeks_mean", net_of_cost=1e-9)["pairs"][0]
    assert cheap["winner"] == "baseline" and cheap["whole_range"]
    assert "combined beats separate" in cheap["sentence"] and "net of staff cost" in cheap["sentence"]
