"""The files a calibration writes: the scenario file, ``calibration.json`` and ``calibration.png``.

:data:`FILES` declares what :func:`write_calibration` puts into the output folder (the scenario
file goes where ``-o`` says, beside them by default); each file lands whole (written under a
temporary name and renamed).
"""

from __future__ import annotations

import io
import json
import math
import os
import secrets
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
    figure.  Returns the paths written.

    The scenario's header names ``calibration.json``: the two land both or neither.  Every
    file is drawn in memory first; the scenario is written whole under a hidden name, then the
    figure and ``calibration.json`` (each renamed when whole), and only then is the scenario
    renamed into place, which needs no space.  A full disk on the way removes the scenario's
    hidden file: the scenario and ``calibration.json`` are both as they were."""
    from ..plots.calibrate import calibration_figure  # here: reading and fitting never load matplotlib

    data = dict(cal.data)
    data["scenario"] = {"file": str(scenario_path), "name": name}
    if check is not None:
        data["check"] = check
    scenario = cal.scenario_toml(name).encode("utf-8")
    fitted = (json.dumps(_jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    figure = io.BytesIO()
    calibration_figure(cal).savefig(figure, dpi=110, format="png")
    scenario_path.parent.mkdir(parents=True, exist_ok=True)
    staged = scenario_path.with_name(f".{scenario_path.name}.{secrets.token_hex(8)}.partial")
    try:
        with os.fdopen(os.open(staged, _CREATE, 0o666), "wb") as handle:
            handle.write(scenario)
        out = OutputFolder(folder, files=FILES)
        out.write(FIGURE, lambda handle: handle.write(figure.getvalue()))
        out.write(JSON, lambda handle: handle.write(fitted))
        os.replace(staged, scenario_path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return [scenario_path, out.directory / JSON, out.directory / FIGURE]


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


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
