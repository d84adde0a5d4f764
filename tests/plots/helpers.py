"""What the tests of orgsim.plots share besides their fixtures (tests/plots/conftest.py): the
file names of a run's and a comparison's figures, and the checks that a figure is labelled and
a PNG readable."""

from __future__ import annotations

import matplotlib.image
from matplotlib.figure import Figure

DPI = 110  # OutputFolder.figure
RESULTS_PNGS = ["throughput.png", "workload.png", "backlog.png", "leadtimes.png"]
COMPARISON_PNGS = ["dashboard.png", "throughput.png", "workload.png", "leadtimes.png", "backlog.png"]


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


def assert_labelled(name: str, figure) -> None:
    assert isinstance(figure, Figure), name
    assert figure.get_suptitle().strip(), name
    assert figure.axes, name
    for ax in figure.axes:
        assert ax.get_ylabel().strip(), f"{name}: an axes without a y label"
        assert _x_is_labelled(ax), f"{name}: an axes without an x label"
        if len(figure.axes) > 1:
            assert ax.get_title().strip(), f"{name}: a panel without a title"


def assert_png(path, figure_size) -> None:
    """A readable PNG of the figure's size at the saved resolution, not blank."""
    image = matplotlib.image.imread(path)
    width, height = figure_size
    assert image.ndim == 3 and image.shape[2] in (3, 4), path.name
    assert abs(image.shape[0] - height * DPI) <= 1 and abs(image.shape[1] - width * DPI) <= 1, path.name
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert image[..., :3].std() > 0.05, f"{path.name} looks blank"
