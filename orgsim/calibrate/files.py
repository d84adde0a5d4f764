"""The files a calibration writes: the scenario file, ``calibration.json`` and ``calibration.png``.

:data:`FILES` declares what :func:`write_calibration` puts into the output folder (the scenario
file goes where ``-o`` says, beside them by default); each file lands whole (written under a
temporary name and renamed).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..results import OutputFolder
from .fit import Calibration

__all__ = ["FILES", "write_calibration"]

JSON, FIGURE = FILES = ("calibration.json", "calibration.png")  # into the output folder


def write_calibration(cal: Calibration, folder: Path, scenario_path: Path, name: str, check: dict | None = None):
    """Write the scenario file to ``scenario_path`` and :data:`FILES` into ``folder``: the fit
    (with ``check``, the result of :func:`~orgsim.calibrate.check.check_fit`, when given) and its
    figure.  Returns the paths written."""
    data = dict(cal.data)
    data["scenario"] = {"file": str(scenario_path), "name": name}
    if check is not None:
        data["check"] = check
    written = []
    target = OutputFolder(scenario_path.parent)
    target.text(scenario_path.name, cal.scenario_toml(name))
    written.append(scenario_path)
    out = OutputFolder(folder, files=FILES)
    out.text(JSON, json.dumps(_jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    from ..plots.calibrate import calibration_figure  # here: reading and fitting never load matplotlib

    out.figure(FIGURE, calibration_figure(cal))
    written += out.written
    return written


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return value
