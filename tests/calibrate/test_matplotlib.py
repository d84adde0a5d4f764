"""matplotlib kept out of reading and fitting an export (the figure is the plots package's:
tests/plots/test_calibrate.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_reading_and_fitting_do_not_import_matplotlib():
    code = "import sys, orgsim.calibrate, orgsim.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.strip() == "False"


def test_the_figure_stays_importable_from_calibrate():
    from orgsim import calibrate, plots

    assert calibrate.calibration_figure is plots.calibration_figure
