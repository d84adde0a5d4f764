"""Scenarios: the frozen parameter tree and the one path every input takes into it.

- :mod:`~orgsim.scenario.schema`: the sections (simulation, calendar, org, tickets, projects,
  management) as frozen dataclasses, every field with unit, default, source and check;
- :mod:`~orgsim.scenario.roles`: roles, headcounts, reporting lines, the staff;
- :mod:`~orgsim.scenario.presets`: the structure presets, one row each (:data:`PRESETS`);
- :mod:`~orgsim.scenario.checks`: the error types, value checks and cross-field rules;
- :mod:`~orgsim.scenario.convert`: each value of the data converted, a section built with defaults;
- :mod:`~orgsim.scenario.sections`: tickets, projects and the ``[roles.NAME]`` tables;
- :mod:`~orgsim.scenario.paths`: dotted paths (``--set org.employees=400``);
- :mod:`~orgsim.scenario.load`: :class:`Scenario` and read → fill defaults → check → build,
  from files, dicts, ``--set`` and :meth:`Scenario.with_changes`;
- :mod:`~orgsim.scenario.reference`: the reference documentation, generated.
"""

from .checks import ScenarioError, UnknownKeyError, needed_duties
from .load import (
    Scenario,
    load_scenario,
    parse_assignment,
    scenario_from_dict,
    scenario_from_toml,
    scenario_summary,
)
from .presets import (
    EQUAL_COST_STRUCTURES,
    OTHER_COLOUR,
    PRESET_NAMES,
    PRESETS,
    STRUCTURES,
    STUDY_STRUCTURES,
    Preset,
    preset_colour,
)
from .roles import Headcount, Role, RoleChange
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
    "UnknownKeyError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "scenario_summary",
    "parse_assignment",
    "needed_duties",
    "STRUCTURES",
    "PRESETS",
    "PRESET_NAMES",
    "STUDY_STRUCTURES",
    "EQUAL_COST_STRUCTURES",
    "OTHER_COLOUR",
    "Preset",
    "preset_colour",
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
