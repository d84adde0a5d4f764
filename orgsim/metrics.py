"""The metrics of one finished replication, read from the model's monitors.

Every metric is one number per replication, named as in the catalogue
(:mod:`orgsim.catalogue`), so that replications form a DataFrame with one row per
replication and one column per metric.  Everything is measured after the warm-up: the
metrics read only the recorder, the queues and the people, all restarted when it ended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .duties import CONTEXT_SWITCH, DUTIES, DUTY_FAMILY, FAMILIES, FIREFIGHTING, MULTITASKING
from .work.measures import WEEKS_PER_QUARTER
from .work.measures import ratio as _ratio

__all__ = ["ReplicationOutput", "measure", "growing_queues", "allocate_paid_cost", "WEEKS_PER_QUARTER"]


@dataclass
class ReplicationOutput:
    """What one replication returns: plain data, ready for pandas."""

    replication: int
    metrics: dict[str, float]
    timeseries: object  # engine.DailySeries: typed columns, one value per working day
    people: list[dict]
    ticket_times: dict[str, list[int]]  # per class: resolution-time histogram on monitors.BIN_EDGES
    project_lead_times: list[float]
    warnings: list[str] = field(default_factory=list)
    projects: list[tuple] = field(default_factory=list)  # completed: (class, effort, estimate, lead h, on time, rework)
    project_arrivals: list[tuple] = field(default_factory=list)  # arrived after the warm-up: (class, effort)
    open_projects: list[tuple] = field(default_factory=list)  # open at the end: (replication, class, age wk, started)


def measure(model) -> ReplicationOutput:
    """Every metric of a finished, conservation-checked replication."""
    scenario = model.scenario
    calendar = scenario.calendar
    recorder = model.recorder
    horizon = model.env.now
    measured_hours = horizon - model.measure_start
    measured_weeks = measured_hours / calendar.hours_per_week
    metrics: dict[str, float] = {}
    for source in model.sources.values():  # each kind of work measures its own cases, in source order
        metrics.update(source.metrics(measured_weeks))
    people = _workload_metrics(model, metrics, measured_hours, measured_weeks)
    _load_metrics(model, metrics, measured_weeks)
    _queue_metrics(model, metrics, measured_hours)
    _cost_metrics(model, metrics, measured_weeks)
    classes = [c.name for c in scenario.tickets.classes if c.share > 0]
    ticket_times = {name: list(recorder.tallies[f"ticket_resolution_hours.{name}"].bins) for name in classes}
    return ReplicationOutput(
        replication=model.replication,
        metrics=metrics,
        timeseries=model.timeseries,
        people=people,
        ticket_times=ticket_times,
        project_lead_times=[t / calendar.hours_per_week for t in recorder.samples["project_lead_time_hours"]],
        warnings=growing_queues(model.timeseries, model.measure_start),
        projects=list(recorder.samples["projects"]),
        project_arrivals=list(recorder.samples["project_arrivals"]),
        open_projects=[(model.replication, *row) for row in recorder.samples.get("open_projects", ())],
    )


def _workload_metrics(model, metrics, measured_hours, measured_weeks):
    """Utilisation, hours per person-week by duty, context switches; returns per-person rows."""
    days = measured_hours / model.scenario.calendar.hours_per_day
    people = []
    by_role: dict[str, dict] = {}
    for worker in model.workers:
        busy = worker.measured_busy()
        total = sum(busy.values())
        switches = worker.measured_switches()
        finished = worker.measured_finished()
        overtime = worker.measured_overtime()
        worked = measured_hours * worker.person.availability
        if overtime > 0.0:  # busy share of the hours worked, overtime included
            worked += overtime
        row = {
            "person": worker.person.label,
            "role": worker.role_name,
            "utilisation": total / worked if measured_hours else math.nan,
            "context_switches_per_day": switches / days if days else math.nan,
            "items_completed_per_week": finished / measured_weeks,
            **{f"hours_per_week.{label}": hours / measured_weeks for label, hours in sorted(busy.items())},
        }
        people.append(row)
        role = by_role.setdefault(
            worker.role_name, {"people": 0, "fte": 0.0, "busy": {}, "switches": 0, "finished": 0, "overtime": 0.0}
        )
        role["people"] += 1
        role["overtime"] += overtime
        role["fte"] += worker.person.availability
        role["switches"] += switches
        role["finished"] += finished
        for label, hours in busy.items():
            role["busy"][label] = role["busy"].get(label, 0.0) + hours
    for role in model.scenario.roles:
        data = by_role.get(role.name)
        if not data:
            continue
        n = data["people"]
        busy = data["busy"]
        worked = data["fte"] * measured_hours
        if role.overtime_hours_per_week > 0:
            worked += data["overtime"]
            metrics[f"overtime_hours_per_person_week.{role.name}"] = data["overtime"] / (n * measured_weeks)
        metrics[f"utilisation.{role.name}"] = sum(busy.values()) / worked
        for label in (*role.duties, CONTEXT_SWITCH):
            metrics[f"hours_per_person_week.{role.name}.{label}"] = busy.get(label, 0.0) / (n * measured_weeks)
        if any(duty in FIREFIGHTING for duty in role.duties):
            firefighting = sum(busy.get(duty, 0.0) for duty in FIREFIGHTING)
            metrics[f"firefighting_share.{role.name}"] = firefighting / (data["fte"] * measured_hours)
        if "project_work" in role.duties:
            lost = busy.get(MULTITASKING, 0.0)
            metrics[f"hours_per_person_week.{role.name}.{MULTITASKING}"] = lost / (n * measured_weeks)
            metrics[f"multitasking_loss.{role.name}"] = _ratio(lost, lost + busy.get("project_work", 0.0))
        on_duties = sum(hours for label, hours in busy.items() if label not in (CONTEXT_SWITCH, MULTITASKING))
        operations = sum(hours for label, hours in busy.items() if DUTY_FAMILY.get(label) == "operations")
        metrics[f"operations_share.{role.name}"] = _ratio(operations, on_duties)
        metrics[f"context_switches_per_person_day.{role.name}"] = data["switches"] / (n * days)
        metrics[f"items_completed_per_person_week.{role.name}"] = data["finished"] / (n * measured_weeks)
        metrics[f"headcount.{role.name}"] = float(n)
        metrics[f"fte.{role.name}"] = data["fte"]
    return people


def _load_metrics(model, metrics, measured_weeks):
    """Offered load against capacity, per role: the hours of work submitted to the role's people
    (their own queues) or to its shared queues, per person-week of the measured period, by duty
    family and in all (``offered_hours_per_person_week``), and the hours a person of the role
    has a week, contract and overtime allowed (``available_hours_per_person_week``).

    A shared queue held by several roles (level-2 tickets, held by the engineers and a hands-on
    IT manager) is split over them in proportion to the hours each role spent on its duty in
    the measured period (by headcount when nobody worked on it).  Offered hours are the items'
    effort as submitted: setups and multitasking losses are the person's, not the work's."""
    roles = [role for role in model.scenario.roles if any(w.role_name == role.name for w in model.workers)]
    offered = {role.name: dict.fromkeys(FAMILIES, 0.0) for role in roles}
    people: dict[str, list] = {role.name: [] for role in roles}
    for worker in model.workers:
        people[worker.role_name].append(worker)
        for queue in worker.private.values():
            offered[worker.role_name][DUTY_FAMILY[queue.duty]] += queue.offered
    for duty, queue in model.queues.items():
        if not queue.offered or not queue.holders:
            continue
        weights: dict[str, float] = {}
        for worker in queue.holders:
            hours = worker.measured_busy().get(duty, 0.0)
            weights[worker.role_name] = weights.get(worker.role_name, 0.0) + hours
        if sum(weights.values()) <= 0.0:
            weights = {}
            for worker in queue.holders:
                weights[worker.role_name] = weights.get(worker.role_name, 0.0) + 1.0
        total = sum(weights.values())
        for name, weight in weights.items():
            offered[name][DUTY_FAMILY[duty]] += queue.offered * weight / total
    for role in roles:
        staff = people[role.name]
        per = len(staff) * measured_weeks
        held = {DUTY_FAMILY[duty] for duty in role.duties}
        for family in FAMILIES:
            if family in held:
                metrics[f"offered_hours_per_person_week.{role.name}.{family}"] = offered[role.name][family] / per
        metrics[f"offered_hours_per_person_week.{role.name}"] = sum(offered[role.name].values()) / per
        contract = sum(w.person.hours_per_week for w in staff) / len(staff)
        metrics[f"available_hours_per_person_week.{role.name}"] = contract + role.overtime_hours_per_week


def _queue_metrics(model, metrics, measured_hours):
    """Time-average queue length, arrivals and mean wait per duty (Little's law: L = lambda W)."""
    now = model.env.now
    queues: dict[str, list] = {duty: [] for duty in DUTIES}
    for queue in model.all_queues():
        queues[queue.duty].append(queue)
    for duty in DUTIES:
        if not model.holders(duty):
            continue
        area = waits = 0.0
        taken = entered = 0
        for queue in queues[duty]:
            queue.settle(now)
            area += queue.area
            waits += queue.waits_sum
            taken += queue.waits_n
            entered += queue.entered
        metrics[f"queue_length_mean.{duty}"] = area / measured_hours
        metrics[f"queue_arrivals_per_hour.{duty}"] = entered / measured_hours
        metrics[f"queue_wait_hours_mean.{duty}"] = _ratio(waits, taken)


# who pays for what: each family of duties is charged to one kind of output
COST_FAMILIES = {"operations": "ticket", "project": "project", "management": "management"}


def allocate_paid_cost(paid: float, busy: dict[str, float], role_duties) -> dict[str, float]:
    """One person's paid money split over ``ticket``, ``project``, ``management`` and
    ``unallocated``, summing to ``paid``.

    The rule: in proportion to the person's busy hours on each family of duties (operations
    duties to tickets, project duties and multitasking loss to projects, people management
    and admin to management); context switching is overhead spread with the rest.  A person
    busy on no duty at all is split equally over the families of their role's duties; a
    role with no duties leaves the money unallocated.
    """
    weights = dict.fromkeys(("ticket", "project", "management"), 0.0)
    for label, hours in busy.items():
        family = "project" if label == MULTITASKING else COST_FAMILIES.get(DUTY_FAMILY.get(label, ""))
        if family:
            weights[family] += hours
    total = sum(weights.values())
    if total <= 0:  # wholly idle: by the role's duties, one equal share per family it holds
        held = {COST_FAMILIES[DUTY_FAMILY[d]] for d in role_duties if d in DUTY_FAMILY}
        weights = {family: float(family in held) for family in weights}
        total = sum(weights.values())
    if total <= 0:
        return {"ticket": 0.0, "project": 0.0, "management": 0.0, "unallocated": paid}
    return {**{family: paid * w / total for family, w in weights.items()}, "unallocated": 0.0}


def _cost_metrics(model, metrics, measured_weeks):
    """Staff cost per week; full cost per unit of each source's output (``cost_per_ticket``,
    ``cost_per_project``: each person's paid time allocated by :func:`allocate_paid_cost`, idle
    time included); the busy-hour cost of the source's own duties alone (``busy_cost_per_ticket``,
    ...); and the weekly staff cost split over tickets, projects, management and unallocated (the
    four sum to the staff cost).  Overtime (:mod:`orgsim.workweek`) is paid on top of the contract at
    the role's ``overtime_premium`` times its hourly cost."""
    costed = [source for source in model.sources.values() if source.cost_unit]
    busy_cost = [0.0] * len(costed)
    staff_cost = 0.0
    allocated = dict.fromkeys(("ticket", "project", "management", "unallocated"), 0.0)
    overtime_cost = 0.0
    for worker in model.workers:
        rate = worker.person.role.hourly_cost
        staff_cost += rate * worker.person.hours_per_week
        busy = worker.measured_busy()
        for i, source in enumerate(costed):
            busy_cost[i] += rate * sum(busy.get(d, 0.0) for d in source.duties)
        paid = rate * worker.person.hours_per_week * measured_weeks
        overtime = worker.measured_overtime()
        if overtime > 0.0:  # paid at the role's overtime premium
            paid += rate * worker.person.role.overtime_premium * overtime
            overtime_cost += rate * worker.person.role.overtime_premium * overtime
        for family, money in allocate_paid_cost(paid, busy, worker.person.role.duties).items():
            allocated[family] += money
    completed = [source.completed_in_period() for source in costed]
    if overtime_cost > 0.0:
        staff_cost += overtime_cost / measured_weeks
    metrics["staff_cost_per_week"] = staff_cost
    for source, done in zip(costed, completed, strict=True):
        metrics[f"cost_per_{source.cost_unit}"] = _ratio(allocated[source.cost_unit], done)
    for source, cost, done in zip(costed, busy_cost, completed, strict=True):
        metrics[f"busy_cost_per_{source.cost_unit}"] = _ratio(cost, done)
    for family, money in allocated.items():
        metrics[f"{family}_cost_per_week"] = money / measured_weeks if measured_weeks else math.nan
    metrics["projects_in_progress_mean"] = _projects_in_progress(model)


def _projects_in_progress(model) -> float:
    """Projects open (in intake, waiting or active) on average over the measured working days,
    from the end-of-day samples: L of Little's law, the project-weeks of delay per week."""
    columns = model.timeseries.columns
    if "projects_waiting" not in columns or "projects_active" not in columns:
        return math.nan
    measured = np.frombuffer(columns["hours"], dtype=float) > model.measure_start
    if not measured.any():
        return math.nan
    waiting = np.frombuffer(columns["projects_waiting"], dtype=float)[measured]
    active = np.frombuffer(columns["projects_active"], dtype=float)[measured]
    return float(np.mean(waiting + active))


def growing_queues(timeseries, measure_start: float) -> list[str]:
    """Queues that grow through the measured period: their load is above capacity.

    Every duty's queue, the projects waiting and active, and the open tickets (whatever they
    wait for).  A queue counts as growing when its linear trend over the measured period
    rises by more than 10 items and either by more than half its mean level or by more than
    four times the scatter around the trend (a rise the noise cannot explain).  The second
    test holds for any horizon: a queue that grew since time 0 has a mean level that, with a
    short measured period after a long warm-up, hides the rise from the first.
    """
    columns = timeseries.columns
    if not columns:
        return []
    measured = np.frombuffer(columns["hours"], dtype=float) > measure_start
    if measured.sum() < 20:
        return []
    growing = []
    days = np.arange(int(measured.sum()), dtype=float)
    keys = [k for k in columns if k.startswith("queue.")]
    keys += [k for k in ("projects_waiting", "projects_active", "open_tickets") if k in columns]
    for key in keys:
        level = np.frombuffer(columns[key], dtype=float)[measured]
        slope, intercept = np.polyfit(days, level, 1)
        rise = slope * len(days)  # linear trend over the measured period
        scatter = float(np.std(level - (slope * days + intercept)))
        if rise > 10.0 and (rise > 0.5 * level.mean() or rise > 4.0 * scatter):
            growing.append(key.removeprefix("queue."))
    return growing
