"""Sentences and tables the command prints about a result: wording that belongs with the result
containers, not with the command line.

They are gathered here, and only here, so that they can move in one step to the containers that
own them once ``orgsim/results`` is a package (the command then prints what the containers
word):

- ``net_benefit_lines``: a ``Comparison``'s net benefit against the first scenario;
- ``sweep_table``: a ``Sweep``'s mean and 95% CI of one metric per point;
- ``headcount_step_lines``: the headcount steps of a sweep's crossover (``plots.save`` returns it);
- ``key_number_line``: one row of a ``Study``'s key numbers;
- ``realism_title``: the title of the realism table (belongs with ``realism``);
- ``scenario_summary``: what ``validate`` says of a valid scenario (belongs with the scenario).

The text is the tool's output: tests compare it byte for byte.
"""

from __future__ import annotations

from ..wording import format_number

__all__ = [
    "headcount_step_lines",
    "key_number_line",
    "net_benefit_lines",
    "realism_title",
    "scenario_summary",
    "sweep_table",
]


def net_benefit_lines(comparison) -> list[str]:
    """One line per scenario against the first: its net benefit a week, when project-weeks are valued."""
    from ..results import NET_BENEFIT

    differences = comparison.differences
    if comparison.value <= 0 or differences.empty:
        return []
    lines = []
    for row in differences[differences["metric"] == NET_BENEFIT].itertuples():
        verdict = f"-> {row.better} better" if row.better else "(not significant)"
        lines.append(
            f"net benefit of {row.scenario} against {row.baseline} (cost of delay "
            f"{format_number(comparison.value)} a project-week): {format_number(row.mean_difference, signed=True)}"
            f" a week (95% CI {format_number(row.ci_low, signed=True)} to {format_number(row.ci_high, signed=True)})"
            f" {verdict}"
        )
    return lines


def headcount_step_lines(crossover: dict) -> list[str]:
    """One line per alternative: every whole-person headcount step along the swept range."""
    steps: dict[str, list[dict]] = {}
    for pair in crossover["pairs"]:
        for side in ("baseline", "challenger"):
            steps.setdefault(str(pair[side]), pair.get("headcount_steps", {}).get(side, []))
    lines = []
    for label, found in steps.items():
        listed = "; ".join(f"{s['role']} {s['before']}->{s['after']} at {format_number(s['x'])}" for s in found)
        lines.append(f"headcount steps under {label}: {listed or 'none'}")
    return lines


def sweep_table(result, metric: str) -> str:
    """A sweep's mean (95% CI) of ``metric`` at every point, one line each."""
    summary = result.summary
    rows = summary[summary["metric"] == metric]
    lines = [f"{metric}: mean (95% CI) per point"]
    for row in rows.itertuples(index=False):
        point = ", ".join(f"{path}={row[i]}" for i, path in enumerate(result.parameters))
        lines.append(
            f"  {point}: {format_number(row.mean)} ({format_number(row.ci_low)} to {format_number(row.ci_high)})"
        )
    return "\n".join(lines)


def key_number_line(row) -> str:
    """One of a study's key numbers (a row of ``Study.key_numbers()``): question, verdict, number."""
    return (
        f"{row.question}: {row.verdict} [{row.quantity}: {format_number(row.mean)} "
        f"(95% CI {format_number(row.ci_low)} to {format_number(row.ci_high)})]"
    )


def realism_title(scenario, results) -> str:
    """The title of the table that sets a run's measurements beside published figures."""
    return (
        f"{scenario.name}: {len(results.replications)} replications, {scenario.org.employees:,} employees, "
        f"structure {scenario.org.structure}: measurements beside published figures"
    )


def scenario_summary(label: str, scenario) -> str:
    """What ``validate`` says of a valid scenario: its size, staff and run length."""
    counts = scenario.headcounts()
    staff = ", ".join(f"{format_number(count)} {role}" for role, count in counts.items() if count)
    sim = scenario.simulation
    return (
        f"{label}: valid: '{scenario.name}', {scenario.org.employees:,} employees, structure "
        f"{scenario.org.structure}, {format_number(sum(counts.values()))} staff ({staff}); "
        f"{sim.replications} replications of "
        f"{sim.horizon_weeks:g} weeks (warm-up {sim.warmup_weeks:g}), seed {sim.seed}"
    )
