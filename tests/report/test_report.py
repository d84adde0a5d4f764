"""The study's report: one self-contained HTML page whose every number is a cell of a CSV
beside it, read by a parser and by a real headless browser (tests/browser.py)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.report import SECTIONS, cell_text
from tests.browser import render, skip_reason
from tests.study.quick import quick_study_folder

QUESTIONS = [f"Q{n}" for n in range(1, 9)]


@pytest.fixture(scope="module")
def quick_study(tmp_path_factory) -> Path:
    return quick_study_folder(tmp_path_factory)


class _Cells(HTMLParser):
    """Every element that names a CSV cell (data-csv on an ancestor, data-row, data-column)."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.cells: list[dict] = []
        self.figures = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        context = dict(self.stack[-1]) if self.stack else {}
        for key in ("data-csv", "data-row"):
            if key in attrs:
                context[key] = attrs[key]
        if "data-column" in attrs:
            context = {**context, "data-column": attrs["data-column"], "text": ""}
            self.cells.append(context)
        if tag == "img" and attrs.get("src", "").startswith("data:image/png;base64,"):
            self.figures += 1
        if tag not in ("img", "meta", "br", "link", "input"):
            self.stack.append(context)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and "text" in self.stack[-1]:
            self.stack[-1]["text"] += data


def test_every_number_in_the_report_equals_its_csv(quick_study):
    page = (quick_study / "report.html").read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(page)
    assert len(parser.cells) > 300
    frames = {}
    checked_files = set()
    for cell in parser.cells:
        name = cell["data-csv"]
        frame = frames.setdefault(name, pd.read_csv(quick_study / name, keep_default_na=True))
        value = frame.iloc[int(cell["data-row"])][cell["data-column"]]
        if isinstance(value, np.generic):
            value = value.item()
        assert cell["text"] == cell_text(value), (name, cell)
        checked_files.add(name)
    # the key number of every question, and the tables of the realism basis, sensitivity and steps
    assert {"key_numbers.csv", "realism.csv", "sensitivity.csv", "headcount_steps.csv", "net_benefit.csv"} <= (
        checked_files
    )
    key = pd.read_csv(quick_study / "key_numbers.csv")
    for row in key.itertuples():
        assert f"{row.question}: " in page
    assert parser.figures == 12  # trade-offs, net benefit, Q1-Q8, sensitivity, load per IT manager


def test_the_answer_in_the_page_is_the_answer_in_the_data(quick_study):
    page = (quick_study / "report.html").read_text(encoding="utf-8")
    answer = json.loads((quick_study / "study.json").read_text())["answer"]
    # two sentences, the answer in load per IT manager, those on the alternatives, and a last naming
    # the over-capacity points it rests on when there are any
    assert len(answer["sentences"]) == 3 + len(answer["alternatives"]) + bool(answer["over_capacity"])
    assert answer["sentences"][2].startswith("In load per IT manager")
    for note in answer["over_capacity"]:
        assert note in answer["sentences"][-1]
    for sentence in answer["sentences"]:
        assert sentence.replace("'", "&#x27;") in page
    # the second sentence names every region of every structure against combined
    for challenger, pair in answer["pairs"].items():
        assert f"{challenger} against combined" in answer["sentences"][1]
        for region in pair["regions"] or []:
            assert cell_text(region["from"]) in answer["sentences"][1]


def test_every_section_is_numbered_and_in_the_table_of_contents(quick_study):
    page = (quick_study / "report.html").read_text(encoding="utf-8")
    nav = page[page.index("<nav>") : page.index("</nav>")]
    for number, section in enumerate(SECTIONS, start=1):
        assert f"<a href='#{section.anchor}'>" in nav
        assert f"<h2 id='{section.anchor}'>{number}. " in page


def test_report_in_a_real_browser(quick_study, tmp_path):
    reason = skip_reason()
    if reason:
        pytest.skip(f"no headless browser: {reason}")
    shot = tmp_path / "report-desktop.png"  # not in the shared study folder, which other tests list
    seen = render(quick_study / "report.html", shot, width=1366)
    assert seen.console_errors == []
    assert seen.external_requests == []
    assert len(seen.images) == 12 and seen.broken_images == []
    assert all(image["naturalWidth"] >= 800 for image in seen.images)
    answer = json.loads((quick_study / "study.json").read_text())["answer"]
    text = " ".join(seen.text.split())
    assert answer["sentences"][0] in text
    for q in QUESTIONS:
        assert f"{q}: " in text and q.lower() in seen.ids
    for section in SECTIONS:  # every section's heading is where its table of contents entry points
        assert section.anchor in seen.ids
    assert len(seen.ids) == len(set(seen.ids))
    assert shot.exists() and shot.stat().st_size > 50_000
    assert int.from_bytes(shot.read_bytes()[16:20], "big") == 1366  # PNG width, from its IHDR
