"""The project office's books (:mod:`orgsim.work.projects`): what is open at the end and the
conservation of projects, the project metrics of a replication, and the work packages one
replication is expected to create."""

from __future__ import annotations

from .measures import WEEKS_PER_QUARTER, mean, percentile, ratio
from .source import Arrivals

__all__ = ["close_books", "project_metrics", "expected_packages"]


def close_books(office, now, live_items) -> list[str]:
    """At the end: record the open projects in the recorder's state (and every open project's
    class, age in weeks and whether it started, for a censored lead time); return conservation
    problems: arrived = done + active + waiting + in intake + deferred, and, with superseded
    work skipped, issued = done + skipped + open for each kind."""
    state = office.org.recorder.state
    states = {
        "intake": len(office.in_intake),
        "waiting": len(office.waiting),
        "active": len(office.active),
        "deferred": len(office.deferred),
    }
    for key, count in states.items():
        state[f"projects_{key}"] = count
    open_projects = list(office.open_projects())
    # every project still open, for a censored lead time: its class, its age and whether it started
    office.open_rows[:] = [
        (project.klass.name, (now - project.arrived_at) / office.hours_per_week, project.coordinator is not None)
        for project in open_projects
    ]
    state["projects_overdue_open"] = sum(1 for project in open_projects if project.due_at < now)
    for klass in office.classes:
        state[f"projects_overdue_open.{klass.name}"] = sum(
            1 for project in open_projects if project.due_at < now and project.klass is klass
        )
    state["projects_open_age_hours"] = sum(now - project.arrived_at for project in open_projects)
    problems = []
    if office.arrived != office.completed + sum(states.values()):
        problems.append(
            f"projects: {office.arrived} arrived != {office.completed} done + {states['active']} active + "
            f"{states['waiting'] + states['intake']} waiting + {states['deferred']} deferred"
        )
    if office.superseded is not None:
        problems.extend(office.superseded.problems("projects", live_items))
    return problems


def project_metrics(office, weeks: float) -> dict[str, float]:
    """Throughput, lead times and on-time share, overall and per class; what is open at the
    end; rework; with issue 20's mechanisms on, deferred projects and skipped weekly work."""
    recorder, hours_per_week = office.org.recorder, office.hours_per_week
    samples, state, counts = recorder.samples, recorder.state, recorder.counts
    metrics: dict[str, float] = {}
    lead_weeks = [t / hours_per_week for t in samples["project_lead_time_hours"]]
    on_time = samples["project_on_time"]
    metrics["projects_per_quarter"] = counts["projects_completed"] / weeks * WEEKS_PER_QUARTER
    metrics["project_lead_time_weeks_mean"] = mean(lead_weeks)
    metrics["project_lead_time_weeks_p50"] = percentile(lead_weeks, 50)
    metrics["project_lead_time_weeks_p90"] = percentile(lead_weeks, 90)
    # late: completed after the due date, or still open and already past it
    judged = len(on_time) + state["projects_overdue_open"]
    metrics["project_on_time_share"] = ratio(sum(on_time), judged)
    for name in (klass.name for klass in office.classes):
        lead_class = [t / hours_per_week for t in samples[f"project_lead_time_hours.{name}"]]
        metrics[f"projects_per_quarter.{name}"] = counts[f"projects_completed.{name}"] / weeks * WEEKS_PER_QUARTER
        metrics[f"project_lead_time_weeks_mean.{name}"] = mean(lead_class)
        metrics[f"project_lead_time_weeks_p50.{name}"] = percentile(lead_class, 50)
        on_time_class = samples[f"project_on_time.{name}"]
        judged_class = len(on_time_class) + state[f"projects_overdue_open.{name}"]
        metrics[f"project_on_time_share.{name}"] = ratio(sum(on_time_class), judged_class)
    deferred = state["projects_deferred"]
    open_count = state["projects_active"] + state["projects_waiting"] + state["projects_intake"] + deferred
    metrics["projects_open_at_end"] = float(open_count)
    metrics["project_open_age_weeks_mean"] = ratio(state["projects_open_age_hours"] / hours_per_week, open_count)
    metrics["rework_hours_per_project"] = mean(samples["project_rework_hours"])
    metrics["rework_hours_per_week"] = recorder.totals["rework_hours"] / weeks
    metrics["projects_active_at_end"] = float(state["projects_active"])
    metrics["projects_waiting_at_end"] = float(state["projects_waiting"] + state["projects_intake"] + deferred)
    if office.open_limit:
        metrics["projects_deferred_per_quarter"] = counts["projects_deferred"] / weeks * WEEKS_PER_QUARTER
        metrics["projects_deferred_at_end"] = float(deferred)
    if office.superseded is not None:
        metrics.update(office.superseded.metrics(weeks))
    return metrics


def expected_packages(scenario) -> list[Arrivals]:
    """Work packages (at least one a project): of the projects there at time 0 (of the first
    class), of each scheduled one and of each class's random arrivals over the horizon."""
    weeks, employees, projects = scenario.simulation.horizon_weeks, scenario.org.employees, scenario.projects
    advice = "fewer or smaller projects, larger work packages, or a shorter horizon"
    by_name = {c.name: c for c in projects.classes}
    rows = []
    if projects.classes and projects.initial_portfolio:
        first = projects.classes[0]
        each = max(1.0, first.effort.expected / first.work_package_hours)
        rows.append(Arrivals(projects.initial_portfolio * each, "projects.initial_portfolio", "work packages", advice))
    for i, spec in enumerate(projects.scheduled):
        klass = by_name[spec.project_class]
        each = max(1.0, (spec.effort_hours or klass.effort.expected) / klass.work_package_hours)
        rows.append(Arrivals(each, f"projects.scheduled[{i}].effort_hours", "work packages", advice))
    for klass in projects.classes:
        count = employees / 100 * klass.per_100_employees_per_year * projects.arrival_scale * weeks / 52
        each = max(1.0, klass.effort.expected / klass.work_package_hours)
        field = f"projects.classes.{klass.name}.per_100_employees_per_year"
        rows.append(Arrivals(count * each, field, "work packages", advice))
    return rows
