"""Output folders through the real command (``orgsim.cli.main`` in-process, real files):
each holds one whole run, the earlier or the new one, never a mix; a failed write leaves
the earlier folder byte for byte and nothing beside it; the run cache ``.runs/`` survives
a rerun; a planted symlink is never followed; ``run --events`` leaves nothing in the
system temp folder, whatever way it ends.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest

import orgsim.experiment
import orgsim.results.folder
from orgsim.cli import main
from orgsim.results import MANIFEST, Comparison, Files, OutputFolder, Results, UndeclaredFileError, declare
from tests.conftest import make_scenario
from tests.test_hostile_input import to_toml

DATA = ["people.csv", "projects.csv", "replications.csv", "summary.json", "timeseries.csv"]
PNGS = ["backlog.png", "leadtimes.png", "throughput.png", "workload.png"]
FAST = ["-q", "--jobs", "1", "-r", "2"]


def _scenario_file(folder: Path, name: str = "tiny", **sections) -> Path:
    sections.setdefault("org", {"employees": 40})
    sections.setdefault("simulation", {"horizon_weeks": 3, "warmup_weeks": 1})
    path = folder / f"{name}.toml"
    path.write_text(to_toml(make_scenario(name=name, **sections).to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def scenario(tmp_path) -> Path:
    return _scenario_file(tmp_path)


@pytest.fixture
def out(tmp_path) -> Path:
    """The output folder, alone in its parent (so anything left beside it shows)."""
    return tmp_path / "outputs" / "run"


def _cli(argv, capsys):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _run(capsys, *argv):
    code, _, err = _cli(argv, capsys)
    assert code == 0, err
    return err


def _snapshot(folder: Path) -> dict:
    """Every entry under ``folder``, hidden ones included: a file's bytes, a link's target."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            entries[key] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[key] = ("dir",)
        else:
            entries[key] = ("file", path.read_bytes())
    return entries


def _one_line_error(code, out, err, *fragments):
    assert code == 2, err
    assert out == "" or "wrote" not in out
    assert err.count("\n") == 1 and err.startswith("orgsim: error: command line: field '--out': "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


# ------------------------------------------------------------------ a failed write


def _fail_on_frame(n: int, error: BaseException):
    """An ``OutputFolder.frame`` that writes the first n-1 tables and half of the n-th, then fails."""
    original = OutputFolder.frame
    calls = []

    def frame(self, name, table):
        calls.append(name)
        if len(calls) < n:
            return original(self, name, table)

        def half(handle):
            handle.write(table.to_csv(index=False).encode()[:20])
            raise error

        return self.write(name, half)

    return frame


def _fail_in_events(error: BaseException):
    original = Results._write_events

    def events(self, handle):
        original(self, handle)
        raise error

    return events


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    "where",
    ["third-table-disk-full", "events-disk-full", "second-table-ctrl-c"],
)
def test_a_write_that_fails_midway_leaves_the_earlier_folder_byte_for_byte(where, scenario, out, capsys, monkeypatch):
    _run(capsys, "run", scenario, "--out", out, "--events", "--no-plots", *FAST)
    before = _snapshot(out)
    assert sorted(before) == sorted([*DATA, "events.csv", MANIFEST])
    if where == "third-table-disk-full":
        monkeypatch.setattr(OutputFolder, "frame", _fail_on_frame(3, DISK_FULL))
    elif where == "events-disk-full":
        monkeypatch.setattr(Results, "_write_events", _fail_in_events(DISK_FULL))
    else:
        monkeypatch.setattr(OutputFolder, "frame", _fail_on_frame(2, KeyboardInterrupt()))
    code, stdout, err = _cli(["run", scenario, "--out", out, "--events", "--set", "org.employees=50", *FAST], capsys)
    if where.endswith("ctrl-c"):
        assert code == 130 and "interrupted" in err, err
    else:
        _one_line_error(code, stdout, err, f"cannot write to {out}", "No space left on device")
    assert _snapshot(out) == before
    assert os.listdir(out.parent) == ["run"], "a partial or temporary file or folder is left beside it"


def test_a_failed_swap_puts_the_earlier_folder_and_its_cache_back(tmp_path, capsys, monkeypatch):
    """The last step (renaming the new folder into place) fails: the earlier folder, with the
    run cache that was moved into the new one, is back where it was."""
    a, b = _scenario_file(tmp_path, "a"), _scenario_file(tmp_path, "b")
    out = tmp_path / "outputs" / "cmp"
    _run(capsys, "compare", a, b, "--out", out, "--no-plots", *FAST)
    before = _snapshot(out)
    assert any(k.startswith(".runs/") and k.endswith(".json") for k in before)
    rename = os.rename

    def refuse_into_place(source, target):
        if Path(target) == out and Path(source).name.startswith(".cmp.") and ".old." not in Path(source).name:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return rename(source, target)

    monkeypatch.setattr(orgsim.results.folder.os, "rename", refuse_into_place)
    code, stdout, err = _cli(["compare", a, b, "--out", out, "--no-plots", "--seed", "9", *FAST], capsys)
    _one_line_error(code, stdout, err, f"cannot write to {out}", os.strerror(errno.EIO))
    after = _snapshot(out)
    assert {k: after.get(k) for k in before} == before  # every file of the first run, its cache included
    assert all(k.startswith(".runs/") for k in set(after) - set(before))  # and the cache of the runs just done
    assert os.listdir(out.parent) == ["cmp"]


# ------------------------------------------------------------------ a successful rerun


def test_a_rerun_leaves_no_file_of_the_earlier_run(scenario, out, capsys):
    _run(capsys, "run", scenario, "--out", out, "--events", *FAST)
    assert sorted(os.listdir(out)) == sorted([*DATA, "events.csv", *PNGS, MANIFEST])
    out.chmod(0o750)
    _run(capsys, "run", scenario, "--out", out, "--no-plots", "--set", "org.employees=50", *FAST)
    assert sorted(os.listdir(out)) == sorted([*DATA, MANIFEST])  # no events.csv, no plots of the earlier run
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"] == sorted(DATA)
    assert '"employees": 50' in (out / "summary.json").read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o777 == 0o750  # the folder keeps its permissions
    assert os.listdir(out.parent) == ["run"]


def test_the_run_cache_survives_a_rerun_and_is_used(tmp_path, capsys, monkeypatch):
    a, b = _scenario_file(tmp_path, "a"), _scenario_file(tmp_path, "b")
    out = tmp_path / "outputs" / "cmp"
    _run(capsys, "compare", a, b, "--out", out, "--no-plots", *FAST)
    cache = {k: v for k, v in _snapshot(out).items() if k.startswith(".runs")}
    assert sum(k.endswith(".json") for k in cache) == 4

    def never(*args, **kwargs):
        raise AssertionError("a cached replication ran again")

    monkeypatch.setattr(orgsim.experiment, "run_replication", never)
    _run(capsys, "compare", a, b, "--out", out, "--no-plots", *FAST)
    after = _snapshot(out)
    assert {k: v for k, v in after.items() if k.startswith(".runs")} == cache
    assert sorted(k for k in after if not k.startswith(".runs")) == [MANIFEST, "comparison.csv", "differences.csv"]


# ------------------------------------------------------------------ planted symlinks


def test_a_symlink_at_a_file_name_in_the_earlier_folder_is_not_followed(scenario, out, tmp_path, capsys):
    _run(capsys, "run", scenario, "--out", out, "--no-plots", *FAST)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    for name in ("summary.json", "people.csv"):  # files the folder's manifest lists
        (out / name).unlink(missing_ok=True)
        (out / name).symlink_to(victim)
    _run(capsys, "run", scenario, "--out", out, "--no-plots", "--events", *FAST)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / "summary.json").is_symlink() and not (out / "people.csv").is_symlink()
    assert '"replications": 2' in (out / "summary.json").read_text(encoding="utf-8")


def test_a_symlink_planted_in_a_predicted_new_folder_is_not_followed(scenario, out, tmp_path, capsys, monkeypatch):
    """Were the new folder's name guessed and a link planted in it, O_EXCL|O_NOFOLLOW refuses
    to write through it: the write fails, the earlier folder stays, the target is untouched."""
    _run(capsys, "run", scenario, "--out", out, "--no-plots", *FAST)
    before = _snapshot(out)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    predicted = out.parent / ".run.predicted"
    predicted.mkdir()
    (predicted / "summary.json").symlink_to(victim)
    monkeypatch.setattr(orgsim.results.folder.tempfile, "mkdtemp", lambda **kwargs: str(predicted))
    code, stdout, err = _cli(["run", scenario, "--out", out, "--no-plots", *FAST], capsys)
    _one_line_error(code, stdout, err, f"cannot write to {out}", "File exists")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert _snapshot(out) == before
    assert os.listdir(out.parent) == ["run"]


def test_a_symlink_at_a_temporary_file_name_is_not_followed(tmp_path, monkeypatch):
    """Files added one at a time (``OutputFolder(directory)``, as realism does): the old
    predictable temporary name is no longer used, and a link at a guessed new one is refused."""
    folder = tmp_path / "folder"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (folder / ".realism.csv.partial").symlink_to(victim)  # where orgsim used to write
    OutputFolder(folder).text("realism.csv", "a,b\n")
    assert (folder / "realism.csv").read_text(encoding="utf-8") == "a,b\n"
    monkeypatch.setattr(orgsim.results.folder.secrets, "token_hex", lambda n: "0" * 2 * n)
    (folder / f".summary.json.{'0' * 16}.partial").symlink_to(victim)
    with pytest.raises(FileExistsError):
        OutputFolder(folder).text("summary.json", "{}")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (folder / "summary.json").exists()


# ------------------------------------------------------------------ run --events and Ctrl-C


@pytest.fixture
def system_temp(tmp_path, monkeypatch) -> Path:
    """tempfile.gettempdir() for this test only: what orgsim leaves there shows."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


def test_ctrl_c_during_a_run_with_events_leaves_nothing_in_the_temp_folder(
    scenario, out, system_temp, capsys, monkeypatch
):
    real = orgsim.experiment.run_replication
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(orgsim.experiment, "run_replication", interrupted)
    code, _, err = _cli(["run", scenario, "--out", out, "--events", "--no-plots", *FAST], capsys)
    assert code == 130 and "interrupted" in err, err
    assert len(calls) == 2
    assert os.listdir(system_temp) == []
    assert not out.exists() and os.listdir(out.parent) == []


def test_ctrl_c_while_writing_the_event_log_leaves_nothing_in_the_temp_folder(
    scenario, out, system_temp, capsys, monkeypatch
):
    _run(capsys, "run", scenario, "--out", out, "--events", "--no-plots", *FAST)
    assert os.listdir(system_temp) == []  # a run that succeeds leaves nothing either
    before = _snapshot(out)
    monkeypatch.setattr(Results, "_write_events", _fail_in_events(KeyboardInterrupt()))
    code, _, err = _cli(["run", scenario, "--out", out, "--events", "--no-plots", "--seed", "5", *FAST], capsys)
    assert code == 130, err
    assert os.listdir(system_temp) == []
    assert _snapshot(out) == before and os.listdir(out.parent) == ["run"]


# ------------------------------------------------------------------ folders orgsim must not replace


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr(orgsim.experiment, "run_tasks", refuse)


@pytest.mark.parametrize("how", ["foreign-file", "current-folder", "symlink"])
def test_a_folder_orgsim_must_not_replace_is_refused_before_running(
    how, scenario, tmp_path, capsys, monkeypatch, no_simulation
):
    """The whole folder is replaced, so ``--out ~`` or ``--out .`` would delete what is there:
    refused before anything runs, with nothing changed."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    (folder / "summary.json").write_text("{}", encoding="utf-8")
    target, expect = folder, ("notes.txt", "orgsim did not write")
    if how == "current-folder":
        (folder / "notes.txt").unlink()  # even a folder of orgsim's own files
        monkeypatch.chdir(folder)
        target, expect = Path("."), ("is the current folder",)
    elif how == "symlink":
        target = tmp_path / "link"
        target.symlink_to(folder, target_is_directory=True)
        expect = ("is a symbolic link",)
    before = _snapshot(tmp_path)
    code, stdout, err = _cli(["run", scenario, "--out", target, "--no-plots", *FAST], capsys)
    _one_line_error(code, stdout, err, *expect)
    assert _snapshot(tmp_path) == before


# ------------------------------------------------------------------ files declared by their writer

# Every name the version before declarations wrote (results.py's _OWN_FILES): a folder of
# them, written by that version, is still recognised as orgsim's and replaced.
EARLIER_NAMES = [
    *["summary.json", "replications.csv", "timeseries.csv", "people.csv", "projects.csv", "events.csv"],
    *["events.xes", "comparison.csv", "differences.csv", "sweep.csv", "sweep-summary.csv", "crossover.json"],
    *["realism.csv", "report.html", "study.json", "tradeoffs.csv", "net_benefit.csv", "it_manager_hours.csv"],
    *["headcounts.csv", "headcount_steps.csv", "sensitivity.csv", "key_numbers.csv"],
    *[f"q{n}.csv" for n in range(1, 9)],
    *[".DS_Store", "Thumbs.db", "desktop.ini", "dashboard.png", "sweep-staff_cost_per_week.png"],
]


def test_a_folder_written_by_the_earlier_version_is_still_replaced(tmp_path):
    folder = tmp_path / "earlier"
    (folder / ".runs").mkdir(parents=True)
    for name in EARLIER_NAMES:
        (folder / name).write_text("x", encoding="utf-8")
    assert OutputFolder.check(folder) == folder
    with OutputFolder.replace(folder, files=Comparison.FILES) as out:
        out.text("comparison.csv", "a\n")
    assert sorted(os.listdir(folder)) == [".orgsim-files.json", ".runs", "comparison.csv"]


def test_writing_an_undeclared_file_fails_on_the_first_run(tmp_path):
    """The writer's declaration is checked as it writes: a forgotten name is a programming
    error at once (not a refused folder on the second run), and nothing is left behind."""
    out = tmp_path / "out"
    undeclared = pytest.raises(UndeclaredFileError, match="'notes.csv' is written but not declared")
    with undeclared, OutputFolder.replace(out, files=Results.FILES) as folder:
        folder.text("summary.json", "{}")
        folder.text("notes.csv", "a\n")
    assert os.listdir(tmp_path) == []
    with pytest.raises(UndeclaredFileError):
        OutputFolder(tmp_path / "added", files=["calibration.json"]).text("other.json", "{}")


def test_what_a_writer_wrote_is_recognised_by_its_manifest(tmp_path):
    """A new writer declares its files (patterns allowed); the folder it writes lists them in
    its manifest, so it is replaceable by it and by any other writer, with no registry of
    names anywhere; a file added by hand is not orgsim's and the folder is refused."""
    out = tmp_path / "out"
    files = declare("chart-*.svg", "table.csv")
    assert "chart-a.svg" in files and "table.csv" in files and "chart.png" not in files
    with OutputFolder.replace(out, files=files) as folder:
        folder.text("table.csv", "a\n")
        folder.text("chart-a.svg", "<svg/>")
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"] == ["chart-a.svg", "table.csv"]
    assert OutputFolder.check(out) == out
    (out / "chart-b.svg").write_text("<svg/>", encoding="utf-8")  # declared by the writer, but not written by it
    with pytest.raises(OSError, match=r"holds files orgsim did not write \(chart-b.svg\)"):
        OutputFolder.check(out)
    (out / "chart-b.svg").unlink()
    with OutputFolder.replace(out, files=Results.FILES | files) as folder:
        folder.text("summary.json", "{}")
    assert sorted(os.listdir(out)) == [MANIFEST, "summary.json"]
    with pytest.raises(ValueError, match="not a file name or pattern"):
        Files("sub/table.csv")


def test_every_container_writes_only_what_it_declares(tmp_path):
    scenario = make_scenario(name="declared", org={"employees": 40}, simulation={"horizon_weeks": 3, "warmup_weeks": 1})
    run = orgsim.results.simulate(scenario, replications=2, seed=3, jobs=1, events="csv,xes")
    with run as results, OutputFolder.replace(tmp_path / "run", files=Results) as folder:
        results.write(folder)
    assert {p.name for p in folder.written} == {n for n in Results.FILES if "*" not in n}
    comparison = Comparison([results, results])
    with OutputFolder.replace(tmp_path / "cmp", files=Comparison.FILES) as folder:
        comparison.write(folder)
    assert {p.name for p in folder.written} == {"comparison.csv", "differences.csv"}


def test_a_private_folder_left_by_a_killed_write_is_removed_by_the_next_and_a_running_ones_is_kept(tmp_path):
    """SIGKILL leaves the private folder of a write beside its target (issue 23).  The next write
    to the same folder removes it once its process is gone, and leaves that of a write still
    running (here: this test's parent process) alone."""
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    killed = tmp_path / f".out.{dead_pid}.abcd1234"
    running = tmp_path / f".out.{os.getppid()}.efgh5678"
    for folder in (killed, running):
        folder.mkdir()
        (folder / "summary.json").write_text("{}")
    with OutputFolder.replace(tmp_path / "out") as out:
        out.write("a.csv", lambda handle: handle.write(b"x\n"))
    assert not killed.exists() and running.exists()
    assert (tmp_path / "out" / "a.csv").read_bytes() == b"x\n"
    leftovers = {p.name for p in tmp_path.iterdir()} - {"out", running.name}
    assert leftovers == set(), leftovers
