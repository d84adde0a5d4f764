"""Dotted paths into a scenario's data: ``org.employees=400`` from the command line
(:func:`parse_assignment`) and setting a value at a path (:func:`set_path`), which both
``--set`` and :meth:`Scenario.with_changes` use before the data is built again.
"""

from __future__ import annotations

import copy
import tomllib
from typing import Any

from .checks import ScenarioError, show, unknown_key
from .schema import SECTIONS

__all__ = ["TOP_KEYS", "set_path", "parse_assignment"]

TOP_KEYS = ("name", "description", *SECTIONS, "roles")  # the keys a scenario's data may have at its top


def set_path(data: dict, dotted: str, value, resolved: dict | None = None) -> None:
    """Set ``value`` at ``dotted`` in a nested dict, creating tables on the way.

    A table missing from ``data`` whose resolved value is a leaf table (a distribution
    or a headcount rule) is first copied from ``resolved``, so that ``projects.effort.cv``
    changes one field of the default distribution instead of replacing it.
    """
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise ScenarioError(dotted, "a path is dotted names such as org.employees")
    if parts[0] not in TOP_KEYS:
        raise unknown_key("", parts[0], TOP_KEYS)
    node = data
    known = resolved
    for i, part in enumerate(parts[:-1]):
        child = node.get(part)
        known = known.get(part) if isinstance(known, dict) else None
        if child is None:
            leaf_table = isinstance(known, dict) and all(not isinstance(v, (dict, list)) for v in known.values())
            child = node[part] = copy.deepcopy(known) if leaf_table else {}
        elif not isinstance(child, dict):
            # a distribution given as a plain number becomes a fixed table to set a key in it
            if isinstance(child, (int, float)) and not isinstance(child, bool):
                child = node[part] = {"dist": "fixed", "mean": child}
            else:
                raise ScenarioError(".".join(parts[: i + 1]), f"is {show(child)}, not a table")
        node = child
    node[parts[-1]] = value


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"org.employees=400"`` -> ``("org.employees", 400)``; values are TOML, else text."""
    if "=" not in text:
        raise ScenarioError(text, "expected PATH=VALUE, e.g. org.employees=400", "--set")
    path, raw = text.split("=", 1)
    path, raw = path.strip(), raw.strip()
    if "\n" in raw or "\r" in raw:
        raise ScenarioError(path, "a value on one line, found a line break in it", "--set")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return path, value
