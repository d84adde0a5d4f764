"""``orgsim calibrate``: a scenario fitted to a ticket export.

Reads a CSV export of tickets — one row per ticket, or an audit export with many rows per
ticket (ServiceNow's incident columns work as they are) — fits what an export can tell about an
organisation (the observation window, the arrival rate, the weekday x hour profile, the class
mix, the share escalated, resolution times by class, SLA attainment), and writes a scenario TOML
whose comments state every fitted value and its basis, and the whole fit as
``calibration.json`` and ``calibration.png``.  What an export cannot tell (effort as against
waiting; how many people work in IT) stays at orgsim's defaults, and the file says so.

The package, in the order the work flows:

- :mod:`.read` — the CSV, its columns (:data:`FIELDS`), one row per ticket (:class:`Export`),
  with :mod:`.timestamps` (parsing the export's dates) and :mod:`.merge` (audit rows merged by
  ticket number, the last state wins; a ticket's class, escalation and SLA);
- :mod:`.clock` — the working calendar: a wall-clock moment on orgsim's working clock (a ticket
  opened outside working hours counts in the next working hour);
- :mod:`.fit` — the fit (:func:`fit` -> :class:`Calibration`), with :mod:`.survival` (resolution
  times: a lognormal and a Kaplan-Meier curve, open tickets right-censored);
- :mod:`.scenario_file` — the scenario file and the report's lines;
- the figure, ``calibration.png``, is drawn by :mod:`orgsim.plots.calibrate` (matplotlib only there);
- :mod:`.files` — writing the files (:data:`FILES`);
- :mod:`.check` — ``--check``: the fitted scenario run and set beside the export.
"""

from __future__ import annotations

from .check import CHECK_REPLICATIONS, check_fit
from .clock import wall_clock, working_hours
from .files import FILES, write_calibration
from .fit import Calibration, fit
from .read import FIELDS, FORMATS, Export, read_export
from .scenario_file import HEADER, refuse_foreign, scenario_name
from .survival import fit_lognormal, kaplan_meier

__all__ = [
    "FIELDS",
    "FORMATS",
    "Export",
    "read_export",
    "Calibration",
    "fit",
    "fit_lognormal",
    "kaplan_meier",
    "working_hours",
    "wall_clock",
    "HEADER",
    "scenario_name",
    "refuse_foreign",
    "FILES",
    "write_calibration",
    "calibration_figure",
    "CHECK_REPLICATIONS",
    "check_fit",
]


def __getattr__(name):
    """``calibration_figure`` stays importable from here, drawn by the plots package: loaded
    when asked for, so that reading and fitting an export never import matplotlib."""
    if name == "calibration_figure":
        from ..plots.calibrate import calibration_figure

        return calibration_figure
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
