"""Scenarios: the frozen parameter tree and the one path every input takes into it.

- :mod:`~orgsim.scenario.schema`: the sections (simulation, calendar, org, tickets, projects,
  management) as frozen dataclasses, every field with unit, default, source and check;
- :mod:`~orgsim.scenario.roles`: roles, structure presets, headcounts, reporting lines;
- :mod:`~orgsim.scenario.checks`: the error type, value checks and cross-field rules;
- :mod:`~orgsim.scenario.load`: :class:`Scenario` and read → fill defaults → check → build,
  from files, dicts, ``--set`` and :meth:`Scenario.with_changes`;
- :mod:`~orgsim.scenario.reference`: the reference documentation, generated.
"""

from .checks import ScenarioError, needed_duties
from .load import Scenario, load_scenario, parse_assignment, scenario_from_dict, scenario_from_toml
from .roles import STRUCTURES, Headcount, Role, RoleChange
from .schema import (
    DEFAULT_PROJECT_CLASSES,
    DEFAULT_TICKET_CLASSES,
    DEFAULT_TICKET_MIX,
    Calendar,
    Dispatch,
    Management,
    Org,
    ProjectClass,
    Projects,
    ScheduledProject,
    Simulation,
    TicketClass,
    Tickets,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "parse_assignment",
    "needed_duties",
    "STRUCTURES",
    "Headcount",
    "Role",
    "RoleChange",
    "Simulation",
    "Calendar",
    "Org",
    "TicketClass",
    "Tickets",
    "Projects",
    "Management",
    "DEFAULT_TICKET_CLASSES",
    "DEFAULT_TICKET_MIX",
    "DEFAULT_PROJECT_CLASSES",
    "ProjectClass",
    "ScheduledProject",
    "Dispatch",
]
