"""Invariants that hold for every valid scenario, checked on random ones (hypothesis).

A strategy draws valid scenario dicts: 1-800 employees, the four structure presets
and custom role layouts (one person holding every duty, two or three roles splitting
the duties along a reporting tree), ticket rates, class mixes, effort distributions,
project classes (the defaults changed and new ones), scheduled projects, arrival scales,
the coordination shares, estimation errors, multitasking losses, rework, WIP limits,
exception probabilities, context-switch times, calendars and short horizons.  Each
example runs one replication and checks:

- conservation (``Model.run`` raises ``ConservationError`` when work is lost): every project
  arrived is done or open, and the per-class counts and rates add up to the totals;
- utilisation in [0, 1] for every role and every person;
- no negative times or other negative quantities, and shares in [0, 1];
- busy hours per person <= the hours a working week has;
- no work item or case completes before it arrived, or after the horizon;
- the measured period starts when the warm-up ends, for the recorder, the queues and people;
- every queue's level is the number of items waiting in it, its measured area within its
  area since time 0; the recorder's statistics agree with each other and with the metrics;
- identical numbers for an identical seed and replication.

The profile is derandomized and keeps no example database, so CI sees the same
examples on every run.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orgsim import scenario_from_dict
from orgsim.duties import DUTIES
from orgsim.engine import Model
from orgsim.metrics import measure
from orgsim.scenario import DEFAULT_TICKET_CLASSES

EPS = 1e-9
TICKET_CLASSES = (*DEFAULT_TICKET_CLASSES, "extra_class")
PROJECT_CLASSES = ("small", "medium", "extra_project")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ----------------------------------------------------------------------- strategies


def _hours(high: float, low: float = 0.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def distributions(draw, low_mean: float = 0.0, high_mean: float = 8.0):
    """One effort distribution of each kind; a bare number is a fixed one."""
    kind = draw(st.sampled_from(("fixed", "bare", "exponential", "lognormal", "triangular")))
    if kind == "bare":
        return draw(_hours(high_mean, low_mean))
    if kind == "triangular":
        a, b, c = sorted(draw(st.lists(_hours(high_mean * 1.5, low_mean), min_size=3, max_size=3)))
        return {"dist": "triangular", "low": a, "mode": b, "high": c}
    mean = draw(_hours(high_mean, low_mean))
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": mean, "cv": draw(_hours(3.0))}
    return {"dist": kind, "mean": mean}


@st.composite
def ticket_mixes(draw) -> dict[str, float]:
    """Shares over a random subset of the classes that sum to 1 exactly (rounding fixed on the last)."""
    names = draw(st.lists(st.sampled_from(TICKET_CLASSES), min_size=1, max_size=len(TICKET_CLASSES), unique=True))
    weights = [draw(st.integers(1, 100)) for _ in names]
    total = sum(weights)
    shares = [w / total for w in weights[:-1]]
    shares.append(1.0 - math.fsum(shares))
    assert shares[-1] >= 0 and abs(math.fsum(shares) - 1.0) < 1e-12
    return dict(zip(names, shares, strict=True))


@st.composite
def ticket_class_tables(draw, name: str) -> dict:
    table = {}
    if draw(st.booleans()):
        table["l1_effort"] = draw(distributions(0.0, 0.5))
    if draw(st.booleans()):
        table["l2_effort"] = draw(distributions(0.0, 8.0))
    if draw(st.booleans()):
        table["l1_resolution_share"] = draw(_hours(1.0))
    if draw(st.booleans()):
        table["priority"] = draw(st.integers(1, 5))
    if draw(st.booleans()):
        table["preemptive"] = draw(st.booleans())
    if draw(st.booleans()):
        table["sla_hours"] = draw(_hours(200.0, 0.5))
    if draw(st.booleans()):
        table["manager_duty"] = draw(st.sampled_from(("none", "major_incident", "approval")))
        table["manager_effort"] = draw(distributions(0.0, 3.0))
    return table


@st.composite
def project_class_tables(draw) -> dict:
    """Some fields of a project class (a new class takes the ProjectClass defaults for the rest)."""
    table = {}
    if draw(st.booleans()):
        table["per_100_employees_per_year"] = draw(_hours(30.0))
    if draw(st.booleans()):
        table["effort"] = draw(distributions(1.0, 600.0))
        table["work_package_hours"] = draw(_hours(80.0, 8.0))
    if draw(st.booleans()):
        table["team_size"] = draw(st.integers(1, 5))
    if draw(st.booleans()):
        table["member_hours_per_week"] = draw(_hours(40.0, 1.0))
    if draw(st.booleans()):
        table["due_date_factor"] = draw(_hours(5.0, 0.1))
    return table


@st.composite
def scheduled_projects(draw, classes: list[str], horizon: int) -> dict:
    """A scheduled project of one of ``classes``, in the run or after it; its effort and team given or not."""
    project = {"week": draw(st.one_of(st.integers(0, horizon + 2), _hours(horizon)))}
    if draw(st.booleans()):
        project["class"] = draw(st.sampled_from(classes))
    if draw(st.booleans()):
        project["effort_hours"] = draw(st.one_of(st.just(0.0), _hours(800.0, 1.0)))
    if draw(st.booleans()):
        project["team_size"] = draw(st.integers(0, 6))
    return project


def _split(draw, duties, holders: int) -> list[list[str]]:
    """Every duty to one or more of ``holders`` roles, each list in a random priority order."""
    lists: list[list[str]] = [[] for _ in range(holders)]
    for duty in duties:
        owners = draw(st.sets(st.integers(0, holders - 1), min_size=1, max_size=holders))
        for owner in owners:
            lists[owner].append(duty)
    return [draw(st.permutations(held)) for held in lists]


@st.composite
def role_layouts(draw, employees: int) -> tuple[dict, dict]:
    """(org, roles): a structure preset, possibly changed, or a custom layout that is a valid tree."""
    layout = draw(st.sampled_from(("combined", "separate", "pmo", "no_pm", "solo", "two_roles", "three_roles")))
    switch = _hours(1.0)
    if layout in ("combined", "separate", "pmo", "no_pm"):
        roles = {}
        preset_roles = {
            "combined": ["service_desk", "engineer", "it_manager"],
            "separate": ["service_desk", "engineer", "it_manager", "project_manager"],
            "pmo": ["service_desk", "engineer", "it_manager", "project_manager", "pmo_lead"],
            "no_pm": ["service_desk", "engineer", "it_manager", "senior_engineer"],
        }[layout]
        for name in preset_roles:
            if draw(st.booleans()):
                roles[name] = {"context_switch_hours": draw(switch)}
        if draw(st.booleans()):
            roles["engineer"] = {
                **roles.get("engineer", {}),
                "headcount": draw(st.one_of(st.integers(1, 12), st.just({"per_employees": 40, "minimum": 1}))),
            }
        if draw(st.booleans()):  # an extra role under the IT manager
            roles["architect"] = {
                "headcount": draw(st.integers(0, 3)),
                "duties": draw(st.permutations(["ticket_l2", "project_work"])),
                "reports_to": "it_manager",
                "context_switch_hours": draw(switch),
                "hourly_cost": draw(_hours(150.0)),
            }
        return {"employees": employees, "structure": layout}, roles
    org = {"employees": employees, "structure": "custom"}
    if layout == "solo":  # one role (1-3 people) holds every duty
        return org, {
            "solo": {
                "headcount": draw(st.integers(1, 3)),
                "duties": draw(st.permutations(list(DUTIES))),
                "context_switch_hours": draw(switch),
            }
        }
    if layout == "two_roles":  # a lead and the staff reporting to them split the duties
        rest = [d for d in DUTIES if d != "people_management"]
        lead, staff = _split(draw, rest, 2)
        lead = draw(st.permutations([*lead, "people_management"]))
        return org, {
            "lead": {
                "headcount": draw(st.one_of(st.integers(1, 2), st.just({"per_reports": 6, "minimum": 1}))),
                "duties": lead,
                "context_switch_hours": draw(switch),
            },
            "staff": {
                "headcount": draw(st.one_of(st.integers(1, 8), st.just({"per_employees": 60, "minimum": 1}))),
                "duties": staff,
                "reports_to": "lead",
                "context_switch_hours": draw(switch),
            },
        }
    # three roles in a chain: head <- middle <- worker; head and middle manage people
    rest = [d for d in DUTIES if d != "people_management"]
    head, middle, worker = _split(draw, rest, 3)
    return org, {
        "head": {
            "headcount": 1,
            "duties": draw(st.permutations([*head, "people_management"])),
            "context_switch_hours": draw(switch),
        },
        "middle": {
            "headcount": {"per_reports": draw(st.integers(2, 10)), "minimum": 1},
            "duties": draw(st.permutations([*middle, "people_management"])),
            "reports_to": "head",
            "context_switch_hours": draw(switch),
        },
        "worker": {
            "headcount": draw(st.integers(1, 10)),
            "duties": worker,
            "reports_to": "middle",
            "context_switch_hours": draw(switch),
        },
    }


@st.composite
def valid_scenarios(draw) -> dict:
    employees = draw(st.one_of(st.integers(1, 60), st.integers(1, 800)))
    org, roles = draw(role_layouts(employees))
    horizon = draw(st.integers(4, 20))
    data: dict = {
        "name": "random",
        "simulation": {
            "horizon_weeks": horizon,
            "warmup_weeks": draw(st.one_of(st.integers(0, horizon - 1), _hours(horizon - 0.5))),
            "seed": draw(st.integers(0, 2**32)),
            "check_in_hours": draw(_hours(16.0, 0.5)),
        },
        "org": org,
        "tickets": {"per_employee_per_month": draw(_hours(5.0))},
        "projects": {
            "arrival_scale": draw(st.one_of(st.just(0.0), _hours(3.0))),
            "initial_portfolio": draw(st.integers(0, 3)),
            "wip_limit": draw(st.integers(1, 6)),
            "exception_probability": draw(_hours(1.0)),
            "rework_per_day_waited": draw(_hours(1.0)),
            "rework_cap": draw(_hours(1.0)),
            "decision_wait_limit_hours": draw(_hours(40.0, 0.5)),
        },
    }
    if roles:
        data["roles"] = roles
    if draw(st.booleans()):
        data["tickets"]["mix"] = draw(ticket_mixes())
    classes = {}
    for name in draw(st.lists(st.sampled_from(TICKET_CLASSES), max_size=3, unique=True)):
        classes[name] = draw(ticket_class_tables(name))
    if "extra_class" in data["tickets"].get("mix", {}):
        classes.setdefault("extra_class", {})  # a class of its own needs a table to exist
    if classes:
        data["tickets"]["classes"] = classes
    projects = data["projects"]
    project_classes = {}
    for name in draw(st.lists(st.sampled_from(PROJECT_CLASSES), max_size=3, unique=True)):
        project_classes[name] = draw(project_class_tables())
    if project_classes:
        projects["classes"] = project_classes
    if draw(st.booleans()):
        names = [*PROJECT_CLASSES[:2], *(n for n in project_classes if n not in PROJECT_CLASSES[:2])]
        projects["scheduled"] = draw(st.lists(scheduled_projects(names, horizon), max_size=3))
    if draw(st.booleans()):
        projects["multitasking_loss"] = draw(st.lists(_hours(0.9), min_size=1, max_size=5))
    if draw(st.booleans()):
        projects["estimate_error"] = draw(distributions(0.3, 2.0))
    if draw(st.booleans()):
        for key in ("initiation_share", "planning_share", "closing_share", "coordination_share", "status_share"):
            projects[key] = draw(_hours(0.2))
        for key in ("handoff_hours", "decision_hours"):
            projects[key] = draw(_hours(8.0))
        projects["intake_hours"] = draw(_hours(4.0))
        projects["portfolio_review_hours_per_week"] = draw(_hours(4.0))
    if draw(st.booleans()):
        data["management"] = {
            "one_to_one_hours_per_report_per_week": draw(_hours(1.0)),
            "appraisal_hours_per_report_per_year": draw(_hours(6.0)),
            "admin_hours_per_week": draw(_hours(8.0)),
        }
    if draw(st.booleans()):
        data["calendar"] = {
            "hours_per_day": draw(st.one_of(st.sampled_from((6.0, 7.5, 8.0, 10.0)), _hours(12.0, 2.0))),
            "days_per_week": draw(st.integers(3, 7)),
        }
    return data


# ----------------------------------------------------------------------- checking


class CheckedModel(Model):
    """The model with every completion checked against the arrival of its item and case."""

    def __init__(self, scenario, replication: int = 0):
        self.violations: list[str] = []
        self.completions = 0
        super().__init__(scenario, replication)
        self.horizon = scenario.simulation.horizon_weeks * scenario.calendar.hours_per_week

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        now = self.env.now
        item = super().submit(duty, effort, case, then, activity, owner, priority, preemptive)
        if item.created_at > now + EPS:
            self.violations.append(f"{item.duty} submitted at {now} but created at {item.created_at}")
        self._check_case(item, now, "submitted")
        if item.done:  # a step of no effort completes on submission
            self.completions += 1
        return item

    def run(self):
        super().run()
        return measure(self)

    def _finished(self, item, now, worker):
        self.completions += 1
        if now + EPS < item.created_at or now + EPS < item.queued_at:
            self.violations.append(
                f"{item.duty} by {worker.person.label} done at {now} before it arrived "
                f"(created {item.created_at}, queued {item.queued_at})"
            )
        if now > self.horizon + EPS:
            self.violations.append(f"{item.duty} done at {now}, after the horizon {self.horizon}")
        self._check_case(item, now, "done")
        super()._finished(item, now, worker)

    def _check_case(self, item, now, what):
        arrived = getattr(item.case, "arrived_at", None)
        if arrived is not None and now + EPS < arrived:
            self.violations.append(f"{item.duty} of a case arrived at {arrived} {what} at {now}")


def _nan_equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _share(name: str) -> bool:
    return name.startswith(("utilisation.", "sla_attainment.", "project_on_time_share", "multitasking_loss."))


def check_invariants(scenario, model: CheckedModel, output) -> None:
    assert not model.violations, model.violations[:5]
    hours_per_week = scenario.calendar.hours_per_week
    hours_per_day = scenario.calendar.hours_per_day
    assert model.env.now == pytest.approx(model.horizon)

    # every metric is a count, rate, duration, share or cost: never negative nor infinite
    for name, value in output.metrics.items():
        assert isinstance(value, (int, float)), (name, value)
        if math.isnan(value):
            continue
        assert math.isfinite(value), (name, value)
        assert value >= -EPS, (name, value)
        if _share(name):
            assert value <= 1.0 + EPS, (name, value)
    for role in scenario.roles:
        if scenario.headcounts()[role.name] == 0:
            continue
        assert 0.0 <= output.metrics[f"utilisation.{role.name}"] <= 1.0 + EPS
        per_person_week = sum(
            v for k, v in output.metrics.items() if k.startswith(f"hours_per_person_week.{role.name}.")
        )
        # longer weeks: at most the role's overtime beyond the contract, and the evening worked at the
        # instant the measured window opens (the end of the warm-up's last day is the start of the
        # next day on the working clock), at most one week's allowance, shared over the measured weeks
        measured_weeks = scenario.simulation.horizon_weeks - scenario.simulation.warmup_weeks
        overtime = role.overtime_hours_per_week * (1 + 1 / measured_weeks)
        assert per_person_week <= (hours_per_week + overtime) * (1 + EPS), (role.name, per_person_week)

    # per person: utilisation in [0, 1], busy hours within the working week
    assert len(output.people) == sum(scenario.headcounts().values())
    roles = {role.name: role for role in scenario.roles}
    for row in output.people:
        assert 0.0 <= row["utilisation"] <= 1.0 + EPS, row
        hours = {k: v for k, v in row.items() if k.startswith("hours_per_week.")}
        assert all(v >= -EPS for v in hours.values()), row
        overtime = roles[row["role"]].overtime_hours_per_week
        measured_weeks = scenario.simulation.horizon_weeks - scenario.simulation.warmup_weeks
        assert sum(hours.values()) <= (hours_per_week + overtime * (1 + 1 / measured_weeks)) * (1 + EPS), row
        if overtime == 0:
            assert sum(hours.values()) == pytest.approx(row["utilisation"] * hours_per_week, rel=1e-6, abs=1e-9)
        else:  # utilisation is the busy share of the hours worked, overtime included
            busy = sum(hours.values())
            assert row["utilisation"] * hours_per_week - 1e-6 <= busy
            assert busy <= row["utilisation"] * (hours_per_week + overtime * (1 + 1 / measured_weeks)) + 1e-6
        assert row["context_switches_per_day"] >= 0 and row["items_completed_per_week"] >= 0

    # resolution and lead times, and the daily series
    for name, times in output.ticket_times.items():
        assert all(t >= -EPS for t in times), (name, min(times))
    assert all(t >= -EPS for t in output.project_lead_times)
    headcount = scenario.headcounts()
    for row in output.timeseries:
        for key, value in row.items():
            assert value >= -EPS, (key, row)
            if key.startswith("busy_hours."):
                role = key.removeprefix("busy_hours.")
                day = hours_per_day + roles[role].overtime_hours_per_week  # a day's overtime: at most the week's
                assert value <= headcount[role] * day * (1 + EPS) + EPS, row

    # the work that arrived is accounted for by the tickets counters too
    desk = model.sources["tickets"]
    assert sum(desk.resolved) <= sum(desk.arrived)
    assert model.sources["projects"].completed <= model.sources["projects"].arrived

    # one measured period for every monitor, and monitors that agree with each other
    warmup = scenario.simulation.warmup_weeks * hours_per_week
    assert model.measure_start == pytest.approx(warmup) and model.recorder.started_at == model.measure_start
    measured_weeks = (model.env.now - model.measure_start) / hours_per_week
    for queue in model.all_queues():
        assert queue.waiting == sum(1 for _, _, item in queue.heap if not item.cancelled), queue.duty
        assert -EPS <= queue.area <= queue.area_total + EPS and queue.waits_sum >= -EPS, queue.duty
    for worker in model.workers:
        assert all(worker.busy.get(label, 0.0) >= hours - EPS for label, hours in worker.busy_at_restart.items())
        assert 0 <= worker.measured_finished() <= worker.finished
    counts, tallies = model.recorder.counts, model.recorder.tallies
    resolved = 0
    for klass, since_start in zip(desk.classes, desk.resolved, strict=True):
        measured = counts[f"tickets_resolved.{klass.name}"]
        assert tallies[f"ticket_resolution_hours.{klass.name}"].count == measured <= since_start
        assert counts[f"tickets_sla_met.{klass.name}"] <= measured
        resolved += measured
    assert output.metrics["tickets_per_week.total"] * measured_weeks == pytest.approx(resolved, abs=1e-6)
    samples = model.recorder.samples
    completed = counts["projects_completed"]
    assert len(samples["project_lead_time_hours"]) == len(samples["project_on_time"]) == completed
    assert completed <= model.sources["projects"].completed

    # projects: every one arrived is done or open; the classes add up to the totals
    office = model.sources["projects"]
    state = model.recorder.state
    open_now = state["projects_intake"] + state["projects_waiting"] + state["projects_active"]
    open_now += state.get("projects_deferred", 0)  # intake control's deferred backlog
    assert office.arrived == office.completed + open_now == office.completed + len(list(office.open_projects()))
    assert output.metrics["projects_open_at_end"] == open_now
    names = [c.name for c in scenario.projects.classes]
    assert completed == sum(counts[f"projects_completed.{name}"] for name in names)
    assert output.metrics["projects_per_quarter"] == pytest.approx(
        sum(output.metrics[f"projects_per_quarter.{name}"] for name in names), rel=1e-9, abs=1e-12
    )
    assert len(output.projects) == completed and len(output.project_arrivals) <= office.arrived
    assert all(rework >= 0 for *_, rework in output.projects)
    # nobody is on a negative number of projects, and the people on projects are those of the active ones
    on_projects = sum(len(p.team) for p in office.active.values())
    assert all(w.projects >= 0 and w.project_hours >= -EPS for w in model.workers)
    assert sum(w.projects for w in model.workers) == on_projects
    for worker in model.workers:  # time lost to multitasking only by people who do project work
        if worker.busy.get("multitasking", 0.0) > 0:
            assert worker.holds("project_work") and worker.busy.get("project_work", 0.0) > 0


@SETTINGS
@given(data=valid_scenarios(), replication=st.integers(0, 3))
def test_random_valid_scenarios_keep_every_invariant(data, replication):
    scenario = scenario_from_dict(data)
    roles = "+".join(sorted(r.name for r in scenario.roles)) if scenario.org.structure == "custom" else ""
    event(f"structure {scenario.org.structure} {roles}".strip())  # shown by --hypothesis-show-statistics
    event("over 200 employees" if scenario.org.employees > 200 else "up to 200 employees")
    model = CheckedModel(scenario, replication)
    output = model.run()  # raises ConservationError if anything was lost
    event("a queue grows (overloaded)" if output.warnings else "stable")
    event("scheduled projects" if scenario.projects.scheduled else "no scheduled project")
    lost = any(w.busy.get("multitasking", 0.0) > 0 for w in model.workers)
    event("time lost to multitasking" if lost else "no multitasking loss")
    event("projects completed" if model.recorder.counts["projects_completed"] else "no project completed")
    check_invariants(scenario, model, output)

    again = CheckedModel(scenario, replication).run()
    assert _nan_equal(output.metrics, again.metrics)
    assert _nan_equal(output.people, again.people)
    assert _nan_equal(output.timeseries, again.timeseries)
    assert _nan_equal(output.ticket_times, again.ticket_times)
    assert _nan_equal(output.project_lead_times, again.project_lead_times)
    assert output.warnings == again.warnings


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(data=valid_scenarios())
def test_the_strategy_only_draws_valid_scenarios(data):
    """Cheap check of the generator itself: every draw validates, warm-up below horizon, mix sums to 1."""
    scenario = scenario_from_dict(data)
    assert scenario.simulation.warmup_weeks < scenario.simulation.horizon_weeks
    assert abs(sum(c.share for c in scenario.tickets.classes) - 1.0) < 1e-9


def test_the_invariant_checks_catch_a_completion_before_its_arrival():
    """The checked model is not blind: an item that claims to be created in the future is caught."""
    scenario = scenario_from_dict(
        {"name": "probe", "org": {"employees": 40}, "simulation": {"horizon_weeks": 4, "warmup_weeks": 1}}
    )
    model = CheckedModel(scenario)
    original = model.submit

    def late(*args):
        item = original(*args)
        item.created_at += 1000.0
        return item

    model.submit = late
    model.run()
    assert any("before it arrived" in v for v in model.violations)


def test_a_project_still_in_intake_at_the_end_does_not_crash_the_metrics():
    """Regression (found by the random scenarios above): ProjectOffice.open_projects() yielded the
    case ids of projects in intake instead of the projects, so a PMO run that ended with a project
    in intake crashed with AttributeError: 'int' object has no attribute 'due_at'."""
    scenario = scenario_from_dict(
        {
            "name": "intake",
            "org": {"structure": "pmo"},
            "projects": {"initial_portfolio": 1, "intake_hours": 1000, "classes": {"small": {"effort": 10}}},
            "simulation": {"horizon_weeks": 4, "warmup_weeks": 1},
        }
    )
    model = Model(scenario, 0)
    model.run()
    output = measure(model)
    assert output.metrics["projects_waiting_at_end"] == 1.0
    assert output.metrics["project_on_time_share"] == 0.0  # open and already past its due date
