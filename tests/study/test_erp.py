"""Q4's ERP rollout and Q6's fastest structure on hostile inputs: a scenario with a project
class of its own named ``erp`` (kept, and never taken for the rollout), and runs too short to
finish any project (a verdict that says so, not a difference of 0; no numpy warning)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import orgsim
from orgsim.results import Sweep
from orgsim.study import Study, study_plan
from orgsim.study.measures import ERP_LEAD_TIME, OTHER_PROJECTS, erp_class, other_projects
from orgsim.study.run import _erp_changes
from orgsim.study.split_questions import erp_break_point, erp_break_point_verdict, erp_rollout
from orgsim.study.structure_questions import fastest_structure, fastest_structure_verdict, structures_outcomes
from tests.conftest import SCENARIOS

_USERS_ERP = {
    "projects.classes.erp": {
        "per_100_employees_per_year": 30.0,
        "effort": {"dist": "lognormal", "mean": 80.0, "cv": 0.5},
    },
}


def _with_users_erp():
    return orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(_USERS_ERP)


def test_the_rollout_is_named_apart_from_a_users_class_named_erp_which_is_kept():
    scenario = _with_users_erp()
    assert erp_class(scenario) == "erp_rollout"
    changed = scenario.with_changes(_erp_changes(scenario))
    classes = {c.name: c for c in changed.projects.classes}
    assert classes["erp"].per_100_employees_per_year == 30.0  # the user's class is not overwritten
    assert classes["erp_rollout"].per_100_employees_per_year == 0.0
    assert [p.project_class for p in changed.projects.scheduled] == ["erp_rollout"]
    plain = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    assert erp_class(plain) == "erp"  # nothing moves for a scenario without one


def _result(scenario, lead: dict[str, list[float]], replications: int = 3):
    """A fake run: per class, one finished project per replication with these lead times."""
    frame = pd.DataFrame({"replication": range(replications), "utilisation.it_manager": 0.5})
    for name, weeks in lead.items():
        frame[f"project_lead_time_weeks_mean.{name}"] = weeks
    projects = pd.DataFrame(
        [(k, name, w) for name, weeks in lead.items() for k, w in enumerate(weeks) if np.isfinite(w)],
        columns=["replication", "project_class", "lead_time_weeks"],
    )
    empty = pd.DataFrame()
    return orgsim.Results(scenario, 1, frame, empty, empty, empty, empty, empty, [], projects=projects)


def _study(scenario, without: dict, with_: dict) -> Study:
    pair = [{"org.structure": s} for s in ("combined", "separate")]
    sweeps = {
        "erp.without": Sweep(scenario, {}, {}, pair, [_result(scenario, without) for _ in pair], 1),
        "erp.with": Sweep(scenario, {}, {}, pair, [_result(scenario, with_) for _ in pair], 1),
    }
    return Study(scenario, study_plan(scenario, quick=True), 1, sweeps, None)


def test_q4_never_reads_a_users_erp_class_as_the_rollout():
    scenario = _with_users_erp()
    users = [9.7, 9.7, 9.7]
    study = _study(scenario, {"erp": users}, {"erp": [12.0, 12.0, 12.0], "erp_rollout": [20.0, 21.0, 22.0]})
    table = erp_rollout(study)
    lead = table[table["metric"] == ERP_LEAD_TIME].set_index(["erp", "structure"])
    assert lead.loc[("without", "combined"), "finished"] == 0  # no rollout in the runs without it
    assert np.isnan(lead.loc[("without", "combined"), "mean"])
    assert lead.loc[("with", "combined"), "mean"] == 21.0  # the rollout's, not the user's 12
    other = table[table["metric"] == OTHER_PROJECTS].set_index(["erp", "structure"])
    assert other.loc[("without", "combined"), "mean"] == 9.7  # the user's class is one of the others
    assert other.loc[("with", "combined"), "mean"] == 12.0
    result = study.result("erp.with", **{"org.structure": "combined"})
    assert list(other_projects(result, "erp_rollout")) == [12.0, 12.0, 12.0]


def test_q4_with_no_finished_rollout_says_so_instead_of_a_difference_of_zero():
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    nan = [np.nan] * 3
    study = _study(scenario, {}, {"erp": nan})
    table = erp_rollout(study)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        number = erp_break_point(study, table)
        verdict = erp_break_point_verdict(study, table, number)
    assert np.isnan(number["mean"]) and np.isnan(number["ci_low"])
    assert "no finished project under either structure" in verdict
    assert "+0" not in verdict


def test_q6_with_no_finished_project_names_no_combined_minus_combined():
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    structures = ("combined", "separate", "pmo", "no_pm")
    plan = study_plan(scenario, quick=True)
    points = [{"org.structure": s} for s in structures]
    nan = {"project_lead_time_weeks_mean": [np.nan] * 3}
    results = [_result(scenario, {}) for _ in structures]
    for r in results:
        r.replications["project_lead_time_weeks_mean"] = nan["project_lead_time_weeks_mean"]
    study = Study(scenario, plan, 1, {"structures": Sweep(scenario, {}, {}, points, results, 1)}, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = structures_outcomes(study)
        number = fastest_structure(study, table)
        verdict = fastest_structure_verdict(study, table, number)
    assert "combined - combined" not in number["quantity"]
    assert "no finished project under any structure" in number["quantity"] and np.isnan(number["mean"])
    assert "cannot tell which structure is fastest" in verdict


def test_q6_when_combined_is_fastest_the_number_is_the_runner_up_against_it():
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml")
    lead = {"combined": 5.0, "separate": 6.0, "pmo": 7.0, "no_pm": 8.0}
    points = [{"org.structure": s} for s in lead]
    results = []
    for weeks in lead.values():
        r = _result(scenario, {})
        r.replications["project_lead_time_weeks_mean"] = [weeks, weeks + 0.1, weeks - 0.1]
        results.append(r)
    sweep = Sweep(scenario, {}, {}, points, results, 1)
    study = Study(scenario, study_plan(scenario, quick=True), 1, {"structures": sweep}, None)
    number = fastest_structure(study, structures_outcomes(study))
    assert number["quantity"].startswith("project lead time, separate - combined")
    assert number["mean"] == 1.0
