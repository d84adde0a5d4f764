"""Several scenarios side by side: :class:`Comparison` (paired differences to the first,
each with its verdict) and :func:`compare`, which runs them with common random numbers."""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import catalogue
from ..experiment import RunCache, run_scenarios
from ..scenario import Scenario
from ..stats import judge, paired_difference, summary_value
from ..wording import BETTER, OVER_CAPACITY, WORSE, format_number
from .capacity import Capacity, capacity, from_queue
from .censored import censored_lead_time_line
from .decomposition import decomposition_sentence, decompositions
from .folder import FIGURES, OutputFolder, declare
from .money import NET_BENEFIT, net_benefit
from .run import Results
from .wording import DESCRIPTION

__all__ = ["Comparison", "compare", "parse_mids", "verdict"]


@dataclass
class Comparison:
    """Several scenarios run with common random numbers, side by side.

    ``comparison``: metric, scenario, mean, ci_low, ci_high.  ``differences``: every
    scenario minus the first, paired by replication: mean_difference, CI, ``significant``
    (the CI excludes zero), the minimal important difference (``mid``), and the ``verdict``
    of :func:`verdict` (:func:`orgsim.stats.judge`: better / worse / no practical difference
    / cannot tell, for the scenario against the baseline by the catalogue's direction of each
    metric; a description is not judged); ``better`` names the better scenario and
    ``practical`` is true exactly when the verdict is better or worse.  ``mid``: overrides of the
    catalogue's MIDs, ``{metric or pattern: value}`` with the value in the metric's unit, or a
    string such as ``"2%"`` for a share of the baseline's mean.  With a value per project-week
    (``value_per_project_week``, or else the first scenario's
    ``projects.value_per_project_week``) above 0, one more row per scenario:
    ``net_benefit_per_week`` (:func:`net_benefit`; more is better).

    Where either side is over capacity (:func:`orgsim.results.capacity.capacity`), a metric
    read from a queue (:data:`~orgsim.catalogue.QUEUE_MAGNITUDES`) gets the verdict
    ``over capacity``, and ``over_capacity`` says which side and why: the data keep what the
    run measured, but no magnitude of it is printed.
    """

    FILES = declare("comparison.csv", "differences.csv", "decomposition.csv") | FIGURES  # what write() and plots write

    results: list[Results]
    value_per_project_week: float | None = None
    mid: dict = field(default_factory=dict)

    def __post_init__(self):
        self.mid = parse_mids(self.mid)

    @property
    def value(self) -> float:
        """The value of a project-week in use (0: not valued)."""
        if self.value_per_project_week is not None:
            return self.value_per_project_week
        return self.results[0].scenario.projects.value_per_project_week

    @property
    def names(self) -> list[str]:
        return [r.scenario.name for r in self.results]

    @property
    def comparison(self) -> pd.DataFrame:
        frames = []
        for result in self.results:
            frame = result.summary[["metric", "mean", "ci_low", "ci_high"]].copy()
            frame.insert(1, "scenario", result.scenario.name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def minimal_difference(self, metric: str) -> catalogue.MID | None:
        """The MID of a metric: an override (by name, then by pattern) or the catalogue's."""
        if metric in self.mid:
            return self.mid[metric]
        row = catalogue.lookup(metric)
        if row is not None and row.pattern in self.mid:
            return self.mid[row.pattern]
        return catalogue.minimal_difference(metric)

    def capacities(self) -> list[Capacity]:
        """The stability check of every scenario, in order."""
        return [capacity(result) for result in self.results]

    def _over_note(self, base: Results, other: Results) -> str:
        """Which side of a pair is over capacity, and why ('' when both are stable)."""
        notes = []
        for result in (other, base):
            check = capacity(result)
            if check.over:
                notes.append(check.sentence(result.scenario.name))
        return "; ".join(notes)

    @property
    def differences(self) -> pd.DataFrame:
        base = self.results[0]
        rows = []
        for other in self.results[1:]:
            over = self._over_note(base, other)
            for metric in base.replications.columns:
                if metric == "replication" or metric not in other.replications.columns:
                    continue
                row = paired_difference(base.replications[metric], other.replications[metric])
                direction = catalogue.better_direction(metric)
                mid = self.minimal_difference(metric) if direction else None
                values = base.replications[metric].to_numpy(dtype=float)
                baseline_mean = float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
                threshold = mid.threshold(baseline_mean) if mid else 0.0
                if not math.isfinite(threshold):
                    threshold = 0.0
                word = verdict(row, direction, threshold if mid else None)
                held = bool(over) and from_queue(metric)
                if held:
                    word = OVER_CAPACITY
                better = {BETTER: other.scenario.name, WORSE: base.scenario.name}.get(word, "")
                rows.append(
                    {
                        "metric": metric,
                        "scenario": other.scenario.name,
                        "baseline": base.scenario.name,
                        **row,
                        "mid": threshold if mid else math.nan,
                        "practical": bool(better),
                        "better": better,
                        "verdict": word,
                        "over_capacity": over if held else "",
                    }
                )
            if self.value > 0:
                rows.append(self._net_benefit_row(base, other, over))
        return pd.DataFrame(rows)

    def _net_benefit_row(self, base: Results, other: Results, over: str = "") -> dict:
        ordered = [r.replications.sort_values("replication") for r in (base, other)]
        gain = net_benefit(*ordered, self.value)
        row = paired_difference(np.zeros_like(gain), gain)
        word = OVER_CAPACITY if over else verdict(row, 1, None)  # money: any significant net benefit counts
        better = {BETTER: other.scenario.name, WORSE: base.scenario.name}.get(word, "")
        return {
            "metric": NET_BENEFIT,
            "scenario": other.scenario.name,
            "baseline": base.scenario.name,
            **row,
            "mid": math.nan,
            "practical": bool(better),
            "better": better,
            "verdict": word,
            "over_capacity": over,
        }

    def decomposition(self) -> pd.DataFrame:
        """separate - combined on project lead time as a capacity part and a role part, through
        each equal-cost structure compared (:mod:`orgsim.results.decomposition`; empty unless
        combined, separate and an equal-cost structure are among the scenarios)."""
        metric = "project_lead_time_weeks_mean"
        return decompositions(self.results, metric, self.minimal_difference(metric))

    def table(self) -> str:
        """Headline metrics of every scenario, and differences to the first, as plain text."""
        names = self.names
        width = max(12, *(len(n) for n in names))
        label_width = max(len(f"{m.label} ({m.unit})") for m in catalogue.headline()) + 2
        lines = [f"{'metric':<{label_width}}" + "".join(f"{n:>{width + 2}}" for n in names)]
        differences = self.differences
        checks = self.capacities()
        for metric in catalogue.headline():
            cells = []
            for result, check in zip(self.results, checks, strict=True):
                mean, _, _ = summary_value(result.summary, metric.pattern)
                present = metric.pattern in set(result.summary["metric"])
                shown = OVER_CAPACITY if check.over and from_queue(metric.pattern) else format_number(mean)
                cells.append(f"{shown:>{width + 2}}" if present else " " * (width + 2))
            lines.append(f"{f'{metric.label} ({metric.unit})':<{label_width}}" + "".join(cells))
            for row in differences[differences["metric"] == metric.pattern].itertuples():
                if row.verdict == OVER_CAPACITY:
                    lines.append(f"    {row.scenario} - {row.baseline}: {OVER_CAPACITY}")
                    continue
                if row.better and math.isfinite(row.mid):
                    mark = f"  -> {row.better} better (beyond the MID of {format_number(row.mid)})"
                elif row.better:
                    mark = f"  -> {row.better} better"
                else:
                    mark = f"  ({row.verdict})"
                lines.append(
                    f"    {row.scenario} - {row.baseline}: {format_number(row.mean_difference, signed=True)} "
                    f"(95% CI {format_number(row.ci_low, signed=True)} to "
                    f"{format_number(row.ci_high, signed=True)}){mark}"
                )
        lines.append(
            "better: the 95% CI excludes zero and the difference exceeds the metric's minimal important"
            " difference (MID; estimates, override with --mid METRIC=VALUE); no practical difference: the CI"
            " lies within +-MID, or the difference is significant but within it; cannot tell: the CI is wider"
            " (more replications would tell); over capacity: a side's queues do not empty (or a role is offered"
            " more hours than it has), so its lead times, on-time shares and project-weeks measure the run's"
            " length, not the roles, and are not shown"
        )
        for result, check in zip(self.results, checks, strict=True):
            lines.append(f"capacity: {check.sentence(result.scenario.name)}")
        for result, check in zip(self.results, checks, strict=True):
            if check.stable:  # over capacity: no lead time, censored or not
                lines.append(censored_lead_time_line(result, result.scenario.name))
        parts = self.decomposition()
        for alternative in dict.fromkeys(parts["alternative"]) if len(parts) else ():
            lines.append("decomposition: " + decomposition_sentence(parts[parts["alternative"] == alternative]))
        for result in self.results:
            for warning in result.warnings:
                lines.append(f"warning ({result.scenario.name}): {warning}")
        return "\n".join(lines)

    def write(self, folder: OutputFolder) -> None:
        """comparison.csv and differences.csv."""
        folder.frame("comparison.csv", self.comparison)
        folder.frame("differences.csv", self.differences)
        parts = self.decomposition()
        if len(parts):
            folder.frame("decomposition.csv", parts)


def verdict(row: dict, direction: int, mid: float | None) -> str:
    """A paired difference (``row`` from :func:`~orgsim.stats.paired_difference`: the scenario
    minus the baseline) in the one vocabulary: :func:`~orgsim.stats.judge` on the difference
    oriented by the metric's ``direction`` (+1: more is better, -1: less is better), so that
    ``better`` means the scenario is better than the baseline by more than the MID ``mid``
    (None: no MID, the CI alone decides).  The one exception: a metric with no direction (a
    headcount, a load) describes the organisation and is not judged (:data:`DESCRIPTION`)."""
    if not direction:
        return DESCRIPTION
    low, high = sorted((row["ci_low"] * direction, row["ci_high"] * direction))
    return judge(row["mean_difference"] * direction, low, high, mid)


def parse_mids(mid) -> dict[str, catalogue.MID]:
    """Overrides of minimal important differences: ``{metric or pattern: value}`` (or an
    iterable of ``"METRIC=VALUE"`` strings), the value a number >= 0 in the metric's unit or
    ``"N%"`` for N% of the baseline's mean.  A ValueError names what is wrong."""
    if mid is None:
        return {}
    if isinstance(mid, dict) and all(isinstance(v, catalogue.MID) for v in mid.values()):
        return dict(mid)
    if not isinstance(mid, dict):
        pairs = {}
        for text in mid:
            if "=" not in str(text):
                raise ValueError(f"mid: expected METRIC=VALUE, e.g. project_lead_time_weeks_mean=0.5, found {text!r}")
            name, value = (part.strip() for part in str(text).split("=", 1))
            pairs[name] = value
        mid = pairs
    patterns = {m.pattern: m for m in catalogue.CATALOGUE}
    out = {}
    for name, value in mid.items():
        if isinstance(value, catalogue.MID):
            out[name] = value
            continue
        row = patterns.get(name) or catalogue.lookup(name)
        if row is None:
            raise ValueError(f"mid: unknown metric {name!r} (orgsim reference lists them)")
        if not row.better:
            raise ValueError(f"mid: {name} describes the organisation (neither better nor worse): it has no MID")
        text = str(value).strip()
        relative = text.endswith("%")
        try:
            number = float(text[:-1] if relative else text)
        except ValueError:
            raise ValueError(f"mid: {name}: expected a number >= 0 or a percentage, found {value!r}") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"mid: {name}: expected a finite number >= 0, found {value!r}")
        out[name] = catalogue.MID(number / 100 if relative else number, "set by the user", relative=relative)
    return out


def _distinct_names(scenarios: list[Scenario]) -> list[Scenario]:
    seen: dict[str, int] = {}
    result = []
    for scenario in scenarios:
        count = seen.get(scenario.name, 0)
        seen[scenario.name] = count + 1
        result.append(scenario if count == 0 else scenario.with_changes({"name": f"{scenario.name}-{count + 1}"}))
    return result


def compare(
    scenarios: list[Scenario],
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    mid: dict | None = None,
) -> Comparison:
    """Run every scenario with the same seed and replications (common random numbers).

    ``replications`` and ``seed`` default to the first scenario's settings, so that all
    scenarios are compared on equal terms whatever their own files say.  ``mid`` overrides
    minimal important differences (see :class:`Comparison`); it is checked before any run.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios")
    mid = parse_mids(mid)
    scenarios = _distinct_names(list(scenarios))
    first = scenarios[0].simulation
    replications = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "compare")
    return Comparison([Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)], mid=mid)
