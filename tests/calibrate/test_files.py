"""The command writes the scenario file, calibration.json and calibration.png; the README
documents it.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image

from orgsim import calibrate
from orgsim.results import MANIFEST
from tests.calibrate.synthetic import run_cli


def test_cli_writes_the_scenario_calibration_json_and_png(servicenow, tmp_path, capsys):
    path, made, _, _ = servicenow
    out = tmp_path / "cal"
    code, stdout, err = run_cli(["calibrate", path, "--out", out, "--employees", 600], capsys)
    assert code == 0, err
    toml = out / "calibrated-incidents.toml"
    assert calibrate.FILES == ("calibration.json", "calibration.png")  # declared where they are written
    assert {p.name for p in out.iterdir()} == {"calibrated-incidents.toml", *calibrate.FILES, MANIFEST}
    assert json.loads((out / MANIFEST).read_text())["files"] == sorted(calibrate.FILES)  # the scenario is the user's
    text = toml.read_text(encoding="utf-8")
    assert text.startswith(calibrate.HEADER)
    for phrase in ("lead time", "cannot tell", "Defaults kept", "truncated", "next working hour", "made_sla"):
        assert phrase in text, phrase
    data = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert data["rows"]["tickets"] == len(made["truth"])
    assert data["scenario"]["name"] == "calibrated-incidents"
    image = matplotlib.image.imread(out / "calibration.png")
    assert image.shape[0] > 800 and image.shape[1] > 1000
    assert image[..., :3].std() > 0.05  # not blank
    dirty = made["dirty"]
    dropped = dirty["duplicates"] + dirty["no_number"] + dirty["bad_opened_rows"] + dirty["canceled_rows"]
    assert f"dropped {dropped} rows: duplicate row (identical to an earlier one): {dirty['duplicates']}; " in stdout
    assert "truncated: the last week (of 2026-06-08)" in stdout
    assert "wrote 3 files" in stdout
    # the file was written by calibrate: running it again replaces it
    assert run_cli(["calibrate", path, "--out", out, "--employees", 600], capsys)[0] == 0


def test_readme_calibrate_section_names_the_command_fields_and_decisions():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Is this my organisation? `orgsim calibrate`\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    for name in calibrate.FIELDS:
        assert f"`{name}`" in section, name
    for phrase in ("--employees", "--check", "--map", "next working hour", "truncated", "lead time", "not effort"):
        assert phrase in section, phrase
    for name in ("calibration.json", "calibration.png", "[tickets.profile]", "[tickets.mix]"):
        assert name in section, name


def test_a_full_disk_leaves_the_scenario_and_calibration_json_both_as_they_were(
    servicenow, tmp_path, capsys, monkeypatch
):
    """The scenario's header names calibration.json: when calibration.json cannot be written,
    the scenario is not written either (nor any hidden part of it)."""
    import errno

    from orgsim.results import OutputFolder

    path = servicenow[0]
    out = tmp_path / "cal"
    real = OutputFolder.write

    def full(self, name, write):
        if name == "calibration.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, write)

    monkeypatch.setattr(OutputFolder, "write", full)
    code, _, err = run_cli(["calibrate", path, "--out", out, "--employees", 600], capsys)
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err, err
    assert "--out" in err and "Traceback" not in err
    left = {p.name for p in out.iterdir()} if out.exists() else set()
    assert not any(name.endswith((".toml", ".partial")) or name == "calibration.json" for name in left), left
