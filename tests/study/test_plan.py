"""The study's plan, and the options and scenarios it refuses."""

from __future__ import annotations

import pytest

from orgsim.cli import main
from orgsim.scenario import load_scenario
from orgsim.study import DEFAULT_SIZES, study_plan


def test_default_plan_is_the_benchmarked_one():
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario)
    assert plan.sizes == DEFAULT_SIZES == (25, 50, 100, 200, 400, 800, 1600)
    assert plan.structures == ("combined", "separate", "pmo", "no_pm")
    assert plan.cultures == ("operations_first",) and plan.other_culture == "projects_first"
    assert plan.replications == 10 and plan.reference_size == 400 and plan.small_firm == 40
    big = load_scenario("large-combined")
    assert study_plan(big).small_firm == 40  # Q4 in a small firm, whatever the scenario's size
    # combined always comes first: it is the baseline of every comparison
    assert study_plan(scenario, structures=["separate", "embedded", "combined"]).structures == (
        "combined",
        "separate",
        "embedded",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sizes", "25,50"], "field '--sizes': expected three or more whole numbers of employees >= 1"),
        (["--sizes", "25,50,50"], "field '--sizes': each size once"),
        (["--sizes", "25,50.5,100"], "field '--sizes': expected three or more whole numbers"),
        (["--structures", "combined,pmo"], "field '--structures': the question needs combined and separate"),
        (["--structures", "combined,separate,matrix"], "field '--structures': unknown 'matrix'; allowed: combined"),
        (["--structures", "combined,,separate"], "field '--structures': expected names separated by commas"),
        (["--cultures", "agile"], "field '--cultures': expected one or both of operations_first, projects_first"),
        (["-r", "2"], "field '--replications': a study needs at least 3"),
        (["--value-per-project-week", "-1"], "expected a number >= 0"),
    ],
)
def test_bad_study_options_get_one_line_and_exit_2(options, message, tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["study", "small-combined", *options, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert message in error[-1] and "Traceback" not in "\n".join(error)
    assert not out.exists()


def test_a_scenario_with_roles_of_its_own_is_refused(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\n[org]\nemployees = 60\nstructure = "combined"\n[roles.it_manager]\nhourly_cost = 90\n',
        encoding="utf-8",
    )
    assert main(["study", str(path), "--quick", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "field 'roles': the study re-structures the organisation" in error and "it_manager" in error
