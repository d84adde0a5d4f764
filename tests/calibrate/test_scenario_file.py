"""The scenario file: it loads, states its basis, survives any file name, and never
overwrites a file calibrate did not write.
"""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from orgsim import calibrate
from orgsim.scenario import scenario_from_dict
from tests.calibrate.synthetic import run_cli


def test_written_scenario_loads_with_the_fitted_values(servicenow, tmp_path):
    _, _, _, fitted = servicenow
    text = fitted.scenario_toml("calibrated-incidents")
    data = tomllib.loads(text)
    assert data["tickets"]["profile"]["weekday"] == fitted.data["profile"]["weekday"]
    assert len(data["tickets"]["profile"]["weekday"]) == 5 and len(data["tickets"]["profile"]["hour"]) == 8
    assert sum(data["tickets"]["profile"]["hour"]) == pytest.approx(8.0, abs=1e-9)
    scenario = scenario_from_dict(data)
    assert scenario.org.employees == 600
    assert scenario.tickets.per_employee_per_month == pytest.approx(
        fitted.data["arrivals"]["per_employee_per_month"], rel=1e-4
    )
    shares = {c.name: c.share for c in scenario.tickets.classes}
    assert shares["p3"] == pytest.approx(fitted.data["mix"]["shares"]["p3"])
    assert shares["service_request"] == 0.0
    # without --employees the defaults stay, and the file still loads
    bare = calibrate.fit(fitted.export).scenario_toml("bare")
    assert "per_employee_per_month =" not in bare and "--employees N" in bare
    assert scenario_from_dict(tomllib.loads(bare)).org.employees == 40


def test_written_scenario_carries_the_fitted_profile(servicenow, tmp_path):
    _, _, _, fitted = servicenow
    scenario = scenario_from_dict(tomllib.loads(fitted.scenario_toml("calibrated-incidents")))
    profile = scenario.tickets.profile
    assert list(profile.weekday) == pytest.approx(fitted.data["profile"]["weekday"])
    assert list(profile.hour) == pytest.approx(fitted.data["profile"]["hour"])


def test_refuses_to_overwrite_a_scenario_it_did_not_write(servicenow, tmp_path, capsys):
    path, _, _, _ = servicenow
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\n', encoding="utf-8")
    code, _, err = run_cli(["calibrate", path, "-o", mine, "--out", tmp_path / "o"], capsys)
    assert code == 2 and "was not written by orgsim calibrate" in err
    assert mine.read_text(encoding="utf-8") == 'name = "mine"\n'


def test_any_export_name_gives_a_valid_scenario_file(servicenow, tmp_path, capsys):
    _, _, export, fitted = servicenow
    name = calibrate.scenario_name("we\u202eird\nname; 'rm -rf' ..[x].csv")
    assert name == "we-ird-name-rm-rf-.-x-.csv" or name[0].isalnum()
    weird = dataclasses.replace(export, source='folder\n/we\u202eird\x7f "name".csv')  # the fixture stays as it is
    text = calibrate.fit(weird, employees=600).scenario_toml(name)
    assert scenario_from_dict(tomllib.loads(text)).name == name
    assert "we\\u202eird\\x7f" in text  # the export's name, escaped, in the comments
    assert all(line.startswith("#") or "\u202e" not in line for line in text.splitlines())
