"""The generated reference (orgsim/scenario/reference.py): every field, every preset."""

from __future__ import annotations

import dataclasses

from orgsim.scenario import (
    TicketClass,
    presets,
)
from orgsim.scenario.reference import field_reference, reference_markdown
from orgsim.scenario.schema import ProjectClass
from tests.conftest import REPO
from tests.scenario.helpers import (
    SECTIONS,
    public_fields,
)

# ------------------------------------------------------------------- reference


def test_reference_mentions_every_field_path_with_a_source_column():
    text = reference_markdown()
    header = next(line for line in text.splitlines() if line.startswith("| field"))
    assert "source" in header
    for section, cls in SECTIONS.items():
        for name in public_fields(cls):
            assert f"`{section}.{name}`" in text, f"{section}.{name} missing from the reference"
    for name in public_fields(TicketClass):
        assert f"`tickets.classes.CLASS.{name}`" in text
    for name in public_fields(ProjectClass):
        assert f"`projects.classes.CLASS.{name}`" in text, f"projects.classes.CLASS.{name} missing from the reference"
    assert "projects.scheduled" in text
    assert "`tickets.mix.CLASS`" in text
    assert "`tickets.profile`" in text and "Brown, Gans, Mandelbaum" in text
    for key in ("headcount", "duties", "reports_to", "hourly_cost", "context_switch_hours"):
        assert f"`roles.ROLE.{key}`" in text
    for path in ("simulation.horizon_weeks", "projects.wip_limit", "roles.ROLE.context_switch_hours"):
        assert f"`{path}`" in text


def test_reference_rows_are_complete_table_rows():
    text = reference_markdown().split("## Structure presets")[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(field_reference())
    for row in rows:
        cells = [c.strip() for c in row.replace("\\|", "").strip("|").split("|")]
        assert len(cells) == 5, row
        path, unit, default, meaning, source = cells
        assert unit and meaning and source, row
    # the source column is the source recorded with each field's definition
    sources = {r["path"]: r["source"] for r in field_reference()}
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            if not f.metadata.get("internal"):
                assert sources[f"{section}.{f.name}"] == f.metadata["source"]
    assert "MetricNet" in sources["tickets.per_employee_per_month"]


# ------------------------------------------------------------------- presets


def _preset_section(text: str) -> str:
    return text.split("## Structure presets")[1].split("## Metrics")[0]


def test_every_preset_is_documented_with_its_roles():
    text = _preset_section(reference_markdown())
    for row in presets.PRESETS:
        study = "yes" if row.in_study else "no"
        assert f"| `{row.name}` | {row.coordinator} | {study} | {row.description} |" in text
        table = text.split(f"### {row.name}\n")[1].split("###")[0]
        for role in presets.preset_roles(row.name, 1500):
            assert f"| {role} |" in table, f"{role} of {row.name} missing from the reference"
    assert "### embedded" in text


def test_a_new_preset_is_one_row_and_appears_in_the_generated_docs(monkeypatch):
    """Adding a preset takes one row of PRESETS: the reference documents it with its roles."""
    twin = dataclasses.replace(presets.preset("separate"), name="twin", description="a second separate")
    monkeypatch.setattr(presets, "PRESETS", (*presets.PRESETS, twin))
    text = _preset_section(reference_markdown())
    assert "| `twin` | project_manager | yes | a second separate |" in text
    assert "### twin" in text and "| project_manager |" in text.split("### twin")[1]


def test_the_shipped_reference_documents_every_preset():
    shipped = (REPO / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for row in presets.PRESETS:
        assert f"### {row.name}\n" in shipped and row.description in shipped
