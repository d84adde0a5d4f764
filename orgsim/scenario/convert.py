"""Stage two of loading a scenario: convert each value of the data and fill in the defaults.

A TOML value becomes the typed value of its field here (a whole number, a number, text, a
flag, a distribution, a list of shares, a headcount rule), or a :class:`ScenarioError` naming
the field and what is allowed; :func:`build_section` does a whole section (a frozen dataclass
of :mod:`~orgsim.scenario.schema`), its fields missing from the data taken from a base.
"""

from __future__ import annotations

import math
import typing
from dataclasses import fields, replace

from ..distributions import DISTRIBUTION_KINDS, Distribution
from .checks import LARGEST_NUMBER, ScenarioError, show, unknown_key
from .roles import Headcount

__all__ = [
    "require_table",
    "require_text_keys",
    "convert_scalar",
    "convert_distribution",
    "convert_shares",
    "build_section",
    "public_names",
    "convert_headcount",
]


def _short(value) -> str:
    """A possibly enormous number, shortened for a message."""
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}... ({len(text)} digits)"


def require_table(value, path) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(path, f"expected a table, found {show(value)}")
    return value


def require_text_keys(table: dict, path: str) -> None:
    for key in table:
        if not isinstance(key, str):
            raise ScenarioError(path, f"key {key!r} is not text; keys are names such as 'employees'")


def convert_scalar(kind, value, path):
    if kind is bool:
        if not isinstance(value, bool):
            raise ScenarioError(path, f"expected true or false, found {show(value)}")
        return value
    if kind is int:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not value.is_integer())
        ):
            raise ScenarioError(path, f"expected a whole number, found {show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a whole number of at most {LARGEST_NUMBER:.0e}")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(path, f"expected a number, found {show(value)}")
        if isinstance(value, int) and abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {_short(value)}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        if not math.isfinite(value):
            raise ScenarioError(path, f"expected a finite number, found {show(value)}")
        if abs(value) > LARGEST_NUMBER:
            raise ScenarioError(path, f"found {value:g}; allowed: a number of at most {LARGEST_NUMBER:.0e}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ScenarioError(path, f"expected a text string, found {show(value)}")
        return value
    raise TypeError(kind)


def convert_distribution(value, path) -> Distribution:
    """A distribution from a number (fixed) or a table ``{dist = ..., ...}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"dist": "fixed", "mean": value}
    table = require_table(value, path)
    if "dist" not in table:
        raise ScenarioError(f"{path}.dist", f"missing; allowed: {', '.join(DISTRIBUTION_KINDS)}")
    kind = table["dist"]
    if kind not in DISTRIBUTION_KINDS:
        raise ScenarioError(f"{path}.dist", f"found {show(kind)}; allowed: {', '.join(DISTRIBUTION_KINDS)}")
    needed = {
        "fixed": ("mean",),
        "exponential": ("mean",),
        "lognormal": ("mean", "cv"),
        "triangular": ("low", "mode", "high"),
    }[kind]
    for key in table:
        if key != "dist" and key not in needed:
            raise unknown_key(path, key, ("dist", *needed))
    numbers = {}
    for key in needed:
        if key not in table:
            raise ScenarioError(f"{path}.{key}", f"missing; a {kind} distribution needs {', '.join(needed)}")
        numbers[key] = convert_scalar(float, table[key], f"{path}.{key}")
        if numbers[key] < 0:
            raise ScenarioError(f"{path}.{key}", f"found {numbers[key]:g}; allowed: a number >= 0")
    if kind == "triangular" and not numbers["low"] <= numbers["mode"] <= numbers["high"]:
        raise ScenarioError(path, "triangular needs low <= mode <= high")
    return Distribution(kind, **numbers)


def convert_shares(value, path) -> tuple[float, ...]:
    """A non-empty list of shares (numbers from 0 to 1)."""
    if not isinstance(value, list) or not value:
        found = "an empty list" if isinstance(value, list) else show(value)
        raise ScenarioError(path, f"expected a list of numbers from 0 to below 1 (one at least), found {found}")
    values = tuple(convert_scalar(float, v, f"{path}[{i}]") for i, v in enumerate(value))
    for i, share in enumerate(values):
        if not 0.0 <= share < 1.0:
            raise ScenarioError(f"{path}[{i}]", f"found {share:g}; allowed: a number from 0 to below 1")
    return values


def build_section(cls, data: dict, path: str, base=None):
    """Instance of dataclass ``cls`` from ``data``, fields missing from data taken from ``base``."""
    table = require_table(data, path)
    require_text_keys(table, path)
    hints = typing.get_type_hints(cls)
    public = [f for f in fields(cls) if not f.metadata.get("internal")]
    names = [f.name for f in public]
    for key in table:
        if key not in names:
            raise unknown_key(path, key, names)
    values = {}
    for f in public:
        if f.name not in table:
            continue
        where = f"{path}.{f.name}" if path else f.name
        kind = hints[f.name]
        if kind is Distribution:
            value = convert_distribution(table[f.name], where)
        elif kind == tuple[float, ...]:
            value = convert_shares(table[f.name], where)
        else:
            value = convert_scalar(kind, table[f.name], where)
            check = f.metadata.get("check")
            problem = check(value) if check else None
            if problem:
                raise ScenarioError(where, f"found {show(value)}; allowed: {problem}")
        values[f.name] = value
    base = base if base is not None else cls()
    return replace(base, **values)


def public_names(cls) -> list[str]:
    """The fields of section ``cls`` a file may give (internal ones left out)."""
    return [f.name for f in fields(cls) if not f.metadata.get("internal")]


def convert_headcount(value, path) -> Headcount:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        count = convert_scalar(int, value, path)
        if count < 0:
            raise ScenarioError(path, f"found {count}; allowed: a whole number >= 0")
        return Headcount(fixed=count)
    table = require_table(value, path)
    allowed = ("per_employees", "per_reports", "per_concurrent_projects", "minimum", "min_reports", "taken_from")
    for key in table:
        if key not in allowed:
            raise unknown_key(path, key, allowed)
    given = [k for k in ("per_employees", "per_reports", "per_concurrent_projects") if k in table]
    if len(given) != 1:
        raise ScenarioError(
            path,
            "give a whole number, or exactly one of per_employees, per_reports, per_concurrent_projects (with minimum)",
        )
    ratio = convert_scalar(float, table[given[0]], f"{path}.{given[0]}")
    if ratio < 0.001:  # one person per a thousandth of an employee (or report, or project) is no rule
        raise ScenarioError(f"{path}.{given[0]}", f"found {ratio:g}; allowed: a number >= 0.001")
    minimum = convert_scalar(int, table.get("minimum", 0), f"{path}.minimum")
    if minimum < 0:
        raise ScenarioError(f"{path}.minimum", f"found {minimum}; allowed: a whole number >= 0")
    min_reports = convert_scalar(int, table.get("min_reports", 0), f"{path}.min_reports")
    if min_reports < 0 or (min_reports and given[0] != "per_reports"):
        raise ScenarioError(f"{path}.min_reports", "allowed: a whole number >= 0, with per_reports only")
    taken_from = convert_scalar(str, table.get("taken_from", ""), f"{path}.taken_from") or None
    return Headcount(**{given[0]: ratio}, minimum=minimum, min_reports=min_reports, taken_from=taken_from)
