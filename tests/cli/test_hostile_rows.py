"""The rows of issue 23 that end at the command line: each a constructed input, its exit
code, its one line, and nothing written outside the output folder or left in the temporary
folder.  No case but the escaping of a success line runs a simulation."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import orgsim
import orgsim.experiment
import orgsim.results
from orgsim.cli import main
from orgsim.cli.output import written_line
from tests.conftest import SCENARIOS

SMALL = str(SCENARIOS / "small-combined.toml")
VALIDATION = SCENARIOS / "validation"


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the work started before the check")

    monkeypatch.setattr(orgsim.experiment, "run_tasks", refuse)


def _one_line(capsys, code: int, *fragments: str) -> str:
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("orgsim: error: "), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err


def test_verify_on_a_tampered_scenario_is_one_line_and_exit_2(tmp_path, capsys, no_simulation):
    folder = tmp_path / "validation"
    shutil.copytree(VALIDATION, folder)
    target = folder / "mm1-rho050.toml"
    target.write_text(target.read_text().replace("mean = 1 }", "mean = 2 }"), encoding="utf-8")
    code = main(["verify", "--scenarios", str(folder), "--quick", "-q"])
    _one_line(capsys, code, "mm1-rho050.toml", "not the queue it claims to be", "exponential with mean 1")


def test_verify_out_into_a_missing_folder_is_refused_before_any_run(tmp_path, capsys, no_simulation):
    code = main(["verify", "--quick", "-q", "--out", str(tmp_path / "missing" / "verify.csv")])
    _one_line(capsys, code, "'--out'", "no folder", "create it first")
    assert list(tmp_path.iterdir()) == []


def test_study_sizes_beyond_the_runs_allowed_name_sizes_at_once(tmp_path, capsys, no_simulation):
    code = main(["study", SMALL, "--sizes", "25:1600:1000", "--out", str(tmp_path / "out"), "-q"])
    err = _one_line(capsys, code, "'--sizes'", "1,000 sizes", "allowed: at most 50,000", "fewer sizes")
    assert "field 'replications'" not in err and "split the grid" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("why", ["read-only", "mount point"])
def test_a_sweep_into_a_read_only_or_mounted_out_is_refused_before_running(why, tmp_path, capsys, monkeypatch):
    import orgsim.cli.output as output

    out = tmp_path / "out"
    out.mkdir()
    if why == "read-only":  # as root a mode of 0555 does not stop a write: the answer of a read-only mount
        real = os.access
        monkeypatch.setattr(output.os, "access", lambda p, m: False if Path(p) == out else real(p, m))
    else:
        monkeypatch.setattr(output.os.path, "ismount", lambda p: Path(p) == out)
    monkeypatch.setattr(orgsim.experiment, "run_tasks", lambda *a, **k: pytest.fail("ran"))
    code = main(["sweep", SMALL, "--vary", "org.employees=20,40", "--out", str(out), "-q"])
    _one_line(capsys, code, "'--out'", why)
    assert list(out.iterdir()) == []


def test_success_lines_are_escaped_like_error_lines(tmp_path, capsys):
    bad = "x\x1b[2J\u202ey"
    path = tmp_path / f"{bad}.toml"
    shutil.copy(SMALL, path)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b[2J\\u202e" in out
    line = written_line([tmp_path / "a.csv"], tmp_path / bad)
    assert "\x1b" not in line and "\u202e" not in line and "\\u202e" in line
    out_dir = tmp_path / f"run{bad}"
    args = ["run", SMALL, "--out", str(out_dir), "-r", "1", "-q", "--no-plots"]
    args += ["--set", "simulation.horizon_weeks=2", "--set", "simulation.warmup_weeks=0"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "wrote " in out


def test_a_full_temporary_folder_names_it(tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(orgsim.results, "simulate", full)
    code = main(["run", SMALL, "--events", "xes", "--out", str(tmp_path / "out"), "-q"])
    _one_line(capsys, code, "'--events'", tempfile.gettempdir(), "TMPDIR")
    assert not (tmp_path / "out").exists()


def test_an_event_log_that_would_not_fit_in_the_temporary_folder_is_refused_before_any_run(
    tmp_path, capsys, monkeypatch, no_simulation
):
    """The event log's parts wait in the temporary folder: one replication of the 1,500-employee
    scenario would write ~12,000 items x ~1 kB there.  With 1 MB free the run is refused before
    it starts, naming --events, the folder and TMPDIR, and its temporary folder is gone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    real = shutil.disk_usage

    def nearly_full(path):
        return real(path)._replace(free=1_000_000)

    monkeypatch.setattr(orgsim.experiment.shutil, "disk_usage", nearly_full)
    large = str(SCENARIOS / "large-separate.toml")
    code = main(["run", large, "--events", "--out", str(tmp_path / "out"), "-r", "1", "-q"])
    _one_line(capsys, code, "'--events'", str(tmp_path / "tmp"), "TMPDIR", "GiB")
    assert not (tmp_path / "out").exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the event log's folder went with the refusal


def test_out_of_memory_is_one_line(tmp_path, capsys, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(orgsim.results, "simulate", exhausted)
    code = main(["run", SMALL, "--out", str(tmp_path / "out"), "-q"])
    _one_line(capsys, code, "out of memory", "fewer --jobs")


def test_an_over_long_out_or_default_folder_name_names_out_and_a_shorter_one(tmp_path, capsys, monkeypatch):
    code = main(["run", SMALL, "--out", str(tmp_path / ("a" * 300)), "-q"])
    _one_line(capsys, code, "'--out'", "300 bytes", "give a shorter --out")
    names = []
    for i in range(3):
        path = tmp_path / f"s{i}.toml"
        path.write_text(Path(SMALL).read_text().replace('name = "small-combined"', f'name = "{"n" * 99}{i}"'))
        names.append(str(path))
    monkeypatch.chdir(tmp_path)
    code = main(["compare", *names, "-q"])
    _one_line(capsys, code, "'--out'", "default folder name compare-", "--out outputs/compare")
    assert not (tmp_path / "outputs").exists() or list((tmp_path / "outputs").iterdir()) == []


@pytest.mark.parametrize("command", ["validate", "run", "study"])
def test_a_3000_level_dotted_set_key_is_one_line(command, tmp_path, capsys, no_simulation):
    key = "roles.x." + ".".join(["a"] * 3000)
    argv = [command, SMALL, "--set", f"{key}=1"] + ([] if command == "validate" else ["--out", str(tmp_path / "o")])
    err = _one_line(capsys, main(argv))
    assert "Recursion" not in err


def test_run_on_a_bad_scenario_loads_no_plotting_library(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[org\n', encoding="utf-8")
    code = (
        "import sys\nfrom orgsim.cli import main\n"
        f"code = main(['run', {str(bad)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')\n"
        "print(code, len(loaded))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(orgsim.__file__).parents[1]), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split() == ["2", "0"], (done.stdout, done.stderr)
    assert done.stderr.startswith("orgsim: error: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "mpl").exists()  # no font cache built
