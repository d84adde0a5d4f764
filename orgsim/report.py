"""The study report: one self-contained HTML page a manager opens in a browser.

Everything is inline (the style sheet, every figure as a PNG data URI); there is no script
and nothing is fetched, so the page reads the same offline and on paper.  Every number in it
comes from one of the study's tables and is printed with :func:`~orgsim.wording.format_number`;
each table cell and each key number names its CSV file, row and column (``data-csv``,
``data-row``, ``data-column``), so anyone (and the tests) can check the page against the files.

The page is the rows of :data:`SECTIONS` (anchor, title, render function), from which the
table of contents and the section numbers are generated: a new section is one row (often a
:func:`table_section` of a new row of :data:`orgsim.study.TABLES`, with its figure by name).
"""

from __future__ import annotations

import base64
import html
import io
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import catalogue
from .plots import study_figures
from .realism import judged
from .results import FIGURES, Files, OutputFolder, capacity, censored_lead_time_line, point_label
from .study import ERP, QUESTIONS, Study, study_files
from .version import __version__
from .wording import OVER_CAPACITY, format_number

# key_numbers.csv's columns shown in the report's table (why a number is over capacity is said
# beside its question)
_KEY_COLUMNS = ["question", "quantity", "unit", "kind", "mean", "ci_low", "ci_high", "n", "verdict"]

__all__ = [
    "FILES",
    "SECTIONS",
    "Section",
    "cell_text",
    "figure_html",
    "render",
    "save_study",
    "table_html",
    "table_section",
    "write_report",
]

REPORT = "report.html"

_STYLE = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --good: #1a7f37; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; background: #f6f8fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; background: white; }
h1 { font-size: 1.8rem; margin: 0.2em 0; }
h2 { font-size: 1.35rem; margin-top: 2.2em; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.1rem; margin-top: 1.8em; }
.lede { color: var(--muted); margin-top: 0; }
.answer { border-left: 6px solid var(--accent); background: #eef5fc; padding: 14px 20px; margin: 20px 0; }
.answer p { margin: 0.4em 0; }
.answer p:first-child { font-size: 1.2rem; font-weight: 600; }
nav ol { columns: 2; margin: 0; }
figure { margin: 16px 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.86rem; margin: 10px 0; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.number { font-size: 1.05rem; background: #f6f8fa; padding: 8px 12px; border-radius: 6px; }
.verdict { font-weight: 600; }
.question { page-break-inside: avoid; }
.caveats li { margin: 0.3em 0; }
.muted { color: var(--muted); font-size: 0.9rem; }
details summary { cursor: pointer; color: var(--accent); }
@media print { body { background: white; } main { padding: 0; } details { display: block; }
               figure, table, .question { page-break-inside: avoid; } }
"""


def cell_text(value) -> str:
    """How a CSV value is printed in the page: numbers by ``format_number``, empty as n/a."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Number):
        return format_number(value)
    return str(value)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def table_html(
    frame: pd.DataFrame,
    csv: str,
    columns: list[str] | None = None,
    headers: dict | None = None,
    held: tuple[str, ...] = (),
) -> str:
    """A table of a CSV's rows (all, in order): each cell names its file, row and column.

    ``held``: columns that are magnitudes read from a queue; in a row whose ``over_capacity``
    is not empty their cells say ``over capacity`` instead of the number (the CSV keeps it), and
    the table shows the ``over_capacity`` column (why)."""
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    over = frame["over_capacity"].fillna("").astype(str) if "over_capacity" in frame else None
    if over is not None and held and over.ne("").any() and "over_capacity" not in columns:
        columns.append("over_capacity")
    headers = headers or {}
    head = "".join(f"<th>{_e(headers.get(c, c.replace('_', ' ')))}</th>" for c in columns)
    rows = []
    for index, (_, row) in enumerate(frame.iterrows()):
        cells = []
        hold = over is not None and bool(over.iloc[index])
        for column in columns:
            value = row[column]
            if hold and column in held:
                cells.append(f'<td data-column="{_e(column)}">{_e(OVER_CAPACITY)}</td>')
                continue
            kind = ' class="num"' if isinstance(value, numbers.Number) and not isinstance(value, bool) else ""
            cells.append(f'<td{kind} data-column="{_e(column)}">{_e(cell_text(value))}</td>')
        rows.append(f'<tr data-row="{index}">' + "".join(cells) + "</tr>")
    return (
        f'<table data-csv="{_e(csv)}"><thead><tr>{head}</tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
        f'<p class="muted">Data: <a href="{_e(csv)}">{_e(csv)}</a></p>'
    )


def figure_html(figure, alt: str, csv: str) -> str:
    """A figure as an inline PNG, captioned ``alt``, naming the CSV it is drawn from."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}">'
        f'<figcaption>{_e(alt)}. Data: <a href="{_e(csv)}">{_e(csv)}</a></figcaption></figure>'
    )


def _number(study: Study, question: str) -> str:
    """The key number of a question, with its CI, from key_numbers.csv."""
    table = study.key_numbers()
    index = int(table.index[table["question"] == question][0])
    row = table.loc[index]
    unit = "" if row["unit"] == "share" else f" {row['unit']}"
    if row.get("over_capacity"):
        return (
            f'<p class="number over-capacity" data-csv="key_numbers.csv" data-row="{index}">'
            f"{_e(_upper(row['quantity']))}: <strong>{_e(OVER_CAPACITY)}</strong> ({_e(row['over_capacity'])}): "
            "the queues there do not empty, so this number measures the length of the run, not the roles</p>"
        )

    def span(column):
        return f'<span data-column="{column}">{_e(cell_text(row[column]))}</span>'

    return (
        f'<p class="number" data-csv="key_numbers.csv" data-row="{index}">'
        f"{_e(_upper(row['quantity']))}: <strong>{span('mean')}</strong>{_e(unit)} "
        f"(95% CI {span('ci_low')} to {span('ci_high')}; {span('n')} "
        f"{'paired replications' if row['kind'] == 'paired difference' else 'replications'})</p>"
    )


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _answer(study: Study, figures: dict) -> str:
    answer = study.answer()
    sentences = "".join(f"<p>{_e(s)}</p>" for s in answer["sentences"])
    return f'<section class="answer" data-verdict="{_e(answer["verdict"])}">{sentences}</section>'


def _basis(study: Study, figures: dict) -> str:
    s = study.scenario
    classes = ", ".join(
        f"{c.name} {format_number(c.per_100_employees_per_year)} per 100 employees a year" for c in s.projects.classes
    )
    facts = [
        ("organisation", f"{s.org.employees:,} employees, structure {s.org.structure}, culture {s.org.culture}"),
        ("tickets", f"{format_number(s.tickets.per_employee_per_month)} per employee per month"),
        ("projects", classes + f" (x {format_number(s.projects.arrival_scale)})"),
        ("role clarity", format_number(s.org.role_clarity)),
        (
            "each run",
            f"{format_number(s.simulation.horizon_weeks)} weeks, of which the first "
            f"{format_number(s.simulation.warmup_weeks)} are warm-up; {study.plan.replications} replications "
            f"per point, seed {study.seed}",
        ),
    ]
    items = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
    table = study.realism()
    rows = judged(table)  # the measured calibration rows, as --strict judges them
    misses = rows[~rows["within"].astype(bool)]
    by_size = [
        f"at {format_number(n)} employees: " + ", ".join(group["quantity"])
        for n, group in misses.groupby("employees", sort=True)
    ]
    miss = (
        "Measured calibration rows outside their published band: " + "; ".join(by_size) + "."
        if by_size
        else "Every measured calibration row lies within its published band."
    )
    sizes = ", ".join(format_number(n) for n in sorted(table["employees"].unique()))
    return (
        f"<p>The scenario <strong>{_e(s.name)}</strong>: {_e(s.description)}</p>"
        f"<table class='facts'>{items}</table>"
        f"<p>The organisation set beside published figures (<code>orgsim realism</code>) at {_e(sizes)} employees: "
        f"the scenario as it is, and the sizes the answer is about (the reference size, and the sizes around the "
        f"crossover if there is one), from the study's own runs. Measured calibration rows say whether the "
        f"organisation is a real one; input echoes show the scenario's inputs; outcome rows are what its structure "
        f"achieves. {_e(miss)}</p>"
        + table_html(
            table,
            "realism.csv",
            [
                "employees",
                "quantity",
                "basis",
                "kind",
                "simulated",
                "ci_low",
                "ci_high",
                "band_low",
                "band_high",
                "within",
                "source",
            ],
        )
    )


# the net-benefit table's magnitudes read from a queue: 'over capacity' where a side is
_NET_HELD = (
    "project_weeks_saved",
    "project_weeks_saved_ci_low",
    "project_weeks_saved_ci_high",
    "break_even_value",
    "net_benefit",
    "net_benefit_ci_low",
    "net_benefit_ci_high",
)


def _tradeoffs(study: Study, figures: dict) -> str:
    value = study.value_per_project_week
    money = (
        f"A project-week is valued at {format_number(value)} (cost of delay): the net benefit is the project-weeks "
        "a structure saves, valued, minus its extra staff cost."
        if value > 0
        else "No value of a project-week was given (<code>--value-per-project-week</code>, or "
        "<code>projects.value_per_project_week</code>): the right-hand panel shows the break-even value, the cost of "
        "one week of one project's delay above which a structure pays for itself."
    )
    net = study.net_benefit()
    columns = ["employees", "structure", "extra_staff_cost", "project_weeks_saved", "break_even_value"]
    if value > 0:
        columns += ["net_benefit", "net_benefit_ci_low", "net_benefit_ci_high"]
    return (
        "<p>Every structure at every size, with common random numbers: the same replication sees the same tickets "
        "and projects under every structure. Lead time counts finished projects; full costs include paid idle time.</p>"
        + figure_html(
            figures["tradeoffs"],
            "Lead time, on-time share, SLA, staff cost, cost per project, IT manager utilisation and the projects "
            "left open at the end, against size",
            "tradeoffs.csv",
        )
        + f"<p>{money}</p>"
        + figure_html(
            figures["net_benefit"],
            "Extra staff cost, project-weeks saved and what a project-week must be worth",
            "net_benefit.csv",
        )
        + "<details><summary>The numbers behind the cost figure</summary>"
        + table_html(net, "net_benefit.csv", columns, held=_NET_HELD)
        + "</details>"
    )


def _question(study: Study, q: str, csv: str, item: dict, figures: dict) -> str:
    """One question (a row of :data:`orgsim.study.QUESTIONS`): its figure (named ``q1`` ...),
    its key number and its verdict."""
    return (
        f"<section class='question' id='{q.lower()}'><h3>{q}: {_e(item['title'])}</h3>"
        f"<p><em>Experiment:</em> {_e(item['experiment'])}.</p>"
        + figure_html(figures[q.lower()], f"{q}: {item['title']}", csv)
        + _number(study, q)
        + f"<p class='verdict'>{_e(item['verdict'])}</p></section>"
    )


def _questions(study: Study, figures: dict) -> str:
    questions = study.questions()
    return "".join(_question(study, q.id, q.csv, questions[q.id], figures) for q in QUESTIONS) + (
        "<details><summary>All key numbers</summary>"
        + table_html(study.key_numbers(), "key_numbers.csv", _KEY_COLUMNS, held=("mean", "ci_low", "ci_high"))
        + "</details>"
    )


def _steps(study: Study, figures: dict) -> str:
    counts = study.headcounts()
    headers = {c: f"{format_number(int(c))} employees" for c in counts.columns if c.isdigit()}
    return (
        "<p>People per role at every size, under each structure. A crossover that sits where only one structure "
        "takes a step (a second project manager) measures the headcount rule, not the roles.</p>"
        + table_html(counts, "headcounts.csv", headers=headers)
        + "<details><summary>Every step, one per row</summary>"
        + table_html(study.headcount_steps(), "headcount_steps.csv")
        + "</details>"
    )


def _censored(study: Study) -> str:
    """The lead time counting open projects at the top of the range, per stable structure."""
    top = study.plan.sizes[-1]
    lines = []
    for structure in study.plan.structures:
        result = study.main_point(top, structure)
        if capacity(result).over:
            lines.append(f"{point_label(result)}: {OVER_CAPACITY}, no lead time")
        else:
            lines.append(censored_lead_time_line(result, point_label(result)))
    return "At the top of the range: " + "; ".join(lines) + "."


def _caveats(study: Study, figures: dict) -> str:
    answer = study.answer()
    items = [
        "Every number is a mean over replications with a 95% confidence interval; a difference is called better "
        "only when its interval excludes zero and it exceeds the metric's minimal important difference "
        f"(project lead time: {format_number(answer['mid'])} week; an estimate).",
        "Project lead time counts the projects that finished; an overloaded structure also leaves projects open "
        "(projects_open_at_end in tradeoffs.csv, and the trade-off figure).",
        _censored(study),
        f"The ERP rollout of Q4 ({format_number(ERP['effort_hours'])} hours of IT effort, a team of "
        f"{ERP['team_size']}) and the role-clarity scale of Q8 are estimates.",
    ]
    if study.plan.quick:
        items.insert(
            0,
            f"Quick study: {len(study.plan.sizes)} sizes and {study.plan.replications} replications; the intervals are "
            "wide. Run without --quick for the answer to act on.",
        )
    steps = [
        entry
        for pair in study.crossover()["pairs"]
        for entry in pair.get("on_step") or []
        if entry["sets_apart"] and pair["challenger"] == "separate"
    ]
    if steps:
        items.append(
            "A boundary of separate against combined lies on a headcount step only one of them takes (at "
            + ", ".join(format_number(e["x"]) for e in steps)
            + " employees): there it measures the headcount rule; try org.fractional_headcount = true."
        )
    unfinished = study.unfinished()
    if len(unfinished):
        where = "; ".join(
            f"{row.structure} at {format_number(row.employees)} employees ({row.culture}): {row.without} of "
            f"{row.replications}"
            for row in unfinished.itertuples()
        )
        items.append(
            "Replications that finished no project in the measured weeks have no lead time and are left out, so "
            f"the mean lead time there understates the structure's: {where}."
        )
    groups = study.warnings_by_point()
    if groups:
        total = sum(len(g["warnings"]) for g in groups)
        shown = "".join(
            f"<li><strong>{_e(g['point'])}</strong>"
            + (f" ({_e(OVER_CAPACITY)})" if g["over_capacity"] else "")
            + "<ul>"
            + "".join(f"<li>{_e(w)}</li>" for w in g["warnings"])
            + "</ul></li>"
            for g in groups[:12]
        )
        more = f"<li>… and {len(groups) - 12} more points (study.json lists them all)</li>" if len(groups) > 12 else ""
        items.append(
            f"{total} warnings from {len(groups)} points of the runs, the largest organisation first: where a queue "
            f"grows through the run in most replications, its load is above capacity and its metrics depend on the "
            f"horizon (the point is over capacity); in a minority, the point runs near capacity; where the warm-up "
            f"looks short, the first measured weeks still carry the empty start."
            f"<details open><summary>Which, by point</summary><ul>{shown}{more}</ul></details>"
        )
    movers = [
        f"{row.parameter} = {row.value} ("
        + (
            (
                "then neither structure is better by more than the MID at the top of the range"
                if row.winner == "neither"
                else f"then {row.winner} is better at the top of the range"
            )
            if row.changes_winner
            else f"{format_number(row.shift, signed=True)} employees"
        )
        + ")"
        for row in study.crossover_movers().itertuples()
    ]
    lead = (
        "The parameters that move the crossover most: " + "; ".join(movers[:3]) + "."
        if movers
        else "No one-at-a-time change gives a crossover to compare with the base case's (see the table)."
    )
    listed = "".join(f"<li>{item}</li>" if "<details>" in item else f"<li>{_e(item)}</li>" for item in items)
    return (
        f"<ul class='caveats'>{listed}</ul>"
        f"<p>{_e(lead)}</p>"
        + figure_html(figures["sensitivity"], "The crossover, one parameter at a time", "sensitivity.csv")
        + table_html(
            study.sensitivity(),
            "sensitivity.csv",
            [
                "parameter",
                "value",
                "replications",
                "winner",
                "practical_from",
                "crossover",
                "ci_low",
                "ci_high",
                "shift",
            ],
        )
    )


def _alternatives(study: Study, figures: dict) -> str:
    """The PM against the same money spent otherwise (:mod:`orgsim.study.alternatives`)."""
    return (
        "<p>Separate has more people than combined. Beside them, at the reference size and the size below: "
        "combined plus the project managers' cost spent on engineers or on deputies (equal cost), and the free "
        "re-arrangements (protected project time, a senior engineer who coordinates, the other culture); each "
        "judged against separate with the MID. Then separate - combined split into a capacity part (equal cost - "
        "combined) and a role part (separate - equal cost), paired by replication; and how much of separate's "
        "extra staff cost is the project managers and how much knock-on hiring.</p>"
        + table_html(study.table("alternatives.csv"), "alternatives.csv")
        + table_html(study.table("decomposition.csv"), "decomposition.csv")
        + table_html(study.table("staff_cost_split.csv"), "staff_cost_split.csv")
    )


def _load(study: Study, figures: dict) -> str:
    """The crossover in load per IT manager, at the scenario's span and at half and double it."""
    text = (
        "The presets hire one IT manager per org.span_of_control reports, so past the first IT manager each carries "
        "about the same load at every size: the answer in load per IT manager (combined), and the crossover at half "
        "and double the span (the crossover's 95% CI in a load is the load's range over the CI in employees)."
    )
    caption = "Separate's advantage against reports and projects per IT manager, one line per span of control"
    short = {
        "span_of_control": "span",
        "reports_per_it_manager": "reports per IT manager",
        "projects_per_it_manager_per_year": "projects per IT manager a year",
        "coordination_hours": "coordination hours a week offered",
        "separate_advantage_weeks": "separate's advantage (weeks)",
        "reports_per_it_manager_ci_low": "reports ci low",
        "reports_per_it_manager_ci_high": "reports ci high",
    }
    points = ["span_of_control", "employees", "it_managers", "reports_per_it_manager"]
    points += ["projects_per_it_manager_per_year", "coordination_hours", "separate_advantage_weeks", "ci_low"]
    points += ["ci_high", "verdict_for_separate"]
    crossovers = ["span_of_control", "grid", "winner", "crossover", "ci_low", "ci_high", "reports_per_it_manager"]
    crossovers += ["reports_per_it_manager_ci_low", "reports_per_it_manager_ci_high"]
    crossovers += ["projects_per_it_manager_per_year", "coordination_hours", "over_capacity_from"]
    return (
        f"<p>{_e(text)}</p>"
        + figure_html(figures["manager_load"], caption, "manager_load.csv")
        + table_html(study.table("span_crossover.csv"), "span_crossover.csv", crossovers, short)
        + "<details><summary>The load and separate's advantage at every point</summary>"
        + table_html(study.table("manager_load.csv"), "manager_load.csv", points, short)
        + "</details>"
    )


@dataclass(frozen=True)
class Section:
    """One numbered section of the report: its ``anchor`` (the heading's id), its ``title``
    (heading and table of contents), and ``render(study, figures)``, its HTML below the heading."""

    anchor: str
    title: str
    render: Callable[[Study, dict], str]


def table_section(csv: str, figure: str | None = None, caption: str = "", text: str = "") -> Callable:
    """A section's render function for one table of the study (a row of
    :data:`orgsim.study.TABLES`): ``text``, the figure named ``figure`` (captioned
    ``caption``), then the table, every cell naming its CSV cell."""

    def render_section(study: Study, figures: dict) -> str:
        drawn = figure_html(figures[figure], caption or figure, csv) if figure else ""
        return (f"<p>{_e(text)}</p>" if text else "") + drawn + table_html(study.table(csv), csv)

    return render_section


# the report's sections, in order: the table of contents and the numbers come from here
SECTIONS: tuple[Section, ...] = (
    Section("answer", "The answer", _answer),
    Section("basis", "What it rests on", _basis),
    Section("tradeoffs", "The trade-offs against size", _tradeoffs),
    Section("questions", "The practitioners' questions Q1-Q8", _questions),
    Section("alternatives", "The same money spent otherwise", _alternatives),
    Section("load", "The answer in load per IT manager", _load),
    Section("steps", "Headcount steps", _steps),
    Section("caveats", "Caveats, and what moves the answer", _caveats),
)
# the file the report writes beside the study's (orgsim.study.FILES)
FILES: tuple[str, ...] = (REPORT,)


def render(study: Study, figures: dict | None = None) -> str:
    """The report as one HTML document: the rows of :data:`SECTIONS`, numbered, after a table
    of contents generated from them."""
    figures = study_figures(study) if figures is None else figures
    title = f"Should the IT manager also be the project manager? A study of {study.scenario.name}"
    toc = "".join(f"<li><a href='#{_e(s.anchor)}'>{_e(s.title)}</a></li>" for s in SECTIONS)
    sections = [
        f"<h2 id='{_e(s.anchor)}'>{number}. {_e(s.title)}</h2>" + s.render(study, figures)
        for number, s in enumerate(SECTIONS, start=1)
    ]
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='lede'>orgsim {_e(__version__)} study of {len(study.plan.sizes)} sizes "
        f"({format_number(study.plan.sizes[0])}-{format_number(study.plan.sizes[-1])} employees) x "
        f"{len(study.plan.structures)} structures ({_e(', '.join(study.plan.structures))}), culture "
        f"{_e(study.plan.culture)}; {study.plan.replications} replications per point, seed {study.seed}. "
        f"Metric of the answer: {_e(catalogue.label('project_lead_time_weeks_mean'))}.</p>",
        f"<nav><ol>{toc}</ol></nav>",
        *sections,
        "<p class='muted'>Every figure's data is a CSV file beside this page; study.json holds the plan, the answer "
        "and the key numbers.</p>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><main>"
        + "\n".join(body)
        + "</main></body></html>\n"
    )


def write_report(study: Study, folder: OutputFolder) -> None:
    """report.html, every table as CSV and study.json into ``folder``."""
    study.write(folder)
    figures = study_figures(study)
    folder.text(REPORT, render(study, figures))
    for figure in figures.values():
        figure.clear()


def files() -> Files:
    """Every file a study's folder holds: the study's (:func:`orgsim.study.study_files`, read
    when called, so that a table row added later is declared too), the report and its figures."""
    return Files(*study_files(), *FILES) | FIGURES


def save_study(study: Study, directory) -> list:
    """Write the study as the folder ``directory`` (built beside it and swapped in whole, as
    :func:`orgsim.plots.save` does; its run cache ``.runs/`` is kept); the paths written."""
    with OutputFolder.replace(directory, files=files()) as folder:
        write_report(study, folder)
    return folder.written
