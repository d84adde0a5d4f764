"""The two seams of a work source (orgsim.work.source): a source hears every case that closes,
and reports its own metrics and expected arrivals.

A toy source that reacts to another is written here, in this one module, with its parameters:
a *change request* raised as each project goes live, one small item of level-2 work.  It plugs
in as the architecture test's toy does (a module naming it ``SOURCE`` in a folder added to
``orgsim.work``'s path); nothing in the engine, the metrics or the limits is edited for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import orgsim
from orgsim import catalogue, work
from orgsim.catalogue import HIGHER, Metric
from orgsim.engine import Model
from orgsim.experiment import check_work
from orgsim.metrics import measure
from orgsim.scenario import ScenarioError
from orgsim.work.source import Arrivals, WorkSource
from tests.conftest import SCENARIOS

# ------------------------------------------------------------------ the toy source and its parameters


@dataclass(frozen=True)
class ChangeRequestParameters:
    """How much work a project's go-live raises: ``per_project`` change requests of
    ``effort_hours`` each, for the holders of ``duty``."""

    per_project: int = 1
    effort_hours: float = 3.0
    duty: str = "ticket_l2"


class ChangeRequest:
    """One change request case: raised by the go-live of project ``project_id``."""

    kind = "change_request"
    __slots__ = ("case_id", "project_id", "arrived_at")

    def __init__(self, case_id, project_id, arrived_at):
        self.case_id = case_id
        self.project_id = project_id
        self.arrived_at = arrived_at


class ChangeRequests(WorkSource):
    """Change requests after every project goes live, worked in the level-2 queue."""

    name = "change_requests"
    order = 95  # after the projects: it only listens
    duties = ("ticket_l2",)
    parameters = ChangeRequestParameters()
    catalogue = (
        Metric(
            "change_requests_per_week",
            "change requests closed",
            "per week",
            "change requests raised by projects going live and closed after the warm-up",
            HIGHER,
        ),
    )

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.closed_key = org.recorder.counter("change_requests_closed")
        self.raised = 0  # since time 0
        self.closed = 0
        self.heard = []  # (kind, case id) of every case closed that this source heard of

    def case_closed(self, case, now):
        self.heard.append((case.kind, case.case_id))
        if case.kind != "project":
            return
        for _ in range(self.parameters.per_project):
            self.raised += 1
            request = ChangeRequest(self.raised, case.case_id, now)
            if self.org.log_arrival is not None:
                self.org.log_arrival(request)
            effort = self.parameters.effort_hours
            self.org.submit(self.parameters.duty, effort, request, self._done, "change request")

    def _done(self, item, now):
        self.closed += 1
        self.org.recorder.counts[self.closed_key] += 1
        if self.org.report_closed is not None:
            self.org.report_closed(item.case, now)

    def snapshot(self):
        return {"change_requests_open": self.raised - self.closed}

    def finish(self, now, live_items):
        left = sum(1 for item in live_items if isinstance(item.case, ChangeRequest))
        self.org.recorder.state["change_requests_open"] = left
        if self.raised != self.closed + left:
            return [f"change requests: {self.raised} raised != {self.closed} closed + {left} open"]
        return []

    def metrics(self, weeks):
        return {"change_requests_per_week": self.org.recorder.counts[self.closed_key] / weeks}

    @classmethod
    def expected_arrivals(cls, scenario):
        """At most one go-live per project that arrives: those there at time 0, the scheduled
        ones and each class's random arrivals over the horizon."""
        projects, weeks = scenario.projects, scenario.simulation.horizon_weeks
        count = (projects.initial_portfolio if projects.classes else 0) + len(projects.scheduled)
        for klass in projects.classes:
            count += (
                scenario.org.employees / 100 * klass.per_100_employees_per_year * projects.arrival_scale * weeks / 52
            )
        return [
            Arrivals(
                count * cls.parameters.per_project,
                "projects.classes",
                "change requests",
                "fewer change requests per project, fewer projects or a shorter horizon",
            )
        ]


@pytest.fixture
def plugged_in(tmp_path, monkeypatch):
    """The toy plugged in the way any new source is: a module naming it ``SOURCE`` on the path
    of ``orgsim.work`` (here a one-line module, as the class lives in this test)."""
    folder = tmp_path / "more_work"
    folder.mkdir()
    (folder / "change_requests.py").write_text(
        "from tests.work.test_source_seams import ChangeRequests as SOURCE  # noqa: F401\n", encoding="utf-8"
    )
    monkeypatch.setattr(work, "__path__", [*work.__path__, str(folder)])
    assert [kind.name for kind in work.sources()][-1] == "change_requests"


def _scenario(**changes):
    base = {"simulation.horizon_weeks": 52, "simulation.warmup_weeks": 8, "projects.initial_portfolio": 8}
    return orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes({**base, **changes})


# ------------------------------------------------------------------ what the seams show


def test_a_source_hears_every_project_go_live_and_raises_its_change_requests(plugged_in):
    model = Model(_scenario(), 0)
    model.run()  # conservation: every duty's items and every source's cases, the toy's included
    toy, projects = model.sources["change_requests"], model.sources["projects"]
    assert projects.completed >= 3, "the scenario must finish some projects to test anything"
    assert toy.raised == projects.completed  # one per project gone live, within the whole horizon
    heard_projects = [case_id for kind, case_id in toy.heard if kind == "project"]
    assert len(heard_projects) == len(set(heard_projects)) == projects.completed  # each once
    assert {kind for kind, _ in toy.heard} >= {"ticket", "project", "change_request", "routine"}
    assert toy.closed > 0 and model.recorder.state["change_requests_open"] == toy.raised - toy.closed
    assert "change_requests_open" in model.timeseries.columns


def test_its_own_metric_is_in_the_run_with_its_catalogue_row(plugged_in):
    model = Model(_scenario(), 0)
    model.run()
    metrics = measure(model).metrics
    weeks = 52 - 8
    assert metrics["change_requests_per_week"] == model.recorder.counts["change_requests_closed"] / weeks
    assert metrics["change_requests_per_week"] > 0
    assert catalogue.label("change_requests_per_week") == "change requests closed"
    assert catalogue.better_direction("change_requests_per_week") == HIGHER
    # and through the public runner, as a column of the replications
    results = orgsim.simulate(_scenario(), replications=1, seed=3, jobs=1)
    assert "change_requests_per_week" in results.replications.columns


def test_its_work_takes_level_2_time_and_leaves_the_other_sources_as_they_were(plugged_in):
    """Common random numbers: the toy draws nothing, so every case of the other sources is the
    same with and without it; only the level-2 queue has more to do."""
    scenario = _scenario()
    with_toy = Model(scenario, 0)
    with_toy.run()
    without = Model(scenario, 0, source_types=[s for s in work.sources() if s.name != "change_requests"])
    without.run()
    assert with_toy.sources["tickets"].arrived == without.sources["tickets"].arrived
    assert with_toy.sources["projects"].arrived == without.sources["projects"].arrived
    extra = with_toy.created["ticket_l2"] - without.created["ticket_l2"]
    raised = with_toy.sources["change_requests"].raised
    # every change request is level-2 work; a ticket whose level-1 part the toy's work pushes past the
    # horizon is escalated in one run and not yet in the other, so at the horizon's edge one may differ
    assert raised - 1 <= extra <= raised and raised > 0


def test_its_expected_arrivals_are_counted_by_the_limits(plugged_in, monkeypatch):
    scenario = _scenario()
    rows = work.expected_arrivals(scenario)
    toy = [row for row in rows if row.what == "change requests"]
    assert len(toy) == 1 and toy[0].count > 0
    others = [kind for kind in work.sources() if kind.name != "change_requests"]
    assert work.expected_items(scenario) == pytest.approx(work.expected_items(scenario, others) + toy[0].count)
    # beyond the limit on one run's size: refused before any run, naming the toy's field
    monkeypatch.setattr(ChangeRequests, "parameters", ChangeRequestParameters(per_project=10**9))
    with pytest.raises(ScenarioError) as refused:
        check_work([scenario], 1)
    assert "projects.classes" in str(refused.value) and "change requests expected" in str(refused.value)
    with pytest.raises(ScenarioError):
        Model(scenario, 0)


def test_a_model_whose_sources_do_not_listen_reports_nothing():
    """No source overrides case_closed: the hook the sources would call is None (no cost)."""
    model = Model(_scenario(), 0)
    assert model.report_closed is None
    assert all(kind.case_closed is WorkSource.case_closed for kind in work.sources())
