"""The words about results: the warnings of a run and the sentence that says a sweep's
crossover (who is better where along the range, and which boundaries lie on a headcount
step).  Numbers are written by :func:`orgsim.wording.format_number`."""

from __future__ import annotations

from .. import catalogue
from ..wording import CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, OVER_CAPACITY, format_number
from .money import NET_BENEFIT

__all__ = [
    "DESCRIPTION",
    "growth_warnings",
    "crossover_sentence",
    "net_benefit_lines",
    "headcount_step_lines",
    "sweep_table",
]

# The one exception to the four verdicts (orgsim.wording.VERDICTS): a metric with no
# direction (a headcount, a load: neither more nor less is better) describes the
# organisation, and a difference in it is reported, not judged.
DESCRIPTION = "a description, not judged"


def growth_warnings(growing_per_replication: list[list[str]]) -> list[str]:
    """One sentence per queue that grew through the run in some replications.  In most of them
    (the rule of :func:`orgsim.results.capacity.capacity`) its load is above capacity; in a
    minority the point counts as stable: it is near capacity, or the queue drifts slowly."""
    total = len(growing_per_replication)
    counts: dict[str, int] = {}
    for growing in growing_per_replication:
        for name in growing:
            counts[name] = counts.get(name, 0) + 1
    return [
        f"{name.replace('_', ' ')} queue grows through the run in {n} of {total} replications: "
        + (
            "its load is above capacity and its metrics depend on the horizon"
            if 2 * n > total
            else "a minority, so the point counts as stable, but it runs near capacity there"
        )
        for name, n in sorted(counts.items())
    ]


def _unit(path: str) -> str:
    return {"org.employees": "employees"}.get(path, f"({path})")


_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def _ordinal(n: int) -> str:
    """``a second``, ``an 11th``: the article and the ordinal of a whole number."""
    if 0 <= n < len(_ORDINALS):
        word = _ORDINALS[n]
    else:
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        word = f"{n}{suffix}"
    digits = str(n)
    vowel = word[0] in "aeiou8" or (digits[:2] in ("11", "18") and len(digits) % 3 == 2)
    return f"{'an' if vowel else 'a'} {word}"


def _step_phrase(step: dict) -> str:
    """``a second project_manager is hired (1 -> 2)``, ``it_manager grows from 1 to 3``."""
    role, before, after = step["role"], step["before"], step["after"]
    if isinstance(before, int) and isinstance(after, int) and after == before + 1:
        return f"{_ordinal(after)} {role} is hired ({before} -> {after})"
    verb = "grows" if after > before else "drops"
    return f"{role} {verb} from {before} to {after}"


def _step_notes(result: dict) -> str:
    """What the sentence says about boundaries that lie on a headcount step ('' if none).

    Only steps that set the alternatives apart are named (one alternative hires and the
    other does not, or hires differently): a step both take alike, such as one more
    engineer wherever the size grows, is the growth the sweep is about.  crossover.json
    lists every step (``on_step``, with ``in_both``)."""
    clauses, entries = [], [e for e in result.get("on_step") or [] if e["sets_apart"]]
    for entry in entries:
        groups = []
        for side in ("baseline", "challenger"):
            phrases = [_step_phrase(s) for s in entry["steps"] if s["side"] == side and not s["in_both"]]
            if phrases:
                shown = phrases[:3] + ([f"{len(phrases) - 3} more roles change"] if len(phrases) > 3 else [])
                groups.append(" and ".join(shown) + f" under {result[side]}")
        clauses.append(f"at {format_number(entry['x'])} " + ", and ".join(groups))
    if not clauses:
        return ""
    if len(entries) == 1:
        subject = "this crossover measures" if entries[0]["crossover"] else "this boundary measures"
    else:
        subject = "these boundaries measure"
    notes = "; ".join(clauses)
    return (
        f"{notes[0].upper()}{notes[1:]}: {subject} the headcount rule, not the roles; "
        "try --across org.fractional_headcount=false,true or --set org.fractional_headcount=true"
    )


def _runs(regions: list[dict]) -> list[dict]:
    """The regions as runs of one verdict each, in order: a won region is one run; a region
    without a winner splits where the word of :func:`orgsim.stats.judge` changes (``no
    practical difference`` or ``cannot tell``); a point where a side is over capacity (the
    region's ``over_capacity``) is a run of ``over capacity``, won or not.  Each run: winner,
    word, from, to."""
    runs: list[dict] = []
    for region in regions:
        fallback = NO_PRACTICAL_DIFFERENCE if region.get("below_mid") else CANNOT_TELL
        words = region.get("verdicts") or [fallback] * len(region["points"])
        flags = region.get("over_capacity") or [False] * len(region["points"])
        for x, word, over in zip(region["points"], words, flags, strict=True):
            if over:
                winner, word = None, OVER_CAPACITY
            elif region["winner"] is not None:
                winner, word = region["winner"], None
            else:
                winner, word = None, word if word in (NO_PRACTICAL_DIFFERENCE, CANNOT_TELL) else fallback
            if runs and runs[-1]["winner"] == winner and runs[-1]["word"] == word:
                runs[-1]["to"] = x
            else:
                runs.append({"winner": winner, "word": word, "from": x, "to": x})
    return runs


def crossover_sentence(result: dict, metric: str, path: str, value_per_project_week=None) -> str:
    """What :func:`_crossover_words` says, and then which points are over capacity and why."""
    return _crossover_words(result, metric, path, value_per_project_week) + _capacity_notes(result)


def _crossover_words(result: dict, metric: str, path: str, value_per_project_week=None) -> str:
    """Every region along the range in order (who is better where, by more than the MID, and
    where there is no practical difference or the runs cannot tell: the words of
    :func:`orgsim.stats.judge`), the interpolated crossover for the winner at the top, and the
    headcount steps that coincide with a boundary.  With ``value_per_project_week`` the
    comparison is on the net benefit (staff cost plus the cost of delay)."""
    baseline, challenger = result["baseline"], result["challenger"]
    if value_per_project_week is not None:
        what = f"net benefit (staff cost and cost of delay at {format_number(value_per_project_week)} a project-week)"
    else:
        what = catalogue.label(metric)
    xs = result["x"]
    unit = _unit(path)
    span = f"{format_number(xs[0])}-{format_number(xs[-1])} {unit}"
    regions = result.get("regions") or []
    if not regions:
        return f"no crossover between {baseline} and {challenger} on {what} in {span}: {result['reason']}"
    runs = _runs(regions)
    if all(run["winner"] is None for run in runs):
        head = f"no crossover between {baseline} and {challenger} on {what} in {span}: neither is better anywhere"
        if len(runs) == 1:
            return f"{head}, {runs[0]['word']} across the range"
        return f"{head}: " + "; ".join(
            f"{run['word']} at {_span(run)}" + (f" {unit}" if k == 0 else "") for k, run in enumerate(runs)
        )
    names = {"baseline": (baseline, challenger), "challenger": (challenger, baseline)}
    if len(runs) == 1:
        winner, loser = names[runs[0]["winner"]]
        return f"{winner} beats {loser} on {what} across the whole range ({span})"
    clauses = []
    for k, run in enumerate(runs):
        first, last = k == 0, k == len(runs) - 1
        low, high = format_number(run["from"]), format_number(run["to"])
        if last:
            where = (
                f"from {low} {unit} (to the top of the range, {high}"
                if run["from"] != run["to"]
                else f"at the top of the range ({high} {unit}"
            )
            if run["winner"] is not None and run["winner"] == result.get("winner"):
                where += (
                    f"; interpolated, from about {format_number(result['crossover'])}, "
                    f"95% CI {format_number(result['ci_low'])}-{format_number(result['ci_high'])}"
                )
            where += ")"
        else:
            where = f"at {_span(run)}" + (f" {unit}" if first else "")
        if run["winner"] is None:
            between = f" between {baseline} and {challenger} on {what}" if first else ""
            clauses.append(f"{run['word']}{between} {where}")
        else:
            winner, loser = names[run["winner"]]
            clauses.append(f"{winner} beats {loser}{f' on {what}' if first else ''} {where}")
    sentence = "; ".join(clauses)
    notes = _step_notes(result)
    return f"{sentence}. {notes}" if notes else sentence


def _capacity_notes(result: dict) -> str:
    """``. Over capacity (no lead time is judged there): combined at 400 employees: ...``."""
    notes = result.get("capacity") or []
    if not notes:
        return ""
    return f". {OVER_CAPACITY.capitalize()} (no magnitude read from a queue is judged there): " + "; ".join(notes)


def _span(run: dict) -> str:
    low, high = format_number(run["from"]), format_number(run["to"])
    return low if run["from"] == run["to"] else f"{low}-{high}"


# ------------------------------------------------------------------ what the commands print


def net_benefit_lines(comparison) -> list[str]:
    """One line per scenario against the first: its net benefit a week, when project-weeks are valued."""
    differences = comparison.differences
    if comparison.value <= 0 or differences.empty:
        return []
    lines = []
    for row in differences[differences["metric"] == NET_BENEFIT].itertuples():
        if row.verdict == OVER_CAPACITY:
            lines.append(f"net benefit of {row.scenario} against {row.baseline}: {OVER_CAPACITY} ({row.over_capacity})")
            continue
        verdict = f"-> {row.better} better" if row.better else f"({row.verdict})"
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
    """A sweep's mean (95% CI) of ``metric`` at every point, one line each; ``over capacity``
    and why, instead of the number, where the point is over capacity and the metric is read
    from a queue."""
    summary = result.summary
    rows = summary[summary["metric"] == metric]
    lines = [f"{metric}: mean (95% CI) per point"]
    for row in rows.itertuples(index=False):
        point = ", ".join(f"{path}={row[i]}" for i, path in enumerate(result.parameters))
        if getattr(row, "capacity", ""):
            lines.append(f"  {point}: {row.capacity}")
            continue
        lines.append(
            f"  {point}: {format_number(row.mean)} ({format_number(row.ci_low)} to {format_number(row.ci_high)})"
        )
    return "\n".join(lines)
