"""orgsim realism: the shipped scenarios land in the published ranges, and the comparison
itself (bands, sources, --strict) behaves as a user relies on."""

from __future__ import annotations

import pandas as pd
import pytest

import orgsim
from orgsim.cli import main
from orgsim.realism import BENCHMARKS, COLUMNS, INPUT_ECHO, MEASURED, calibrated, judged, realism, realism_at
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
PROJECT_SHARE = "IT manager project share of working time (coordination, status, portfolio)"
MANAGER_WEEK = "IT manager hours worked per week (with overtime)"
STAFF_WEEK = "IT staff hours worked per week (all IT staff, with overtime)"
ENGINEER_OPS = "engineer operations share of working time (tickets, routine, firefighting)"
LEVEL1 = "level-1 (service desk) work share of all IT staff working hours"
PM_BUSY = "project manager utilisation (busy share of working time)"
STATUS = "status reporting share of a project manager's working time"
PER_PM = "concurrent projects per project manager"
STABILITY = "stability: no queue grows, no role offered more hours than it has (heaviest offered / available hours)"
MEDIUM_DURATION = "medium project duration (median, months; open projects counted at their age)"

# The rows the scenario sets (input echoes): never judged by --strict.
INPUT_ECHOES = {
    "users per service-desk analyst",
    "service-desk staff share of IT staff (headcount)",
    "employees per IT staff member",
    "span of control (direct reports per manager)",
    "tickets per employee per month",
    "tickets resolved at level 1 (first-contact resolution)",
    "tickets escalated to management",
    "small project effort (mean of the class, person-days)",
    "medium project effort (median of the class, person-months)",
}

# What the measured calibration rows find in the shipped scenarios after recalibration (issue 21),
# each below its band, none above:
# - the IT manager's project time: a line IT manager beside a PM holds no project duty (the CIO's
#   39%, Deloitte, is steering and portfolio time the model books, if at all, as escalations); the
#   combined ones at 1,500 employees coordinate ~17% of their week; the small firm's hands-on
#   manager, who now delivers projects too, 15-20% (a 40-employee firm offers its two IT people
#   ~50 h of work a week: 4-5 small projects a year, ~12 tickets a week);
# - so the small firm's IT manager is busy ~56% of the week and firefights ~5% (interrupts scale
#   with the 40 employees served), and the line IT managers beside PMs are busy ~60%;
# - the hours of all IT staff: overtime answers waiting work (Spiceworks' IT staff average 52 h);
#   the engineers (~81% busy) and the desk (~68%) have no such backlog, and habitual overtime would
#   lower their operations share further;
# - the engineers' operations share per working hour (~44-46%: within SRE's cap of 50%, which the
#   band's lower end reads as a floor; per busy hour ~57%);
# - level-1 work (~7 min a ticket, 1.25 tickets per employee a month) is ~2% of IT hours against a
#   desk of ~8.5% of IT staff (Computer Economics), while the desk is staffed at Gartner's 70 users
#   per analyst;
# - the PMs, one per 3 concurrent projects of mostly one-person small projects, are busy 6-18% and
#   report status ~1-4% of their week (Capers Jones' 10-15% PM effort and 2-5 projects a PM meet only
#   for 3-5 FTE projects).
# Misses by the mean only (the 95% CI reaches into the band): the small-separate IT manager's
# week (43.7 h, CI 42.4 to 45.0), the small-no-pm IT staff's week (44.5 h, CI to 46.1) and the
# small-combined IT manager's project share (~0.19, CI to ~0.27: some runs have a medium project).
_COMMON = [STAFF_WEEK, ENGINEER_OPS]
_PM = [PM_BUSY, LEVEL1, STATUS]
MISSES = {
    "large-combined": [PROJECT_SHARE, *_COMMON, LEVEL1],
    "large-pmo": [BUSY, PROJECT_SHARE, MANAGER_WEEK, *_COMMON, *_PM],
    "large-separate": [BUSY, PROJECT_SHARE, MANAGER_WEEK, *_COMMON, *_PM],
    "small-combined": [BUSY, FIREFIGHTING, PROJECT_SHARE, *_COMMON, LEVEL1],
    "small-combined-profile": [BUSY, FIREFIGHTING, PROJECT_SHARE, *_COMMON, LEVEL1],
    "small-no-pm": [BUSY, FIREFIGHTING, PROJECT_SHARE, STAFF_WEEK, LEVEL1],
    "small-separate": [BUSY, FIREFIGHTING, PROJECT_SHARE, MANAGER_WEEK, *_COMMON, *_PM, PER_PM],
}
# misses whose 95% CI reaches into the band (the mean is outside)
MARGINAL = {
    "small-no-pm": [STAFF_WEEK],
    "small-separate": [MANAGER_WEEK],
    "small-combined": [PROJECT_SHARE],
    "small-combined-profile": [PROJECT_SHARE],
}


def test_every_benchmark_states_its_source_a_band_and_its_basis():
    for benchmark in BENCHMARKS:
        assert benchmark.source and benchmark.published, benchmark.quantity
        assert benchmark.basis in (MEASURED, INPUT_ECHO), benchmark.quantity
        assert not (benchmark.outcome and benchmark.basis == INPUT_ECHO), "an outcome is measured"
    quantities = [b.quantity for b in BENCHMARKS]
    assert len(quantities) == len(set(quantities))
    assert {b.quantity for b in BENCHMARKS if b.basis == INPUT_ECHO} == INPUT_ECHOES


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_beside_the_published_figures(name, shipped_runs):
    """The measured calibration rows of each shipped scenario: within their bands but the
    findings of MISSES (each below its band, its whole CI too but for MARGINAL); the rows are all there, echoes
    and outcomes apart; every shipped scenario is stable (the stability row passes)."""
    results = shipped_runs[name]
    table = realism(results)
    assert list(table.columns) == COLUMNS
    assert len(table) >= 20, "the figures that apply to every organisation are all there"
    assert (table["band_low"] < table["band_high"]).all()
    assert set(table["kind"]) == {"calibration", "outcome"}
    assert set(table.loc[table["basis"] == INPUT_ECHO, "quantity"]) <= INPUT_ECHOES
    assert {"projects on time", "rework share of project work"} <= set(
        table.loc[table["kind"] == "outcome", "quantity"]
    )
    # no utilisation band ends at 1.0
    busy = table[table["quantity"].str.contains("busy share|utilisation")]
    assert (busy["band_high"] < 1.0).all()
    strict = judged(table)
    assert strict["basis"].eq(MEASURED).all() and strict["kind"].eq("calibration").all()
    assert capacity(results).stable, capacity(results).sentence(name)
    assert strict.set_index("quantity").loc[STABILITY, "within"]
    outside = strict[~strict["within"]]
    assert list(outside["quantity"]) == MISSES[name], outside["quantity"].tolist()
    assert (outside["simulated"] < outside["band_low"]).all(), outside[["quantity", "simulated", "band_low"]]
    clear = outside[~outside["quantity"].isin(MARGINAL.get(name, []))]
    assert (clear["ci_high"] < clear["band_low"]).all(), clear[["quantity", "ci_high", "band_low"]]
    assert calibrated(table) == (not MISSES[name])


def test_strict_ignores_the_input_echoes(shipped_runs):
    """large-combined's desk is 31% of its IT staff (Gartner's 70 users per analyst against
    Computer Economics' 8.5%): an input echo outside its band that --strict does not judge,
    whereas the same row marked measured would be."""
    table = realism(shipped_runs["large-combined"])
    row = table.set_index("quantity").loc["service-desk staff share of IT staff (headcount)"]
    assert row["basis"] == INPUT_ECHO and not row["within"]
    assert row["simulated"] == pytest.approx(21 / 67)
    assert "service-desk staff share of IT staff (headcount)" not in set(judged(table)["quantity"])
    measured = table[table["basis"] == MEASURED].copy()
    measured["within"] = True
    echoes_out = table[table["basis"] == INPUT_ECHO].assign(within=False)
    assert calibrated(pd.concat([measured, echoes_out]))
    assert not calibrated(pd.concat([measured, echoes_out.assign(basis=MEASURED)]))


def test_shares_of_a_role_are_per_working_hour(shipped_runs):
    """The PM status share is status hours per working hour (overtime included), never more than
    the PM's busy share; large-separate's PMs are busy ~19% of their week, a fifth of it status."""
    results = shipped_runs["large-separate"]
    table = realism(results).set_index("quantity")
    frame = results.replications
    working = 40.0 + frame["overtime_hours_per_person_week.project_manager"]
    status = frame["hours_per_person_week.project_manager.status_reporting"] / working
    assert table.loc[STATUS, "simulated"] == pytest.approx(status.mean(), rel=1e-9)
    assert table.loc[STATUS, "simulated"] < table.loc[PM_BUSY, "simulated"] < 0.3
    assert 0.15 < table.loc[STATUS, "simulated"] / table.loc[PM_BUSY, "simulated"] < 0.3
    firefighting = sum(
        frame[f"hours_per_person_week.it_manager.{d}"] for d in ("major_incident", "approval", "escalation")
    ) / (40.0 + frame["overtime_hours_per_person_week.it_manager"])
    assert table.loc[FIREFIGHTING, "simulated"] == pytest.approx(firefighting.mean(), rel=1e-9)
    # the IT manager beside PMs has no project duty: 0, not a missing row
    assert table.loc[PROJECT_SHARE, "simulated"] == 0.0 and not table.loc[PROJECT_SHARE, "within"]


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
    table = realism(results).set_index("quantity")
    assert table.loc[RUN_SHARE, "simulated"] > table.loc[RUN_SHARE, "band_high"]
    assert not table.loc[RUN_SHARE, "within"]
    assert results.metric("utilisation.it_manager") > 0.97
    assert table.loc[BUSY, "simulated"] > table.loc[BUSY, "band_high"], "saturated: above the 0.95 ceiling"
    assert any(w.startswith("projects waiting queue grows") for w in results.warnings)
    assert not table.loc[STABILITY, "within"] and not capacity(results).stable
    assert not calibrated(table.reset_index())


def test_the_project_rows_are_there_where_projects_run(shipped_runs):
    table = realism(shipped_runs["large-separate"]).set_index("quantity")
    for quantity in (
        "small project effort (mean of the class, person-days)",
        "medium project effort (median of the class, person-months)",
        MEDIUM_DURATION,
        "project management effort share of project effort",
        STATUS,
        PM_BUSY,
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
    (40 h and up to 16 h overtime); status reports not started before the next one is due are
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
    # CMI's IT managers average ~6.5 h a week of overtime: a saturated one works about that, not the 16 h cap
    assert 1.0 <= results.metric("overtime_hours_per_person_week.it_manager") <= 10.0


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


@pytest.fixture(scope="module")
def overloaded_200():
    """combined at 200 employees with four times the projects (projects.arrival_scale = 4): its
    one IT manager coordinates ~four times the projects and saturates."""
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
        {
            "org.employees": 200,
            "projects.arrival_scale": 4,
            "simulation.horizon_weeks": 52,
            "simulation.warmup_weeks": 8,
        }
    )
    return orgsim.simulate(scenario, replications=4, jobs=1)


def test_the_stability_row_fails_for_an_overloaded_organisation_and_passes_for_a_stable_one(
    overloaded_200, combined_200
):
    over = realism(overloaded_200).set_index("quantity")
    assert not capacity(overloaded_200).stable
    assert not over.loc[STABILITY, "within"]
    # with overtime up to a 56 h week the saturated manager is ~0.9 busy per working hour (overtime
    # included) and intake control defers what it cannot take: the overload shows in the stability row
    assert over.loc[BUSY, "simulated"] > 0.85, "a saturated manager is busy nearly all of a long week"
    assert not calibrated(over.reset_index())
    stable = realism(combined_200).set_index("quantity")
    assert stable.loc[STABILITY, "within"] and capacity(combined_200).stable
    assert 0.5 < stable.loc[STABILITY, "simulated"] < 1.0  # the heaviest role's offered per available hour
    assert 0.70 <= stable.loc[BUSY, "simulated"] <= 0.95 and stable.loc[BUSY, "within"]


def test_strict_exits_1_for_a_saturated_it_manager(tmp_path, capsys):
    path = SCENARIOS / "small-combined.toml"
    overloaded = ["--set", "org.employees=200", "--set", "projects.arrival_scale=4"]
    common = ["realism", str(path), "-r", "3", "--jobs", "1", "--quiet", "--set", "simulation.horizon_weeks=40"]
    assert main([*common, *overloaded, "--strict", "--out", str(tmp_path / "over")]) == 1
    printed = capsys.readouterr().out
    line = next(line for line in printed.splitlines() if line.strip().startswith("stability"))
    assert line.rstrip().endswith("NO")
    assert printed.index("measured (") < printed.index("input echoes (")
    table = pd.read_csv(tmp_path / "over" / "realism.csv")
    assert set(table["basis"]) == {MEASURED, INPUT_ECHO}
    assert not table.set_index("quantity").loc[STABILITY, "within"]


def test_a_class_with_no_finished_project_still_reports_its_censored_duration():
    """small-combined over 30 weeks: medium projects arrive (the rate raised) but none finishes:
    the row reports the Kaplan-Meier median, or the longest age as a lower bound, and fails."""
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
        {"org.employees": 200, "simulation.horizon_weeks": 30, "simulation.warmup_weeks": 4}
    )
    results = orgsim.simulate(scenario, replications=3, jobs=1)
    assert not (results.projects["project_class"] == "medium").any(), "no medium project finishes"
    open_medium = results.open_projects[results.open_projects["project_class"] == "medium"]
    assert len(open_medium) > 0
    row = realism(results).set_index("quantity").loc[MEDIUM_DURATION]
    longest = open_medium["age_weeks"].max() * 12 / 52
    assert row["simulated"] == pytest.approx(longest)
    assert row["ci_low"] == pytest.approx(longest) and row["ci_high"] == float("inf")
    assert row["kind"] == "outcome" and not row["within"]


def test_realism_at_runs_the_table_at_the_sizes_asked_and_reuses_runs(combined_200):
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
        {"simulation.horizon_weeks": 30, "simulation.warmup_weeks": 4}
    )
    table = realism_at(scenario, [40, 200], runs={200: combined_200}, replications=2)
    assert list(table.columns) == ["employees", *COLUMNS]
    assert set(table["employees"]) == {40, 200}
    at_200 = table[table["employees"] == 200].drop(columns="employees").reset_index(drop=True)
    pd.testing.assert_frame_equal(at_200, realism(combined_200))
    at_40 = table[table["employees"] == 40].set_index("quantity")
    assert at_40.loc["employees per IT staff member", "simulated"] == pytest.approx(20.0)
