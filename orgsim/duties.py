"""The duty table: every kind of work a person can hold, in one place.

A *duty* is a kind of work (``ticket_l2``, ``project_coordination``, ...).  Each has one row
here: its family (moving between families costs a context switch), the label people read,
the colour plots use, and its place in listings (the order of :data:`DUTY_TABLE`).  Every
other module reads duties from this table; adding a duty is adding one row.
"""

from __future__ import annotations

from dataclasses import dataclass

FIREFIGHTING = ("major_incident", "approval", "escalation")  # a manager's unplanned operational work

__all__ = [
    "FIREFIGHTING",
    "Duty",
    "DUTY_TABLE",
    "DUTIES",
    "DUTY_FAMILY",
    "FAMILIES",
    "CONTEXT_SWITCH",
    "MULTITASKING",
    "BUSY_LABELS",
    "label",
    "colour",
    "duties_of_family",
]

FAMILIES = ("operations", "project", "management")


@dataclass(frozen=True)
class Duty:
    """One row of the duty table."""

    name: str
    family: str
    label: str
    colour: str


DUTY_TABLE: tuple[Duty, ...] = (
    Duty("ticket_l1", "operations", "level-1 tickets", "#9ecae1"),
    Duty("ticket_l2", "operations", "level-2 tickets", "#3182bd"),
    Duty("major_incident", "operations", "major incidents", "#de2d26"),
    Duty("approval", "operations", "change approvals", "#fc9272"),
    Duty("escalation", "operations", "escalations and interrupts", "#fdae6b"),
    Duty("ops_routine", "operations", "routine operations", "#17becf"),
    Duty("project_work", "project", "project work", "#31a354"),
    Duty("project_coordination", "project", "project coordination", "#a1d99b"),
    Duty("status_reporting", "project", "status reporting", "#d9ef8b"),
    Duty("portfolio_management", "project", "portfolio management", "#74c476"),
    Duty("people_management", "management", "people management", "#756bb1"),
    Duty("admin", "management", "admin", "#bcbddc"),
)

DUTIES: tuple[str, ...] = tuple(d.name for d in DUTY_TABLE)
DUTY_FAMILY: dict[str, str] = {d.name: d.family for d in DUTY_TABLE}

# Busy time spent on setups (changing family, resuming interrupted work) is booked under this
# label beside the duties; it is not a duty anybody holds.
CONTEXT_SWITCH = "context_switch"
_CONTEXT_SWITCH_ROW = Duty(CONTEXT_SWITCH, "", "context switching", "#636363")
# Time lost by a person on several projects at once, switching between them, is booked apart too.
MULTITASKING = "multitasking"
_MULTITASKING_ROW = Duty(MULTITASKING, "", "multitasking loss", "#969696")
BUSY_LABELS: tuple[str, ...] = (*DUTIES, CONTEXT_SWITCH, MULTITASKING)
_ROWS = {d.name: d for d in (*DUTY_TABLE, _CONTEXT_SWITCH_ROW, _MULTITASKING_ROW)}


def label(name: str) -> str:
    """What a reader calls a duty (or the context-switch label)."""
    row = _ROWS.get(name)
    return row.label if row else name.replace("_", " ")


def colour(name: str) -> str:
    """The colour every plot gives a duty."""
    row = _ROWS.get(name)
    return row.colour if row else "#969696"


def duties_of_family(family: str) -> tuple[str, ...]:
    """The duties of one family, in table order."""
    return tuple(d.name for d in DUTY_TABLE if d.family == family)
