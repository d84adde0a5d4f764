"""The model behaves as the domain says, asserted on numbers over replications.

Each comparison runs both scenarios with the same seed, so replication k of both
sees the same tickets and projects (common random numbers); the claims are tested
on the paired differences with a 95% Student-t interval that must exclude zero.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import orgsim
from tests.conftest import make_scenario


def paired_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of a - b and its 95% confidence interval."""
    diff = np.asarray(a, float) - np.asarray(b, float)
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    return diff.mean(), diff.mean() - half, diff.mean() + half


def _run(replications=10, seed=2026, **sections):
    return orgsim.simulate(make_scenario(**sections), replications=replications, seed=seed, jobs=1)


def _mix_with_p1(p1_share: float) -> dict[str, float]:
    """The default class mix with the P1 share changed and the others scaled to fit."""
    base = {"p2": 0.04, "p3": 0.275, "p4": 0.175, "service_request": 0.45, "change": 0.05}
    scale = (1 - p1_share) / sum(base.values())
    return {"p1": p1_share, **{k: v * scale for k, v in base.items()}}


def _hours(results, role: str, duties) -> np.ndarray:
    return sum(results.replications.get(f"hours_per_person_week.{role}.{d}", 0.0) for d in duties)


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
    """Major incidents preempt the combined manager's coordination, so projects wait."""
    lead = {}
    for structure in ("combined", "separate"):
        for p1 in (0.01, 0.08):
            results = _run(
                org={"employees": 200, "structure": structure},
                tickets={"mix": _mix_with_p1(p1)},
                simulation={"horizon_weeks": 80, "warmup_weeks": 8},
                replications=12,
            )
            lead[structure, p1] = results.replications["project_lead_time_weeks_mean"].to_numpy()
    combined_delay = lead["combined", 0.08] - lead["combined", 0.01]
    separate_delay = lead["separate", 0.08] - lead["separate", 0.01]
    mean, low, high = paired_interval(combined_delay, separate_delay)
    assert combined_delay.mean() > 0.5, "a P1 rate 8x higher must delay combined projects by days"
    assert low > 0, f"extra delay under combined {mean:.2f} weeks (95% CI {low:.2f} to {high:.2f})"


def test_context_switching_lowers_a_saturated_combined_managers_throughput():
    """Setup time on every change of duty family is time not spent finishing work: a
    combined manager loaded to the limit delivers fewer items and fewer hours of work."""
    sections = dict(
        org={"employees": 200, "structure": "combined"},
        projects={"per_100_employees_per_year": 110},
        management={"admin_hours_per_week": 0},
        simulation={"horizon_weeks": 60, "warmup_weeks": 8},
        replications=8,
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
    coordination waiting, and projects take longer than with a dedicated PM (paired, same work)."""
    common = dict(simulation={"horizon_weeks": 52, "warmup_weeks": 8}, replications=10)
    combined = _run(org={"employees": 200, "structure": "combined"}, **common)
    separate = _run(org={"employees": 200, "structure": "separate"}, **common)
    for metric in ("queue_wait_hours_mean.project_coordination", "project_lead_time_weeks_mean"):
        mean, low, high = paired_interval(combined.replications[metric], separate.replications[metric])
        assert low > 0, f"{metric}: combined - separate {mean:.2f} (95% CI {low:.2f} to {high:.2f})"
    assert combined.metric("utilisation.it_manager") > separate.metric("utilisation.it_manager") + 0.1
