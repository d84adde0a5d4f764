"""orgsim calibrate's figure: observed against fitted, four panels."""

from __future__ import annotations

import pytest

from orgsim import calibrate
from orgsim.plots import calibration_figure
from tests.calibrate.synthetic import audit_export


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "incidents.csv"
    audit_export(path)
    return calibrate.fit(calibrate.read_export(path), employees=600)


def test_figure_draws_four_panels(fitted):
    figure = calibration_figure(fitted)
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert titles[0] == "Arrivals by weekday" and titles[1] == "Arrivals by hour of day"
    assert titles[2].startswith("Arrivals per weekday x hour") and titles[3].startswith("Resolution time")


def test_figure_keeps_the_working_week_of_the_profile(fitted):
    """The weekday panel has one fitted point per working day, the hour panel one per working
    hour: the shape of the week comes from the fitted profile."""
    figure = calibration_figure(fitted)
    weekday, hour = figure.axes[0], figure.axes[1]
    assert len(weekday.lines[0].get_xdata()) == len(fitted.data["profile"]["weekday"]) == 5
    assert len(hour.lines[0].get_xdata()) == len(fitted.data["profile"]["hour"]) == 8
