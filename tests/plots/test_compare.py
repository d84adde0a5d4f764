"""The figures of a comparison (orgsim.plots.compare): the dashboard, its verdict labels
(stats.judge on each row's numbers), and the side-by-side figures."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from orgsim import catalogue, plots
from orgsim.plots.compare import _difference_note
from orgsim.results import Comparison
from orgsim.stats import judge
from orgsim.wording import VERDICTS
from tests.conftest import overtime_cost
from tests.plots.helpers import COMPARISON_PNGS, assert_labelled


def test_figures_of_a_comparison(comparison):
    figures = plots.figures(comparison)
    assert list(figures) == COMPARISON_PNGS
    for name, figure in figures.items():
        assert_labelled(name, figure)
        assert "combined vs separate (3 replications each" in figure.get_suptitle()
    dashboard = figures["dashboard.png"]
    shown = [m for m in catalogue.dashboard() if any(r.metric(m.pattern) for r in comparison.results)]
    assert len(dashboard.axes) == len(shown) >= 5
    titles = [ax.get_title() for ax in dashboard.axes]
    assert titles[:3] == ["Project lead time", "Projects on time", "SLA attainment"]
    cost = next(ax for ax in dashboard.axes if ax.get_title() == "Staff cost")
    labels = [text.get_text() for text in cost.texts]
    # the difference on the separate bar, judged (beyond the MID of 1%): a project manager at 70 per hour,
    # 40 h, and the overtime each side works (paid)
    paid = 2800.0 + overtime_cost(comparison.results[1]).mean() - overtime_cost(comparison.results[0]).mean()
    assert f"+{paid:,.0f}/wk\nworse" in labels
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


# ------------------------------------------------------------------ the dashboard's verdict labels

LEAD_TIME = catalogue.lookup("project_lead_time_weeks_mean")  # lower is better, in working weeks
ON_TIME = catalogue.lookup("project_on_time_share")  # higher is better, a share
HEADCOUNT = next(m for m in catalogue.CATALOGUE if m.better == catalogue.NEITHER)  # a description


def _row(mean, low, high, mid=math.nan, verdict="(not read)"):
    return pd.Series({"mean_difference": mean, "ci_low": low, "ci_high": high, "mid": mid, "verdict": verdict})


@pytest.mark.parametrize(
    ("row", "metric", "note", "colour"),
    [
        # the two differences on lead time, with a MID of 1 week
        (_row(0.02, -0.21, 0.25, 1.0), LEAD_TIME, "+0.02 wk\nno diff.", "0.35"),
        (_row(0.82, -0.97, 2.60, 1.0), LEAD_TIME, "+0.82 wk\ncan't tell", "0.35"),
        # lower lead time is better: -2 weeks (CI -3 to -1) beyond a MID of 1 is better, +2 worse
        (_row(-2.0, -3.0, -1.0, 1.0), LEAD_TIME, "-2 wk\nbetter", "#1a7f37"),
        (_row(2.0, 1.0, 3.0, 1.0), LEAD_TIME, "+2 wk\nworse", "#b42318"),
        # significant but within the MID: no practical difference
        (_row(-0.5, -0.7, -0.3, 1.0), LEAD_TIME, "-0.5 wk\nno diff.", "0.35"),
        # no MID (NaN): significant is enough
        (_row(-0.5, -0.7, -0.3), LEAD_TIME, "-0.5 wk\nbetter", "#1a7f37"),
        # higher on-time share is better, in percentage points
        (_row(0.2, 0.1, 0.3, 0.05), ON_TIME, "+20.0 pts\nbetter", "#1a7f37"),
        (_row(-0.2, -0.3, -0.1, 0.05), ON_TIME, "-20.0 pts\nworse", "#b42318"),
        # no interval: cannot tell
        (_row(0.2, math.nan, math.nan, 0.05), ON_TIME, "+20.0 pts\ncan't tell", "0.35"),
    ],
)
def test_the_dashboard_verdict_is_judged_from_the_numbers(row, metric, note, colour):
    """The label is stats.judge on the row's numbers, oriented by the metric's direction; the
    verdict text of the row is not read."""
    assert _difference_note(row, metric) == (note, colour)


def test_a_description_is_not_judged():
    """A metric without a direction (a headcount, a load) says whether it differs, never better or worse."""
    assert _difference_note(_row(2.0, 1.0, 3.0), HEADCOUNT)[0].endswith("\ndiffers")
    assert _difference_note(_row(2.0, -1.0, 5.0), HEADCOUNT)[0].endswith("\nn/a")
    assert _difference_note(_row(2.0, 1.0, 3.0), HEADCOUNT)[1] == "0.35"


def test_the_dashboard_speaks_as_stats_judge_does_on_a_real_comparison(comparison):
    """Every note of the dashboard is judge's verdict on the row of ``differences`` (and, where
    that row's verdict is already one of the four words, the same one)."""
    differences = comparison.differences.set_index("metric")
    short = {"better": "better", "worse": "worse", "no practical difference": "no diff.", "cannot tell": "can't tell"}
    for metric in catalogue.dashboard():
        if metric.pattern not in differences.index:
            continue
        row = differences.loc[metric.pattern]
        sign = metric.better
        low, high = sorted((row["ci_low"] * sign, row["ci_high"] * sign))
        mid = None if math.isnan(row["mid"]) else row["mid"]
        verdict = judge(row["mean_difference"] * sign, low, high, mid)
        assert _difference_note(row, metric)[0].split("\n")[1] == short[verdict], metric.pattern
        if row["verdict"] in VERDICTS:
            assert verdict == row["verdict"], metric.pattern
