"""The study's answer in two sentences: should the roles be split, and from what size on
(the crossover of separate against combined on project lead time), then every region where
each structure is better, with what splitting costs and from what value of a project-week
it pays."""

from __future__ import annotations

import numpy as np

from .. import catalogue
from ..wording import CANNOT_TELL, NO_PRACTICAL_DIFFERENCE, OVER_CAPACITY, format_number
from .alternatives import answer_sentences
from .manager_load import load_sentence
from .measures import LEAD_TIME
from .regions import over_capacity_at, regions_phrase, verdict_runs

__all__ = ["answer", "cost_phrase", "key_number_line", "over_capacity_points"]


def _lead(study, split: dict, first: dict, span: str) -> str:
    """How the first sentence opens when separate wins at the top of the range."""
    sizes = study.plan.sizes
    if first["from"] == sizes[0]:
        return f"Split the roles at every size studied ({span})"
    if split.get("winner") == "challenger" and split.get("crossover") is not None:
        edge = split["ci_low"] <= sizes[0]
        ci = (
            f"95% CI from the smallest size studied, {format_number(sizes[0])}, to {format_number(split['ci_high'])}"
            if edge
            else f"95% CI {format_number(split['ci_low'])}-{format_number(split['ci_high'])}"
        )
        return (
            f"Split the roles from about {format_number(split['crossover'])} employees (interpolated "
            f"between the sizes studied, where the difference turns significant; {ci})"
        )
    return f"Split the roles from {format_number(first['from'])} employees"


def _stable_tail(region: dict, over: dict) -> dict:
    """A won region cut to its last run of stable points (where neither side is over
    capacity): its ``from`` and ``mean_advantage`` are what may be printed."""
    points = region["points"]
    start = len(points)
    while start > 0 and not over.get(float(points[start - 1]), False):
        start -= 1
    return {**region, "from": points[start], "mean_advantage": region["mean_advantage"][start:]}


def _over_capacity_sentence(study, split: dict, over: dict) -> str:
    """The first sentence where the top of the range is over capacity: which structures
    cannot carry the load there, and why; what the stable sizes below say, if any."""
    sizes = study.plan.sizes
    flagged = [x for x in sizes if over.get(float(x))]
    notes = "; ".join(split.get("capacity") or []) or OVER_CAPACITY
    stable = [x for x in sizes if not over.get(float(x))]
    below = (
        f" The sizes where both are within capacity ({', '.join(format_number(x) for x in stable)} employees): "
        + regions_phrase({**split, "regions": _stable_regions(split, over)}, _mid())
        + "."
        if stable
        else " No size studied has both within capacity."
    )
    return (
        f"Over capacity at {', '.join(format_number(x) for x in flagged)} employees: {notes}. There the queues do "
        f"not empty, so the study prints no lead time and judges no difference: that structure cannot carry this "
        f"load.{below}"
    )


def _mid() -> float:
    return catalogue.minimal_difference(LEAD_TIME).value


def _stable_regions(split: dict, over: dict) -> list[dict]:
    """The pair's regions with only their stable points (a region left without points goes)."""
    out = []
    for region in split.get("regions") or []:
        keep = [i for i, x in enumerate(region["points"]) if not over.get(float(x))]
        if not keep:
            continue
        trimmed = {k: v for k, v in region.items() if not isinstance(v, list)}
        for key, value in region.items():
            if isinstance(value, list) and len(value) == len(region["points"]):
                trimmed[key] = [value[i] for i in keep]
        out.append(trimmed)
    return out


def _first_sentence(study, split: dict) -> tuple[str, str]:
    """The first sentence and the verdict: ``split``, ``combine``, one of
    :func:`~orgsim.stats.judge`'s ``no practical difference`` / ``cannot tell``, or
    ``over capacity`` when a structure is over capacity at the top of the range."""
    sizes = study.plan.sizes
    mid = catalogue.minimal_difference(LEAD_TIME)
    span = f"{format_number(sizes[0])}-{format_number(sizes[-1])} employees"
    regions = split.get("regions") or []
    over = over_capacity_at(split)
    if over.get(float(sizes[-1])):
        return _over_capacity_sentence(study, split, over), OVER_CAPACITY
    wins = [r for r in regions if r["winner"] == "challenger"]
    losses = [r for r in regions if r["winner"] == "baseline"]
    weeks = mid.describe("working weeks")
    if wins and wins[-1]["to"] == sizes[-1]:
        first = _stable_tail(wins[-1], over)
        low, high = min(first["mean_advantage"]), max(first["mean_advantage"])
        by = (
            f"{format_number(low)} weeks"
            if low == high
            else f"{format_number(low)} to {format_number(high)} weeks on average, depending on size,"
        )
        sentence = (
            f"{_lead(study, split, first, span)}: at {format_number(first['from'])} employees and above, a dedicated "
            f"project manager (separate) finishes projects {by} sooner than an IT manager who is also the project "
            f"manager (combined), more than the minimal important difference of {weeks}."
        )
        return sentence, "split"
    if losses and losses[-1]["to"] == sizes[-1]:
        sentence = (
            f"Keep the roles combined: from {format_number(_stable_tail(losses[-1], over)['from'])} employees on, "
            f"the IT manager who is also the project manager finishes projects sooner than a dedicated project "
            f"manager, by more than the minimal important difference of {weeks}."
        )
        return sentence, "combine"
    if not regions:
        reason = split.get("reason") or "too few replications"
        return f"The study cannot compare the structures ({span}): {reason}.", CANNOT_TELL
    word = verdict_runs(split, mid.value)[-1][0]
    last = regions[-1]
    low, high = last["ci_advantage"][-1]
    measured = (
        f"at {format_number(sizes[-1])} employees separate's advantage is "
        f"{format_number(last['mean_advantage'][-1], signed=True)} weeks (95% CI "
        f"{format_number(low, signed=True)} to {format_number(high, signed=True)})"
    )
    if word == NO_PRACTICAL_DIFFERENCE:
        sentence = (
            f"Splitting the roles makes no practical difference to project lead time at the top of the "
            f"range ({span}): {measured}, within the minimal important difference of {weeks}."
        )
        return sentence, word
    sentence = (
        f"The study cannot tell yet whether splitting the roles pays ({span}): {measured}, an interval "
        f"wider than the minimal important difference of {weeks}; run more replications (--replications)."
    )
    return sentence, CANNOT_TELL


def answer(study) -> dict:
    """The answer in two sentences, with the crossover of ``separate`` against ``combined``
    and every region where each structure wins (on project lead time)."""
    crossover = study.crossover()
    pairs = {p["challenger"]: p for p in crossover["pairs"]}
    split = pairs["separate"]
    mid = catalogue.minimal_difference(LEAD_TIME)
    sentence, verdict = _first_sentence(study, split)
    parts = [f"{challenger} against combined: {regions_phrase(pair, mid.value)}" for challenger, pair in pairs.items()]
    second = (
        "Where each structure is better (its 95% CI excludes 0 and the gain exceeds the MID), where there is no "
        "practical difference and where the study cannot tell: " + "; ".join(parts) + "."
    )
    cost = cost_phrase(study, split)
    if cost:
        second += " " + cost
    valued = next(
        (p for p in (crossover.get("net_benefit") or {}).get("pairs", []) if p["challenger"] == "separate"), None
    )
    if valued is not None:
        second += (
            f" On the net benefit, with a project-week of delay worth {format_number(study.value_per_project_week)}"
            f": separate against combined: {regions_phrase(valued, 0.0)}."
        )
    resting = over_capacity_points(crossover)
    alternatives = answer_sentences(study)
    sentences = [sentence, second, *filter(None, [load_sentence(study)]), *alternatives]
    if resting:
        sentences.append(
            f"This answer rests on points that are {OVER_CAPACITY} (a queue grows through the run, or a role is "
            f"offered more hours than it has), where no lead time is measured: " + "; ".join(resting) + "."
        )
    return {
        "verdict": verdict,
        "sentences": sentences,
        "over_capacity": resting,
        "alternatives": alternatives,
        "culture": study.plan.culture,
        "metric": LEAD_TIME,
        "mid": mid.value,
        "crossover": split.get("crossover"),
        "ci_low": split.get("ci_low"),
        "ci_high": split.get("ci_high"),
        "significant_from": split.get("significant_from"),
        "pairs": {
            c: {"regions": p.get("regions"), "crossover": p.get("crossover"), "sentence": p["sentence"]}
            for c, p in pairs.items()
        },
    }


def over_capacity_points(crossover: dict) -> list[str]:
    """Every point of the answer's sweep that is over capacity, and why, once each."""
    notes = [n for pair in crossover.get("pairs") or [] for n in pair.get("capacity") or []]
    return list(dict.fromkeys(notes))


def cost_phrase(study, pair: dict) -> str:
    """What splitting costs where it wins, and the value of a project-week from which it pays
    (not where either structure is over capacity: its project-weeks grow with the run)."""
    regions = [r for r in pair.get("regions") or [] if r["winner"] == "challenger"]
    if not regions:
        return ""
    over = over_capacity_at(pair)
    at = _stable_tail(regions[-1], over)["from"] if not over.get(float(regions[-1]["to"])) else None
    if at is None:
        return ""
    row = study.net_benefit()
    row = row[(row["employees"] == at) & (row["structure"] == "separate")]
    if row.empty:
        return ""
    row = row.iloc[0]
    text = (
        f"At {format_number(at)} employees splitting costs {format_number(row['extra_staff_cost'], signed=True)} "
        f"a week in staff"
    )
    if row["break_even_value"] > 0 and np.isfinite(row["break_even_value"]):
        text += (
            f" and saves {format_number(row['project_weeks_saved'])} project-weeks a week: it pays when a week "
            f"of a project's delay costs the business more than {format_number(row['break_even_value'])}"
        )
    return text + "."


def key_number_line(row) -> str:
    """One of a study's key numbers (a row of ``Study.key_numbers()``): question, verdict, number;
    ``over capacity`` and why, instead, where a point it rests on is over capacity."""
    if getattr(row, "over_capacity", ""):
        return f"{row.question}: {OVER_CAPACITY} [{row.quantity}: not measured, {row.over_capacity}]"
    return (
        f"{row.question}: {row.verdict} [{row.quantity}: {format_number(row.mean)} "
        f"(95% CI {format_number(row.ci_low)} to {format_number(row.ci_high)})]"
    )
