"""The calibration's figure, and matplotlib kept out of reading and fitting."""

from __future__ import annotations

import os
import subprocess
import sys

from orgsim import calibrate


def test_reading_and_fitting_do_not_import_matplotlib():
    code = "import sys, orgsim.calibrate, orgsim.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.strip() == "False"


def test_figure_draws_four_panels(servicenow):
    _, _, _, fitted = servicenow
    figure = calibrate.calibration_figure(fitted)
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert titles[0] == "Arrivals by weekday" and titles[1] == "Arrivals by hour of day"
    assert titles[2].startswith("Arrivals per weekday x hour") and titles[3].startswith("Resolution time")
