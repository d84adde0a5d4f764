"""Figures and saving (orgsim.plots): every figure of a run, a comparison and a sweep, the
files ``save`` writes, and the same files written through the command line."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import matplotlib.image
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import orgsim
from orgsim import catalogue, plots
from orgsim.results import Comparison
from orgsim.stats import format_number
from tests.conftest import SCENARIOS, make_scenario

SMALL = {"simulation": {"horizon_weeks": 10, "warmup_weeks": 2}}
DPI = 110  # OutputFolder.figure
RESULTS_PNGS = ["throughput.png", "workload.png", "backlog.png", "leadtimes.png"]
COMPARISON_PNGS = ["dashboard.png", "throughput.png", "workload.png", "leadtimes.png", "backlog.png"]


@pytest.fixture(scope="module")
def results():
    scenario = make_scenario(name="one", org={"employees": 200, "structure": "pmo"}, **SMALL)
    return orgsim.simulate(scenario, replications=3, seed=1, jobs=1)


@pytest.fixture(scope="module")
def comparison():
    scenarios = [
        make_scenario(name=s, org={"employees": 100, "structure": s}, **SMALL) for s in ("combined", "separate")
    ]
    return orgsim.compare(scenarios, replications=3, seed=1, jobs=1)


@pytest.fixture(scope="module")
def sweep_result():
    return orgsim.sweep(
        make_scenario(name="grid", **SMALL),
        vary={"org.employees": [40, 120, 360]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=1,
        jobs=1,
    )


def _x_is_labelled(ax) -> bool:
    """An x label on the axes or on one sharing its x axis, or a name (not a number) on every tick."""
    if any(other.get_xlabel().strip() for other in ax.get_shared_x_axes().get_siblings(ax)):
        return True
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    return bool(ticks) and all(t.strip() for t in ticks) and not any(_is_number(t) for t in ticks)


def _is_number(text: str) -> bool:
    try:
        float(text.replace("\N{MINUS SIGN}", "-").replace(",", ""))
    except ValueError:
        return False
    return True


def _assert_labelled(name: str, figure) -> None:
    assert isinstance(figure, Figure), name
    assert figure.get_suptitle().strip(), name
    assert figure.axes, name
    for ax in figure.axes:
        assert ax.get_ylabel().strip(), f"{name}: an axes without a y label"
        assert _x_is_labelled(ax), f"{name}: an axes without an x label"
        if len(figure.axes) > 1:
            assert ax.get_title().strip(), f"{name}: a panel without a title"


def _assert_png(path, figure_size) -> None:
    """A readable PNG of the figure's size at the saved resolution, not blank."""
    image = matplotlib.image.imread(path)
    width, height = figure_size
    assert image.ndim == 3 and image.shape[2] in (3, 4), path.name
    assert abs(image.shape[0] - height * DPI) <= 1 and abs(image.shape[1] - width * DPI) <= 1, path.name
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert image[..., :3].std() > 0.05, f"{path.name} looks blank"


# ------------------------------------------------------------------ figures


def test_figures_of_a_run(results):
    figures = plots.figures(results)
    assert list(figures) == RESULTS_PNGS
    for name, figure in figures.items():
        _assert_labelled(name, figure)
        assert "one: 200 employees, pmo structure, 3 replications" in figure.get_suptitle()
    workload = figures["workload.png"]
    ticks = [t.get_text() for t in workload.axes[0].get_xticklabels()]
    assert len(ticks) == sum(1 for n in results.scenario.headcounts().values() if n > 0) == 5
    assert ticks[2] == "it manager\n(1 person)"
    throughput = figures["throughput.png"].axes[0]
    classes = [c.name for c in results.scenario.tickets.classes if c.share > 0]
    assert [t.get_text() for t in throughput.get_xticklabels()] == classes
    heights = [bar.get_height() for bar in throughput.patches]
    expected = [results.metric(f"tickets_per_week.{c}") for c in classes]
    assert heights == pytest.approx(expected)


def test_figures_of_a_comparison(comparison):
    figures = plots.figures(comparison)
    assert list(figures) == COMPARISON_PNGS
    for name, figure in figures.items():
        _assert_labelled(name, figure)
        assert "combined vs separate (3 replications each" in figure.get_suptitle()
    dashboard = figures["dashboard.png"]
    shown = [m for m in catalogue.dashboard() if any(r.metric(m.pattern) for r in comparison.results)]
    assert len(dashboard.axes) == len(shown) >= 5
    titles = [ax.get_title() for ax in dashboard.axes]
    assert titles[:3] == ["Project lead time", "Projects on time", "SLA attainment"]
    cost = next(ax for ax in dashboard.axes if ax.get_title() == "Staff cost")
    labels = [text.get_text() for text in cost.texts]
    assert "+2,800/wk\nworse" in labels  # the difference on the separate bar, judged (beyond the MID of 1%)
    assert [bar.get_height() for bar in cost.patches] == pytest.approx(
        [r.metric("staff_cost_per_week") for r in comparison.results]
    )


def _renamed(result, name):
    return dataclasses.replace(result, scenario=result.scenario.with_changes({"name": name}))


def _zero_rework(result):
    summary = result.summary.copy()
    rows = summary["metric"] == "rework_hours_per_week"
    summary.loc[rows, ["mean", "ci_low", "ci_high"]] = 0.0
    replications = result.replications.assign(rework_hours_per_week=0.0)
    return dataclasses.replace(result, summary=summary, replications=replications)


def test_dashboard_leaves_out_a_panel_that_is_zero_everywhere(comparison):
    """No rework in any scenario: no rework panel; the five others reflow into 2 x 3 with one spare
    slot removed, and the key says what is not shown."""
    quiet = Comparison([_zero_rework(r) for r in comparison.results])
    figure = plots.comparison_dashboard(quiet)
    titles = [ax.get_title() for ax in figure.axes]
    assert "Rework" not in titles and len(titles) == 5
    assert "Not shown (zero everywhere): rework." in figure.get_supxlabel().replace("\n", " ")


def _overlapping(texts, renderer) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)]


@pytest.mark.parametrize("count", [2, 5])
def test_dashboard_text_does_not_overlap(comparison, count):
    """With 2 to 5 scenarios no title, bar label or scenario name runs into another, and every
    text lies inside the figure."""
    results = [_renamed(comparison.results[j % 2], f"scenario-number-{j}") for j in range(count)]
    figure = plots.comparison_dashboard(Comparison(results))
    FigureCanvasAgg(figure).draw()
    renderer = figure.canvas.get_renderer()
    titles = [ax.title for ax in figure.axes]
    assert not _overlapping([figure._suptitle, *titles, figure._supxlabel], renderer)
    whole = figure.bbox
    for ax in figure.axes:
        assert not _overlapping(ax.texts, renderer), ax.get_title()
        assert not _overlapping(ax.get_xticklabels(), renderer), ax.get_title()
        for text in [ax.title, *ax.texts, *ax.get_xticklabels()]:
            box = text.get_window_extent(renderer)
            assert box.x0 >= whole.x0 - 1 and box.x1 <= whole.x1 + 1 and box.y1 <= whole.y1 + 1, text.get_text()
        notes = [t.get_text() for t in ax.texts if "\n" in t.get_text()]
        assert len(notes) == count - 1, ax.get_title()  # every bar after the first says its difference


def test_figures_of_a_sweep(sweep_result):
    figures = plots.figures(sweep_result, metric="utilisation.it_manager")
    expected = dict.fromkeys(("utilisation.it_manager", *catalogue.sweep_metrics()))
    assert list(figures) == [f"sweep-{m}.png" for m in expected]
    for name, figure in figures.items():
        _assert_labelled(name, figure)
        assert len(figure.axes) == 2  # the alternatives, and their paired difference
        assert figure.axes[-1].get_xlabel().startswith("employees")  # the swept size, in words
        ticks = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
        assert ticks == [format_number(v) for v in sorted(sweep_result.vary["org.employees"])]  # grid values
        assert "grid, 3 replications per point" in figure.get_suptitle()
    top = figures["sweep-utilisation.it_manager.png"].axes[0]
    assert [line.get_label() for line in top.get_lines()] == ["combined", "separate"]
    combined = top.get_lines()[0]
    assert list(combined.get_xdata()) == [40, 120, 360]
    summary = sweep_result.summary
    rows = summary[(summary["metric"] == "utilisation.it_manager") & (summary["org.structure"] == "combined")]
    assert list(combined.get_ydata()) == pytest.approx(list(rows.sort_values("org.employees")["mean"]))


def test_the_sweep_figure_marks_every_headcount_step(sweep_result):
    """40 -> 120 employees: a first service desk agent and two more engineers under both
    structures; 120 -> 360: more of everyone, and under separate a second project manager.
    A dotted line marks both grid values on both panels, labelled with the roles."""
    figure = plots.sweep_figure(sweep_result, "utilisation.it_manager")
    for ax in figure.axes:
        dotted = [c for c in ax.collections if isinstance(c, LineCollection)]
        assert sorted(c.get_segments()[0][0][0] for c in dotted) == [120, 360]
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "all: service_desk 0\N{RIGHTWARDS ARROW}1, engineer 1\N{RIGHTWARDS ARROW}3" in labels
    assert any(t.startswith("separate: ") and "project_manager 1\N{RIGHTWARDS ARROW}2" in t for t in labels)
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["combined", "separate"]  # data only


def test_figures_of_a_sweep_without_a_varied_parameter_and_of_anything_else(sweep_result):
    assert plots.figures(dataclasses.replace(sweep_result, vary={})) == {}
    with pytest.raises(TypeError, match="no figures for DataFrame"):
        plots.figures(sweep_result.frame)


# ------------------------------------------------------------------ saving


def test_save_a_run_writes_data_and_readable_pngs(results, tmp_path):
    written = plots.save(results, tmp_path / "run")
    data = ["summary.json", "replications.csv", "timeseries.csv", "people.csv", "projects.csv"]
    assert [p.name for p in written] == data + RESULTS_PNGS
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted(data + RESULTS_PNGS)  # nothing partial
    figures = plots.figures(results)
    for path in written:
        assert path.parent == tmp_path / "run" and path.stat().st_size > 0
        if path.suffix == ".png":
            assert path.stat().st_size > 20_000, path.name
            _assert_png(path, figures[path.name].get_size_inches())
    assert len(pd.read_csv(tmp_path / "run" / "replications.csv")) == 3
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["replications"] == 3
    data_only = plots.save(results, tmp_path / "data", plots=False)
    assert [p.name for p in data_only] == data
    assert orgsim.save is plots.save
    plots.save(results, tmp_path / "run", plots=False)  # the folder is replaced whole: no plot of before stays
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted(data)
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
        _assert_png(path, figures[path.name].get_size_inches())
    differences = pd.read_csv(tmp_path / "differences.csv").set_index("metric")
    assert differences.loc["staff_cost_per_week", "mean_difference"] == pytest.approx(2800.0)


def test_save_a_sweep_writes_the_crossover_and_every_sweep_plot(sweep_result, tmp_path):
    written, crossover = plots.save(sweep_result, tmp_path, metric="staff_cost_per_week")
    names = [p.name for p in written]
    pngs = [f"sweep-{m}.png" for m in dict.fromkeys(("staff_cost_per_week", *catalogue.sweep_metrics()))]
    assert names == ["sweep.csv", "sweep-summary.csv", "crossover.json", *pngs]
    assert crossover["metric"] == "staff_cost_per_week"
    assert crossover["pairs"][0]["winner"] == "baseline" and crossover["pairs"][0]["whole_range"]
    assert json.loads((tmp_path / "crossover.json").read_text()) == json.loads(json.dumps(crossover))
    for path in written[3:]:
        _assert_png(path, (10, 8.5))
    assert len(pd.read_csv(tmp_path / "sweep.csv")) == 3 * 2 * 3
    without_across = dataclasses.replace(sweep_result, across={})  # no crossover to write
    written, crossover = plots.save(without_across, tmp_path / "no-crossover", plots=False)
    assert crossover is None and [p.name for p in written] == ["sweep.csv", "sweep-summary.csv"]


# ------------------------------------------------------------------ through the command line


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
    assert cost["verdict"] == "no practical difference (significant but below the MID of 5,000)"
    assert "+2,800 (95% CI +2,800 to +2,800)  (no practical difference" in done.stdout


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
