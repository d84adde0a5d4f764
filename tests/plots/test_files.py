"""Saving (orgsim.plots.files): the files ``save`` writes for a run, a comparison and a
sweep, and the same files written through the command line."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pandas as pd
import pytest

import orgsim
from orgsim import catalogue, plots
from orgsim.results import MANIFEST
from tests.conftest import SCENARIOS, overtime_cost
from tests.plots.helpers import COMPARISON_PNGS, RESULTS_PNGS, assert_png


def test_save_a_run_writes_data_and_readable_pngs(results, tmp_path):
    written = plots.save(results, tmp_path / "run")
    data = ["summary.json", "replications.csv", "timeseries.csv", "people.csv", "projects.csv"]
    assert [p.name for p in written] == data + RESULTS_PNGS
    listed = sorted(data + RESULTS_PNGS + [MANIFEST])  # and the folder's list of them; nothing partial
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == listed
    figures = plots.figures(results)
    for path in written:
        assert path.parent == tmp_path / "run" and path.stat().st_size > 0
        if path.suffix == ".png":
            assert path.stat().st_size > 20_000, path.name
            assert_png(path, figures[path.name].get_size_inches())
    assert len(pd.read_csv(tmp_path / "run" / "replications.csv")) == 3
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["replications"] == 3
    data_only = plots.save(results, tmp_path / "data", plots=False)
    assert [p.name for p in data_only] == data
    assert orgsim.save is plots.save
    plots.save(results, tmp_path / "run", plots=False)  # the folder is replaced whole: no plot of before stays
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted([*data, MANIFEST])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "run"]  # nothing temporary beside them


def test_save_refuses_a_folder_holding_files_it_did_not_write(results, tmp_path):
    """save replaces the whole folder, so one holding other files (a home folder) is left alone."""
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OSError, match="notes.txt"):
        plots.save(results, tmp_path, plots=False)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_save_a_comparison_writes_data_and_readable_pngs(comparison, tmp_path):
    written = plots.save(comparison, tmp_path)
    assert [p.name for p in written] == ["comparison.csv", "differences.csv", *COMPARISON_PNGS]
    figures = plots.figures(comparison)
    for path in written[2:]:
        assert_png(path, figures[path.name].get_size_inches())
    differences = pd.read_csv(tmp_path / "differences.csv").set_index("metric")
    # a project manager at 70 per hour, 40 h, and the overtime each side works (paid)
    paid = 2800.0 + overtime_cost(comparison.results[1]).mean() - overtime_cost(comparison.results[0]).mean()
    assert differences.loc["staff_cost_per_week", "mean_difference"] == pytest.approx(paid)


def test_save_a_sweep_writes_the_crossover_and_every_sweep_plot(sweep_result, tmp_path):
    written, crossover = plots.save(sweep_result, tmp_path, metric="staff_cost_per_week")
    names = [p.name for p in written]
    pngs = [f"sweep-{m}.png" for m in dict.fromkeys(("staff_cost_per_week", *catalogue.sweep_metrics()))]
    assert names == ["sweep.csv", "sweep-summary.csv", "crossover.json", *pngs]
    assert crossover["metric"] == "staff_cost_per_week"
    assert crossover["pairs"][0]["winner"] == "baseline" and crossover["pairs"][0]["whole_range"]
    assert json.loads((tmp_path / "crossover.json").read_text()) == json.loads(json.dumps(crossover))
    for path in written[3:]:
        assert_png(path, (10, 8.5))
    assert len(pd.read_csv(tmp_path / "sweep.csv")) == 3 * 2 * 3
    without_across = dataclasses.replace(sweep_result, across={})  # no crossover to write
    written, crossover = plots.save(without_across, tmp_path / "no-crossover", plots=False)
    assert crossover is None and [p.name for p in written] == ["sweep.csv", "sweep-summary.csv"]


def _orgsim(*args, cwd):
    """``python -m orgsim ARGS -j 1``: in one process, never a pool inside a test worker."""
    return subprocess.run(
        [sys.executable, "-m", "orgsim", *args, "-j", "1"], cwd=cwd, capture_output=True, text=True, timeout=600
    )


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
    # a project manager at 70 per hour, 40 h, and the overtime each side works (paid, straight time)
    means = comparison.set_index(["scenario", "metric"])["mean"]

    def overtime(name):
        return sum(
            means.get((name, f"overtime_hours_per_person_week.{role}"), 0.0)
            * means.get((name, f"headcount.{role}"), 0.0)
            * rate
            for role, rate in (("it_manager", 85.0), ("project_manager", 70.0))
        )

    paid = 2800.0 + overtime("small-separate") - overtime("small-combined")
    assert cost["mean_difference"] == pytest.approx(paid)
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
    assert "headcount steps under combined: service_desk 0->2 at 200; engineer 1->5 at 200;" in done.stdout
    assert "project_manager 1->4 at 800" in done.stdout.split("headcount steps under separate: ")[1]
    assert pair["headcount_steps"]["challenger"][0] == {
        "x": 200,
        "previous_x": 40,
        "role": "service_desk",
        "before": 0,
        "after": 2,
    }
    assert (out / "sweep-utilisation.it_manager.png").stat().st_size > 20_000
    assert (out / "sweep-project_lead_time_weeks_mean.png").exists()


def test_compare_takes_a_mid_from_the_command_line(tmp_path):
    """--mid staff_cost_per_week=5000: the +2,800 a week of a project manager is below it, so no
    scenario is better on cost; --mid 50% of lead time likewise."""
    done = _orgsim(
        "compare",
        "small-combined",
        "small-separate",
        "-r",
        "2",
        "-q",
        "--no-plots",
        "--set",
        "simulation.horizon_weeks=6",
        "--set",
        "simulation.warmup_weeks=1",
        "--mid",
        "staff_cost_per_week=5000",
        "--mid",
        "project_lead_time_weeks_mean=50%",
        "--out",
        "out",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    cost = pd.read_csv(tmp_path / "out" / "differences.csv").set_index("metric").loc["staff_cost_per_week"]
    assert cost["significant"] and cost["mid"] == 5000 and pd.isna(cost["better"])
    assert cost["verdict"] == "no practical difference"  # significant, but below the MID
    # the PM's +2,800 a week, less the overtime the combined IT manager no longer works
    assert 2000 < cost["mean_difference"] <= 2800, cost["mean_difference"]
    lines = done.stdout.splitlines()
    line = lines[next(i for i, x in enumerate(lines) if x.startswith("staff cost")) + 1]
    assert line.strip().startswith("small-separate - small-combined: +2,") and "(no practical difference)" in line


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("no_such_metric=1", "--mid: unknown metric 'no_such_metric'"),
        ("staff_cost_per_week=-5", "--mid: staff_cost_per_week: expected a finite number >= 0"),
        ("staff_cost_per_week=inf", "--mid: staff_cost_per_week: expected a finite number >= 0"),
        ("staff_cost_per_week", "--mid: expected METRIC=VALUE"),
    ],
)
def test_a_bad_mid_is_one_line_and_exit_2(tmp_path, option, message):
    done = _orgsim("compare", "small-combined", "small-separate", "--mid", option, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"orgsim: error: {message}"), done.stderr
    assert not (tmp_path / "outputs").exists()  # nothing ran
