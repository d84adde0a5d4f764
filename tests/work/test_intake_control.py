"""Intake control (projects.max_open_per_coordinator): above what the coordinators can carry, a
new project is deferred — counted, kept in a backlog released first in, first out as projects
close — and conserved; below the limit nothing changes.  And the open projects at the end of
each replication (ReplicationOutput.open_projects, Results.open_projects), for a censored lead
time."""

from __future__ import annotations

import math

import orgsim
from orgsim.engine import Model
from orgsim.metrics import measure
from orgsim.work import projects as projects_module
from tests.conftest import SCENARIOS, before_issue_20

BUSY = {"org.employees": 200, "simulation.horizon_weeks": 52, "simulation.warmup_weeks": 4}


def _scenario(**changes):
    # the model before issue 20 (saturated at this size), the mechanism under test switched in
    scenario = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(BUSY)
    return before_issue_20(scenario, keep=changes).with_changes(changes)


class _Watched(projects_module.ProjectOffice):
    """The project office, noting the open count at every admission and the order of deferral
    and release."""

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.admitted_with_open = []
        self.deferred_order = []
        self.released_order = []

    def _arrive(self, *args, **kwargs):
        before = len(self.deferred)
        super()._arrive(*args, **kwargs)
        if len(self.deferred) > before:
            self.deferred_order.append(self.deferred[-1].case_id)

    def _admit(self, project):
        self.admitted_with_open.append(self._open_count())
        if project.state == "deferred":
            self.released_order.append(project.case_id)
        super()._admit(project)


def _run(scenario, replication=0):
    types = [_Watched if kind is projects_module.ProjectOffice else kind for kind in orgsim.work.sources()]
    model = Model(scenario, replication, seed=3, source_types=types)
    model.run()  # raises ConservationError unless arrived = done + open, deferred included
    return model, measure(model)


def test_projects_are_deferred_only_above_the_limit_and_released_first_in_first_out():
    model, output = _run(_scenario(**{"projects.max_open_per_coordinator": 3}))
    office = model.sources["projects"]
    limit = 3 * len(office.coordinators)
    assert limit > 0
    # never taken on at or above the limit; and deferred only when it was reached
    assert max(office.admitted_with_open) < limit
    assert office.deferred_order, "the overloaded manager should defer some projects"
    # released in the order deferred
    assert office.released_order == office.deferred_order[: len(office.released_order)]
    assert list(p.case_id for p in office.deferred) == office.deferred_order[len(office.released_order) :]
    metrics = output.metrics
    weeks = (model.env.now - model.measure_start) / model.scenario.calendar.hours_per_week
    assert math.isclose(metrics["projects_deferred_per_quarter"], office.counts["projects_deferred"] / weeks * 13)
    assert metrics["projects_deferred_at_end"] == len(office.deferred)
    # conservation counts them: arrived = done + open, the deferred among the open
    assert office.arrived == office.completed + metrics["projects_open_at_end"]
    assert metrics["projects_waiting_at_end"] >= len(office.deferred)


def test_a_limit_never_reached_changes_no_number():
    _, off = _run(_scenario())
    _, high = _run(_scenario(**{"projects.max_open_per_coordinator": 1000}))
    assert high.metrics["projects_deferred_per_quarter"] == 0.0
    assert "projects_deferred_per_quarter" not in off.metrics
    for name, value in off.metrics.items():
        assert value == high.metrics[name] or (math.isnan(value) and math.isnan(high.metrics[name])), name


def test_open_projects_at_the_end_with_class_age_and_whether_started():
    scenario = _scenario(**{"projects.max_open_per_coordinator": 3})
    model, output = _run(scenario, replication=2)
    rows = output.open_projects
    assert len(rows) == output.metrics["projects_open_at_end"] > 0
    assert all(row[0] == 2 for row in rows)
    office = model.sources["projects"]
    assert sum(1 for row in rows if not row[3]) >= len(office.deferred) > 0  # a deferred one never started
    assert sum(1 for row in rows if row[3]) == output.metrics["projects_active_at_end"]
    ages = sum(row[2] for row in rows) / len(rows)
    assert math.isclose(ages, output.metrics["project_open_age_weeks_mean"])
    results = orgsim.simulate(scenario, replications=2, seed=3, jobs=1)
    frame = results.open_projects
    assert list(frame.columns) == ["replication", "project_class", "age_weeks", "started"]
    per_replication = frame.groupby("replication").size()
    assert per_replication.tolist() == results.replications["projects_open_at_end"].astype(int).tolist()
