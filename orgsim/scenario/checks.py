"""Checks on scenario values: the error every bad input ends in, the range checks each
field carries, and the cross-field rules a whole scenario must meet.

A check returns None when the value is allowed, else the phrase "what is allowed"; the
caller turns it into a :class:`ScenarioError` that names the field.
"""

from __future__ import annotations

import difflib
import math

from ..catalogue import reserved_names
from ..duties import DUTIES
from ..limits import LARGEST_NUMBER, MAX_ARRIVALS, MAX_STAFF
from ..wording import format_number

__all__ = [
    "ScenarioError",
    "UnknownKeyError",
    "NONNEG",
    "POSITIVE",
    "PROBABILITY",
    "at_least",
    "between",
    "one_of",
    "unknown_key",
    "show",
    "check_scenario",
    "needed_duties",
    "MAX_STAFF",
    "MAX_ARRIVALS",
    "LARGEST_NUMBER",
]


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; the message names the field and what is allowed."""

    def __init__(self, path: str, message: str, source: str | None = None):
        self.path = path
        self.source = source
        self.detail = message
        where = f"{source}: " if source else ""
        field_part = f"field '{path}': " if path else ""
        super().__init__(f"{where}{field_part}{message}")

    def in_source(self, source: str) -> ScenarioError:
        """The same error, naming the file or command line it came from."""
        return ScenarioError(self.path, self.detail, source)


class UnknownKeyError(ScenarioError):
    """A key that is not allowed in its table.  ``table`` is the dotted path of the table it
    was found in ("" for the top level) and ``key`` the key itself, so that code reads which key
    was wrong from these, never from the message."""

    def __init__(self, table: str, key: str, message: str, source: str | None = None):
        super().__init__(f"{table}.{key}" if table else key, message, source)
        self.table = table
        self.key = key

    def in_source(self, source: str) -> UnknownKeyError:
        return UnknownKeyError(self.table, self.key, self.detail, source)


# --------------------------------------------------------------------------- value checks


def at_least(low: float, strict: bool = False):
    """Allowed: numbers >= low (> low when strict)."""

    def check(value):
        bad = value <= low if strict else value < low
        return f"a number {'>' if strict else '>='} {format_number(low)}" if bad else None

    return check


def between(low: float, high: float):
    """Allowed: numbers from low to high."""

    def check(value):
        return f"a number from {format_number(low)} to {format_number(high)}" if not low <= value <= high else None

    return check


def whole_between(low: int, high: int):
    """Allowed: whole numbers from low to high."""

    def check(value):
        if not float(value).is_integer() or not low <= value <= high:
            return f"a whole number from {low} to {high}"
        return None

    return check


def one_of(*choices: str):
    """Allowed: one of these words."""

    def check(value):
        return None if value in choices else "one of " + ", ".join(choices)

    return check


NONNEG = at_least(0)
POSITIVE = at_least(0, strict=True)
PROBABILITY = between(0, 1)


def show(value) -> str:
    """A value as the message shows it: text quoted, tables and lists named."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return repr(value)
    return f"{value} (a {type(value).__name__}, as TOML read it)"


def unknown_key(path: str, key, allowed) -> UnknownKeyError:
    """The error for a key that is not allowed, with the closest allowed one as a hint."""
    key = str(key)
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return UnknownKeyError(path, key, f"unknown key '{key}'{hint} (allowed: {', '.join(allowed)})")


def check_name(name: str, placeholder: str, path: str) -> None:
    """A ticket class or role name must not collide with a fixed metric name
    (a class named 'total' would overwrite ``tickets_per_week.total``)."""
    reserved = reserved_names(placeholder)
    if name in reserved:
        raise ScenarioError(
            path,
            f"the name '{name}' is taken by the metrics (e.g. a '.{name}' column already exists); "
            f"allowed: any other name (not {', '.join(sorted(reserved))})",
        )


# --------------------------------------------------------------------------- cross-field rules


def needed_duties(scenario) -> dict[str, str]:
    """Duties the scenario's work will need, each with the reason (for error messages)."""
    needs: dict[str, str] = {}
    tickets, projects = scenario.tickets, scenario.projects
    if tickets.per_employee_per_month > 0:
        for klass in tickets.classes:
            if klass.share == 0:
                continue
            why = f"ticket class '{klass.name}'"
            if klass.has_level1:
                needs.setdefault("ticket_l1", why)
            if klass.l1_resolution_share < 1 or not klass.has_level1:
                needs.setdefault("ticket_l2", why)
            if klass.manager_duty != "none":
                needs.setdefault(klass.manager_duty, why)
            if tickets.manager_escalation_share > 0 and (klass.l1_resolution_share < 1 or not klass.has_level1):
                needs.setdefault("escalation", "tickets.manager_escalation_share > 0")
    arriving = projects.arrival_scale > 0 and any(c.per_100_employees_per_year > 0 for c in projects.classes)
    if arriving or projects.initial_portfolio > 0 or projects.scheduled:
        needs["project_coordination"] = "projects"
        needs["project_work"] = "projects"
        if projects.status_share > 0:
            needs["status_reporting"] = "projects.status_share > 0"
    return needs


def check_scenario(scenario) -> None:
    """Every rule that spans fields: warm-up, duties held, reporting lines, run size."""
    sim = scenario.simulation
    if sim.warmup_weeks >= sim.horizon_weeks:
        raise ScenarioError(
            "simulation.warmup_weeks",
            f"found {sim.warmup_weeks:g}; allowed: less than simulation.horizon_weeks ({sim.horizon_weeks:g})",
        )
    _check_profile(scenario)
    role_names = [r.name for r in scenario.roles]
    for role in scenario.roles:
        for duty in role.duties:
            if duty not in DUTIES:
                raise ScenarioError(f"roles.{role.name}.duties", f"unknown duty {duty!r}; allowed: {', '.join(DUTIES)}")
        if len(set(role.duties)) != len(role.duties):
            raise ScenarioError(
                f"roles.{role.name}.duties", "a duty appears twice; list each duty once, in priority order"
            )
        taken_from = role.headcount.taken_from
        if taken_from is not None and (taken_from not in role_names or taken_from == role.name):
            raise ScenarioError(
                f"roles.{role.name}.headcount.taken_from",
                f"found {taken_from!r}; allowed: another role ({', '.join(n for n in role_names if n != role.name)})",
            )
        if role.reports_to is not None and role.reports_to not in role_names:
            raise ScenarioError(
                f"roles.{role.name}.reports_to",
                f"found {role.reports_to!r}; allowed: one of the roles ({', '.join(role_names)}) or leave it out",
            )
    _check_no_reporting_cycle(scenario.roles)
    _check_contract_hours(scenario)
    _check_scheduled_weeks(scenario)
    _check_run_is_finite(scenario)
    try:
        headcounts = scenario.headcounts()
    except (ValueError, OverflowError) as error:
        raise ScenarioError("roles", str(error)) from None
    if sum(headcounts.values()) > MAX_STAFF:
        biggest = max(headcounts, key=headcounts.get)
        raise ScenarioError(
            f"roles.{biggest}.headcount",
            f"more than {MAX_STAFF:,} people at {scenario.org.employees:,} employees; "
            f"allowed: at most {MAX_STAFF:,} (check per_employees and per_reports)",
        )
    held = {duty for role in scenario.roles if headcounts[role.name] > 0 for duty in role.duties}
    for duty, why in needed_duties(scenario).items():
        if duty not in held:
            holders = [r.name for r in scenario.roles if duty in r.duties]
            staffed = f" (roles {', '.join(holders)} list it but have 0 people at this size)" if holders else ""
            raise ScenarioError(
                "roles",
                f"duty '{duty}' is needed by {why} but no staffed role holds it{staffed}; add it to a role's duties",
            )
    mgmt = scenario.management
    if mgmt.one_to_one_hours_per_report_per_week > 0 or mgmt.appraisal_hours_per_report_per_year > 0:
        for role in scenario.roles:
            if role.reports_to and headcounts[role.name] > 0:
                boss = scenario.role(role.reports_to)
                if "people_management" not in boss.duties:
                    raise ScenarioError(
                        f"roles.{boss.name}.duties",
                        f"role '{role.name}' reports to '{boss.name}', which does not hold 'people_management'; "
                        "add it, or set management 1:1 and appraisal hours to 0",
                    )
                if headcounts[boss.name] == 0 and not boss.headcount.min_reports:
                    # (a role staffed only from some size on, like a head of IT, simply has nobody yet)
                    raise ScenarioError(f"roles.{role.name}.reports_to", f"'{boss.name}' has 0 people at this size")


def _check_profile(scenario) -> None:
    """``tickets.profile``: one weekday value per working day, one hour value per (started) hour
    of the working day."""
    calendar, profile = scenario.calendar, scenario.tickets.profile
    hours = math.ceil(calendar.hours_per_day)
    part = (
        ""
        if float(calendar.hours_per_day).is_integer()
        else f", the last for the part hour of a {calendar.hours_per_day:g}-hour day"
    )
    wanted = {
        "weekday": (
            int(calendar.days_per_week),
            f"one per working day (calendar.days_per_week = {calendar.days_per_week:g}), Monday first",
        ),
        "hour": (hours, f"one per hour of the working day (calendar.hours_per_day = {calendar.hours_per_day:g}{part})"),
    }
    for key, (count, what) in wanted.items():
        values = getattr(profile, key)
        if values and len(values) != count:
            raise ScenarioError(
                f"tickets.profile.{key}", f"found {len(values)} values; allowed: {count} values, {what}"
            )


def _check_contract_hours(scenario) -> None:
    """A role's contracted week (``hours_per_week``) within the calendar's week: hours beyond
    it are overtime, a field of their own."""
    week = scenario.calendar.hours_per_week
    for role in scenario.roles:
        if role.hours_per_week > week:
            raise ScenarioError(
                f"roles.{role.name}.hours_per_week",
                f"found {role.hours_per_week:g}; allowed: 0 (the full week) to the calendar's week of {week:g} hours "
                f"(calendar.hours_per_day x days_per_week); hours beyond it are overtime: set "
                f"roles.{role.name}.overtime_hours_per_week",
            )


def _check_scheduled_weeks(scenario) -> None:
    """A scheduled project lands within the run: one after the horizon would never arrive."""
    horizon = scenario.simulation.horizon_weeks
    for i, project in enumerate(scenario.projects.scheduled):
        if project.week >= horizon:
            raise ScenarioError(
                f"projects.scheduled[{i}].week",
                f"found {project.week:g}; allowed: a week before simulation.horizon_weeks ({horizon:g}): a project "
                "scheduled after the run would never arrive",
            )


def _check_run_is_finite(scenario) -> None:
    """Reject parameters with which one replication would never finish.  (How much a whole
    replication creates is each work source's to say: :func:`orgsim.work.check_run_size`,
    checked before any run.)"""
    for klass in scenario.projects.classes:
        packages_each = klass.effort.expected / klass.work_package_hours
        if packages_each > 10_000:
            raise ScenarioError(
                f"projects.classes.{klass.name}.work_package_hours",
                f"a mean project would be cut into {packages_each:,.0f} work packages; allowed: at most 10,000 "
                "(raise work_package_hours or lower the effort)",
            )


def _check_no_reporting_cycle(roles) -> None:
    boss_of = {r.name: r.reports_to for r in roles}
    for start in boss_of:
        seen = [start]
        current = boss_of[start]
        while current is not None:
            if current in seen:
                cycle = seen[seen.index(current) :]
                chain = " -> ".join([*cycle, current])
                raise ScenarioError(
                    f"roles.{cycle[0]}.reports_to", f"reporting cycle {chain}; reporting lines must form a tree"
                )
            seen.append(current)
            current = boss_of.get(current)
