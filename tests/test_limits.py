"""Bounded work and clean errors everywhere (orgsim.limits, the checks before any run, the
CLI's one line): every request beyond a limit and every hostile input ends in exit 2 and one
line that names the input, checked before any simulation starts; characters that could move
the terminal's cursor are escaped; overload is detected on every queue for any horizon."""

from __future__ import annotations

import errno
import sys
import unicodedata

import numpy as np
import pytest

import orgsim
import orgsim.experiment
from orgsim import limits
from orgsim.cli import main, printable
from orgsim.engine import DailySeries
from orgsim.metrics import growing_queues
from tests.conftest import SCENARIOS

SMALL = str(SCENARIOS / "small-combined.toml")


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if the input ever reaches the runner.  The modules that run anything
    (results, study, ...) are imported first and the runner replaced in each of them too: a
    module imported only while the fixture is active would otherwise keep the stand-in for
    good, and fail every later test that runs a study."""
    import orgsim.cli  # noqa: F401  (everything the commands import, with the real runner)
    import orgsim.study  # noqa: F401

    def refuse(*args, **kwargs):
        raise AssertionError("the input reached the runner")

    real = orgsim.experiment.run_tasks
    for name, module in list(sys.modules.items()):
        if name.startswith("orgsim") and getattr(module, "run_tasks", None) is real:
            monkeypatch.setattr(module, "run_tasks", refuse)


def _one_line_error(capsys, code) -> str:
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err
    message = err.strip().splitlines()[-1]  # argparse prints its usage line first
    assert message.startswith("orgsim: error: ")
    assert all(ch == " " or unicodedata.category(ch)[0] not in "CZ" for ch in message), repr(message)
    return message


def _deep_key(depth: int) -> str:
    return "org." + ".".join(["b"] * depth) + "=1"


CASES = [
    # (id, argv after the scenario's command, fragments of the message)
    ("range-of-text", ["sweep", SMALL, "--vary", "org.employees=e:5:3"], ["org.employees", "LOW:HIGH:COUNT"]),
    ("range-too-long", ["sweep", SMALL, "--vary", "org.employees=1:5:1000000000"], ["1,000,000,000 values", "1,000"]),
    (
        "grid-too-large",
        ["sweep", SMALL, "--vary", "org.employees=1:1000:1000", "--vary", "tickets.per_employee_per_month=1:1000:1000"],
        ["1,000,000 points", "5,000", "split"],
    ),
    (
        "too-many-runs",
        ["sweep", SMALL, "--vary", "org.employees=1:1000:1000", "-r", "100"],
        ["100,000 runs", "50,000", "split"],
    ),
    ("replications", ["run", SMALL, "-r", "1000000000"], ["1,000,000,000", "10,000"]),
    ("dask-address", ["run", SMALL, "--dask", "not an address", "-r", "2"], ["--dask"]),
    ("deep-key", ["validate", SMALL, "--set", _deep_key(3000)], ["org.b", "unknown key"]),
    ("long-out", ["run", SMALL, "-r", "2", "--out", "x" * 300], ["--out", "300 bytes", "give a shorter --out"]),
    (
        "value-per-project-week-nan",
        ["sweep", SMALL, "--vary", "org.employees=40,50", "--value-per-project-week", "nan"],
        ["finite"],
    ),
    (
        "vary-and-across",
        ["sweep", SMALL, "--vary", "org.employees=40,50", "--across", "org.employees=40,50"],
        ["org.employees", "both --vary and --across"],
    ),
    ("unknown-metric", ["sweep", SMALL, "--vary", "org.employees=40,50", "--metric", "nope"], ["--metric", "nope"]),
    ("newline-in-set", ["validate", SMALL, "--set", "name=a\nb"], ["name", "line break"]),
]


@pytest.mark.parametrize(("argv", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_work_beyond_a_limit_or_a_bad_option_exits_2_at_once(
    argv, fragments, tmp_path, monkeypatch, capsys, no_simulation
):
    monkeypatch.chdir(tmp_path)
    if "--out" not in argv and argv[0] in ("run", "sweep", "compare"):
        argv = [*argv, "--out", str(tmp_path / "out")]
    message = _one_line_error(capsys, main([*argv, "--quiet"] if argv[0] != "validate" else argv))
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert not (tmp_path / "out").exists(), "nothing is written for a request that is refused"


@pytest.mark.parametrize(
    ("toml", "fragments"),
    [
        ("[roles.engineer]\nheadcount = {per_employees = 5e-324}\n", ["per_employees", ">= 0.001"]),
        ("[projects]\ninitial_portfolio = 10000000\n", ["projects.initial_portfolio", "50,000,000"]),
    ],
    ids=["tiny-ratio", "huge-portfolio"],
)
def test_a_scenario_asking_too_much_exits_2(toml, fragments, tmp_path, capsys, no_simulation):
    path = tmp_path / "s.toml"
    path.write_text(toml, encoding="utf-8")
    message = _one_line_error(capsys, main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]))
    for fragment in fragments:
        assert fragment in message


def test_the_memory_the_runs_in_flight_may_need_is_checked_before_they_start(monkeypatch, tmp_path, capsys):
    """At worst every expected ticket and work package is open at once: with 2 runs in flight
    and a machine of 1 MB, small-combined's ~1,400 items a run (300 bytes each) do not fit."""
    monkeypatch.setattr(orgsim.experiment, "physical_memory", lambda: 1_000_000)
    monkeypatch.setattr(orgsim.experiment, "run_tasks", lambda *a, **k: pytest.fail("ran"))
    message = _one_line_error(capsys, main(["run", SMALL, "-r", "2", "-j", "2", "--out", str(tmp_path / "o"), "-q"]))
    assert "'jobs'" in message and "GiB" in message and "fewer --jobs" in message


def test_a_full_disk_on_stdout_or_a_file_is_one_line(monkeypatch, capsys):
    class Full:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sys.stdout", Full())
    code = main(["reference"])
    _, err = capsys.readouterr()
    assert code == 2 and err.strip() == "orgsim: error: cannot read or write: No space left on device"


@pytest.mark.parametrize("bad", ["\x1b[2J", "\n", "\u202e", "\r", "\x07", "\u2028"])
def test_control_characters_never_reach_the_terminal(bad, capsys, no_simulation):
    code = main(["validate", SMALL, "--set", f"org.employ{bad}ees=5"])
    message = _one_line_error(capsys, code)
    assert bad not in message and "employ" in message
    assert printable(f"a{bad}b") == "a" + bad.encode("unicode_escape").decode("ascii") + "b"
    assert printable("Zürich, 5 Mitarbeiter") == "Zürich, 5 Mitarbeiter"  # letters of any script stay


def test_a_byte_order_mark_and_a_file_name_that_is_no_valid_name_are_fine(tmp_path, capsys):
    (tmp_path / "bom.toml").write_bytes(b'\xef\xbb\xbfname = "with-bom"\n[org]\nemployees = 50\n')
    (tmp_path / "_draft.toml").write_text("[org]\nemployees = 50\n", encoding="utf-8")
    (tmp_path / "v1..v2.toml").write_text("[org]\nemployees = 50\n", encoding="utf-8")
    for name, expected in (("bom", "with-bom"), ("_draft", "draft"), ("v1..v2", "v1.v2")):
        assert main(["validate", str(tmp_path / f"{name}.toml")]) == 0
        out, _ = capsys.readouterr()
        assert f"'{expected}'" in out


def test_every_limit_is_stated_in_one_module():
    names = {"MAX_REPLICATIONS", "MAX_RANGE_VALUES", "MAX_GRID_POINTS", "MAX_RUNS", "MAX_STAFF", "MAX_ARRIVALS"}
    assert names <= set(limits.__all__)
    from orgsim.scenario import checks

    assert checks.MAX_STAFF is limits.MAX_STAFF and checks.MAX_ARRIVALS is limits.MAX_ARRIVALS


# ------------------------------------------------------------------ overload on every queue


def _series(levels: dict[str, np.ndarray], hours_per_day: float = 8.0) -> DailySeries:
    series = DailySeries()
    days = len(next(iter(levels.values())))
    for day in range(days):
        series.append(
            {"day": day + 1, "hours": (day + 1) * hours_per_day, **{k: float(v[day]) for k, v in levels.items()}}
        )
    return series


@pytest.mark.parametrize(("warmup_weeks", "horizon_weeks"), [(16, 24), (8, 52), (26, 30)])
def test_a_queue_growing_since_time_0_is_found_for_any_horizon(warmup_weeks, horizon_weeks):
    """A queue growing by 5 items a day from time 0 (with noise) is above capacity, whatever the
    warm-up: with a short measured period after a long warm-up its mean level is many times
    its rise over the period, which the old test (rise > half the mean) missed below a horizon
    of ~1.7 x the warm-up.  A stable queue, noisy, and open tickets that pile up (while the
    tickets wait in a manager's approval queue) are judged alike."""
    days = horizon_weeks * 5
    rng = np.random.default_rng(1)
    t = np.arange(days, dtype=float)
    levels = {
        "queue.ticket_l2": 5.0 * t + rng.normal(0, 3, days),
        "queue.admin": 20 + rng.normal(0, 3, days),
        "open_tickets": 40 + 3.0 * t,
        "projects_waiting": np.full(days, 2.0),
    }
    found = growing_queues(_series(levels), warmup_weeks * 40.0)
    assert found == ["ticket_l2", "open_tickets"]


def test_a_stable_noisy_queue_is_not_called_growing():
    for seed in range(20):
        noise = np.random.default_rng(seed).normal(0, 8, 260)
        level = np.clip(30 + np.convolve(noise, np.ones(5) / 5, mode="same"), 0, None)
        assert growing_queues(_series({"queue.ticket_l1": level}), 16 * 40.0) == [], seed


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_a_full_disk_while_saving_a_comparison_or_sweep_is_one_line(command, tmp_path, monkeypatch, capsys):
    import orgsim.plots

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(orgsim.plots, "save", full)
    tiny = ["--set", "simulation.horizon_weeks=3", "--set", "simulation.warmup_weeks=1", "-r", "2", "-j", "1"]
    argv = {
        "compare": ["compare", SMALL, str(SCENARIOS / "small-separate.toml")],
        "sweep": ["sweep", SMALL, "--vary", "org.employees=40,50"],
    }[command]
    message = _one_line_error(capsys, main([*argv, *tiny, "--out", str(tmp_path / "o"), "-q", "--no-plots"]))
    assert "No space left on device" in message


def test_a_worker_that_dies_is_one_line(monkeypatch, tmp_path, capsys):
    from concurrent.futures.process import BrokenProcessPool

    def die(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(orgsim.experiment, "run_tasks", die)
    message = _one_line_error(capsys, main(["run", SMALL, "-r", "2", "--out", str(tmp_path / "o"), "-q"]))
    assert "worker process died" in message and "--jobs" in message
