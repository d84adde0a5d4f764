"""The study's tables, questions and the report's sections are rows: a new section of the
report is a table row (orgsim.study.TABLES), a figure entry (by name) and a section row
(orgsim.report.SECTIONS), with no other edit; and each question is found by name."""

from __future__ import annotations

import html

import pytest
from matplotlib.figure import Figure

from orgsim import report
from orgsim.plots import study as plots_study
from orgsim.report import Section, table_section
from orgsim.results import OutputFolder
from orgsim.scenario import load_scenario
from orgsim.study import QUESTIONS, TABLES, study, study_files, study_plan
from orgsim.study.structure_questions import who_organises_the_work

SHORT = {"simulation.horizon_weeks": 26, "simulation.warmup_weeks": 4}


@pytest.fixture(scope="module")
def short_study():
    scenario = load_scenario("small-combined").with_changes(SHORT)
    return study(scenario, study_plan(scenario, quick=True), seed=11, jobs=1)


def _tiny() -> Figure:
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [0, 1])
    return figure


class _Figures(dict):
    """Every figure of the report by name; a tiny one for those not given (the test is about
    the page's structure, not its drawings)."""

    def __missing__(self, name):
        self[name] = _tiny()
        return self[name]


def _staffing(study):
    """The new table: people per role and size, one row each (from headcounts.csv)."""
    return study.headcounts().melt(id_vars=["structure", "role"], var_name="employees", value_name="people")


def _staffing_figure(table, facts) -> Figure:
    """The new figure, drawn from its table alone (as every study figure is)."""
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().bar(range(len(table)), table["people"])
    figure.suptitle(f"People per role, {facts.scenario}")
    return figure


def test_a_new_section_is_a_table_row_a_figure_row_and_a_section_row(short_study, monkeypatch, tmp_path):
    monkeypatch.setitem(TABLES, "staffing.csv", _staffing)  # the table row
    figure_row = ("staffing", "staffing.csv", _staffing_figure)
    monkeypatch.setattr(plots_study, "STUDY_FIGURES", (*plots_study.STUDY_FIGURES, figure_row))  # the figure row
    row = Section("staffing", "People per role", table_section("staffing.csv", "staffing", "People per role by size"))
    *first, last = report.SECTIONS
    monkeypatch.setattr(report, "SECTIONS", (*first, row, last))  # the section row, before the caveats
    page = report.render(short_study)  # every figure drawn from its row, the new one too
    # in the table of contents, numbered in turn, the sections after it renumbered
    assert "<li><a href='#staffing'>People per role</a></li><li><a href='#caveats'>" in page
    assert f"<h2 id='staffing'>{len(first) + 1}. People per role</h2>" in page
    assert f"<h2 id='caveats'>{len(first) + 2}. Caveats, and what moves the answer</h2>" in page
    assert 'alt="People per role by size"' in page and page.count('data-csv="staffing.csv"') == 1
    # and written beside the report, declared among the study's files
    assert "staffing.csv" in study_files()
    folder = OutputFolder(tmp_path / "out")
    short_study.write(folder)
    assert (tmp_path / "out" / "staffing.csv").read_text().startswith("structure,role,employees,people")


def test_the_table_of_contents_and_the_numbers_come_from_the_sections(short_study):
    page = report.render(short_study, _Figures())
    toc = "".join(f"<li><a href='#{s.anchor}'>{html.escape(s.title)}</a></li>" for s in report.SECTIONS)
    assert f"<nav><ol>{toc}</ol></nav>" in page
    positions = [page.index(f"<h2 id='{s.anchor}'>{n}. ") for n, s in enumerate(report.SECTIONS, start=1)]
    assert positions == sorted(positions)
    assert page.count("<h2") == len(report.SECTIONS)


def test_each_question_is_a_row_found_by_name(short_study):
    """'Where is Q5 decided?': in the row of Q5, by a function named for what it decides."""
    q5 = next(q for q in QUESTIONS if q.id == "Q5")
    assert q5.number is who_organises_the_work and q5.csv == "it_manager_hours.csv"
    assert [q.id for q in QUESTIONS] == [f"Q{n}" for n in range(1, 9)]
    answered = short_study.questions()
    assert list(answered) == [q.id for q in QUESTIONS]
    assert answered["Q5"]["number"] == who_organises_the_work(short_study, answered["Q5"]["table"])


def test_the_crossover_movers_are_the_studys_decision(short_study):
    """Which one-at-a-time changes move the answer is decided in the study (a table); the
    report only words it."""
    movers = short_study.crossover_movers()
    assert list(movers.columns) == ["parameter", "value", "winner", "shift", "changes_winner"]
    sensitivity = short_study.sensitivity()
    base = sensitivity.iloc[0]["winner"]
    assert (movers["changes_winner"] == (movers["winner"] != base)).all()
    kept = movers[~movers["changes_winner"]]["shift"].abs().tolist()
    assert kept == sorted(kept, reverse=True)


def test_every_table_the_study_writes_is_found_by_its_csv_name(short_study):
    """Study.table is the one look-up the figures use: the TABLES rows and each question's."""
    written = short_study.tables()
    for name, frame in written.items():
        assert short_study.table(name).equals(frame), name
    assert short_study.table("q4.csv") is short_study.questions()["Q4"]["table"]
    with pytest.raises(KeyError, match="no table 'nothing.csv'"):
        short_study.table("nothing.csv")


def test_with_a_value_of_a_project_week_the_answer_says_the_net_benefit(short_study):
    """The net-benefit sentence was built after the answer's sentences and never shown."""
    from dataclasses import replace

    valued = replace(short_study, value_per_project_week=1000.0, _cache={})
    sentences = valued.answer()["sentences"]
    assert any("On the net benefit, with a project-week of delay worth 1,000" in s for s in sentences)
    assert not any("On the net benefit" in s for s in short_study.answer()["sentences"])
