"""Dotted paths (orgsim/scenario/paths.py): ``--set PATH=VALUE`` read as TOML."""

from __future__ import annotations

import pytest

from orgsim.scenario import (
    ScenarioError,
    parse_assignment,
)

# --------------------------------------------------------------- parse_assignment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("org.employees=400", ("org.employees", 400)),
        ("simulation.horizon_weeks=12.5", ("simulation.horizon_weeks", 12.5)),
        ("org.structure=separate", ("org.structure", "separate")),
        ('org.structure="pmo"', ("org.structure", "pmo")),
        ("description=two words", ("description", "two words")),
        ("description=a=b", ("description", "a=b")),
        (' org.employees = 400 ', ("org.employees", 400)),
        ('roles.engineer.duties=["ticket_l2", "admin"]', ("roles.engineer.duties", ["ticket_l2", "admin"])),
        ("tickets.classes.p1.preemptive=false", ("tickets.classes.p1.preemptive", False)),
        ("tickets.classes.p2.preemptive=true", ("tickets.classes.p2.preemptive", True)),
        ("projects.classes.small.effort={dist='fixed', mean=3}",
         ("projects.classes.small.effort", {"dist": "fixed", "mean": 3})),
        ("projects.multitasking_loss=[0, 0.2, 0.4]", ("projects.multitasking_loss", [0, 0.2, 0.4])),
    ],
    ids=["int", "float", "bare-string", "quoted-string", "spaces-in-text", "equals-in-value", "padded",
         "list", "false", "true", "inline-table", "list-of-numbers"],
)  # fmt: skip
def test_parse_assignment(text, expected):
    result = parse_assignment(text)
    assert result == expected
    assert type(result[1]) is type(expected[1])  # 400 is an int, not a float or "400"


def test_parse_assignment_without_equals_names_the_text():
    with pytest.raises(ScenarioError) as info:
        parse_assignment("org.employees")
    assert info.value.source == "--set"
    assert "org.employees" in str(info.value)
    assert "PATH=VALUE" in str(info.value)
