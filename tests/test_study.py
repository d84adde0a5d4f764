"""orgsim study: the decision experiment and its self-contained HTML report.

One quick study of the shipped small-combined scenario is run once for the module (through
the command line, as a user runs it); the tests read what it wrote: the CSVs, study.json and
report.html, in a real headless browser too.
"""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.cli import main
from orgsim.plots import study_net_benefit_figure
from orgsim.report import cell_text
from orgsim.scenario import load_scenario
from orgsim.stats import find_regions
from orgsim.study import DEFAULT_SIZES, DEFAULT_STRUCTURES, Study, call, study_plan
from tests.browser import render, skip_reason

QUESTIONS = [f"Q{n}" for n in range(1, 9)]
CSVS = [
    "tradeoffs.csv",
    "net_benefit.csv",
    "it_manager_hours.csv",
    "headcounts.csv",
    "headcount_steps.csv",
    "sensitivity.csv",
    "realism.csv",
    "key_numbers.csv",
    *[f"q{n}.csv" for n in (1, 2, 3, 4, 6, 7, 8)],
]


@pytest.fixture(scope="module")
def quick_study(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("study") / "small-combined"
    assert main(["study", "small-combined", "--quick", "--quiet", "--out", str(folder)]) == 0
    return folder


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


def test_quick_study_writes_the_report_and_the_data_behind_every_figure(quick_study):
    names = {p.name for p in quick_study.iterdir()}
    assert {"report.html", "study.json", *CSVS} <= names
    summary = json.loads((quick_study / "study.json").read_text())
    assert summary["plan"]["sizes"] == [25, 100, 400] and summary["plan"]["replications"] == 3
    assert summary["plan"]["structures"] == list(DEFAULT_STRUCTURES)
    assert set(summary["questions"]) == set(QUESTIONS)
    for name in CSVS:
        frame = pd.read_csv(quick_study / name)
        assert len(frame) > 0, name
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    # every size x structure of the answer's culture, and combined and separate under the other
    ops = tradeoffs[tradeoffs["culture"] == "operations_first"]
    assert set(zip(ops["employees"], ops["structure"], strict=True)) == {
        (n, s) for n in (25, 100, 400) for s in DEFAULT_STRUCTURES
    }
    other = tradeoffs[tradeoffs["culture"] == "projects_first"]
    assert set(other["structure"]) == {"combined", "separate"}
    key = pd.read_csv(quick_study / "key_numbers.csv")
    assert list(key["question"]) == QUESTIONS
    assert (key["ci_low"] <= key["mean"] + 1e-9).all() and (key["mean"] <= key["ci_high"] + 1e-9).all()


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
    assert parser.figures == 11  # trade-offs, net benefit, Q1-Q8, sensitivity


def test_the_answer_in_the_page_is_the_answer_in_the_data(quick_study):
    page = (quick_study / "report.html").read_text(encoding="utf-8")
    answer = json.loads((quick_study / "study.json").read_text())["answer"]
    assert len(answer["sentences"]) == 2
    for sentence in answer["sentences"]:
        assert sentence.replace("'", "&#x27;") in page
    # the second sentence names every region of every structure against combined
    for challenger, pair in answer["pairs"].items():
        assert f"{challenger} against combined" in answer["sentences"][1]
        for region in pair["regions"] or []:
            assert cell_text(region["from"]) in answer["sentences"][1]


def test_report_in_a_real_browser(quick_study):
    reason = skip_reason()
    if reason:
        pytest.skip(f"no headless browser: {reason}")
    shot = quick_study / "report-desktop.png"
    seen = render(quick_study / "report.html", shot, width=1366)
    assert seen.console_errors == []
    assert seen.external_requests == []
    assert len(seen.images) == 11 and seen.broken_images == []
    assert all(image["naturalWidth"] >= 800 for image in seen.images)
    answer = json.loads((quick_study / "study.json").read_text())["answer"]
    text = " ".join(seen.text.split())
    assert answer["sentences"][0] in text
    for q in QUESTIONS:
        assert f"{q}: " in text and q.lower() in seen.ids
    assert shot.exists() and shot.stat().st_size > 50_000
    assert int.from_bytes(shot.read_bytes()[16:20], "big") == 1366  # PNG width, from its IHDR


def test_shared_points_run_once_with_common_random_numbers(quick_study):
    """Points two experiments share are one run: role clarity 0.5 under separate at the
    reference size is the main sweep's point, replication for replication."""
    key = pd.read_csv(quick_study / "q8.csv")
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    lead = "project_lead_time_weeks_mean"
    q8 = key[(key["role_clarity"] == 0.5) & (key["metric"] == lead)]["mean"].item()
    main_point = tradeoffs[
        (tradeoffs["culture"] == "operations_first")
        & (tradeoffs["employees"] == 400)
        & (tradeoffs["structure"] == "separate")
        & (tradeoffs["metric"] == lead)
    ]["mean"].item()
    assert q8 == main_point


def test_a_second_run_reuses_the_cache_and_writes_the_same_report(quick_study, tmp_path):
    before = (quick_study / "key_numbers.csv").read_text()
    assert main(["study", "small-combined", "--quick", "--quiet", "--out", str(quick_study)]) == 0
    assert (quick_study / "key_numbers.csv").read_text() == before
    assert (quick_study / ".runs").is_dir()


# ---------------------------------------------------------------- the plan and bad input


def test_default_plan_is_the_benchmarked_one():
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario)
    assert plan.sizes == DEFAULT_SIZES == (25, 50, 100, 200, 400, 800, 1600)
    assert plan.structures == ("combined", "separate", "pmo", "no_pm")
    assert plan.cultures == ("operations_first",) and plan.other_culture == "projects_first"
    assert plan.replications == 10 and plan.reference_size == 400 and plan.small_firm == 40
    big = load_scenario("large-combined")
    assert study_plan(big).small_firm == 40  # Q4 in a small firm, whatever the scenario's size
    # combined always comes first: it is the baseline of every comparison
    assert study_plan(scenario, structures=["separate", "embedded", "combined"]).structures == (
        "combined",
        "separate",
        "embedded",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sizes", "25,50"], "field '--sizes': expected three or more whole numbers of employees >= 1"),
        (["--sizes", "25,50,50"], "field '--sizes': each size once"),
        (["--sizes", "25,50.5,100"], "field '--sizes': expected three or more whole numbers"),
        (["--structures", "combined,pmo"], "field '--structures': the question needs combined and separate"),
        (["--structures", "combined,separate,matrix"], "field '--structures': unknown 'matrix'; allowed: combined"),
        (["--structures", "combined,,separate"], "field '--structures': expected names separated by commas"),
        (["--cultures", "agile"], "field '--cultures': expected one or both of operations_first, projects_first"),
        (["-r", "2"], "field '--replications': a study needs at least 3"),
        (["--value-per-project-week", "-1"], "expected a number >= 0"),
    ],
)
def test_bad_study_options_get_one_line_and_exit_2(options, message, tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["study", "small-combined", *options, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert message in error[-1] and "Traceback" not in "\n".join(error)
    assert not out.exists()


# ---------------------------------------------------------------- the answer's regions


def _answer_of(sizes, combined, separate) -> dict:
    """The study's answer for synthetic lead times (sizes x replications) of combined and
    separate, whose regions (with the 1-week MID) no structure wins at the top."""
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, sizes=sizes)
    regions = find_regions(list(plan.sizes), combined, separate, minimal=1.0)["regions"]
    assert regions[-1]["winner"] is None
    pair = {"baseline": "combined", "challenger": "separate", "regions": regions, "winner": None}
    pair.update({"crossover": None, "ci_low": None, "ci_high": None, "significant_from": None, "sentence": ""})
    study = Study(scenario, plan, 1, {}, None)
    study._cache[("crossover", plan.culture)] = {"pairs": [pair]}
    study._cache["net_benefit"] = pd.DataFrame(columns=["employees", "structure"])
    return study.answer()


def test_the_answer_names_exactly_the_middle_region():
    """A synthetic sweep where separate wins only in the middle of the range: the answer says
    no practical difference at the top, and lists exactly that region."""
    rng = np.random.default_rng(3)
    base = 20.0 + rng.normal(0, 0.2, (5, 10))
    gain = np.array([[0.0], [0.0], [4.0], [4.0], [0.0]])
    answer = _answer_of([25, 50, 100, 200, 400], base, base - gain)
    assert answer["verdict"] == "no practical difference"
    assert (
        "separate against combined: no practical difference at 25-50, separate better at 100-200, "
        "no practical difference at 400." in answer["sentences"][1]
    )
    assert answer["sentences"][0].startswith("Splitting the roles makes no practical difference")


def test_a_wide_interval_is_inconclusive_not_no_difference():
    """Separate 5 weeks faster on average but with a CI from -5 to +15: the study says it
    cannot tell, and asks for replications; it does not say there is no difference."""
    rng = np.random.default_rng(5)
    base = 20.0 + rng.normal(0, 0.2, (3, 10))
    noise = rng.normal(0, 12.0, (3, 10))
    answer = _answer_of([25, 50, 100], base, base - 5.0 - noise + noise.mean(axis=1, keepdims=True))
    assert answer["verdict"] == "inconclusive"
    assert "cannot tell yet" in answer["sentences"][0] and "--replications" in answer["sentences"][0]
    assert "separate against combined: inconclusive at 25-100" in answer["sentences"][1]


@pytest.mark.parametrize(
    ("mean", "low", "high", "word"),
    [
        (3.0, 2.0, 4.0, "better"),  # CI excludes 0, beyond the MID of 1
        (-3.0, -4.0, -2.0, "worse"),
        (0.5, 0.2, 0.8, "no practical difference"),  # significant but below the MID
        (0.1, -0.6, 0.8, "no practical difference"),  # CI within +-MID
        (0.5, -2.0, 3.0, "inconclusive"),  # CI wider than the MID either way
        (1.5, 0.5, 2.5, "better"),  # mean beyond the MID, CI excludes 0 (the catalogue's rule)
        (math.nan, math.nan, math.nan, "inconclusive"),
    ],
)
def test_call_says_better_only_beyond_the_mid_and_inconclusive_when_the_ci_is_wide(mean, low, high, word):
    assert call(mean, low, high, 1.0) == word


def test_net_benefit_figure_draws_when_no_structure_saves_project_weeks():
    """Under projects_first no structure may save project-weeks: the break-even panel is all
    missing and the figure must still draw (it used to fail on the log axis)."""
    scenario = load_scenario("small-combined")
    plan = study_plan(scenario, sizes=[25, 50, 100])
    study = Study(scenario, plan, 1, {}, None)
    rows = [
        {
            "employees": n,
            "structure": s,
            "extra_staff_cost": 2800.0,
            "extra_staff_cost_ci_low": 2800.0,
            "extra_staff_cost_ci_high": 2800.0,
            "project_weeks_saved": -0.5,
            "project_weeks_saved_ci_low": -1.0,
            "project_weeks_saved_ci_high": 0.0,
            "break_even_value": math.nan,
            "value_per_project_week": 0.0,
            "net_benefit": -2800.0,
            "net_benefit_ci_low": -2800.0,
            "net_benefit_ci_high": -2800.0,
        }
        for n in plan.sizes
        for s in plan.structures[1:]
    ]
    study._cache["net_benefit"] = pd.DataFrame(rows)
    figure = study_net_benefit_figure(study)
    assert len(figure.axes) == 3
    assert [t.get_text() for t in figure.axes[2].get_xticklabels()] == ["25", "50", "100"]


def test_a_scenario_with_roles_of_its_own_is_refused(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\n[org]\nemployees = 60\nstructure = "combined"\n[roles.it_manager]\nhourly_cost = 90\n',
        encoding="utf-8",
    )
    assert main(["study", str(path), "--quick", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "field 'roles': the study re-structures the organisation" in error and "it_manager" in error


def test_net_benefit_table_pairs_cost_and_project_weeks(quick_study):
    table = pd.read_csv(quick_study / "net_benefit.csv")
    tradeoffs = pd.read_csv(quick_study / "tradeoffs.csv")
    cost = tradeoffs[(tradeoffs["metric"] == "staff_cost_per_week") & (tradeoffs["culture"] == "operations_first")]
    for row in table.itertuples():
        mine = cost[(cost["employees"] == row.employees) & (cost["structure"] == row.structure)]["mean"].item()
        theirs = cost[(cost["employees"] == row.employees) & (cost["structure"] == "combined")]["mean"].item()
        assert row.extra_staff_cost == pytest.approx(mine - theirs)
        if row.project_weeks_saved > 0:
            assert row.break_even_value == pytest.approx(row.extra_staff_cost / row.project_weeks_saved)
        else:
            assert math.isnan(row.break_even_value)
        # no value of a project-week in the scenario: the net benefit is minus the extra cost
        assert row.net_benefit == pytest.approx(-row.extra_staff_cost)
