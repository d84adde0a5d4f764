"""The model behaves as the domain says, asserted on numbers over replications.

Each comparison runs both scenarios with the same seed, so replication k of both
sees the same tickets and projects (common random numbers); the claims are tested
on the paired differences with a 95% Student-t interval that must exclude zero.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import orgsim
from orgsim import load_scenario
from tests.conftest import SCENARIOS, paired_interval
from tests.conftest import run_sections as _run


def _mix_with_p1(p1_share: float) -> dict[str, float]:
    """The default class mix with the P1 share changed and the others scaled to fit."""
    base = {"p2": 0.04, "p3": 0.275, "p4": 0.175, "service_request": 0.45, "change": 0.05}
    scale = (1 - p1_share) / sum(base.values())
    return {"p1": p1_share, **{k: v * scale for k, v in base.items()}}


def _hours(results, role: str, duties) -> np.ndarray:
    return sum(results.replications.get(f"hours_per_person_week.{role}.{d}", 0.0) for d in duties)


def _open_projects(results) -> np.ndarray:
    """Per replication, the projects open (in intake, waiting or active) averaged over the measured
    days.  With the same arrivals (common random numbers) it is Little's law's measure of how long
    projects take, counting those still open at the end, which mean lead times leave out."""
    days = results.timeseries
    warmup_days = results.scenario.simulation.warmup_weeks * results.scenario.calendar.days_per_week
    measured = days[days["day"] > warmup_days]
    level = measured["projects_waiting"] + measured["projects_active"]
    return level.groupby(measured["replication"]).mean().to_numpy()


def test_a_small_firms_combined_it_manager_coordinates_and_the_separate_one_manages_the_pm():
    """Combined, the IT manager of a small firm also coordinates projects and reports their
    status; separate, those hours go to the PM, and the IT manager gains a report: a weekly 1:1
    with the PM (0.5 h) and a share of an appraisal, exactly, in every replication."""
    small = dict(simulation={"horizon_weeks": 60, "warmup_weeks": 8}, replications=10)
    combined = _run(org={"employees": 40, "structure": "combined"}, **small)
    separate = _run(org={"employees": 40, "structure": "separate"}, **small)
    project = ("project_coordination", "status_reporting")
    assert _hours(combined, "it_manager", project).mean() > 0.5
    assert "hours_per_person_week.it_manager.project_coordination" not in set(separate.summary["metric"])
    assert _hours(separate, "project_manager", project).mean() > 0.5
    mean, low, high = paired_interval(
        _hours(separate, "it_manager", ("people_management",)), _hours(combined, "it_manager", ("people_management",))
    )
    assert low >= 0.5 and high <= 0.5 + 3 / 52 * 2, f"one more report: {mean:.3f} h/week ({low:.3f} to {high:.3f})"


def test_more_p1_incidents_delay_projects_more_under_combined_than_separate():
    """Major incidents preempt the combined manager's coordination, so projects wait: more of
    them are open at once (the same projects arrive, so by Little's law they take longer).  The
    mean lead time of the projects completed is no measure here: a combined manager swamped by
    P1s may complete none in a replication.  Measured: +0.60 projects open under combined against
    +0.30 under separate (paired difference +0.30, 95% CI +0.11 to +0.48); before the managers
    worked longer weeks when work waits (overtime up to a 56-hour week) it was +3.6 against +0.4."""
    open_projects = {}
    for structure in ("combined", "separate"):
        for p1 in (0.01, 0.08):
            results = _run(
                org={"employees": 200, "structure": structure},
                tickets={"mix": _mix_with_p1(p1)},
                simulation={"horizon_weeks": 80, "warmup_weeks": 8},
                replications=12,
            )
            open_projects[structure, p1] = _open_projects(results)
    combined_delay = open_projects["combined", 0.08] - open_projects["combined", 0.01]
    separate_delay = open_projects["separate", 0.08] - open_projects["separate", 0.01]
    mean, low, high = paired_interval(combined_delay, separate_delay)
    assert combined_delay.mean() > 0.3, "a P1 rate 8x higher must keep more combined projects open"
    assert low > 0, f"extra projects open under combined {mean:.2f} (95% CI {low:.2f} to {high:.2f})"


def test_context_switching_lowers_a_saturated_combined_managers_throughput():
    """Setup time on every change of duty family is time not spent finishing work: a
    combined manager loaded to the limit delivers fewer items and fewer hours of work."""
    sections = dict(
        org={"employees": 200, "structure": "combined"},
        projects={"arrival_scale": 10, "wip_limit": 15},  # the managers coordinate all they can
        management={"admin_hours_per_week": 0},
        simulation={"horizon_weeks": 60, "warmup_weeks": 8},
        replications=8,
        old=True,  # a setup on every switch, and a manager saturated by the fixed loads (before issue 20)
    )
    engineers = {"headcount": {"per_employees": 10, "minimum": 1}}
    without = _run(roles={"it_manager": {"context_switch_hours": 0.0}, "engineer": engineers}, **sections)
    with_cost = _run(roles={"it_manager": {"context_switch_hours": 0.5}, "engineer": engineers}, **sections)
    assert without.metric("utilisation.it_manager") > 0.9, "the test needs a saturated manager"
    throughput = "items_completed_per_person_week.it_manager"
    mean, low, high = paired_interval(without.replications[throughput], with_cost.replications[throughput])
    assert low > 0, f"items per week lost to switching {mean:.2f} (95% CI {low:.2f} to {high:.2f})"

    def delivered_hours(results):
        frame = results.replications
        return frame["utilisation.it_manager"] * 40.0 - frame["hours_per_person_week.it_manager.context_switch"]

    mean, low, high = paired_interval(delivered_hours(without), delivered_hours(with_cost))
    assert low > 0, f"work hours per week lost to switching {mean:.2f} (95% CI {low:.2f} to {high:.2f})"
    assert with_cost.metric("context_switches_per_person_day.it_manager") > 0.5
    assert without.metric("hours_per_person_week.it_manager.context_switch") == 0.0


def test_adding_a_project_manager_adds_one_to_one_load_to_the_it_manager():
    """Every direct report costs 0.5 h of 1:1 a week and 3 h of appraisal a year."""
    short = dict(simulation={"horizon_weeks": 60, "warmup_weeks": 8}, replications=3)
    combined = _run(org={"employees": 40, "structure": "combined"}, **short)
    separate = _run(org={"employees": 40, "structure": "separate"}, **short)
    key = "hours_per_person_week.it_manager.people_management"
    # combined: 1 report (the engineer); separate: 2 (engineer and project manager)
    assert combined.metric(key) == pytest.approx(0.5 + 3 / 52, rel=0.1)
    assert separate.metric(key) == pytest.approx(2 * (0.5 + 3 / 52), rel=0.1)


def test_no_pm_senior_engineer_coordinates_and_does_project_work():
    results = _run(
        org={"employees": 40, "structure": "no_pm"}, simulation={"horizon_weeks": 60, "warmup_weeks": 8}, replications=3
    )
    assert results.metric("hours_per_person_week.senior_engineer.project_coordination") > 0.2
    assert results.metric("hours_per_person_week.senior_engineer.ticket_l2") > 0.5
    assert "project_coordination" not in results.scenario.role("it_manager").duties


def test_pmo_lead_takes_in_every_project_and_manages_the_pms():
    results = _run(
        org={"employees": 1500, "structure": "pmo"}, simulation={"horizon_weeks": 30, "warmup_weeks": 4}, replications=2
    )
    assert results.metric("hours_per_person_week.pmo_lead.portfolio_management") > 2.0
    assert results.metric("hours_per_person_week.pmo_lead.people_management") > 0.5 * 6 * 0.9


def test_ticket_throughput_matches_the_arrival_rate():
    """Below capacity everything that arrives is resolved: throughput = employees x rate."""
    results = _run(org={"employees": 400}, simulation={"horizon_weeks": 60, "warmup_weeks": 8}, replications=4)
    expected = 400 * 1.25 * 12 / 52
    assert results.metric("tickets_per_week.total") == pytest.approx(expected, rel=0.03)


def test_at_200_employees_the_busy_combined_it_manager_makes_projects_wait():
    """The combined IT manager, busy with operations (firefighting, people, admin), leaves project
    coordination waiting, and projects take longer than with a dedicated PM (paired, same work).
    Waits and lead times are heavy-tailed (one replication in which a medium project takes most of
    the engineers has waits ten times the others'), so the claim is on their ratio: the paired
    difference of the logarithms (measured: coordination waits ~20x, lead times +31%, 95% CI +18%
    to +45%); and more projects are open at once (+1.05, 95% CI 0.42 to 1.68)."""
    # the saturated model before issue 20 (fixed interrupts and admin, no skipping, no overtime): with
    # issue 20's defaults the manager is no longer saturated at 200 employees
    common = dict(simulation={"horizon_weeks": 52, "warmup_weeks": 8}, replications=10, old=True)
    combined = _run(org={"employees": 200, "structure": "combined"}, **common)
    separate = _run(org={"employees": 200, "structure": "separate"}, **common)
    for metric in ("queue_wait_hours_mean.project_coordination", "project_lead_time_weeks_mean"):
        mean, low, high = paired_interval(np.log(combined.replications[metric]), np.log(separate.replications[metric]))
        assert low > 0, f"{metric}: log(combined / separate) {mean:.2f} (95% CI {low:.2f} to {high:.2f})"
    mean, low, high = paired_interval(_open_projects(combined), _open_projects(separate))
    assert low > 0, f"projects open: combined - separate {mean:.2f} (95% CI {low:.2f} to {high:.2f})"
    assert combined.metric("utilisation.it_manager") > separate.metric("utilisation.it_manager") + 0.1


# ------------------------------------------------------------------ projects as they are


def test_a_scheduled_medium_project_slows_tickets_and_loads_the_small_firms_it_manager():
    """A 3,000-hour project (class medium) starting in week 10 at a 40-employee combined firm: its
    one engineer (the planned team of 4 is cut to the only engineer) puts ~5 more hours a week into
    project work, and loses ~1.7 more to switching between it and the small projects, in chunks of up
    to a day before looking at the ticket queue again; the IT manager coordinates it (+5.2 h a week:
    initiation and planning as shares of its 3,000-hour estimate, hand-offs, weekly coordination)
    and reports its status (+3.0 h: 4% of the planned team's 80 hours a week), so takes fewer of
    the level-2 tickets hands-on (-0.9 h) and is busier (+18 points).  Tickets wait longer for the
    engineer: the mean resolution time rises by ~1 hour (2.8 h -> 3.9 h; measured with 10
    replications: +1.05 h, 95% CI 0.59 to 1.50; IT manager's utilisation +0.18, CI 0.13 to 0.23)."""
    firm = dict(
        org={"employees": 40, "structure": "combined"},
        simulation={"horizon_weeks": 60, "warmup_weeks": 4},
        old=True,  # the numbers above were measured before issue 20 (package hand-offs, fixed loads)
    )
    without = _run(**firm)
    with_it = _run(projects={"scheduled": [{"week": 10, "class": "medium", "effort_hours": 3000}]}, **firm)
    assert len(with_it.project_arrivals.query("project_class == 'medium' and effort_hours == 3000")) == 10

    def paired(metric):
        return paired_interval(with_it.replications[metric], without.replications[metric])

    mean, low, high = paired("ticket_resolution_hours_mean.total")
    assert low > 0, f"resolution time +{mean:.2f} h (95% CI {low:.2f} to {high:.2f})"
    mean, low, high = paired("utilisation.it_manager")
    assert low > 0, f"IT manager's utilisation +{mean:.3f} (95% CI {low:.3f} to {high:.3f})"
    # the mechanism: the engineer's project work and switching, the manager's coordination and status
    for metric in (
        "hours_per_person_week.engineer.project_work",
        "hours_per_person_week.engineer.multitasking",
        "hours_per_person_week.it_manager.project_coordination",
        "hours_per_person_week.it_manager.status_reporting",
        "queue_wait_hours_mean.ticket_l2",
    ):
        mean, low, high = paired(metric)
        assert low > 0, f"{metric} +{mean:.2f} (95% CI {low:.2f} to {high:.2f})"
    mean, low, high = paired("hours_per_person_week.it_manager.ticket_l2")
    assert high < 0, f"the manager's hands-on level 2 {mean:.2f} h a week (95% CI {low:.2f} to {high:.2f})"


def test_a_busier_coordinator_decides_exceptions_later_and_more_work_is_redone():
    """Rework grows with the time an exception waits for its decision (rework_per_day_waited): the
    same 100-employee combined firm with half as many interrupts again on its IT manager (15 a day,
    not 10; they outrank project coordination) redoes more of each project (measured with 30
    replications: 2.34 -> 3.24 rework hours per project, +0.90, 95% CI 0.47 to 1.33)."""
    firm = dict(
        org={"employees": 100, "structure": "combined"},
        projects={"exception_probability": 0.5},
        simulation={"horizon_weeks": 60, "warmup_weeks": 8},
        replications=30,
    )
    calm = _run(**firm)
    busy = _run(management={"interrupts_per_manager_per_day": 15}, **firm)
    mean, low, high = paired_interval(
        busy.replications["utilisation.it_manager"], calm.replications["utilisation.it_manager"]
    )
    assert low > 0.05, f"the busier manager: +{mean:.3f} utilisation (95% CI {low:.3f} to {high:.3f})"
    mean, low, high = paired_interval(
        busy.replications["rework_hours_per_project"], calm.replications["rework_hours_per_project"]
    )
    assert low > 0, f"rework per project +{mean:.2f} h (95% CI {low:.2f} to {high:.2f})"
    assert (busy.projects["rework_hours"] >= 0).all() and busy.projects["rework_hours"].gt(0).mean() > 0.3


def test_more_projects_at_once_lose_engineers_more_time_to_multitasking():
    """Twice the projects (arrival_scale 2) at a 400-employee firm with project managers: the
    two-choice team assignment puts engineers on more projects at once, and on k projects a person
    loses multitasking_loss[k-1] of their project time (measured: 1.5% -> 11% of project time,
    +0.097, 95% CI 0.055 to 0.138; 0.26 -> 2.2 hours a week)."""
    firm = dict(
        org={"employees": 400, "structure": "separate"},
        roles={"project_manager": {"protects_team": False}},  # teams of whoever is least loaded
        simulation={"horizon_weeks": 60, "warmup_weeks": 8},
    )
    usual = _run(**firm)
    double = _run(projects={"arrival_scale": 2}, **firm)
    for metric in ("multitasking_loss.engineer", "hours_per_person_week.engineer.multitasking"):
        mean, low, high = paired_interval(double.replications[metric], usual.replications[metric])
        assert low > 0, f"{metric} +{mean:.3f} (95% CI {low:.3f} to {high:.3f})"
    assert 0 < usual.metric("multitasking_loss.engineer") < double.metric("multitasking_loss.engineer") < 0.17


def test_medium_projects_are_on_time_less_often_than_small_ones():
    """In the shipped large organisation with project managers, medium projects (a team of 4, ~100
    packages: more exceptions, rework and members' switching, and a team that must all find the
    time) meet their due dates less often than small ones, pooled over 14 replications (measured:
    medium 19 of 35 on time, 54%; small 3,294 of 4,540, 73%; one-sided Fisher exact p = 0.016)."""
    scenario = load_scenario(SCENARIOS / "large-separate.toml")
    results = orgsim.simulate(scenario, replications=14, seed=2026, jobs=1)
    table = results.projects.groupby("project_class")["on_time"].agg(["sum", "count"])
    medium, small = table.loc["medium"], table.loc["small"]
    assert medium["count"] >= 20 and small["count"] > 1000
    share_medium, share_small = medium["sum"] / medium["count"], small["sum"] / small["count"]
    _, p_value = stats.fisher_exact(
        [[medium["sum"], medium["count"] - medium["sum"]], [small["sum"], small["count"] - small["sum"]]],
        alternative="less",
    )
    assert share_medium < share_small and p_value < 0.05, (share_medium, share_small, p_value)
