"""The figures of the study report, each drawn from one of the study's tables (the CSV of
the same stem beside the report) and a few facts of its plan (:class:`StudyFacts`), never
from anything else, so that what a reader sees is what the files hold.

:data:`STUDY_FIGURES` is the list of them as rows: the figure's name, the CSV it is drawn
from, and the function that draws it from that table and the facts.  The
``study_*_figure(study)`` functions and :func:`study_figures` take a
:class:`~orgsim.study.Study` and read only its tables (:func:`study_table`).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from .. import catalogue, duties
from ..wording import format_number
from .common import (
    Figure,
    axis_label,
    first_upper,
    line_with_band,
    new_figure,
    scenario_colour,
    size_axis,
    structure_colour,
)
from .load import manager_load_figure

__all__ = [
    "STUDY_FIGURES",
    "StudyFacts",
    "study_facts",
    "study_table",
    "study_figures",
    "study_tradeoffs_figure",
    "study_net_benefit_figure",
    "study_it_manager_figure",
    "study_q1_figure",
    "study_q2_figure",
    "study_q3_figure",
    "study_q4_figure",
    "study_q6_figure",
    "study_q7_figure",
    "study_q8_figure",
    "study_sensitivity_figure",
]


@dataclass(frozen=True)
class StudyFacts:
    """What the study's figures need beside their table: the scenario's name, the plan's
    sizes and structures, and the few numbers their titles name."""

    scenario: str
    culture: str  # the answer's
    structures: tuple[str, ...]  # the first is the baseline, combined
    sizes: tuple[int, ...]
    replications: int
    reference_size: int  # Q1, Q6-Q8
    small_firm: int  # Q4
    sensitivity_sizes: tuple[int, ...]
    decision_latency_hours: float  # Q8: what role clarity 0 costs a joint decision
    value_per_project_week: float  # 0: none given
    labels: tuple[tuple[str, str], ...] = ()  # the study's own measures' names (not in the catalogue)


def study_facts(study) -> StudyFacts:
    """The facts of a :class:`~orgsim.study.Study` its figures name."""
    plan = study.plan
    return StudyFacts(
        scenario=study.scenario.name,
        culture=plan.culture,
        structures=tuple(plan.structures),
        sizes=tuple(plan.sizes),
        replications=plan.replications,
        reference_size=plan.reference_size,
        small_firm=plan.small_firm,
        sensitivity_sizes=tuple(plan.sensitivity_sizes),
        decision_latency_hours=study.scenario.projects.decision_latency_hours,
        value_per_project_week=study.value_per_project_week,
        labels=tuple(study.labels.items()),
    )


def study_table(study, csv: str):
    """One of the study's tables by its CSV's name (``Study.table``: ``q4.csv`` is Q4's
    table, ``tradeoffs.csv`` the trade-offs), as the study writes it."""
    return study.table(csv)


def _study_label(metric: str, facts: StudyFacts) -> str:
    """A study measure's name: the study's own (``facts.labels``), or the catalogue's."""
    return dict(facts.labels).get(metric) or catalogue.label(metric)


def _tradeoffs(table, facts: StudyFacts) -> Figure:
    """tradeoffs.csv: the answer's metrics against size, one line per structure (answer's culture)."""
    table = table[table["culture"] == facts.culture]
    metrics = list(dict.fromkeys(table["metric"]))
    figure = new_figure(figsize=(15, 7.5), layout="constrained")
    axes = figure.subplots(2, 4).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        rows = table[table["metric"] == metric]
        for structure in facts.structures:
            line_with_band(
                ax, rows[rows["structure"] == structure], "employees", structure, structure_colour(structure)
            )
        ax.set_title(first_upper(catalogue.label(metric)), fontsize="medium")
        ax.set_ylabel(axis_label(metric), fontsize="small")
        size_axis(ax, facts.sizes)
        if catalogue.unit(metric) in ("working weeks",) and (rows["mean"] > 0).all():
            ax.set_ylim(bottom=0)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].legend(title="structure", fontsize="small")
    figure.suptitle(
        f"Trade-offs against size: {facts.scenario}, {facts.culture}, mean and 95% CI of "
        f"{facts.replications} replications per point",
        fontweight="bold",
    )
    return figure


def _net_benefit(table, facts: StudyFacts) -> Figure:
    """net_benefit.csv: what each structure costs beyond combined, what it saves in project-weeks,
    and (valued) its net benefit, or (not valued) the value of a project-week it needs to pay."""
    valued = facts.value_per_project_week > 0
    figure = new_figure(figsize=(13, 4.8), layout="constrained")
    axes = figure.subplots(1, 3)
    panels = [
        ("extra_staff_cost", "extra staff cost against combined (currency per week)"),
        ("project_weeks_saved", "project-weeks saved per week against combined"),
        ("net_benefit", "net benefit against combined (currency per week)")
        if valued
        else ("break_even_value", "break-even value of a project-week (currency)"),
    ]
    for ax, (column, title) in zip(axes, panels, strict=True):
        for structure in facts.structures[1:]:
            rows = table[table["structure"] == structure].sort_values("employees")
            colour = structure_colour(structure)
            if f"{column}_ci_low" in rows:
                line_with_band(
                    ax, rows, "employees", structure, colour, column, f"{column}_ci_low", f"{column}_ci_high"
                )
            else:
                ax.plot(rows["employees"], rows[column], marker="o", color=colour, label=structure)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(title, fontsize="medium")
        size_axis(ax, facts.sizes)
    if not valued:
        axes[2].text(
            0.98,
            0.98,
            "a project-week worth more than the curve:\nthe structure pays; no point: it saves\nno project-weeks",
            transform=axes[2].transAxes,
            va="top",
            ha="right",
            fontsize="small",
        )
    axes[0].legend(title="structure", fontsize="small")
    what = (
        f"a project-week valued at {format_number(facts.value_per_project_week)}"
        if valued
        else "no value of a project-week given (--value-per-project-week)"
    )
    figure.suptitle(f"Cost and benefit of each structure against combined: {what}", fontweight="bold")
    return figure


def _it_manager_hours(table, facts: StudyFacts) -> Figure:
    """it_manager_hours.csv: hours per IT manager per week by duty, at every size (Q1, Q5)."""
    figure = new_figure(figsize=(13, 5.2), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    used: set = set()
    positions = list(range(len(facts.sizes)))
    for ax, structure in zip(axes, ("combined", "separate"), strict=True):
        rows = table[table["structure"] == structure]
        bottom = np.zeros(len(positions))
        for duty in duties.BUSY_LABELS:
            values = np.array(
                [rows[(rows["employees"] == n) & (rows["duty"] == duty)]["mean"].sum() for n in facts.sizes]
            )
            if not values.any():
                continue
            ax.bar(positions, values, bottom=bottom, color=duties.colour(duty), label=duties.label(duty), width=0.7)
            bottom += values
            used.add(duty)
        ax.set_xticks(positions, [format_number(n) for n in facts.sizes])
        ax.set_xlabel("employees")
        ax.set_title(f"{structure}: one IT manager's week", fontsize="medium")
    axes[0].set_ylabel("hours per IT manager per week")
    handles, labels = axes[0].get_legend_handles_labels()
    more_handles, more_labels = axes[1].get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    seen.update({k: v for k, v in zip(more_labels, more_handles, strict=True) if k not in seen})
    figure.legend(seen.values(), seen.keys(), loc="outside right upper", fontsize="small", title="duty")
    figure.suptitle("Where the IT manager's hours go, by size (mean of replications)", fontweight="bold")
    return figure


def _q1(table, facts: StudyFacts) -> Figure:
    """q1.csv: every role's busy hours by family of duty, combined and separate."""
    families = ("operations", "project", "management")
    colours = {"operations": "#4c72b0", "project": "#dd8452", "management": "#55a868"}
    figure = new_figure(figsize=(12, 4.6), layout="constrained")
    axes = figure.subplots(1, 2, sharex=True)
    for ax, structure in zip(axes, ("combined", "separate"), strict=True):
        rows = table[table["structure"] == structure]
        roles = list(dict.fromkeys(rows["role"]))
        left = np.zeros(len(roles))
        for family in families:
            values = np.array([rows[(rows["role"] == r) & (rows["family"] == family)]["share"].sum() for r in roles])
            ax.barh(roles, values, left=left, color=colours[family], label=family)
            left += values
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the role's busy hours")
        ax.set_title(f"{structure} at {format_number(facts.reference_size)} employees", fontsize="medium")
    axes[0].legend(fontsize="small")
    figure.suptitle("Q1: two disciplines: where each role's hours go", fontweight="bold")
    return figure


def _bars(ax, categories, means, lows, highs, colours):
    """Bars with their 95% CI as error bars (none when ``lows`` is None)."""
    positions = np.arange(len(categories))
    means = np.asarray(means, dtype=float)
    error = None
    if lows is not None:
        error = np.vstack([means - np.asarray(lows, dtype=float), np.asarray(highs, dtype=float) - means])
        error = np.nan_to_num(np.clip(error, 0, None))
    ax.bar(positions, np.nan_to_num(means), color=colours, yerr=error, capsize=4)
    ax.set_xticks(positions, categories)
    for x, mean in zip(positions, means, strict=True):
        ax.annotate(format_number(mean), (x, 0), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)


def _q2(table, facts: StudyFacts) -> Figure:
    """q2.csv: combined against separate at the smallest size, on the answer's metrics."""
    figure = new_figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(table))
    for ax, row in zip(np.atleast_1d(axes), table.itertuples(), strict=True):
        _bars(
            ax,
            ["combined", "separate"],
            [row.combined, row.separate],
            None,
            None,
            [structure_colour("combined"), structure_colour("separate")],
        )
        ax.set_title(textwrap.fill(first_upper(catalogue.label(row.metric)), 24), fontsize="small")
        ax.set_xlabel(textwrap.fill(row.verdict_for_separate, 28), fontsize="x-small")
    figure.suptitle(
        f"Q2: combined against separate at {format_number(facts.sizes[0])} employees (means; the verdict is "
        "the paired difference against its minimal important difference)",
        fontweight="bold",
    )
    return figure


def _q3(table, facts: StudyFacts) -> Figure:
    """q3.csv: separate's lead-time advantage over combined against size, per culture."""
    figure = new_figure(figsize=(10, 5), layout="constrained")
    ax = figure.subplots()
    for j, culture in enumerate(dict.fromkeys(table["culture"])):
        rows = table[table["culture"] == culture]
        line_with_band(
            ax,
            rows,
            "employees",
            culture.replace("_", " "),
            scenario_colour(j + 5),
            "separate_advantage_weeks",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("combined - separate project lead time (weeks)\n> 0: separate faster")
    size_axis(ax, facts.sizes)
    ax.legend(title="culture")
    figure.suptitle("Q3: size and culture: separate's lead-time advantage, paired, 95% CI", fontweight="bold")
    return figure


def _q4(table, facts: StudyFacts) -> Figure:
    """q4.csv: one ERP rollout in a small firm, combined and separate, with and without it."""
    metrics = list(dict.fromkeys(table["metric"]))
    figure = new_figure(figsize=(13, 4.4), layout="constrained")
    axes = figure.subplots(1, len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = table[table["metric"] == metric]
        labels, means, lows, highs, colours = [], [], [], [], []
        for row in rows.itertuples():
            labels.append(f"{row.structure}\n{row.erp} ERP")
            means.append(row.mean)
            lows.append(row.ci_low)
            highs.append(row.ci_high)
            colours.append(structure_colour(row.structure) if row.erp == "with" else "#bbbbbb")
        _bars(ax, labels, means, lows, highs, colours)
        ax.tick_params(axis="x", labelsize=7)
        title = "ERP rollout lead time" if metric.endswith(".erp") else _study_label(metric, facts)
        ax.set_title(textwrap.fill(first_upper(title), 30), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(
        f"Q4: one ERP rollout in a {format_number(facts.small_firm)}-employee firm (grey: without it)",
        fontweight="bold",
    )
    return figure


def _structure_bars_figure(table, title: str, facts: StudyFacts) -> Figure:
    metrics = list(dict.fromkeys(table["metric"]))
    figure = new_figure(figsize=(13, 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(metrics)))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = table[table["metric"] == metric]
        _bars(
            ax,
            list(rows["structure"]),
            rows["mean"],
            rows["ci_low"],
            rows["ci_high"],
            [structure_colour(s) for s in rows["structure"]],
        )
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(textwrap.fill(first_upper(_study_label(metric, facts)), 30), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(title, fontweight="bold")
    return figure


def _q6(table, facts: StudyFacts) -> Figure:
    """q6.csv: every structure at the reference size."""
    return _structure_bars_figure(
        table,
        f"Q6: every structure at {format_number(facts.reference_size)} employees, mean and 95% CI",
        facts,
    )


def _q7(table, facts: StudyFacts) -> Figure:
    """q7.csv: PMs reporting to the IT manager (separate) against PMs outside IT (embedded)."""
    return _structure_bars_figure(
        table,
        f"Q7: reporting lines at {format_number(facts.reference_size)} employees: separate against embedded",
        facts,
    )


def _q8(table, facts: StudyFacts) -> Figure:
    """q8.csv: lead time, rework and on-time share against role clarity under separate."""
    metrics = list(dict.fromkeys(table["metric"]))
    figure = new_figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        line_with_band(ax, table[table["metric"] == metric], "role_clarity", "separate", structure_colour("separate"))
        ax.set_xlabel(
            f"role clarity (0: a joint decision waits {format_number(facts.decision_latency_hours)}"
            " working hours; 1: no wait)",
            fontsize="small",
        )
        ax.set_title(textwrap.fill(first_upper(catalogue.label(metric)), 40), fontsize="small")
        ax.set_ylabel(catalogue.unit(metric) or "", fontsize="small")
    figure.suptitle(
        f"Q8: role clarity under separate at {format_number(facts.reference_size)} employees, mean and 95% CI",
        fontweight="bold",
    )
    return figure


def _sensitivity(table, facts: StudyFacts) -> Figure:
    """sensitivity.csv: the crossover of separate against combined, one parameter at a time."""
    figure = new_figure(figsize=(11, 0.55 * len(table) + 1.8), layout="constrained")
    ax = figure.subplots()
    labels = [
        "base case" if row.parameter == "base case" else f"{row.parameter} = {row.value}" for row in table.itertuples()
    ]
    positions = np.arange(len(table))[::-1]
    sizes = facts.sensitivity_sizes
    for y, row in zip(positions, table.itertuples(), strict=True):
        if np.isfinite(row.crossover):
            ax.plot([row.ci_low, row.ci_high], [y, y], color="0.4", linewidth=3, solid_capstyle="butt")
            ax.plot([row.crossover], [y], "o", color="black")
            text = f" from ~{format_number(row.crossover)}"
        else:
            text = (
                f" {row.winner} better from {format_number(row.practical_from)}"
                if row.winner != "neither"
                else " neither practically better at the top of the range"
            )
        ax.annotate(text, (sizes[0], y), xytext=(2, 4), textcoords="offset points", fontsize=8)
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.7, len(table) - 0.3)
    size_axis(ax, sizes)
    ax.set_xlim(sizes[0] / 1.2, sizes[-1] * 1.2)
    figure.suptitle(
        "Where one of combined and separate starts to beat the other on project lead time, one parameter at a "
        "time\n(dot: estimate; "
        f"bar: 95% CI; {facts.replications} replications per point, "
        f"{format_number(facts.sensitivity_sizes[0])}-"
        f"{format_number(facts.sensitivity_sizes[-1])} employees)",
        fontweight="bold",
        fontsize="medium",
    )
    return figure


# every figure of the report: its name, the table (CSV) it is drawn from, what draws it
STUDY_FIGURES = (
    ("tradeoffs", "tradeoffs.csv", _tradeoffs),
    ("net_benefit", "net_benefit.csv", _net_benefit),
    ("q1", "q1.csv", _q1),
    ("q2", "q2.csv", _q2),
    ("q3", "q3.csv", _q3),
    ("q4", "q4.csv", _q4),
    ("q5", "it_manager_hours.csv", _it_manager_hours),
    ("q6", "q6.csv", _q6),
    ("q7", "q7.csv", _q7),
    ("q8", "q8.csv", _q8),
    ("sensitivity", "sensitivity.csv", _sensitivity),
    ("manager_load", "manager_load.csv", manager_load_figure),
)
_BY_NAME = {name: (csv, draw) for name, csv, draw in STUDY_FIGURES}


def _figure(name: str, study) -> Figure:
    csv, draw = _BY_NAME[name]
    return draw(study_table(study, csv), study_facts(study))


def study_figures(study) -> dict[str, Figure]:
    """Every figure of the study report, by name; each is drawn from the CSV of the same stem
    (``tradeoffs`` from tradeoffs.csv, ``q4`` from q4.csv; Q5 from it_manager_hours.csv)."""
    facts = study_facts(study)
    return {name: draw(study_table(study, csv), facts) for name, csv, draw in STUDY_FIGURES}


def study_tradeoffs_figure(study) -> Figure:
    """tradeoffs.csv: the answer's metrics against size, one line per structure."""
    return _figure("tradeoffs", study)


def study_net_benefit_figure(study) -> Figure:
    """net_benefit.csv: each structure's cost and benefit against combined."""
    return _figure("net_benefit", study)


def study_it_manager_figure(study) -> Figure:
    """it_manager_hours.csv: hours per IT manager per week by duty, at every size (Q1, Q5)."""
    return _figure("q5", study)


def study_q1_figure(study) -> Figure:
    """q1.csv: every role's busy hours by family of duty, combined and separate."""
    return _figure("q1", study)


def study_q2_figure(study) -> Figure:
    """q2.csv: combined against separate at the smallest size."""
    return _figure("q2", study)


def study_q3_figure(study) -> Figure:
    """q3.csv: separate's lead-time advantage over combined against size, per culture."""
    return _figure("q3", study)


def study_q4_figure(study) -> Figure:
    """q4.csv: one ERP rollout in a small firm."""
    return _figure("q4", study)


def study_q6_figure(study) -> Figure:
    """q6.csv: every structure at the reference size."""
    return _figure("q6", study)


def study_q7_figure(study) -> Figure:
    """q7.csv: separate against embedded."""
    return _figure("q7", study)


def study_q8_figure(study) -> Figure:
    """q8.csv: role clarity under separate."""
    return _figure("q8", study)


def study_sensitivity_figure(study) -> Figure:
    """sensitivity.csv: the crossover, one parameter at a time."""
    return _figure("sensitivity", study)
