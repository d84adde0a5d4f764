"""The stability check of a point (``orgsim.results.capacity``): over capacity when a queue
grows in most replications or a role's offered hours exceed its available hours (the CI of
the paired difference above zero), said in words; and compare, sweep and the study never
print a magnitude read from a queue of an over-capacity point (a deliberately overloaded
scenario: small-combined with four times the projects at 200 employees)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import orgsim
from orgsim.catalogue import CATALOGUE, QUEUE_MAGNITUDES, lookup, markdown_list
from orgsim.cli import main
from orgsim.results import capacity
from orgsim.results.capacity import QUEUE_GROWTH_ONLY, from_queue
from orgsim.results.censored import NOT_RECORDED, censored_lead_time
from orgsim.results.money import NET_BENEFIT
from orgsim.results.wording import sweep_table
from orgsim.wording import OVER_CAPACITY, VERDICTS
from tests.conftest import SCENARIOS

OVERLOAD = {
    "projects.arrival_scale": 4,
    "org.employees": 200,
    "simulation.horizon_weeks": 52,
    "simulation.warmup_weeks": 4,
}
SET = [x for path, value in OVERLOAD.items() for x in ("--set", f"{path}={value}")]


def _results(columns: dict, growing: dict | None = None):
    """A Results of the shipped small-combined with hand-made replications."""
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    frame = pd.DataFrame({"replication": range(len(next(iter(columns.values())))), **columns})
    empty = pd.DataFrame()
    return orgsim.Results(scenario, 1, frame, empty, empty, empty, empty, empty, growing=growing or {})


def test_offered_above_available_with_its_interval_above_zero_is_over_capacity_in_words():
    check = capacity(
        _results(
            {
                "offered_hours_per_person_week.it_manager": [52.0, 51.0, 53.0, 52.0],
                "offered_hours_per_person_week.it_manager.project": [20.0, 19.0, 21.0, 20.0],
                "offered_hours_per_person_week.it_manager.operations": [32.0, 32.0, 32.0, 32.0],
                "available_hours_per_person_week.it_manager": [40.0, 40.0, 40.0, 40.0],
                "offered_hours_per_person_week.engineer": [30.0, 31.0, 29.0, 30.0],
                "available_hours_per_person_week.engineer": [40.0, 40.0, 40.0, 40.0],
            }
        )
    )
    assert check.over and not check.stable
    assert check.reasons == (
        "the IT manager is offered 52 h of work a week for 40 available (operations 32 h, project 20 h)",
    )
    assert check.sentence("combined at 400 employees") == (
        "combined at 400 employees: over capacity: the IT manager is offered 52 h of work a week for 40 "
        "available (operations 32 h, project 20 h)"
    )
    roles = check.roles.set_index(["role", "family"])
    assert roles.loc[("it_manager", ""), "over"] and not roles.loc[("engineer", ""), "over"]
    assert roles.loc[("it_manager", ""), "excess_low"] > 0


def test_an_offered_load_whose_interval_holds_the_available_hours_is_not_flagged():
    check = capacity(
        _results(
            {
                "offered_hours_per_person_week.it_manager": [38.0, 43.0, 37.0, 44.0],
                "available_hours_per_person_week.it_manager": [40.0, 40.0, 40.0, 40.0],
            }
        )
    )
    assert check.stable  # mean 40.5 > 40, but the CI of offered - available holds 0
    assert check.sentence("x") == "x: stable: the IT manager is offered 40.5 h of work a week for 40 available"


def test_without_offered_hours_a_queue_that_grows_in_most_replications_decides_and_the_words_say_so():
    over = capacity(_results({"utilisation.it_manager": [1.0, 1.0, 1.0]}, {"status_reporting": 2, "admin": 1}))
    assert over.over and not over.has_offered and over.basis == QUEUE_GROWTH_ONLY
    assert over.reasons == ("the status reporting queue grows through the run in 2 of 3 replications",)
    assert over.sentence("c").endswith(f"({QUEUE_GROWTH_ONLY})")
    assert capacity(_results({"utilisation.it_manager": [1.0, 1.0, 1.0]}, {"admin": 1})).stable


def test_the_magnitudes_read_from_a_queue_are_named_in_one_tuple():
    assert OVER_CAPACITY not in VERDICTS and OVER_CAPACITY == "over capacity"
    for name in ("project_lead_time_weeks_mean", "project_lead_time_weeks_mean.small", "project_on_time_share"):
        assert from_queue(name)
    assert from_queue("net_benefit_per_week") and from_queue("projects_in_progress_mean")
    assert not from_queue("staff_cost_per_week") and not from_queue("utilisation.it_manager")
    assert not from_queue("project_lead_time_weeks_meaning")
    assert len(set(QUEUE_MAGNITUDES)) == len(QUEUE_MAGNITUDES)
    # the catalogue's rows carry the mark, and the generated metric list says so
    assert lookup("project_lead_time_weeks_mean.small").from_queue and not lookup("utilisation.engineer").from_queue
    bases = {metric.pattern.split(".")[0] for metric in CATALOGUE}
    assert set(QUEUE_MAGNITUDES) - bases == {NET_BENEFIT}  # the net benefit is a comparison's, not a run's
    assert "read from a queue" in markdown_list()


def test_the_censored_lead_time_counts_open_projects_and_is_absent_without_them():
    result = _results({"project_lead_time_weeks_mean": [3.0, 4.0]})
    assert censored_lead_time(result) is None
    assert NOT_RECORDED.startswith("project lead time counts finished projects only")
    # four finished projects of 2-5 weeks and four open ones of 10 weeks: the finished mean is
    # 3.5 weeks, but half of all projects take longer than 5 weeks
    result.projects = pd.DataFrame({"replication": [0, 0, 1, 1], "lead_time_weeks": [2.0, 3.0, 4.0, 5.0]})
    result.open_projects = pd.DataFrame(
        {"replication": [0, 0, 1, 1], "project_class": "small", "age_weeks": 10.0, "started": 0.0}
    )
    estimate = censored_lead_time(result)
    assert estimate["finished_mean"] == 3.5 and estimate["open"] == 4 and estimate["finished"] == 4
    assert estimate["median"] == 5.0  # S drops to 4/8 at 5 weeks


@pytest.fixture(scope="module")
def overloaded():
    return orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(OVERLOAD)


def test_the_overloaded_scenario_is_over_capacity(overloaded):
    check = capacity(orgsim.simulate(overloaded, replications=3, seed=1, jobs=1))
    assert check.over
    assert any("projects waiting queue grows through the run in 3 of 3" in r for r in check.reasons)


def test_compare_prints_over_capacity_and_no_lead_time_for_the_overloaded_side(overloaded, tmp_path, capsys):
    out = tmp_path / "compare"
    assert main(["compare", "small-combined", "small-separate", "-q", "-j", "1", "-r", "3", *SET, "--out", str(out),
                 "--no-plots", "--value-per-project-week", "1000"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if line.startswith(("project lead time", "projects on time"))]
    assert len(lines) == 2
    for line in lines:  # the row's cells and the difference below it
        assert line.split(")", 1)[1].split() == ["over", "capacity", "over", "capacity"]
    assert "    small-separate - small-combined: over capacity" in printed
    assert "capacity: small-combined: over capacity: " in printed
    assert "net benefit of small-separate against small-combined: over capacity (" in printed
    differences = pd.read_csv(out / "differences.csv")
    queue = differences[differences["metric"].map(from_queue)]
    assert len(queue) and (queue["verdict"] == OVER_CAPACITY).all()
    assert queue["over_capacity"].str.contains("small-combined: over capacity").all()
    assert (differences.loc[~differences["metric"].map(from_queue), "verdict"] != OVER_CAPACITY).all()


def test_sweep_prints_over_capacity_instead_of_the_lead_time_of_an_overloaded_point(overloaded):
    result = orgsim.sweep(
        overloaded, {"org.employees": [25, 200]}, {"org.structure": ["combined", "separate"]}, replications=3, seed=1,
        jobs=1,
    )  # fmt: skip
    checks = {
        (p["org.employees"], p["org.structure"]): c.over
        for p, c in zip(result.points, result.capacities(), strict=True)
    }
    assert checks[200, "combined"] and not checks[25, "combined"]
    table = sweep_table(result, "project_lead_time_weeks_mean")
    line = next(x for x in table.splitlines() if "org.employees=200, org.structure=combined" in x)
    assert line.split(": ", 1)[1].startswith("over capacity (the ") and not re.search(r"\d+(\.\d+)? \(", line)
    pair = result.crossover()["pairs"][0]
    assert pair["over_capacity"]["baseline"] == [False, True]
    assert pair["regions"][-1]["verdicts"][-1] == OVER_CAPACITY
    assert "over capacity at 200" in pair["sentence"]
    assert "combined at 200 employees: the projects waiting queue grows" in pair["sentence"]
    summary = result.summary
    held = summary[(summary["org.employees"] == 200) & (summary["org.structure"] == "combined")]
    assert held.loc[held["metric"] == "project_lead_time_weeks_mean", "capacity"].str.startswith(OVER_CAPACITY).all()
    assert (held.loc[held["metric"] == "staff_cost_per_week", "capacity"] == "").all()


def test_the_study_of_an_overloaded_scenario_says_over_capacity_and_no_lead_time(tmp_path, capsys):
    out = tmp_path / "study"
    shorter = [*SET, "--set", "simulation.horizon_weeks=30"]  # the last --set wins: a quicker study, as overloaded
    assert main(["study", "small-combined", "--quick", "--quiet", "-j", "1", *shorter, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    first = printed.splitlines()[0]
    assert first.startswith("Over capacity at ") and "weeks sooner" not in first
    assert "This answer rests on points that are over capacity" in printed
    data = json.loads((out / "study.json").read_text())
    assert data["answer"]["verdict"] == OVER_CAPACITY and data["answer"]["over_capacity"]
    keys = pd.read_csv(out / "key_numbers.csv").fillna("")
    held = keys[keys["over_capacity"] != ""]
    assert len(held)
    for row in held.itertuples():  # printed as over capacity, with no number
        line = next(x for x in printed.splitlines() if x.startswith(f"{row.question}: "))
        assert line.startswith(f"{row.question}: over capacity [") and "95% CI" not in line
    # the tables say which rows rest on an over-capacity point, and the report prints no number there
    net, q3, trade = (
        pd.read_csv(out / name, dtype={"over_capacity": str}, keep_default_na=False)
        for name in ("net_benefit.csv", "q3.csv", "tradeoffs.csv")
    )
    assert (net["over_capacity"] != "").any() and (q3["over_capacity"] != "").any()
    assert trade.loc[trade["over_capacity"] != "", "over_capacity"].str.contains(" employees: ").all()
    page = (out / "report.html").read_text()
    table = page[page.index('<table data-csv="net_benefit.csv">') :]
    table = table[: table.index("</table>")]
    for index in np.flatnonzero(net["over_capacity"].to_numpy() != ""):
        row = table[table.index(f'<tr data-row="{index}">') :]
        row = row[: row.index("</tr>")]
        assert f'data-column="project_weeks_saved">{OVER_CAPACITY}<' in row
        assert f'data-column="break_even_value">{OVER_CAPACITY}<' in row
