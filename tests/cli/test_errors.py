"""Bad input through the real ``orgsim`` command: exit code 2, one message on stderr
naming the offending field and what is allowed, and never a traceback.

Most cases call ``orgsim.cli.main`` in-process (it returns the exit code); a few run
``python -m orgsim`` in a subprocess to prove nothing reaches the terminal but the
message.  No case gets as far as simulating: in-process, ``simulate`` is replaced by a
function that fails the test if it is ever called.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field

import pytest

import orgsim.experiment
from orgsim.cli import main

VALID = 'name = "ok"\n[org]\nemployees = 40\n'
ALL_DUTIES = (
    '["ticket_l1", "ticket_l2", "major_incident", "approval", "project_work", "project_coordination",'
    ' "status_reporting", "portfolio_management", "people_management", "admin"]'
)


@dataclass(frozen=True)
class Case:
    id: str
    toml: str | bytes | None = VALID  # scenario file content; None: no file is written
    args: tuple[str, ...] = ()  # extra arguments after the scenario path
    expect: tuple[str, ...] = ()  # every one must appear in stderr
    scenario: str = "scenario.toml"  # the path given, relative to tmp_path
    with_out: bool = True  # add --out <tmp>/out
    argv: tuple[str, ...] | None = field(default=None)  # replaces the whole command line


CASES = [
    # --- the file itself
    Case("malformed-toml", "[org\nemployees = 40\n", expect=("scenario.toml", "not valid TOML")),
    Case("missing-file", None, scenario="nowhere.toml", expect=("nowhere.toml", "no such scenario file")),
    Case("directory-as-scenario", None, scenario="a_folder", expect=("a_folder", "not a file")),
    Case("not-utf8", b'name = "\xff\xfe"\n', expect=("scenario.toml", "cannot read the file")),
    # --- keys
    Case(
        "unknown-top-level-key",
        "[simulaton]\nseed = 1\n",
        expect=("field 'simulaton'", "did you mean 'simulation'?", "allowed: name, description, simulation"),
    ),
    Case(
        "unknown-nested-key",
        "[org]\nemployes = 40\n",
        expect=("field 'org.employes'", "did you mean 'employees'?", "allowed: employees, structure"),
    ),
    Case(
        "unknown-ticket-class-field",
        "[tickets.classes.p1]\nsla_hour = 2\n",
        expect=("field 'tickets.classes.p1.sla_hour'", "did you mean 'sla_hours'?"),
    ),
    # --- values
    Case(
        "string-for-number",
        '[simulation]\nhorizon_weeks = "a year"\n',
        expect=("field 'simulation.horizon_weeks'", "expected a number", "'a year'"),
    ),
    Case(
        "string-for-whole-number",
        '[org]\nemployees = "forty"\n',
        expect=("field 'org.employees'", "expected a whole number", "'forty'"),
    ),
    Case(
        "text-for-bool",
        '[tickets.classes.p2]\npreemptive = "yes"\n',
        expect=("field 'tickets.classes.p2.preemptive'", "expected true or false"),
    ),
    Case(
        "negative-rate",
        "[tickets]\nper_employee_per_month = -1\n",
        expect=("field 'tickets.per_employee_per_month'", "found -1", "allowed: a number from 0 to 1,000"),
    ),
    Case(
        "probability-above-1",
        "[projects]\nexception_probability = 1.5\n",
        expect=("field 'projects.exception_probability'", "found 1.5", "allowed: a number from 0 to 1"),
    ),
    Case(
        "bad-structure",
        '[org]\nstructure = "matrix"\n',
        expect=(
            "field 'org.structure'",
            "'matrix'",
            "one of combined, separate, pmo, embedded, no_pm, combined_engineer, combined_deputy, custom",
        ),
    ),
    Case(
        "mix-not-summing-to-1",
        "[tickets.mix]\np3 = 0.5\nservice_request = 0.4\n",
        expect=("field 'tickets.mix'", "sum to 0.9", "allowed: shares that sum to 1"),
    ),
    Case(
        "warmup-not-below-horizon",
        "[simulation]\nhorizon_weeks = 8\nwarmup_weeks = 8\n",
        expect=("field 'simulation.warmup_weeks'", "found 8", "less than simulation.horizon_weeks (8)"),
    ),
    Case(
        "unknown-distribution-kind",
        '[projects.classes.small]\neffort = { dist = "gamma", mean = 100 }\n',
        expect=(
            "field 'projects.classes.small.effort.dist'",
            "'gamma'",
            "allowed: fixed, exponential, lognormal, triangular",
        ),
    ),
    Case(
        "triangular-low-above-high",
        '[projects.classes.medium]\neffort = { dist = "triangular", low = 10, mode = 5, high = 1 }\n',
        expect=("field 'projects.classes.medium.effort'", "low <= mode <= high"),
    ),
    Case(
        "scheduled-project-of-unknown-class",
        '[[projects.scheduled]]\nweek = 10\nclass = "erp"\n',
        expect=("field 'projects.scheduled[0].class'", "'erp'", "allowed: one of small, medium"),
    ),
    Case(
        "multitasking-loss-above-1",
        "[projects]\nmultitasking_loss = [0, 0.17, 1.5]\n",
        expect=("field 'projects.multitasking_loss[2]'", "found 1.5", "from 0 to below 1"),
    ),
    Case(
        "name-with-path-traversal",
        'name = "../../etc/evil"\n',
        expect=("field 'name'", "'../../etc/evil'", "no path separators or '..'"),
    ),
    # --- roles
    Case(
        "duty-nobody-holds",
        '[org]\nstructure = "custom"\n'
        '[roles.boss]\nheadcount = 1\nduties = ["ticket_l1", "major_incident", "approval", "project_work",'
        ' "project_coordination", "status_reporting", "people_management"]\n',
        expect=("field 'roles'", "duty 'ticket_l2'", "no staffed role holds it", "add it to a role's duties"),
    ),
    Case(
        "reporting-cycle",
        f'[org]\nstructure = "custom"\n'
        f'[roles.lead]\nheadcount = 1\nduties = {ALL_DUTIES}\nreports_to = "chief"\n'
        f'[roles.chief]\nheadcount = 1\nduties = ["people_management"]\nreports_to = "lead"\n',
        expect=("field 'roles.lead.reports_to'", "reporting cycle lead -> chief -> lead", "must form a tree"),
    ),
    Case(
        "reports-to-missing-role",
        '[roles.engineer]\nreports_to = "cto"\n',
        expect=("field 'roles.engineer.reports_to'", "'cto'", "allowed: one of the roles (service_desk, engineer"),
    ),
    Case(
        "unknown-duty",
        '[roles.engineer]\nduties = ["ticket_l2", "firefighting"]\n',
        expect=("field 'roles.engineer.duties'", "unknown duty 'firefighting'", "allowed: ticket_l1, ticket_l2"),
    ),
    Case(
        "new-role-without-headcount",
        '[roles.architect]\nduties = ["project_work"]\n',
        expect=("field 'roles.architect.headcount'", "needs headcount and duties"),
    ),
    # --- --set
    Case(
        "set-unknown-top-level",
        args=("--set", "simulaton.seed=3"),
        expect=("--set: field 'simulaton'", "did you mean 'simulation'?"),
    ),
    Case(
        "set-unknown-nested-key",
        args=("--set", "org.employes=400"),
        expect=("with --set", "field 'org.employes'", "did you mean 'employees'?"),
    ),
    Case(
        "set-bad-value",
        args=("--set", "org.employees=lots"),
        expect=("field 'org.employees'", "expected a whole number, found 'lots'"),
    ),
    Case(
        "set-without-equals",
        args=("--set", "org.employees"),
        expect=("--set: field 'org.employees'", "expected PATH=VALUE"),
    ),
    Case(
        "set-name-traversal",
        args=("--set", "name=../outside"),
        expect=("field 'name'", "'../outside'", "no path separators or '..'"),
    ),
    # --- options
    Case(
        "replications-zero",
        args=("--replications", "0"),
        expect=("argument --replications/-r", "expected a whole number >= 1, found 0"),
    ),
    Case(
        "replications-not-a-number",
        args=("-r", "ten"),
        expect=("argument --replications/-r", "expected a whole number >= 1, found 'ten'"),
    ),
    Case("negative-seed", args=("--seed", "-1"), expect=("argument --seed", "expected a whole number >= 0")),
    Case(
        "out-is-a-file",
        args=("--out", "taken.txt"),
        with_out=False,
        expect=("field '--out'", "taken.txt exists and is not a folder", "give a folder path"),
    ),
    Case(
        "unknown-command",
        argv=("simulate", "x.toml"),
        expect=("invalid choice: 'simulate'", "'run'", "'reference'"),
    ),
]


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if bad input ever reaches the simulation."""

    def simulate(*args, **kwargs):
        raise AssertionError("bad input reached the runner")

    monkeypatch.setattr(orgsim.experiment, "run_tasks", simulate)


def command_line(case: Case, tmp_path) -> list[str]:
    """Write the case's files into tmp_path; the orgsim arguments that use them."""
    if case.argv is not None:
        return list(case.argv)
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "taken.txt").write_text("not a folder\n", encoding="utf-8")
    scenario = tmp_path / case.scenario
    if isinstance(case.toml, bytes):
        scenario.write_bytes(case.toml)
    elif case.toml is not None:
        scenario.write_text(case.toml, encoding="utf-8")
    args = [
        str(tmp_path / a) if a == "taken.txt" else a  # --out taken.txt: the file in tmp_path
        for a in case.args
    ]
    argv = ["run", str(scenario), *args, "--quiet", "--no-plots"]
    if case.with_out:
        argv += ["--out", str(tmp_path / "out")]
    return argv


def check_stderr(err: str, case: Case) -> None:
    assert "Traceback" not in err
    assert err.strip(), "no message on stderr"
    message = err.strip().splitlines()[-1]  # argparse prints its usage line first
    assert message.startswith("orgsim: error: "), err
    for fragment in case.expect:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_with_one_clear_message(case, tmp_path, capsys, no_simulation):
    argv = command_line(case, tmp_path)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    check_stderr(err, case)
    assert out == ""
    assert not (tmp_path / "out").exists(), "a failed run must not create the output folder"
    if case.id == "out-is-a-file":
        assert (tmp_path / "taken.txt").read_text(encoding="utf-8") == "not a folder\n"


def test_case_ids_are_distinct():
    assert len({c.id for c in CASES}) == len(CASES) >= 16


SUBPROCESS_CASES = [
    c for c in CASES if c.id in ("malformed-toml", "missing-file", "set-bad-value", "replications-zero")
]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c.id for c in SUBPROCESS_CASES])
def test_no_traceback_reaches_the_terminal(case, tmp_path):
    argv = command_line(case, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "orgsim", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    check_stderr(done.stderr, case)
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()
