"""orgsim realism: the shipped scenarios land in the published ranges, and the comparison
itself (bands, sources, --strict) behaves as a user relies on."""

from __future__ import annotations

import pandas as pd
import pytest

import orgsim
from orgsim.cli import main
from orgsim.realism import BENCHMARKS, COLUMNS, calibrated, realism
from orgsim.results.capacity import capacity
from tests.conftest import SCENARIOS, before_issue_20

SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))


class _Runs(dict):
    """Each shipped scenario run with its own replications, horizon and seed (in this process),
    when a test first asks for it: a test worker runs only the scenarios of its own tests."""

    def __missing__(self, name):
        self[name] = orgsim.simulate(orgsim.load_scenario(SCENARIOS / f"{name}.toml"), jobs=1)
        return self[name]


@pytest.fixture(scope="module")
def shipped_runs():
    return _Runs()


RUN_SHARE = "run share of all IT staff hours (operations and management, not projects)"
BUSY = "IT manager busy share"
FIREFIGHTING = "IT manager firefighting share (major incidents, approvals, escalations, interrupts) of working time"
# Findings, not miscalibrations: with issue 20's interrupts and admin scaling with whom a manager
# serves (calibrated to ~30% firefighting at 200 employees), an IT manager with one or two reports
# (a small firm, hands-on) or one who hands the projects to PMs (large separate, pmo) is below the
# 'fully booked' band (its lower end, 0.70, is an estimate); the small firm's also firefights less
# than the ~30% of the Computing survey.  Each below its band, never above.
BELOW_BAND = {
    "small-combined": [BUSY, FIREFIGHTING],
    "small-combined-profile": [BUSY, FIREFIGHTING],
    "small-no-pm": [BUSY, FIREFIGHTING],
    "small-separate": [BUSY, FIREFIGHTING],
    "large-separate": [BUSY],
    "large-pmo": [BUSY],
}


def test_every_benchmark_states_its_source_and_a_band():
    for benchmark in BENCHMARKS:
        assert benchmark.source and benchmark.published, benchmark.quantity
    quantities = [b.quantity for b in BENCHMARKS]
    assert len(quantities) == len(set(quantities))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_is_a_real_organisation(name, shipped_runs):
    """Every calibration figure (work, staff, sizes, the managers' week, coordination load) lies in
    its published band but the findings of BELOW_BAND; the outcomes of the structure (on time,
    durations, losses) are set beside theirs as findings.  Every shipped scenario is stable."""
    table = realism(shipped_runs[name])
    assert list(table.columns) == COLUMNS
    assert len(table) >= 10, "the figures that apply to every organisation are all there"
    assert (table["band_low"] < table["band_high"]).all()
    assert set(table["kind"]) == {"calibration", "outcome"}
    assert {"projects on time", "rework share of project work"} <= set(
        table.loc[table["kind"] == "outcome", "quantity"]
    )
    calibration = table[table["kind"] == "calibration"]
    outside = calibration[~calibration["within"]]
    assert capacity(shipped_runs[name]).stable, capacity(shipped_runs[name]).sentence(name)
    if name in BELOW_BAND:
        assert list(outside["quantity"]) == BELOW_BAND[name], outside["quantity"].tolist()
        assert (outside["simulated"] < outside["band_low"]).all()
        assert (outside["ci_high"] < outside["band_low"]).all()
        assert not calibrated(table)
        return
    assert outside.empty, "\n" + outside[["quantity", "band_low", "band_high", "simulated"]].to_string()
    assert calibrated(table)


def test_large_combined_before_issue_20_saturates_its_it_managers():
    """The finding of the model before issue 20 (a fixed load per manager, strict priority, no
    skipping, no overtime): its operations-first IT managers are saturated and leave project
    coordination waiting, so projects pile up and the change work done falls below Gartner's
    share (the run share above its band).  With issue 20's defaults the same organisation is
    calibrated and stable (above)."""
    scenario = orgsim.load_scenario(SCENARIOS / "large-combined.toml")
    results = orgsim.simulate(
        before_issue_20(scenario.with_changes({"simulation.horizon_weeks": 78})), replications=3, jobs=1
    )
    table = realism(results)
    calibration = table[table["kind"] == "calibration"]
    outside = calibration[~calibration["within"]]
    assert list(outside["quantity"]) == [RUN_SHARE], outside["quantity"].tolist()
    assert outside["simulated"].iloc[0] > outside["band_high"].iloc[0]
    assert results.metric("utilisation.it_manager") > 0.97
    assert any(w.startswith("projects waiting queue grows") for w in results.warnings)
    assert not calibrated(table)


def test_the_project_rows_are_there_where_projects_run(shipped_runs):
    table = realism(shipped_runs["large-separate"]).set_index("quantity")
    for quantity in (
        "small project effort (mean of the class, person-days)",
        "medium project effort (median of the class, person-months)",
        "medium project duration (median, months)",
        "project management effort share of project effort",
        "status reporting share of a project manager's time",
        "concurrent projects per project manager",
        "projects on time",
        "small projects on time",
        "engineers' multitasking loss (share of project time)",
        "rework share of project work",
        "run share of all IT staff hours (operations and management, not projects)",
    ):
        assert quantity in table.index, quantity
    # the rework the shipped large organisation has is real and small
    assert 0 < table.loc["rework share of project work", "simulated"] < 0.1


@pytest.fixture(scope="module")
def combined_200():
    """small-combined at 200 employees (one IT manager, seven reports), issue 20's defaults."""
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes({"org.employees": 200})
    return orgsim.simulate(scenario, replications=10, jobs=1)


def test_the_combined_it_manager_at_200_employees_is_fully_booked_and_a_quarter_firefighting(combined_200):
    """The reference size the interrupts are calibrated at (~30% firefighting, Computing)."""
    results = combined_200
    assert 0.70 <= results.metric("utilisation.it_manager") <= 0.95
    assert 0.20 <= results.metric("firefighting_share.it_manager") <= 0.40
    # firefighting is major incidents, approvals and escalations (interrupts among them), as a share
    # of the 40-hour week
    hours = sum(
        results.metric(f"hours_per_person_week.it_manager.{d}") for d in ("major_incident", "approval", "escalation")
    )
    assert results.metric("firefighting_share.it_manager") == pytest.approx(hours / 40, rel=1e-9)


def test_at_200_employees_combined_is_stable_and_skips_status_reports_rather_than_queueing_them(combined_200):
    """Issue 20: no queue grows, and the IT manager's offered hours are within the available
    (40 h and up to 6.5 h overtime); status reports not started before the next one is due are
    skipped (a share reported), so the status-reporting queue stays short; projects are on time
    within the Standish band (25-62%) and their lead time is reported, open projects counted."""
    results = combined_200
    check = capacity(results)
    assert check.stable, check.sentence("combined at 200")
    # no queue grows in most replications; in a few the deferred backlog of intake control (counted
    # among the projects waiting) does: one coordinator carries at most 5 open projects, and at
    # ~13 weeks a project that is ~0.4 a week against ~0.45 arriving (a finding: near its limit)
    assert set(check.growing) <= {"projects_waiting"} and max(check.growing.values(), default=0) <= 3
    frame = results.replications
    offered = frame["offered_hours_per_person_week.it_manager"]
    assert (offered < frame["available_hours_per_person_week.it_manager"]).all()
    skipped = results.metric("skipped_share.status_reporting")
    assert 0.0 < skipped < 0.5, skipped
    assert results.metric("skipped_per_week.status_reporting") > 0
    # a week's reports at most wait: the queue is bounded by the projects open, not the horizon
    assert results.metric("queue_length_mean.status_reporting") < results.metric("projects_in_progress_mean") + 1
    assert 0.25 <= results.metric("project_on_time_share") <= 0.62
    lead = results.metric("project_lead_time_weeks_mean")
    assert 1 < lead < 26, lead
    assert results.metric("overtime_hours_per_person_week.it_manager") <= 6.5


def test_work_is_shared_fairly_within_every_role_of_the_large_organisation(shipped_runs):
    people = shipped_runs["large-separate"].people
    spread = people.groupby(["replication", "role"])["utilisation"].agg(lambda u: u.max() - u.min())
    assert spread.max() <= 0.25, spread.sort_values().tail()
    assert people.groupby("role")["utilisation"].min().min() > 0.1, "nobody idles while colleagues work"


def test_strict_exits_1_when_a_figure_is_out_of_its_band_and_writes_the_table(tmp_path, capsys):
    path = SCENARIOS / "small-combined.toml"
    calm = ["--set", "management.interrupts_per_manager_per_day=0", "--set", "management.admin_hours_per_week=0"]
    common = ["realism", str(path), "-r", "3", "--jobs", "1", "--quiet", "--set", "simulation.horizon_weeks=30"]
    assert main([*common, *calm, "--strict", "--out", str(tmp_path / "calm")]) == 1
    printed = capsys.readouterr().out
    assert "IT manager busy share" in printed and "NO" in printed
    table = pd.read_csv(tmp_path / "calm" / "realism.csv")
    assert list(table.columns) == COLUMNS
    row = table[table["quantity"] == "IT manager busy share"].iloc[0]
    assert row["kind"] == "calibration"
    assert not row["within"] and row["simulated"] < row["band_low"]
    assert row["ci_low"] <= row["simulated"] <= row["ci_high"]
    # without --strict the same finding is reported, and the command succeeds
    assert main([*common, *calm, "--out", str(tmp_path / "calm2")]) == 0
