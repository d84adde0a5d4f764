"""A real install works: a wheel of this checkout, installed (not editable) into a folder of its
own, runs from a folder outside the checkout: its version, a shipped scenario by name, and
``orgsim verify`` on the validation scenarios it carries.  The dependencies are this
interpreter's; nothing is fetched (``--no-index``, ``--no-deps``, ``--no-build-isolation``).

The wheel is built from a copy of the checkout, so that setuptools' ``build/`` folder (whose
stale files would end up in a wheel) neither comes from nor lands in the working tree.

Also, in this process: ``--version``, a shipped scenario run by its bare name, and the one-line
error for a name that is neither a file nor a shipped scenario.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from orgsim.cli import main
from orgsim.scenario.load import load_scenario, shipped_scenarios
from orgsim.version import __version__
from tests.conftest import REPO, SCENARIOS

SHIPPED = REPO / "orgsim" / "shipped"
NOT_COPIED = (".git", "build", "dist", "*.egg-info", "__pycache__", "outputs", ".*cache", ".hypothesis", "*venv")


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-deps", "--no-index", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert done.returncode == 0, f"pip {args[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """The checkout built as a wheel and installed with ``pip install --target``: a dict with the
    wheel, the install folder (``site``) and a working folder outside the checkout (``work``)."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*NOT_COPIED))
    _pip("wheel", str(source), "--no-build-isolation", "-w", str(root / "dist"), cwd=root)
    (wheel,) = (root / "dist").glob("orgsim-*.whl")
    _pip("install", "--target", str(root / "site"), str(wheel), cwd=root)
    work = root / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(REPO.resolve())
    return {"wheel": wheel, "site": root / "site", "work": work}


def _installed(install, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python ARGS`` with only the install on the path, run in the working folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = str(install["site"])
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=install["work"], env=env
    )


def test_the_wheel_holds_every_module_and_every_shipped_scenario(install):
    names = set(zipfile.ZipFile(install["wheel"]).namelist())
    package = REPO / "orgsim"
    for path in [*package.rglob("*.py"), *SHIPPED.rglob("*.toml")]:
        assert path.relative_to(REPO).as_posix() in names, f"{path.relative_to(REPO)} is not in the wheel"
    assert any(name.startswith("orgsim/shipped/validation/") for name in names)


def test_the_installed_package_is_imported_and_prints_its_version(install):
    done = _installed(install, "-c", "import orgsim, orgsim.verification as v; print(orgsim.__file__)")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve().is_relative_to(install["site"].resolve()), done.stdout
    done = _installed(install, "-m", "orgsim", "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"orgsim {__version__}\n", "")
    script = install["site"] / "bin" / "orgsim"  # the console script pip wrote beside the package
    done = _installed(install, str(script), "--version")
    assert (done.returncode, done.stdout) == (0, f"orgsim {__version__}\n"), done.stderr


def test_the_installed_package_runs_a_shipped_scenario_by_name(install):
    out = install["work"] / "o"
    args = ["run", "small-combined", "-r", "2", "--jobs", "1", "--no-plots", "--out", str(out), "-q"]
    done = _installed(install, "-m", "orgsim", *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("small-combined: 2 replications"), done.stdout
    assert {"summary.json", "replications.csv"} <= {p.name for p in out.iterdir()}


def test_the_installed_package_verifies_with_its_own_validation_scenarios(install):
    where = _installed(install, "-c", "from orgsim.verification import default_directory as d; print(d())")
    assert Path(where.stdout.strip()).resolve().is_relative_to(install["site"].resolve()), where.stderr
    # two replications a case: this checks that the installed package finds and runs its own
    # cases; whether they agree with queueing theory is tests/test_verification.py's question
    done = _installed(install, "-m", "orgsim", "verify", "--quick", "-r", "2", "--jobs", "1", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    cases = [path.stem for path in sorted((SHIPPED / "validation").glob("*.toml"))]
    assert len(cases) >= 9
    for case in [*cases, "little-large-separate"]:
        assert f"\n{case} " in done.stdout, f"{case} missing from:\n{done.stdout}"


# ------------------------------------------------------------------ in this process


def test_version_flag_prints_orgsim_and_the_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"orgsim {__version__}\n"


def test_the_checkouts_scenarios_folder_is_the_shipped_one():
    assert SCENARIOS.resolve() == SHIPPED.resolve(), "scenarios/ should be a link to orgsim/shipped/"
    assert list(shipped_scenarios()) == sorted(path.stem for path in SHIPPED.glob("*.toml"))
    assert {"small-combined", "small-separate", "large-separate"} <= set(shipped_scenarios())


def test_a_shipped_scenario_runs_by_its_bare_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here: the name alone must find it
    out = tmp_path / "o"
    args = ["run", "small-combined", "-r", "2", "--jobs", "1", "--no-plots", "--out", str(out), "-q"]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("small-combined: 2 replications")
    assert (out / "summary.json").is_file()


def test_a_file_of_that_name_comes_before_the_shipped_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small-combined").write_text('name = "mine"\n[org]\nemployees = 60\n', encoding="utf-8")
    scenario = load_scenario("small-combined")
    assert (scenario.name, scenario.org.employees) == ("mine", 60)


@pytest.mark.parametrize("argument", ["no-such-scenario", "small-combined.toml", "elsewhere/small-combined"])
def test_a_name_neither_file_nor_shipped_is_one_line_naming_the_shipped(argument, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", argument, "-q"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"orgsim: error: {argument}: no such scenario file"), lines[0]
    assert "shipped: " + ", ".join(shipped_scenarios()) in lines[0]
