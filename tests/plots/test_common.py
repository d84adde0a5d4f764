"""What every figure shares (orgsim.plots.common): matplotlib imported there and nowhere
else in the package's plotting code, figures on their own Agg canvas, the colours."""

from __future__ import annotations

import ast
import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg

import orgsim.plots
from orgsim.plots import common

PLOTS = Path(orgsim.plots.__file__).resolve().parent


def _imports_matplotlib(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and not node.level
            else []
        )
        if any(name == "matplotlib" or name.startswith("matplotlib.") for name in names):
            return True
    return False


def test_matplotlib_is_imported_in_common_only():
    importing = sorted(p.name for p in PLOTS.glob("*.py") if _imports_matplotlib(p))
    assert importing == ["common.py"]


def test_a_new_figure_has_its_own_agg_canvas():
    figure = common.new_figure(figsize=(4, 3), layout="constrained")
    assert isinstance(figure.canvas, FigureCanvasAgg)
    assert tuple(figure.get_size_inches()) == (4, 3)


def test_every_structure_keeps_its_colour_from_its_presets_row_and_an_unknown_one_takes_the_next():
    from orgsim.scenario import PRESETS

    assert [common.structure_colour(p.name) for p in PRESETS if p.name != "custom"] == [
        p.colour for p in PRESETS if p.name != "custom"
    ]
    colours = [common.structure_colour(s) for s in common.STRUCTURE_ORDER]
    assert len(set(colours)) == len(colours)  # no two structures alike
    # the five organisational structures take the first colours of the scenario palette, in the table's
    # order; the equal-cost alternatives (combined plus capacity) are shades of combined's blue
    assert colours[:5] == list(common.SCENARIO_COLOURS[:5])
    assert common.structure_colour("combined") == "#3182bd" and common.structure_colour("separate") == "#e6550d"
    from orgsim.scenario.presets import OTHER_COLOUR

    assert common.structure_colour("unheard_of") == OTHER_COLOUR and OTHER_COLOUR not in colours
    assert common.scenario_colour(len(common.SCENARIO_COLOURS)) == common.SCENARIO_COLOURS[0]  # wraps


def test_small_helpers():
    assert common.first_upper("project lead time") == "Project lead time"
    assert common.first_upper("IT manager utilisation") == "IT manager utilisation"
    assert common.error_bars(5.0, math.nan, math.nan) == [[0.0], [0.0]]
    assert common.error_bars(5.0, 4.0, 7.0) == [[1.0], [2.0]]
    assert common.axis_label("project_lead_time_weeks_mean") == "project lead time (working weeks)"
