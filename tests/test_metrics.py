"""Metrics (orgsim.metrics): read from the recorder, the queues and the people, over the
measured period only (after the warm-up), finite where work was done, and within the
time people have."""

from __future__ import annotations

import math

import numpy as np
import pytest

import orgsim
from orgsim.engine import Model
from orgsim.metrics import WEEKS_PER_QUARTER, measure
from tests.conftest import (
    old_scenario as make_scenario,  # the model before issue 20, each test switching its mechanism in
)


def _run(scenario, replication=0):
    model = Model(scenario, replication)
    model.run()
    return model, measure(model)


def _resolved(model):
    counts = model.recorder.counts
    return sum(counts[f"tickets_resolved.{k.name}"] for k in model.sources["tickets"].classes)


def _measured_days(model):
    """The daily series as arrays, restricted to the days after the warm-up."""
    columns = {key: np.asarray(values) for key, values in model.timeseries.columns.items()}
    keep = columns["hours"] > model.measure_start
    return {key: values[keep] for key, values in columns.items()}


def test_warmup_excludes_the_start_from_metrics():
    base = dict(org={"employees": 200}, simulation={"horizon_weeks": 20, "warmup_weeks": 10})
    model, output = _run(make_scenario(**base))
    counts = model.recorder.counts
    measured = sum(counts[f"tickets_resolved.{k.name}"] for k in model.sources["tickets"].classes)
    assert 0 < measured < sum(model.sources["tickets"].resolved)
    weeks = output.metrics["tickets_per_week.total"]
    assert weeks == pytest.approx(measured / 10.0)


def test_metrics_are_finite_where_work_was_done():
    scenario = make_scenario(org={"employees": 400}, simulation={"horizon_weeks": 20, "warmup_weeks": 2})
    _, output = _run(scenario)
    for name in (
        "tickets_per_week.total",
        "ticket_resolution_hours_mean.p3",
        "sla_attainment.total",
        "utilisation.it_manager",
        "staff_cost_per_week",
        "cost_per_ticket",
        "cost_per_project",
        "busy_cost_per_project",
        "projects_in_progress_mean",
        "queue_length_mean.ticket_l2",
    ):
        assert math.isfinite(output.metrics[name]), name


def test_projects_in_progress_agree_with_littles_law_in_a_stable_run():
    """The time-average of open projects (the cost of delay's project-weeks per week) against
    completed projects per week x mean lead time: equal up to the projects open at the
    ends of the measured period (a stable, long run; on average over replications: one
    long project still open at the end weighs on a single replication)."""
    scenario = make_scenario(
        org={"employees": 200, "structure": "separate"}, simulation={"horizon_weeks": 156, "warmup_weeks": 26}
    )
    results = orgsim.simulate(scenario, replications=8, seed=4, jobs=1).replications
    little = results["projects_per_quarter"] / 13.0 * results["project_lead_time_weeks_mean"]
    measured = results["projects_in_progress_mean"]
    assert abs(measured.mean() / little.mean() - 1) < 0.2, (list(measured), list(little))


def test_utilisation_and_busy_hours_stay_within_available_time():
    scenario = make_scenario(
        org={"employees": 120, "structure": "combined"},
        tickets={"per_employee_per_month": 6.0},
        simulation={"horizon_weeks": 20, "warmup_weeks": 2},
    )
    results = orgsim.simulate(scenario, replications=2, seed=1, jobs=1)
    people = results.people
    assert (people["utilisation"] <= 1 + 1e-9).all() and (people["utilisation"] >= 0).all()
    assert people["utilisation"].max() > 0.95, "this load should saturate someone"
    hours = people.filter(like="hours_per_week.").sum(axis=1)
    assert (hours <= scenario.calendar.hours_per_week + 1e-6).all()
    assert any("grows" in w for w in results.warnings), "an overloaded run must warn"


@pytest.mark.parametrize(("warmup", "measured_weeks"), [(10, 10.0), (2.5, 17.5), (0, 20.0)])
def test_rates_are_the_recorders_counts_over_the_measured_weeks_exactly(warmup, measured_weeks):
    scenario = make_scenario(
        org={"employees": 300, "structure": "separate"},
        projects={"initial_portfolio": 4, "arrival_scale": 2},
        simulation={"horizon_weeks": 20, "warmup_weeks": warmup},
    )
    model, output = _run(scenario)
    counts, metrics = model.recorder.counts, output.metrics
    assert (model.env.now - model.measure_start) / 40.0 == measured_weeks
    for klass in model.sources["tickets"].classes:
        assert metrics[f"tickets_per_week.{klass.name}"] == counts[f"tickets_resolved.{klass.name}"] / measured_weeks
    assert metrics["tickets_per_week.total"] == _resolved(model) / measured_weeks
    assert metrics["projects_per_quarter"] == counts["projects_completed"] / measured_weeks * WEEKS_PER_QUARTER
    for klass in model.scenario.projects.classes:
        completed = counts[f"projects_completed.{klass.name}"]
        assert metrics[f"projects_per_quarter.{klass.name}"] == completed / measured_weeks * WEEKS_PER_QUARTER
    assert metrics["rework_hours_per_week"] == model.recorder.totals["rework_hours"] / measured_weeks
    assert _resolved(model) > 500 and counts["projects_completed"] > 0


def test_a_warmup_of_half_the_run_leaves_out_the_first_half_and_nothing_else():
    """The warm-up changes what is measured, never what happens: with the same seed the
    run with a 10-week warm-up resolves the same tickets as the one without, and counts
    exactly those resolved after week 10 (about half of them)."""
    whole_model, whole = _run(
        make_scenario(org={"employees": 200}, simulation={"horizon_weeks": 20, "warmup_weeks": 0})
    )
    half_model, half = _run(make_scenario(org={"employees": 200}, simulation={"horizon_weeks": 20, "warmup_weeks": 10}))
    desk_whole, desk_half = whole_model.sources["tickets"], half_model.sources["tickets"]
    assert desk_whole.arrived == desk_half.arrived and desk_whole.resolved == desk_half.resolved
    assert _resolved(whole_model) == sum(desk_whole.resolved)
    # resolved by the end of day 50 (week 10), from the daily series of the whole run
    by_week_10 = whole_model.timeseries.columns["tickets_resolved"][49]
    assert whole_model.timeseries.columns["hours"][49] == 400.0
    assert _resolved(half_model) == sum(desk_whole.resolved) - by_week_10
    assert 0.4 < _resolved(half_model) / _resolved(whole_model) < 0.6
    for klass in desk_half.classes:
        tally = half_model.recorder.tallies[f"ticket_resolution_hours.{klass.name}"]
        assert tally.count == half_model.recorder.counts[f"tickets_resolved.{klass.name}"]
    assert half.metrics["tickets_per_week.total"] == pytest.approx(whole.metrics["tickets_per_week.total"], rel=0.1)
    # people: the busy hours of the whole run are those of the two halves
    for a, b in zip(whole_model.workers, half_model.workers, strict=True):
        assert a.busy == pytest.approx(b.busy)
        assert sum(a.measured_busy().values()) == pytest.approx(
            sum(b.measured_busy().values()) + sum(b.busy_at_restart.values())
        )


def test_workload_and_queue_metrics_are_the_daily_series_over_the_measured_days():
    """Busy hours per role and time-average queue lengths, read from the people and the
    queues at the end, equal what the daily series saw after the warm-up."""
    scenario = make_scenario(
        org={"employees": 300, "structure": "combined"},
        projects={"initial_portfolio": 4},
        simulation={"horizon_weeks": 16, "warmup_weeks": 5},
    )
    model, output = _run(scenario)
    days = _measured_days(model)
    assert len(days["day"]) == 11 * 5
    measured_hours = model.env.now - model.measure_start
    headcounts = scenario.headcounts()
    for role, n in headcounts.items():
        busy = output.metrics[f"utilisation.{role}"] * n * measured_hours
        assert busy == pytest.approx(days[f"busy_hours.{role}"].sum(), rel=1e-9, abs=1e-6), role
    for duty in ("ticket_l1", "ticket_l2", "project_coordination", "people_management"):
        length = output.metrics[f"queue_length_mean.{duty}"]
        assert length == pytest.approx(days[f"queue.{duty}"].mean(), rel=1e-9, abs=1e-12), duty
    assert output.metrics["queue_length_mean.people_management"] > 0


def test_utilisation_is_the_hours_per_person_week_over_the_working_week():
    scenario = make_scenario(
        org={"employees": 200, "structure": "no_pm"},
        projects={"initial_portfolio": 3},
        simulation={"horizon_weeks": 20, "warmup_weeks": 2},
    )
    _, output = _run(scenario)
    metrics = output.metrics
    staffed = [role for role in scenario.roles if scenario.headcounts()[role.name] > 0]
    assert len(staffed) < len(scenario.roles)  # nobody heads a single IT manager: no metrics for head_of_it
    for role in staffed:
        # the time lost to switching between projects is busy time of its own
        labels = (*role.duties, "context_switch", *(("multitasking",) if "project_work" in role.duties else ()))
        hours = sum(metrics[f"hours_per_person_week.{role.name}.{label}"] for label in labels)
        assert metrics[f"utilisation.{role.name}"] == pytest.approx(hours / 40.0, rel=1e-12)
        assert 0 < metrics[f"utilisation.{role.name}"] <= 1


def test_queues_obey_littles_law_over_the_measured_period():
    """L = lambda W per duty, up to the items waiting at the two ends of the measured period."""
    scenario = make_scenario(
        org={"employees": 400, "structure": "separate"}, simulation={"horizon_weeks": 60, "warmup_weeks": 8}
    )
    _, output = _run(scenario)
    metrics = output.metrics
    assert not output.warnings, "a stable run"
    checked = 0
    for duty in ("ticket_l2", "approval", "project_work", "project_coordination", "status_reporting", "admin"):
        length = metrics[f"queue_length_mean.{duty}"]
        rate, wait = metrics[f"queue_arrivals_per_hour.{duty}"], metrics[f"queue_wait_hours_mean.{duty}"]
        assert length == pytest.approx(rate * wait, rel=0.02), duty
        checked += length > 0.005
    assert checked >= 5
