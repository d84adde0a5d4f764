"""The synthetic ServiceNow audit export, read and fitted once for every calibrate test file."""

from __future__ import annotations

import time

import pytest

from orgsim import calibrate
from tests.calibrate.synthetic import audit_export


@pytest.fixture(scope="session")
def servicenow(tmp_path_factory):
    """(path, what was made, the Export, the Calibration at 600 employees); not to be mutated."""
    path = tmp_path_factory.mktemp("export") / "incidents.csv"
    made = audit_export(path)
    started = time.perf_counter()
    export = calibrate.read_export(path)
    fitted = calibrate.fit(export, employees=600)
    made["seconds"] = time.perf_counter() - started
    return path, made, export, fitted
