"""The metric catalogue (orgsim.catalogue): every metric a run reports has a row, and the
rows say what the statistics, tables and plots need."""

from __future__ import annotations

import re

import pytest

import orgsim
from orgsim import catalogue
from tests.conftest import make_scenario


@pytest.fixture(scope="module")
def run_metrics() -> list[str]:
    """Every metric name of a small run with all five roles (a PMO organisation)."""
    scenario = make_scenario(
        org={"employees": 200, "structure": "pmo"}, simulation={"horizon_weeks": 10, "warmup_weeks": 2}
    )
    results = orgsim.simulate(scenario, replications=1, seed=1, jobs=1)
    return [c for c in results.replications.columns if c != "replication"]


def test_every_metric_a_run_produces_has_a_catalogue_row(run_metrics):
    assert len(run_metrics) > 100
    missing = [name for name in run_metrics if catalogue.lookup(name) is None]
    assert missing == []
    for name in run_metrics:
        assert catalogue.label(name).strip(), name
        assert catalogue.unit(name).strip(), name
        assert catalogue.better_direction(name) in (catalogue.HIGHER, catalogue.LOWER, catalogue.NEITHER), name
    for role in ("service_desk", "engineer", "it_manager", "project_manager", "pmo_lead"):
        assert f"utilisation.{role}" in run_metrics
        assert catalogue.is_share(f"utilisation.{role}")
    assert {m.pattern for m in catalogue.headline()} <= set(run_metrics)


def test_every_catalogue_row_is_complete():
    rows = (*catalogue.CATALOGUE, catalogue.lookup("utilisation.it_manager"))
    for metric in rows:
        assert metric.label.strip() and metric.unit.strip() and metric.doc.strip(), metric.pattern
        assert metric.better in (catalogue.HIGHER, catalogue.LOWER, catalogue.NEITHER), metric.pattern
        for placeholder in re.findall(r"\{(\w+)\}", metric.pattern):
            assert placeholder in catalogue.PLACEHOLDERS, metric.pattern
    patterns = [m.pattern for m in catalogue.CATALOGUE]
    assert len(patterns) == len(set(patterns))


def test_a_fixed_row_comes_before_the_pattern_it_matches():
    total = catalogue.lookup("tickets_per_week.total")
    assert total.pattern == "tickets_per_week.total" and total.headline == 1
    assert catalogue.lookup("tickets_per_week.p1").pattern == "tickets_per_week.{ticket_class}"
    manager = catalogue.lookup("utilisation.it_manager")
    assert manager.pattern == "utilisation.it_manager" and manager.label == "IT manager utilisation"
    assert catalogue.lookup("utilisation.engineer").pattern == "utilisation.{role}"
    assert catalogue.lookup("hours_per_person_week.it_manager.context_switch").pattern == (
        "hours_per_person_week.{role}.{busy}"
    )
    assert catalogue.lookup("no_such_metric") is None
    assert catalogue.lookup("tickets_per_week.P1") is None  # names are lower case
    assert catalogue.lookup("tickets_per_week.p1.extra") is None


def test_labels_name_the_role_or_class_and_unknown_names_still_read():
    assert catalogue.label("utilisation.engineer") == "utilisation, engineer"
    assert catalogue.label("tickets_per_week.service_request") == "tickets resolved, service request"
    assert catalogue.label("hours_per_person_week.it_manager.project_coordination") == (
        "hours by duty, it manager project coordination"
    )
    assert catalogue.label("project_lead_time_weeks_mean") == "project lead time"
    assert catalogue.label("made_up.metric_name") == "made up metric name"
    assert catalogue.unit("made_up.metric_name") == ""
    assert catalogue.unit("staff_cost_per_week") == "currency per week"


def test_reserved_names():
    assert catalogue.reserved_names("ticket_class") == {"total"}
    assert catalogue.reserved_names("role") == set()
    assert catalogue.reserved_names("duty") == set()


def test_better_direction_and_shares():
    for klass in ("p1", "change", "total"):
        assert catalogue.better_direction(f"tickets_per_week.{klass}") == +1
        assert catalogue.better_direction(f"sla_attainment.{klass}") == +1
        assert catalogue.better_direction(f"ticket_resolution_hours_mean.{klass}") == -1
    assert catalogue.better_direction("project_lead_time_weeks_mean") == -1
    assert catalogue.better_direction("projects_per_quarter") == +1
    assert catalogue.better_direction("project_on_time_share") == +1
    assert catalogue.better_direction("staff_cost_per_week") == -1
    assert catalogue.better_direction("no_such_metric") == -1
    for share in ("sla_attainment.total", "sla_attainment.p3", "project_on_time_share", "utilisation.it_manager"):
        assert catalogue.is_share(share), share
    for not_share in ("tickets_per_week.total", "project_lead_time_weeks_mean", "headcount.engineer", "nonsense"):
        assert not catalogue.is_share(not_share), not_share


def test_headline_sweep_and_dashboard_selections():
    headline = catalogue.headline()
    positions = [m.headline for m in headline]
    assert positions == sorted(positions) and len(set(positions)) == len(positions) and positions[0] == 1
    patterns = [m.pattern for m in headline]
    assert "utilisation.it_manager" in patterns
    assert patterns[:3] == ["tickets_per_week.total", "ticket_resolution_hours_mean.total", "sla_attainment.total"]
    assert all("{" not in p for p in patterns)  # a headline is one number
    sweep = catalogue.sweep_metrics()
    assert len(sweep) == len(set(sweep)) and "utilisation.it_manager" in sweep and "cost_per_project" in sweep
    assert sweep[-1] == "cost_per_project"  # not in the headline: last
    dashboard = [m.pattern for m in catalogue.dashboard()]
    assert len(dashboard) == 6  # the comparison dashboard has 2 x 3 panels
    assert dashboard[:3] == ["project_lead_time_weeks_mean", "project_on_time_share", "sla_attainment.total"]


def test_markdown_list_has_one_row_per_catalogue_entry():
    lines = catalogue.markdown_list().splitlines()
    assert lines[:2] == ["| metric | unit | better | MID | meaning |", "|---|---|---|---|---|"]
    rows = lines[2:]
    assert len(rows) == len(catalogue.CATALOGUE)
    for line, metric in zip(rows, catalogue.CATALOGUE, strict=True):
        assert line.startswith(f"| `{metric.pattern}` | {metric.unit} |")
        queue = " (read from a queue: not shown where a point is over capacity)" if metric.from_queue else ""
        assert line.endswith(f"| {metric.doc}{queue} |")
        assert ("| higher |" in line) == (metric.better == catalogue.HIGHER)


def test_descriptions_are_never_called_better():
    """A headcount or an arrival rate describes the organisation: no comparison declares a winner on it."""
    for name in ("headcount.it_manager", "queue_arrivals_per_hour.ticket_l2", "projects_active_at_end"):
        assert catalogue.better_direction(name) == catalogue.NEITHER, name


def test_every_outcome_has_a_minimal_important_difference_and_descriptions_none():
    rows = (*catalogue.CATALOGUE, catalogue.lookup("utilisation.it_manager"))
    for metric in rows:
        if metric.better == catalogue.NEITHER:
            assert metric.mid is None, metric.pattern
            continue
        mid = metric.mid
        assert mid is not None, f"{metric.pattern}: no MID (add one to catalogue.MIDS)"
        assert mid.value > 0 and mid.basis.strip(), metric.pattern
        if metric.share and not mid.relative:
            assert mid.value < 0.5, metric.pattern
    assert set(catalogue.MIDS) <= {m.pattern for m in rows}  # no MID of a metric that is not there
    assert catalogue.minimal_difference("project_lead_time_weeks_mean").value == 1.0
    assert catalogue.minimal_difference("utilisation.engineer").value == 0.05
    assert catalogue.minimal_difference("headcount.engineer") is None
    assert catalogue.minimal_difference("no_such_metric") is None
    cost = catalogue.minimal_difference("staff_cost_per_week")
    assert cost.relative and cost.threshold(9800.0) == pytest.approx(98.0)
    assert cost.describe("currency per week") == "1% of the baseline"
    assert catalogue.minimal_difference("project_lead_time_weeks_mean").describe("working weeks") == "1 working week"
