"""A grid of scenarios: :class:`Sweep` (long-form frames, headcount steps, the crossover and
regions of each alternative against the first) and :func:`sweep`, which runs the grid."""

from __future__ import annotations

import json
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from .. import catalogue
from ..experiment import RunCache, check_runs, grid, run_scenarios
from ..scenario import Scenario
from ..stats import find_crossover, find_regions
from ..wording import OVER_CAPACITY
from .capacity import QUEUE_GROWTH_ONLY, Capacity, capacity, from_queue, point_label
from .folder import FIGURES, OutputFolder, declare, jsonable
from .money import NET_BENEFIT, cost_with_delay
from .run import Results
from .wording import crossover_sentence

__all__ = ["Sweep", "sweep"]


@dataclass
class Sweep:
    """The results of a sweep: long-form frames, the crossover."""

    FILES = declare("sweep.csv", "sweep-summary.csv", "crossover.json") | FIGURES  # write() and orgsim.plots

    scenario: Scenario
    vary: dict[str, list]
    across: dict[str, list]
    points: list[dict]
    results: list[Results]
    seed: int
    log_scale: set = field(default_factory=set)

    @property
    def parameters(self) -> list[str]:
        return [*self.vary, *self.across]

    def _long(self, frames) -> pd.DataFrame:
        rows = [
            frame.assign(**point)[[*point, *frame.columns]] for point, frame in zip(self.points, frames, strict=True)
        ]
        return pd.concat(rows, ignore_index=True)

    @property
    def frame(self) -> pd.DataFrame:
        """sweep.csv: one row per point x replication, the parameters as columns, then metrics."""
        return self._long([r.replications for r in self.results])

    @property
    def summary(self) -> pd.DataFrame:
        """sweep-summary.csv: mean and 95% CI of every metric at every point; ``capacity`` says
        ``over capacity`` (and why) on the rows of a magnitude read from a queue at a point
        that is over capacity (:func:`orgsim.results.capacity.capacity`): the numbers are what
        the run measured, and no one should read them as the roles' lead time."""
        frames = []
        for result, check in zip(self.results, self.capacities(), strict=True):
            frame = result.summary.copy()
            held = frame["metric"].map(from_queue).to_numpy(dtype=bool) & check.over
            frame["capacity"] = np.where(held, check.short(), "")
            frames.append(frame)
        return self._long(frames)

    def capacities(self) -> list[Capacity]:
        """The stability check of every point, in the order of :attr:`points`."""
        return [capacity(result) for result in self.results]

    @property
    def warnings(self) -> list[str]:
        out = []
        for point, result in zip(self.points, self.results, strict=True):
            label = ", ".join(f"{k}={v}" for k, v in point.items())
            out.extend(f"{label}: {w}" for w in result.warnings)
        return out

    def headcount_steps(self, across_value=None) -> list[dict]:
        """Whole-person headcount changes along the varied parameter, for one ``across`` value.

        Between consecutive grid values of the one ``vary`` parameter (sorted), every role
        whose number of people changes: ``{"x": where it steps, "previous_x", "role",
        "before", "after"}`` (a role that is absent counts 0).  Where either of the two
        points counts fractional FTE (``org.fractional_headcount``) there are no steps.
        ``across_value`` picks the alternative (ignored without an ``across`` parameter).
        """
        if len(self.vary) != 1 or len(self.across) > 1:
            raise ValueError("headcount steps need exactly one --vary and at most one --across parameter")
        x_path = next(iter(self.vary))
        across_path = next(iter(self.across), None)
        chosen = sorted(
            (
                (point[x_path], result.scenario)
                for point, result in zip(self.points, self.results, strict=True)
                if across_path is None or point[across_path] == across_value
            ),
            key=lambda item: item[0],
        )
        steps = []
        for (previous_x, before), (x, after) in pairwise(chosen):
            if before.org.fractional_headcount or after.org.fractional_headcount:
                continue
            old, new = before.headcounts(), after.headcounts()
            for role in dict.fromkeys([*old, *new]):
                if old.get(role, 0) != new.get(role, 0):
                    steps.append(
                        {
                            "x": x,
                            "previous_x": previous_x,
                            "role": role,
                            "before": old.get(role, 0),
                            "after": new.get(role, 0),
                        }
                    )
        return steps

    def crossover(
        self, metric: str = "project_lead_time_weeks_mean", value_per_project_week: float | None = None
    ) -> dict:
        """From which value of the swept parameter each ``across`` value beats the first.

        Needs one numeric ``vary`` parameter and one ``across`` parameter with two or more
        values.  ``value_per_project_week`` (default: the scenario's
        ``projects.value_per_project_week``; 0: not valued): the cost of delay of one project
        for one week; above 0 the result also holds ``net_benefit``, the same analysis on the
        net benefit of each alternative against the first (:func:`net_benefit`: the
        project-weeks it saves, valued, minus its extra staff cost), under ``pairs``.

        Each pair holds what :func:`~orgsim.stats.find_crossover` finds (who wins at the top
        of the range, and from about where), ``regions`` (:func:`~orgsim.stats.find_regions`:
        who is better where along the whole range by :func:`~orgsim.stats.judge`, and where
        there is no practical difference or the runs cannot tell),
        ``headcount_steps`` of the baseline and the challenger (:meth:`headcount_steps`),
        ``on_step`` (the crossover and region boundaries that lie on a headcount step), and
        the ``sentence`` that says all of it.
        """
        if len(self.vary) != 1 or len(self.across) != 1:
            raise ValueError("a crossover needs exactly one --vary and one --across parameter")
        (vary_path, xs), (across_path, labels) = next(iter(self.vary.items())), next(iter(self.across.items()))
        if len(labels) < 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs):
            raise ValueError("a crossover needs a numeric --vary and at least two --across values")
        frame = self.frame
        if metric not in frame.columns:
            raise ValueError(f"no metric {metric!r} in the sweep")
        order = sorted(xs)
        direction = catalogue.better_direction(metric)
        if direction == 0:
            raise ValueError(f"{metric} describes the organisation (neither more nor less is better): no crossover")
        value = (
            self.scenario.projects.value_per_project_week if value_per_project_week is None else value_per_project_week
        )

        def matrix(label, column=metric):
            rows = frame[frame[across_path] == label]
            return rows.pivot(index="replication", columns=vary_path, values=column)[order].to_numpy().T

        def with_delay(label):  # staff cost plus cost of delay, replication by replication
            rows = frame[frame[across_path] == label].sort_values([vary_path, "replication"])
            values = cost_with_delay(rows, value).reshape(len(order), -1)
            return values

        out = {"metric": metric, "parameter": vary_path, "across": across_path}
        out["pairs"] = self._pairs(matrix, labels, order, vary_path, direction > 0, metric, None)
        out["value_per_project_week"] = value if value > 0 else None
        if value > 0:
            out["net_benefit"] = {"pairs": self._pairs(with_delay, labels, order, vary_path, False, NET_BENEFIT, value)}
        return out

    def _over(self, label, order, vary_path) -> tuple[list[bool], list[str]]:
        """Per grid value (in ``order``), whether the point of the alternative ``label`` is
        over capacity, and its sentence ('' where it is stable)."""
        across_path = next(iter(self.across))
        found = {
            point[vary_path]: result
            for point, result in zip(self.points, self.results, strict=True)
            if point[across_path] == label
        }
        flags, notes = [], []
        for x in order:
            check = capacity(found[x])
            flags.append(check.over)
            notes.append(check.why(point_label(found[x])) if check.over else "")
            if check.over and not check.has_offered:
                notes.append(QUEUE_GROWTH_ONLY)
        return flags, notes

    def _pairs(self, matrix, labels, order, vary_path, higher_is_better, metric, value) -> list[dict]:
        """Crossover, regions, headcount steps and sentence of each alternative against the first.

        A grid point where either alternative is over capacity is not judged on a magnitude
        read from a queue: its verdict in its region is ``over capacity``, ``over_capacity``
        marks it (per point of each region, and per grid value of each side in the pair), and
        ``capacity`` holds the sentences that say why."""
        baseline = matrix(labels[0])
        queue = from_queue(metric)
        base_over, base_notes = self._over(labels[0], order, vary_path)
        xs = np.asarray(order, dtype=float)
        baseline_steps = self.headcount_steps(labels[0])
        pairs = []
        for label in labels[1:]:
            challenger = matrix(label)
            result = find_crossover(
                xs,
                baseline,
                challenger,
                higher_is_better=higher_is_better,
                log_x=vary_path in self.log_scale,
                seed=self.seed,
            )
            result.update({"baseline": labels[0], "challenger": label})
            result["regions"] = find_regions(
                xs, baseline, challenger, higher_is_better=higher_is_better, minimal=self._minimal(metric, baseline)
            )["regions"]
            if queue:
                over, notes = self._over(label, order, vary_path)
                result["over_capacity"] = {"baseline": base_over, "challenger": over}
                said = [n for n in dict.fromkeys([*base_notes, *notes]) if n]
                result["capacity"] = [n for n in said if n != QUEUE_GROWTH_ONLY] + [
                    n for n in said if n == QUEUE_GROWTH_ONLY
                ]
                _mark_over_capacity(result, [a or b for a, b in zip(base_over, over, strict=True)])
            result["headcount_steps"] = {"baseline": baseline_steps, "challenger": self.headcount_steps(label)}
            result["on_step"] = _boundaries_on_steps(result)
            result["sentence"] = crossover_sentence(result, metric, vary_path, value)
            pairs.append(result)
        return pairs

    @staticmethod
    def _minimal(metric: str, baseline: np.ndarray) -> np.ndarray:
        """The metric's minimal important difference at every grid point (0 where it has none):
        a region is won only by a difference that is significant and larger than it."""
        mid = catalogue.minimal_difference(metric)
        if mid is None:
            return np.zeros(len(baseline))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a point without values: NaN, no MID
            means = np.nanmean(np.asarray(baseline, dtype=float), axis=1)
        return np.array([mid.threshold(m) if np.isfinite(m) else 0.0 for m in means])

    def write(self, folder: OutputFolder, metric: str = "project_lead_time_weeks_mean", value_per_project_week=None):
        """sweep.csv, sweep-summary.csv and crossover.json (when it applies); returns the crossover."""
        folder.frame("sweep.csv", self.frame)
        folder.frame("sweep-summary.csv", self.summary)
        try:
            crossover = self.crossover(metric, value_per_project_week)
        except ValueError:
            return None
        folder.text("crossover.json", json.dumps(jsonable(crossover), indent=2))
        return crossover


def _mark_over_capacity(result: dict, flags: list[bool]) -> None:
    """Each region's points where either side is over capacity: ``over_capacity`` per point,
    and the verdict there ``over capacity`` (the numbers stay: they are what the runs gave)."""
    k = 0
    for region in result.get("regions") or []:
        marks = flags[k : k + len(region["points"])]
        k += len(region["points"])
        region["over_capacity"] = list(marks)
        region["verdicts"] = [OVER_CAPACITY if m else w for m, w in zip(marks, region["verdicts"], strict=True)]


def _boundaries_on_steps(result: dict) -> list[dict]:
    """The boundaries of a pair that coincide with a headcount step: the crossover (the grid
    interval its estimate lies in) and every boundary between two regions.  The boundary
    between grid values x_i and x_i+1 coincides with a step when some role's headcount
    changes from x_i to x_i+1 under either alternative.  Each entry: ``between`` (x_i,
    x_i+1), ``x`` (where it steps), ``crossover`` and ``region_boundary`` (what lies there),
    ``steps``: alternative, side (baseline or challenger), role, before, after, x, and
    ``in_both`` (the other alternative steps the same role from the same count to the same),
    and ``sets_apart`` (some step there is not taken alike by both)."""
    xs = [float(x) for x in result["x"]]
    kinds: dict[int, set] = {}
    end = -1
    for region in result.get("regions", [])[:-1]:
        end += len(region["points"])
        kinds.setdefault(end, set()).add("region_boundary")
    crossover = result.get("crossover")
    if crossover is not None and not result.get("whole_range") and len(xs) > 1:
        i = max(k for k, x in enumerate(xs) if x <= crossover) if crossover >= xs[0] else 0
        kinds.setdefault(min(i, len(xs) - 2), set()).add("crossover")
    steps = result.get("headcount_steps", {})
    out = []
    for i, what in sorted(kinds.items()):
        here = {
            side: [s for s in steps.get(side, []) if float(s["x"]) == xs[i + 1]] for side in ("baseline", "challenger")
        }
        found = []
        for side, other in (("baseline", "challenger"), ("challenger", "baseline")):
            for step in here[side]:
                twin = any(
                    (o["role"], o["before"], o["after"]) == (step["role"], step["before"], step["after"])
                    for o in here[other]
                )
                found.append({"alternative": result[side], "side": side, **step, "in_both": twin})
        if found:
            out.append(
                {
                    "between": [xs[i], xs[i + 1]],
                    "x": xs[i + 1],
                    "crossover": "crossover" in what,
                    "region_boundary": "region_boundary" in what,
                    "sets_apart": not all(step["in_both"] for step in found),
                    "steps": found,
                }
            )
    return out


def sweep(
    scenario: Scenario,
    vary: dict[str, list],
    across: dict[str, list] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    log_scale: set | None = None,
) -> Sweep:
    """Run ``scenario`` at every point of the grid of ``vary`` x ``across`` values.

    Every point is validated before anything runs, so a bad value fails at once.
    """
    across = dict(across or {})
    if not vary and not across:
        raise ValueError("a sweep needs at least one --vary or --across parameter")
    replications = scenario.simulation.replications if replications is None else replications
    seed = scenario.simulation.seed if seed is None else seed
    points = grid(vary, across)
    check_runs(len(points), replications)  # before every point is built and checked
    scenarios = [scenario.with_changes(point) for point in points]
    outputs = run_scenarios(scenarios, replications, seed, jobs, executor, progress, cache, "sweep")
    results = [Results.from_outputs(s, seed, o) for s, o in zip(scenarios, outputs, strict=True)]
    if log_scale is None:
        log_scale = {p for p, v in vary.items() if _looks_logarithmic(v)}
    return Sweep(scenario, dict(vary), across, points, results, seed, set(log_scale))


def _looks_logarithmic(values: list) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) >= 3 and min(numbers) > 0 and max(numbers) / min(numbers) >= 20
