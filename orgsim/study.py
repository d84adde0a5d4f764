"""The decision study: should the IT manager also be the project manager, and from what size on?

One batch of experiments on a user's scenario, all with common random numbers (every run of
every experiment uses the same root seed and replication numbers, so the same replication
sees the same tickets and projects wherever the structure, size or culture lets them arrive):

``main``         sizes x structures, under each culture asked for: the answer, its regions
                 and the trade-offs (lead time, on-time share, SLA, cost, net benefit)
``culture``      the other culture for ``combined`` and ``separate`` (Q3), when only one is asked
``erp``          one large scheduled project (an ERP rollout) landing in a small firm (Q4)
``structures``   every structure at the reference size (Q6, Q7)
``clarity``      role clarity from 0 to 1 under ``separate`` at the reference size (Q8)
``sensitivity``  one parameter at a time, low and high: where does the crossover move?
``basis``        the scenario as it is, beside published figures (:mod:`orgsim.realism`)

Every table the report shows is a DataFrame here, written as CSV beside ``report.html``
(:mod:`orgsim.report`), so the numbers in the page are the numbers in the files.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import catalogue
from .duties import DUTY_FAMILY
from .experiment import RunCache, Task, check_runs, check_work, grid, run_tasks
from .realism import realism
from .results import (
    OutputFolder,
    Results,
    Sweep,
    _jsonable,
    cost_with_delay,
    project_weeks_per_week,
)
from .scenario import STRUCTURES, Scenario
from .scenario.roles import CULTURES
from .stats import format_number, mean_interval, paired_difference

__all__ = [
    "DEFAULT_SIZES",
    "DEFAULT_STRUCTURES",
    "QUICK_SIZES",
    "STUDY_REPLICATIONS",
    "QUICK_REPLICATIONS",
    "SENSITIVITY",
    "ERP",
    "StudyPlan",
    "Study",
    "study_plan",
    "study",
    "question_csv",
    "call",
]

DEFAULT_SIZES: tuple[int, ...] = (25, 50, 100, 200, 400, 800, 1600)
QUICK_SIZES: tuple[int, ...] = (25, 100, 400)
DEFAULT_STRUCTURES: tuple[str, ...] = ("combined", "separate", "pmo", "no_pm")
STUDY_REPLICATIONS = 10
QUICK_REPLICATIONS = 3
CLARITY_VALUES: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
QUICK_CLARITY_VALUES: tuple[float, ...] = (0.0, 0.5, 1.0)
REFERENCE_SIZE = 400  # Q6-Q8 at the grid size nearest this: two PMs, a head of IT
SMALL_FIRM = 40  # Q4 at the scenario's size when it is a small firm (at most 100), else this
# one parameter at a time, (path, low, high); culture comes from the culture experiment
SENSITIVITY: tuple[tuple[str, float, float], ...] = (
    ("projects.arrival_scale", 0.5, 2.0),
    ("org.role_clarity", 0.0, 1.0),
)
# Q4's ERP rollout: an estimate. A small firm's ERP project is mostly the vendor's work; the
# IT side (data migration, integrations, testing, training) ~4 person-months, a team of 2
# (the medium class's package size, team rules and due-date rule otherwise).
ERP = {"effort_hours": 600.0, "team_size": 2}
ERP_CLASS = "erp"
LEAD_TIME = "project_lead_time_weeks_mean"
OTHER_PROJECTS = f"project_lead_time_weeks_mean.other_than_{ERP_CLASS}"  # Q4: every project but the ERP rollout
PEOPLE = "people_management"
IT_PEOPLE_HOURS = "it_managers_people_management_hours_per_week"  # over all IT managers (Q7)
# how the figures name the study's own measures, which the metric catalogue does not hold
LABELS = {
    IT_PEOPLE_HOURS: "people management of all IT managers (hours per week)",
    OTHER_PROJECTS: "project lead time, every project but the ERP rollout",
}
ANSWER_METRICS = (
    LEAD_TIME,
    "project_on_time_share",
    "sla_attainment.total",
    "staff_cost_per_week",
    "cost_per_project",
    "utilisation.it_manager",
)


@dataclass(frozen=True)
class StudyPlan:
    """What the study runs: sizes, structures (the first is the baseline, ``combined``),
    cultures, replications, role-clarity values, the one-at-a-time sensitivity (on every
    size but the largest, where runs cost most and the crossover seldom lies: it keeps the
    study within its time and the replications whole), the reference size (Q6-Q8) and the
    small firm (Q4)."""

    sizes: tuple[int, ...]
    structures: tuple[str, ...]
    cultures: tuple[str, ...]
    replications: int
    sensitivity_sizes: tuple[int, ...]
    clarity: tuple[float, ...]
    sensitivity: tuple[tuple[str, float, float], ...]
    reference_size: int
    small_firm: int
    quick: bool = False

    @property
    def culture(self) -> str:
        """The culture the answer is given for: the first asked."""
        return self.cultures[0]

    @property
    def other_culture(self) -> str:
        return next(c for c in CULTURES if c != self.culture)


def study_plan(
    scenario: Scenario,
    sizes=None,
    structures=None,
    cultures=None,
    replications: int | None = None,
    quick: bool = False,
) -> StudyPlan:
    """The plan for ``scenario``; a ValueError names the option and what is allowed."""
    if scenario.org.structure == "custom" or scenario.role_changes:
        changed = ", ".join(c.name for c in scenario.role_changes) or "its own roles"
        raise ValueError(
            f"roles: the study re-structures the organisation into each preset, which a scenario with roles of its "
            f"own ({changed}) would distort; remove the [roles] changes, or compare your structures with orgsim "
            "compare"
        )
    sizes = tuple(QUICK_SIZES if quick else DEFAULT_SIZES) if sizes is None else tuple(sizes)
    if len(sizes) < 3 or any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in sizes):
        raise ValueError(f"--sizes: expected three or more whole numbers of employees >= 1, found {list(sizes)}")
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"--sizes: each size once, found {list(sizes)}")
    sizes = tuple(sorted(sizes))
    structures = DEFAULT_STRUCTURES if structures is None else tuple(structures)
    allowed = [s for s in STRUCTURES if s != "custom"]
    unknown = [s for s in structures if s not in allowed]
    if unknown:
        raise ValueError(f"--structures: unknown {unknown[0]!r}; allowed: {', '.join(allowed)}")
    if len(set(structures)) != len(structures):
        raise ValueError(f"--structures: each structure once, found {list(structures)}")
    if "combined" not in structures or "separate" not in structures:
        raise ValueError("--structures: the question needs combined and separate among them")
    structures = ("combined", *[s for s in structures if s != "combined"])
    cultures = (scenario.org.culture,) if cultures is None else tuple(cultures)
    if not cultures or any(c not in CULTURES for c in cultures) or len(set(cultures)) != len(cultures):
        raise ValueError(f"--cultures: expected one or both of {', '.join(CULTURES)}, found {list(cultures)}")
    if replications is None:
        replications = QUICK_REPLICATIONS if quick else STUDY_REPLICATIONS
    if replications < 3:
        raise ValueError(f"--replications: a study needs at least 3 for its intervals, found {replications}")
    reference = min(sizes, key=lambda n: abs(math.log(n / REFERENCE_SIZE)))
    small = scenario.org.employees if scenario.org.employees <= 100 else SMALL_FIRM
    return StudyPlan(
        sizes=sizes,
        structures=structures,
        cultures=cultures,
        replications=int(replications),
        sensitivity_sizes=sizes[:-1] if len(sizes) > 3 else sizes,
        clarity=QUICK_CLARITY_VALUES if quick else CLARITY_VALUES,
        sensitivity=SENSITIVITY,
        reference_size=reference,
        small_firm=small,
        quick=quick,
    )


@dataclass(frozen=True)
class _Experiment:
    key: str
    base: dict
    vary: dict
    across: dict


def _erp_changes(scenario: Scenario) -> dict:
    """The scenario's changes that add the ERP rollout: a class of its own that never arrives
    at random (so that its lead time is measured on its own), scheduled at the first measured week."""
    classes = scenario.to_dict()["projects"]["classes"]
    template = dict(classes.get("medium") or next(iter(classes.values())))
    template["per_100_employees_per_year"] = 0.0
    week = scenario.simulation.warmup_weeks
    return {
        f"projects.classes.{ERP_CLASS}": template,
        "projects.scheduled": [
            *[_scheduled(p) for p in scenario.projects.scheduled],
            {"week": week, "project_class": ERP_CLASS, **ERP},
        ],
    }


def _scheduled(project) -> dict:
    return {
        "week": project.week,
        "project_class": project.project_class,
        "effort_hours": project.effort_hours,
        "team_size": project.team_size,
    }


def _experiments(scenario: Scenario, plan: StudyPlan) -> list[_Experiment]:
    sizes = {"org.employees": list(plan.sizes)}
    pair = {"org.structure": ["combined", "separate"]}
    culture = {"org.culture": plan.culture}
    out = [
        _Experiment(f"main.{c}", {"org.culture": c}, sizes, {"org.structure": list(plan.structures)})
        for c in plan.cultures
    ]
    if len(plan.cultures) == 1:
        out.append(_Experiment(f"main.{plan.other_culture}", {"org.culture": plan.other_culture}, sizes, pair))
    small = {**culture, "org.employees": plan.small_firm}
    out.append(_Experiment("erp.without", small, {}, pair))
    out.append(_Experiment("erp.with", {**small, **_erp_changes(scenario)}, {}, pair))
    every = [s for s in STRUCTURES if s != "custom"]
    reference = {**culture, "org.employees": plan.reference_size}
    out.append(_Experiment("structures", reference, {}, {"org.structure": every}))
    out.append(
        _Experiment("clarity", reference, {"org.role_clarity": list(plan.clarity)}, {"org.structure": ["separate"]})
    )
    for path, low, high in plan.sensitivity:
        for level, value in (("low", low), ("high", high)):
            out.append(
                _Experiment(
                    f"sensitivity.{path}.{level}",
                    {**culture, path: value},
                    {"org.employees": list(plan.sensitivity_sizes)},
                    pair,
                )
            )
    out.append(_Experiment("basis", {}, {}, {}))
    return out


def _fingerprint(scenario: Scenario) -> str:
    return json.dumps(_jsonable(scenario.to_dict(resolved=True)), sort_keys=True, default=str)


@dataclass
class Study:
    """Every experiment of the study (each a :class:`~orgsim.results.Sweep`), the plan and
    the value of a project-week, and the tables and the answer built from them."""

    scenario: Scenario
    plan: StudyPlan
    seed: int
    sweeps: dict[str, Sweep]
    basis: Results
    value_per_project_week: float = 0.0
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------- lookups

    @property
    def main(self) -> Sweep:
        return self.sweeps[f"main.{self.plan.culture}"]

    def result(self, key: str, **point) -> Results:
        """The results of one point of one experiment, e.g. ``result("main.operations_first",
        **{"org.employees": 200, "org.structure": "separate"})``."""
        sweep = self.sweeps[key]
        for at, result in zip(sweep.points, sweep.results, strict=True):
            if all(at.get(k) == v for k, v in point.items()):
                return result
        raise KeyError(f"{key}: no point {point}")

    def _main_point(self, employees: int, structure: str, culture: str | None = None) -> Results:
        key = f"main.{culture or self.plan.culture}"
        return self.result(key, **{"org.employees": employees, "org.structure": structure})

    # ------------------------------------------------------------- the answer

    def crossover(self, culture: str | None = None) -> dict:
        """The sweep's crossover (regions with the MID) on project lead time, and on the net
        benefit when a project-week has a value."""
        culture = culture or self.plan.culture
        key = ("crossover", culture)
        if key not in self._cache:
            self._cache[key] = self.sweeps[f"main.{culture}"].crossover(LEAD_TIME, self.value_per_project_week)
        return self._cache[key]

    def answer(self) -> dict:
        """The answer in two sentences, with the crossover of ``separate`` against ``combined``
        and every region where each structure wins (on project lead time)."""
        crossover = self.crossover()
        pairs = {p["challenger"]: p for p in crossover["pairs"]}
        split = pairs["separate"]
        mid = catalogue.minimal_difference(LEAD_TIME)
        span = f"{format_number(self.plan.sizes[0])}-{format_number(self.plan.sizes[-1])} employees"
        regions = split.get("regions") or []
        wins = [r for r in regions if r["winner"] == "challenger"]
        losses = [r for r in regions if r["winner"] == "baseline"]
        weeks = mid.describe("working weeks")
        if wins and wins[-1]["to"] == self.plan.sizes[-1]:
            first = wins[-1]
            low, high = min(first["mean_advantage"]), max(first["mean_advantage"])
            by = (
                f"{format_number(low)} weeks"
                if low == high
                else f"{format_number(low)} to {format_number(high)} weeks on average, depending on size,"
            )
            if first["from"] == self.plan.sizes[0]:
                lead = f"Split the roles at every size studied ({span})"
            elif split.get("winner") == "challenger" and split.get("crossover") is not None:
                edge = split["ci_low"] <= self.plan.sizes[0]
                ci = (
                    f"95% CI from the smallest size studied, {format_number(self.plan.sizes[0])}, to "
                    f"{format_number(split['ci_high'])}"
                    if edge
                    else f"95% CI {format_number(split['ci_low'])}-{format_number(split['ci_high'])}"
                )
                lead = (
                    f"Split the roles from about {format_number(split['crossover'])} employees (interpolated "
                    f"between the sizes studied, where the difference turns significant; {ci})"
                )
            else:
                lead = f"Split the roles from {format_number(first['from'])} employees"
            sentence = (
                f"{lead}: at {format_number(first['from'])} employees and above, a dedicated project manager "
                f"(separate) finishes projects {by} sooner than an IT manager who is also the project manager "
                f"(combined), more than the minimal important difference of {weeks}."
            )
            verdict = "split"
        elif losses and losses[-1]["to"] == self.plan.sizes[-1]:
            sentence = (
                f"Keep the roles combined: from {format_number(losses[-1]['from'])} employees on, the IT manager "
                f"who is also the project manager finishes projects sooner than a dedicated project manager, by "
                f"more than the minimal important difference of {weeks}."
            )
            verdict = "combine"
        elif regions:
            word = _runs(split, mid.value)[-1][0]
            last = regions[-1]
            low, high = last["ci_advantage"][-1]
            measured = (
                f"at {format_number(self.plan.sizes[-1])} employees separate's advantage is "
                f"{format_number(last['mean_advantage'][-1], signed=True)} weeks (95% CI "
                f"{format_number(low, signed=True)} to {format_number(high, signed=True)})"
            )
            if word == "no practical difference":
                sentence = (
                    f"Splitting the roles makes no practical difference to project lead time at the top of the "
                    f"range ({span}): {measured}, within the minimal important difference of {weeks}."
                )
            else:
                sentence = (
                    f"The study cannot tell yet whether splitting the roles pays ({span}): {measured}, an interval "
                    f"wider than the minimal important difference of {weeks}; run more replications (--replications)."
                )
            verdict = word
        else:
            sentence = (
                f"The study cannot compare the structures ({span}): {split.get('reason') or 'too few replications'}."
            )
            verdict = "inconclusive"
        parts = []
        for challenger, pair in pairs.items():
            parts.append(f"{challenger} against combined: {_regions_phrase(pair, mid.value)}")
        second = (
            "Where each structure is better (its 95% CI excludes 0 and the gain exceeds the MID), where there is no "
            "practical difference and where the study cannot tell: " + "; ".join(parts) + "."
        )
        cost = self._cost_phrase(split)
        if cost:
            second += " " + cost
        valued = next(
            (p for p in (crossover.get("net_benefit") or {}).get("pairs", []) if p["challenger"] == "separate"), None
        )
        if valued is not None:
            second += (
                f" On the net benefit, with a project-week of delay worth {format_number(self.value_per_project_week)}"
                f": separate against combined: {_regions_phrase(valued, 0.0)}."
            )
        return {
            "verdict": verdict,
            "sentences": [sentence, second],
            "culture": self.plan.culture,
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

    def _cost_phrase(self, pair: dict) -> str:
        """What splitting costs where it wins, and the value of a project-week from which it pays."""
        regions = [r for r in pair.get("regions") or [] if r["winner"] == "challenger"]
        if not regions:
            return ""
        at = regions[-1]["from"]
        row = self.net_benefit()
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

    # ------------------------------------------------------------- tables

    def tradeoffs(self) -> pd.DataFrame:
        """tradeoffs.csv: culture, employees, structure, metric, mean, ci_low, ci_high of the
        answer's metrics at every size (the trade-off figure)."""
        if "tradeoffs" in self._cache:
            return self._cache["tradeoffs"]
        rows = []
        for key, sweep in self.sweeps.items():
            if not key.startswith("main."):
                continue
            for point, result in zip(sweep.points, sweep.results, strict=True):
                summary = result.summary.set_index("metric")
                for metric in (*ANSWER_METRICS, "projects_open_at_end"):
                    mean, low, high, n = (
                        summary.loc[metric, c] if metric in summary.index else math.nan
                        for c in ("mean", "ci_low", "ci_high", "n")
                    )
                    rows.append(
                        {
                            "culture": key.split(".", 1)[1],
                            "employees": point["org.employees"],
                            "structure": point["org.structure"],
                            "metric": metric,
                            "mean": float(mean),
                            "ci_low": float(low),
                            "ci_high": float(high),
                            "n": int(n) if np.isfinite(n) else 0,  # replications with a value
                        }
                    )
        self._cache["tradeoffs"] = pd.DataFrame(rows)
        return self._cache["tradeoffs"]

    def net_benefit(self) -> pd.DataFrame:
        """net_benefit.csv: every structure against combined at every size (the answer's
        culture), paired by replication: extra staff cost a week, project-weeks saved a week,
        the break-even value of a project-week (extra cost / project-weeks saved; above it
        the structure pays, NaN where it saves none), and with a value the net benefit a week."""
        if "net_benefit" in self._cache:
            return self._cache["net_benefit"]
        rows = []
        value = self.value_per_project_week
        for n in self.plan.sizes:
            base = self._main_point(n, "combined").replications
            for structure in self.plan.structures[1:]:
                other = self._main_point(n, structure).replications
                cost = paired_difference(base["staff_cost_per_week"], other["staff_cost_per_week"])
                saved = paired_difference(project_weeks_per_week(other), project_weeks_per_week(base))
                benefit = paired_difference(
                    np.zeros(len(base)), cost_with_delay(base, value) - cost_with_delay(other, value)
                )
                rows.append(
                    {
                        "employees": n,
                        "structure": structure,
                        "extra_staff_cost": cost["mean_difference"],
                        "extra_staff_cost_ci_low": cost["ci_low"],
                        "extra_staff_cost_ci_high": cost["ci_high"],
                        "project_weeks_saved": saved["mean_difference"],
                        "project_weeks_saved_ci_low": saved["ci_low"],
                        "project_weeks_saved_ci_high": saved["ci_high"],
                        "break_even_value": (
                            cost["mean_difference"] / saved["mean_difference"]
                            if saved["mean_difference"] > 0
                            else math.nan
                        ),
                        "value_per_project_week": value,
                        "net_benefit": benefit["mean_difference"],
                        "net_benefit_ci_low": benefit["ci_low"],
                        "net_benefit_ci_high": benefit["ci_high"],
                    }
                )
        self._cache["net_benefit"] = pd.DataFrame(rows)
        return self._cache["net_benefit"]

    def it_manager_hours(self) -> pd.DataFrame:
        """it_manager_hours.csv: hours per IT manager per week by duty, at every size, under
        combined and separate (Q1, Q5): culture, employees, structure, duty, family, mean,
        ci_low, ci_high, share (of the IT manager's busy hours)."""
        rows = []
        prefix = "hours_per_person_week.it_manager."
        for n in self.plan.sizes:
            for structure in ("combined", "separate"):
                frame = self._main_point(n, structure).replications
                columns = [c for c in frame.columns if c.startswith(prefix)]
                total = frame[columns].sum(axis=1).to_numpy(dtype=float)
                for column in columns:
                    duty = column[len(prefix) :]
                    values = frame[column].to_numpy(dtype=float)
                    mean, low, high = mean_interval(values)
                    share = mean_interval(np.divide(values, total, out=np.zeros_like(values), where=total > 0))
                    rows.append(
                        {
                            "employees": n,
                            "structure": structure,
                            "duty": duty,
                            "family": DUTY_FAMILY.get(duty, "setup"),
                            "mean": mean,
                            "ci_low": low,
                            "ci_high": high,
                            "share": share[0],
                        }
                    )
        return pd.DataFrame(rows)

    def headcount_steps(self) -> pd.DataFrame:
        """headcount_steps.csv: every whole-person step of every role along the sizes, per structure."""
        rows = []
        for structure in self.plan.structures:
            for step in self.main.headcount_steps(structure):
                rows.append({"structure": structure, **step})
        columns = ["structure", "x", "previous_x", "role", "before", "after"]
        return pd.DataFrame(rows, columns=columns).rename(columns={"x": "employees", "previous_x": "from_employees"})

    def unfinished(self) -> pd.DataFrame:
        """Points of the answer's sweeps where some replications finished no project in the
        measured weeks: their lead time is unknown (longer than the run) and left out, so the
        mean there understates that structure's lead time.  culture, employees, structure,
        replications, without (how many finished none)."""
        table = self.tradeoffs()
        rows = table[(table["metric"] == LEAD_TIME) & (table["n"] < self.plan.replications)]
        return pd.DataFrame(
            {
                "culture": rows["culture"],
                "employees": rows["employees"],
                "structure": rows["structure"],
                "replications": self.plan.replications,
                "without": self.plan.replications - rows["n"],
            }
        ).reset_index(drop=True)

    def headcounts(self) -> pd.DataFrame:
        """headcounts.csv: people per role at every size, per structure (one column per size)."""
        rows = []
        for structure in self.plan.structures:
            counts = {n: self._main_point(n, structure).scenario.headcounts() for n in self.plan.sizes}
            roles = list(dict.fromkeys(role for n in self.plan.sizes for role in counts[n]))
            for role in roles:
                rows.append(
                    {"structure": structure, "role": role, **{str(n): counts[n].get(role, 0) for n in self.plan.sizes}}
                )
        return pd.DataFrame(rows)

    def sensitivity(self) -> pd.DataFrame:
        """sensitivity.csv: the crossover of separate against combined (project lead time) with
        one parameter at a time at a low and a high value, beside the base case and the other
        culture: parameter, value, replications, winner (practically better at the top of the
        range, with the MID; or neither), practical_from, below_mid, crossover, ci_low, ci_high
        (see :func:`_top`), sentence, and ``shift`` (how far the crossover moved from the
        base, in employees)."""
        if "sensitivity" in self._cache:
            return self._cache["sensitivity"]
        rows = []

        def add(parameter, value, sweep):
            pair = next(p for p in sweep.crossover(LEAD_TIME, 0.0)["pairs"] if p["challenger"] == "separate")
            rows.append(
                {
                    "parameter": parameter,
                    "value": value if isinstance(value, str) else format_number(value),  # a text column
                    "replications": len(sweep.results[0].replications),
                    **_top(pair),
                    "sentence": pair["sentence"],
                }
            )

        sizes = self.plan.sensitivity_sizes
        add("base case", "as in the scenario", _restricted(self.main, sizes))
        add("org.culture", self.plan.other_culture, _restricted(self.sweeps[f"main.{self.plan.other_culture}"], sizes))
        for path, low, high in self.plan.sensitivity:
            for level, value in (("low", low), ("high", high)):
                add(path, value, self.sweeps[f"sensitivity.{path}.{level}"])
        frame = pd.DataFrame(rows)
        for column in ("crossover", "ci_low", "ci_high", "practical_from"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        frame["shift"] = frame["crossover"] - frame.loc[0, "crossover"]
        self._cache["sensitivity"] = frame
        return frame

    def realism(self) -> pd.DataFrame:
        """realism.csv: the scenario as it is, beside published figures."""
        return realism(self.basis)

    # ------------------------------------------------------------- Q1-Q8

    def questions(self) -> dict[str, dict]:
        """Q1-Q8: for each, ``title``, ``experiment`` (what was run), ``table`` (its data, the
        CSV behind its figure), ``number`` (quantity, mean, ci_low, ci_high, unit) and ``verdict``."""
        if "questions" not in self._cache:
            self._cache["questions"] = {
                "Q1": self._q1(),
                "Q2": self._q2(),
                "Q3": self._q3(),
                "Q4": self._q4(),
                "Q5": self._q5(),
                "Q6": self._q6(),
                "Q7": self._q7(),
                "Q8": self._q8(),
            }
        return self._cache["questions"]

    def key_numbers(self) -> pd.DataFrame:
        """key_numbers.csv: the number each question rests on, with its CI and the verdict."""
        rows = []
        for q, item in self.questions().items():
            number = item["number"]
            rows.append({"question": q, **number, "verdict": item["verdict"]})
        return pd.DataFrame(rows)

    def _family_share(self, result: Results, role: str, families: tuple[str, ...]) -> np.ndarray:
        frame = result.replications
        prefix = f"hours_per_person_week.{role}."
        columns = [c for c in frame.columns if c.startswith(prefix)]
        chosen = [c for c in columns if DUTY_FAMILY.get(c[len(prefix) :]) in families]
        total = frame[columns].sum(axis=1).to_numpy(dtype=float)
        part = frame[chosen].sum(axis=1).to_numpy(dtype=float)
        return np.divide(part, total, out=np.full_like(total, np.nan), where=total > 0)

    def _number(self, quantity: str, unit: str, values=None, difference: dict | None = None) -> dict:
        if difference is not None:
            mean, low, high, n = (
                difference["mean_difference"],
                difference["ci_low"],
                difference["ci_high"],
                difference["n"],
            )
            kind = "paired difference"
        else:
            mean, low, high = mean_interval(values)
            n = int(np.isfinite(np.asarray(values, dtype=float)).sum())
            kind = "mean"
            if unit == "share":  # a share's interval stays within 0 to 1
                low, high = max(low, 0.0), min(high, 1.0)
        return {
            "quantity": quantity,
            "unit": unit,
            "kind": kind,
            "mean": mean,
            "ci_low": low,
            "ci_high": high,
            "n": n,
        }

    def _q1(self) -> dict:
        n = self.plan.reference_size
        rows = []
        for structure in ("combined", "separate"):
            result = self._main_point(n, structure)
            frame = result.replications
            for role in sorted({c.split(".")[1] for c in frame.columns if c.startswith("hours_per_person_week.")}):
                for family in ("operations", "project", "management"):
                    share = self._family_share(result, role, (family,))
                    mean, low, high = mean_interval(share)
                    rows.append(
                        {
                            "employees": n,
                            "structure": structure,
                            "role": role,
                            "family": family,
                            "share": mean,
                            "ci_low": low,
                            "ci_high": high,
                        }
                    )
        table = pd.DataFrame(rows)
        share = self._family_share(self._main_point(n, "combined"), "it_manager", ("project",))
        number = self._number(
            f"share of the combined IT manager's busy hours on project duties at {n:,} employees", "share", share
        )
        ops = mean_interval(self._family_share(self._main_point(n, "combined"), "it_manager", ("operations",)))[0]
        verdict = (
            f"Two disciplines, one person: under combined the IT manager spends {_percent(number['mean'])} of the "
            f"busy hours on projects and {_percent(ops)} on operations, and the two compete for the same week; "
            f"under separate the project manager's hours are project hours."
        )
        return {
            "title": "PM and IT manager are two disciplines: projects vs IT service management",
            "experiment": f"where every role's busy hours go, by family of duty, at {n:,} employees, combined and "
            f"separate ({self.plan.replications} replications)",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _q2(self) -> dict:
        n = self.plan.sizes[0]
        rows = []
        base = self._main_point(n, "combined").replications
        other = self._main_point(n, "separate").replications
        for metric in ANSWER_METRICS:
            if metric not in base or metric not in other:
                continue
            row = paired_difference(base[metric], other[metric])
            mid = catalogue.minimal_difference(metric)
            threshold = mid.threshold(float(np.nanmean(base[metric]))) if mid else None
            rows.append(
                {
                    "employees": n,
                    "metric": metric,
                    "combined": float(np.nanmean(base[metric])),
                    "separate": float(np.nanmean(other[metric])),
                    "difference": row["mean_difference"],
                    "ci_low": row["ci_low"],
                    "ci_high": row["ci_high"],
                    "mid": threshold,
                    "verdict_for_separate": (
                        _advantage_call(row, threshold, catalogue.better_direction(metric) < 0)
                        if threshold is not None and catalogue.better_direction(metric)
                        else "a description"
                    ),
                }
            )
        table = pd.DataFrame(rows)
        lead = table.set_index("metric").loc[LEAD_TIME]
        cost = table.set_index("metric").loc["staff_cost_per_week"]
        number = self._number(
            f"project lead time, separate - combined, at {n:,} employees",
            "weeks",
            difference=paired_difference(base[LEAD_TIME], other[LEAD_TIME]),
        )
        said = (
            f"a dedicated PM changes project lead time by {format_number(lead['difference'], signed=True)} weeks "
            f"(95% CI {format_number(lead['ci_low'], signed=True)} to {format_number(lead['ci_high'], signed=True)}) "
            f"and costs {format_number(cost['difference'], signed=True)} a week"
        )
        verdict = {
            "better": f"Even at {n:,} employees combined is slower: {said}.",
            "worse": f"Combined works at {n:,} employees, and better than a dedicated PM: {said}.",
            "no practical difference": f"Combined works at {n:,} employees: {said}, no practical difference.",
            "inconclusive": f"At {n:,} employees the study cannot tell whether combined works as well: {said}; the "
            "interval is wider than the minimal important difference (run more replications).",
        }[lead["verdict_for_separate"]]
        return {
            "title": "An IT manager can be a PM, but need not be",
            "experiment": f"combined against separate at the smallest size studied, {n:,} employees, paired by "
            f"replication ({self.plan.replications} replications)",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _advantage(self, culture: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        base = self._main_point(n, "combined", culture).replications[LEAD_TIME].to_numpy(dtype=float)
        other = self._main_point(n, "separate", culture).replications[LEAD_TIME].to_numpy(dtype=float)
        return base, other

    def _q3(self) -> dict:
        rows = []
        cultures = (self.plan.culture, self.plan.other_culture)
        for culture in cultures:
            for n in self.plan.sizes:
                base, other = self._advantage(culture, n)
                row = paired_difference(other, base)  # combined - separate: > 0, separate faster
                rows.append(
                    {
                        "culture": culture,
                        "employees": n,
                        "separate_advantage_weeks": row["mean_difference"],
                        "ci_low": row["ci_low"],
                        "ci_high": row["ci_high"],
                        "n": row["n"],
                    }
                )
        table = pd.DataFrame(rows)
        n = self.plan.reference_size
        first = np.subtract(*self._advantage(cultures[0], n))
        second = np.subtract(*self._advantage(cultures[1], n))
        interaction = paired_difference(second, first)  # advantage under the first minus under the second
        number = self._number(
            f"separate's lead-time advantage under {cultures[0]} minus under {cultures[1]}, at {n:,} employees",
            "weeks",
            difference=interaction,
        )
        sweeps = {c: self.crossover(c) for c in cultures}
        mid = catalogue.minimal_difference(LEAD_TIME).value
        said = "; ".join(
            f"under {c} " + _top_phrase(next(p for p in sweeps[c]["pairs"] if p["challenger"] == "separate"), mid)
            for c in cultures
        )
        word = call(interaction["mean_difference"], interaction["ci_low"], interaction["ci_high"], mid)
        depends = {
            "better": "depends on culture",
            "worse": "depends on culture",
            "no practical difference": "does not depend on culture in practice",
            "inconclusive": "may depend on culture (the interval is wider than the MID)",
        }[word]
        regions = next(p for p in sweeps[cultures[0]]["pairs"] if p["challenger"] == "separate").get("regions") or []
        size = "Size matters" if len({r["winner"] for r in regions}) > 1 else "Size does not change the verdict"
        verdict = (
            f"{size}: {said}. At {n:,} employees separate's advantage {depends}: "
            f"{format_number(interaction['mean_difference'], signed=True)} weeks more under {cultures[0]} (95% CI "
            f"{format_number(interaction['ci_low'], signed=True)} to "
            f"{format_number(interaction['ci_high'], signed=True)})."
        )
        return {
            "title": "It depends on the size and culture of the organisation",
            "experiment": f"combined and separate at {len(self.plan.sizes)} sizes under both cultures "
            f"(operations first and projects first), paired by replication",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _q4(self) -> dict:
        n = self.plan.small_firm
        metrics = (
            f"project_lead_time_weeks_mean.{ERP_CLASS}",
            OTHER_PROJECTS,
            "utilisation.it_manager",
            "sla_attainment.total",
        )
        rows = []
        data = {}
        for label in ("without", "with"):
            for structure in ("combined", "separate"):
                result = self.result(f"erp.{label}", **{"org.structure": structure})
                data[label, structure] = result.replications.assign(**{OTHER_PROJECTS: _other_projects(result)})
                for metric in metrics:
                    frame = data[label, structure]
                    values = frame[metric] if metric in frame else np.full(1, np.nan)
                    mean, low, high = mean_interval(values)
                    rows.append(
                        {
                            "employees": n,
                            "erp": label,
                            "structure": structure,
                            "metric": metric,
                            "mean": mean,
                            "ci_low": low,
                            "ci_high": high,
                            "finished": int(np.isfinite(np.asarray(values, dtype=float)).sum()),
                        }
                    )
        table = pd.DataFrame(rows)
        erp = f"project_lead_time_weeks_mean.{ERP_CLASS}"
        combined, separate = data["with", "combined"][erp], data["with", "separate"][erp]
        # an ERP not finished by the end of the run took longer than the measured period: censored at it
        measured = self.scenario.simulation.horizon_weeks - self.scenario.simulation.warmup_weeks
        difference = paired_difference(separate.fillna(measured), combined.fillna(measured))
        number = self._number(
            f"the ERP rollout's lead time, combined - separate, at {n:,} employees (unfinished counted as "
            f"{format_number(measured)} weeks)",
            "weeks",
            difference=difference,
        )
        crowd = paired_difference(data["without", "combined"][OTHER_PROJECTS], data["with", "combined"][OTHER_PROJECTS])
        unfinished = int(combined.isna().sum())
        mid = catalogue.minimal_difference(LEAD_TIME).value
        word = call(difference["mean_difference"], difference["ci_low"], difference["ci_high"], mid)
        said = (
            f"its lead time, combined - separate, is {format_number(difference['mean_difference'], signed=True)} "
            f"weeks (95% CI {format_number(difference['ci_low'], signed=True)} to "
            f"{format_number(difference['ci_high'], signed=True)})"
            + (f", {unfinished} of {len(combined)} not finished in the run under combined" if unfinished else "")
        )
        verdict = {
            "better": f"One ERP rollout is a break point for a combined {n:,}-employee firm: {said}, and the other "
            f"projects' lead time changes by {format_number(crowd['mean_difference'], signed=True)} weeks when it "
            "lands.",
            "worse": f"One ERP rollout goes faster in a combined {n:,}-employee firm than with a PM: {said}.",
            "no practical difference": f"One ERP rollout does not break a combined {n:,}-employee firm here: {said}.",
            "inconclusive": f"The study cannot tell whether one ERP rollout breaks a combined {n:,}-employee firm: "
            f"{said}, an interval wider than the minimal important difference.",
        }[word]
        return {
            "title": "Small organisations hit a break point at one company project that needs a PM",
            "experiment": f"one ERP rollout ({format_number(ERP['effort_hours'])} hours of IT effort, a team of "
            f"{ERP['team_size']}, an estimate) scheduled at the first measured week in a {n:,}-employee firm, "
            f"combined and separate, with and without it",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _q5(self) -> dict:
        table = self.it_manager_hours()
        small, large = self.plan.sizes[0], self.plan.sizes[-1]
        combined = self._main_point(small, "combined")
        separate = self._main_point(large, "separate")

        def split(result):
            return ", ".join(
                f"{_percent(mean_interval(self._family_share(result, 'it_manager', (family,)))[0])} {family}"
                for family in ("operations", "project", "management")
            )

        project_small = self._family_share(combined, "it_manager", ("project",))
        number = self._number(
            f"the IT manager's share of busy hours on project duties: combined at {small:,} employees",
            "share",
            project_small,
        )
        small_project = mean_interval(project_small)[0]
        large_project = mean_interval(self._family_share(separate, "it_manager", ("project",)))[0]
        first = f"At {small:,} employees the combined IT manager's busy hours are {split(combined)}" + (
            "" if small_project >= 0.05 else ": projects get almost none of them"
        )
        second = f"at {large:,} employees under separate they are {split(separate)}" + (
            ": the project managers organise the project work" if large_project < 0.05 else ""
        )
        verdict = f"{first}; {second}."
        return {
            "title": "Small firms: one IT manager does everything; larger: the PM organises the work",
            "experiment": "the IT manager's hours per week by duty at every size, combined and separate",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _hours(self, hours: float) -> str:
        """``24 working hours (3 working days)``."""
        days = hours / self.scenario.calendar.hours_per_day
        return f"{format_number(hours)} working hours ({format_number(days)} working day{'' if days == 1 else 's'})"

    def _embedded_delay(self) -> str:
        """How much longer an embedded PM's escalation takes (its role's escalation latency)."""
        roles = self.result("structures", **{"org.structure": "embedded"}).scenario.roles
        extra = max((r.escalation_latency_hours for r in roles), default=0.0)
        return self._hours(extra)

    def _structure_values(self, structure: str) -> pd.DataFrame:
        """The replications of one structure at the reference size, with the IT managers'
        people-management hours summed over all of them (per person x FTE)."""
        frame = self.result("structures", **{"org.structure": structure}).replications
        per_person = frame.get(f"hours_per_person_week.it_manager.{PEOPLE}", 0.0)
        return frame.assign(**{IT_PEOPLE_HOURS: per_person * frame.get("fte.it_manager", 0.0)})

    def _structures_table(self, metrics) -> pd.DataFrame:
        sweep = self.sweeps["structures"]
        base = self._structure_values("combined")
        rows = []
        for point in sweep.points:
            values = self._structure_values(point["org.structure"])
            for metric in metrics:
                if metric not in values:
                    continue
                mean, low, high = mean_interval(values[metric])
                row = paired_difference(base[metric], values[metric])
                rows.append(
                    {
                        "employees": self.plan.reference_size,
                        "structure": point["org.structure"],
                        "metric": metric,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "difference_vs_combined": row["mean_difference"],
                        "difference_ci_low": row["ci_low"],
                        "difference_ci_high": row["ci_high"],
                    }
                )
        return pd.DataFrame(rows)

    def _q6(self) -> dict:
        metrics = (LEAD_TIME, "project_on_time_share", "rework_hours_per_week", "staff_cost_per_week")
        table = self._structures_table(metrics)
        n = self.plan.reference_size
        lead = table[table["metric"] == LEAD_TIME].set_index("structure")
        best = lead["mean"].idxmin() if lead["mean"].notna().any() else "combined"
        base = self.result("structures", **{"org.structure": "combined"}).replications[LEAD_TIME]
        other = self.result("structures", **{"org.structure": best}).replications[LEAD_TIME]
        number = self._number(
            f"project lead time, {best} - combined, at {n:,} employees",
            "weeks",
            difference=paired_difference(base, other),
        )
        ranked = lead["mean"].dropna().sort_values()
        order = ", ".join(f"{s} {format_number(v)}" for s, v in ranked.items())
        runner = ranked.index[1] if len(ranked) > 1 else None
        mid = catalogue.minimal_difference(LEAD_TIME).value
        if runner is None:
            versus = ""
        else:
            second = self.result("structures", **{"org.structure": runner}).replications[LEAD_TIME]
            row = paired_difference(other, second)  # runner-up - best: > 0, best faster
            word = call(row["mean_difference"], row["ci_low"], row["ci_high"], mid)
            versus = {
                "better": f"; {best} is fastest, ahead of {runner} by more than the MID",
                "worse": f"; {runner} is fastest",
                "no practical difference": f"; {best} and {runner} are fastest, with no practical difference",
                "inconclusive": f"; {best} leads, but the study cannot tell it from {runner}",
            }[word] + (
                f" ({format_number(row['mean_difference'], signed=True)} weeks, 95% CI "
                f"{format_number(row['ci_low'], signed=True)} to {format_number(row['ci_high'], signed=True)})"
            )
        verdict = (
            f"Each structure has its own mechanism and outcome: mean project lead time at {n:,} employees "
            f"{order} weeks{versus}."
        )
        return {
            "title": "PMO, embedded PMs, a senior engineer without the title, no PM role",
            "experiment": f"every structure at {n:,} employees, paired by replication against combined",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _q7(self) -> dict:
        n = self.plan.reference_size
        metrics = (IT_PEOPLE_HOURS, "rework_hours_per_week", LEAD_TIME, "staff_cost_per_week")
        table = self._structures_table(metrics)
        table = table[table["structure"].isin(["separate", "embedded"])].reset_index(drop=True)
        separate, embedded = self._structure_values("separate"), self._structure_values("embedded")
        difference = paired_difference(embedded[IT_PEOPLE_HOURS], separate[IT_PEOPLE_HOURS])
        rework = paired_difference(separate["rework_hours_per_week"], embedded["rework_hours_per_week"])
        lead = paired_difference(separate[LEAD_TIME], embedded[LEAD_TIME])
        number = self._number(
            f"people-management hours of all IT managers a week, separate (PMs report to the IT manager) - "
            f"embedded (PMs outside IT), at {n:,} employees",
            "hours per week",
            difference=difference,
        )
        effects = []
        for row, what, unit, metric in (
            (rework, "rework", "hours a week", "rework_hours_per_week"),
            (lead, "lead time", "weeks", LEAD_TIME),
        ):
            mid = catalogue.minimal_difference(metric).threshold(float(np.nanmean(separate[metric])))
            word = _advantage_call(row, mid)  # embedded against separate: lower is better
            effects.append(
                f"{what} {format_number(row['mean_difference'], signed=True)} {unit} (95% CI "
                f"{format_number(row['ci_low'], signed=True)} to {format_number(row['ci_high'], signed=True)}: "
                + {
                    "better": "better",
                    "worse": "worse",
                    "no practical difference": "no practical difference",
                    "inconclusive": "the study cannot tell",
                }[word]
                + ")"
            )
        fixed = bool(np.isclose(difference["ci_low"], difference["ci_high"]))
        verdict = (
            f"PMs who report to the IT manager cost the IT managers "
            f"{format_number(difference['mean_difference'], signed=True)} hours of 1:1s and appraisals a week"
            + (" (fixed by the reporting lines and the meeting rules)" if fixed else "")
            + f"; PMs outside IT escalate across lines, {self._embedded_delay()} slower, with "
            + " and ".join(effects)
            + " against PMs inside IT."
        )
        return {
            "title": "A PM usually reports to an IT manager",
            "experiment": f"separate (PMs report to the IT manager) against embedded (PMs outside IT) at {n:,} "
            "employees, paired by replication",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    def _q8(self) -> dict:
        sweep = self.sweeps["clarity"]
        rows = []
        for point, result in zip(sweep.points, sweep.results, strict=True):
            for metric in (LEAD_TIME, "rework_hours_per_week", "project_on_time_share"):
                mean, low, high = mean_interval(result.replications[metric])
                rows.append(
                    {
                        "employees": self.plan.reference_size,
                        "structure": "separate",
                        "role_clarity": point["org.role_clarity"],
                        "metric": metric,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
        table = pd.DataFrame(rows)
        low, high = min(self.plan.clarity), max(self.plan.clarity)
        unclear = self.result("clarity", **{"org.role_clarity": low}).replications
        clear = self.result("clarity", **{"org.role_clarity": high}).replications
        difference = paired_difference(clear[LEAD_TIME], unclear[LEAD_TIME])
        rework = paired_difference(clear["rework_hours_per_week"], unclear["rework_hours_per_week"])
        number = self._number(
            f"project lead time at role clarity {format_number(low)} - at {format_number(high)}, separate, "
            f"{self.plan.reference_size:,} employees",
            "weeks",
            difference=difference,
        )
        mid = catalogue.minimal_difference(LEAD_TIME).value
        word = call(difference["mean_difference"], difference["ci_low"], difference["ci_high"], mid)
        strength = {  # clear roles against unclear: positive, clarity shortens lead time
            "better": "matters",
            "worse": "backfires here",
            "no practical difference": (
                "helps, but by less than the minimal important difference"
                if difference["ci_low"] > 0
                else "makes no practical difference to lead time here"
            ),
            "inconclusive": "may matter: the study cannot tell (the interval is wider than the MID)",
        }[word]
        verdict = (
            f"Role clarity {strength}: with unclear roles, where each decision that needs both waits "
            f"{self._hours(self.scenario.projects.decision_latency_hours)} longer, lead time changes by "
            f"{format_number(difference['mean_difference'], signed=True)} weeks and rework by "
            f"{format_number(rework['mean_difference'], signed=True)} hours a week."
        )
        return {
            "title": "A good PM-IT manager relationship, with roles agreed early, drives project success",
            "experiment": f"role clarity {', '.join(format_number(c) for c in self.plan.clarity)} under separate at "
            f"{self.plan.reference_size:,} employees, paired by replication",
            "table": table,
            "number": number,
            "verdict": verdict,
        }

    # ------------------------------------------------------------- files

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every CSV the study writes, by file name."""
        out = {
            "tradeoffs.csv": self.tradeoffs(),
            "net_benefit.csv": self.net_benefit(),
            "it_manager_hours.csv": self.it_manager_hours(),
            "headcounts.csv": self.headcounts(),
            "headcount_steps.csv": self.headcount_steps(),
            "sensitivity.csv": self.sensitivity(),
            "realism.csv": self.realism(),
            "key_numbers.csv": self.key_numbers(),
        }
        for q, item in self.questions().items():
            out.setdefault(question_csv(q), item["table"])
        return out

    def summary(self) -> dict:
        """study.json: the plan, the answer, the key numbers and the sensitivity."""
        return _jsonable(
            {
                "scenario": self.scenario.name,
                "seed": self.seed,
                "plan": {
                    "sizes": list(self.plan.sizes),
                    "structures": list(self.plan.structures),
                    "cultures": list(self.plan.cultures),
                    "replications": self.plan.replications,
                    "reference_size": self.plan.reference_size,
                    "small_firm": self.plan.small_firm,
                    "quick": self.plan.quick,
                },
                "value_per_project_week": self.value_per_project_week,
                "answer": self.answer(),
                "warnings": self.warnings,
                "unfinished": self.unfinished().to_dict(orient="records"),
                "questions": {
                    q: {k: v for k, v in item.items() if k != "table"} for q, item in self.questions().items()
                },
            }
        )

    def write(self, folder: OutputFolder) -> None:
        """Every table as CSV, and study.json."""
        for name, frame in self.tables().items():
            folder.frame(name, frame)
        folder.text("study.json", json.dumps(self.summary(), indent=2))

    @property
    def warnings(self) -> list[str]:
        out = []
        for key, sweep in self.sweeps.items():
            out.extend(f"{key}: {w}" for w in sweep.warnings)
        return out


def _restricted(sweep: Sweep, sizes) -> Sweep:
    """The combined and separate points of a size sweep at ``sizes`` only (the sensitivity's
    grid), so that the base case's crossover is found on the same grid as every variant's."""
    keep = [
        i
        for i, point in enumerate(sweep.points)
        if point["org.employees"] in sizes and point["org.structure"] in ("combined", "separate")
    ]
    return Sweep(
        sweep.scenario,
        {"org.employees": list(sizes)},
        {"org.structure": ["combined", "separate"]},
        [sweep.points[i] for i in keep],
        [sweep.results[i] for i in keep],
        sweep.seed,
        set(sweep.log_scale),
    )


def call(mean: float, low: float, high: float, mid: float) -> str:
    """A difference in words, ``mean`` (CI ``low`` to ``high``) oriented so that positive is
    good for the alternative named: ``better`` or ``worse`` when the CI excludes zero and the
    difference exceeds the minimal important difference ``mid``; ``no practical difference``
    when the CI lies within +-MID, or the difference is significant but smaller; else
    ``inconclusive`` (the CI is wider than the MID: more replications would tell)."""
    if not all(np.isfinite([mean, low, high])):
        return "inconclusive"
    if low > 0 and mean > mid:
        return "better"
    if high < 0 and -mean > mid:
        return "worse"
    if (low >= -mid and high <= mid) or low > 0 or high < 0:
        return "no practical difference"
    return "inconclusive"


def _advantage_call(row: dict, mid: float, lower_is_better: bool = True) -> str:
    """:func:`call` on a paired difference ``b - a`` (from :func:`paired_difference`), for
    ``b``: its advantage is ``a - b`` where lower is better."""
    sign = -1.0 if lower_is_better else 1.0
    low, high = sorted((sign * row["ci_low"], sign * row["ci_high"]))
    return call(sign * row["mean_difference"], low, high, mid)


def _point_word(mean: float, low: float, high: float, pairs: int, mid: float) -> str:
    """What a grid point without a winner says: ``too few finished projects`` (under 3 pairs),
    ``no significant difference`` (without a MID), else :func:`call`'s ``no practical
    difference`` or ``inconclusive``."""
    if pairs < 3:
        return "too few finished projects"
    if mid <= 0:
        return "no significant difference"
    return call(mean, low, high, mid)


def _runs(pair: dict, mid: float) -> list[tuple[str, float, float]]:
    """The pair's grid points as runs of one verdict each, in order: (``"separate better"``
    or a :func:`_point_word`, from, to)."""
    names = {"baseline": pair["baseline"], "challenger": pair["challenger"]}
    runs: list[list] = []
    for region in pair.get("regions") or []:
        counts = region.get("replications") or [3] * len(region["points"])
        for x, m, (lo, hi), k in zip(
            region["points"], region["mean_advantage"], region["ci_advantage"], counts, strict=True
        ):
            label = f"{names[region['winner']]} better" if region["winner"] else _point_word(m, lo, hi, k, mid)
            if runs and runs[-1][0] == label:
                runs[-1][2] = x
            else:
                runs.append([label, x, x])
    return [tuple(run) for run in runs]


def _other_projects(result: Results) -> np.ndarray:
    """Per replication, the mean lead time of the finished projects other than the ERP rollout
    (NaN where none finished)."""
    projects = result.projects
    others = projects[projects["project_class"] != ERP_CLASS]
    means = others.groupby("replication")["lead_time_weeks"].mean()
    return np.array([means.get(k, np.nan) for k in result.replications["replication"]], dtype=float)


def _percent(share: float) -> str:
    return "n/a" if not np.isfinite(share) else f"{share * 100:.0f}%"


def _top(pair: dict) -> dict:
    """Who wins a pair at the top of the range, practically (the last region, with the MID),
    and from where: ``winner`` (a structure, or "neither"), ``practical_from`` (the first
    size of that last region), and the interpolated ``crossover`` with its 95% CI only when
    the significance crossover names the same winner (else NaN: significant at the top
    but below the MID is no crossover)."""
    regions = pair.get("regions") or []
    last = regions[-1] if regions else {"winner": None}
    names = {"challenger": pair["challenger"], "baseline": pair["baseline"]}
    same = last["winner"] is not None and last["winner"] == pair.get("winner")
    return {
        "winner": names.get(last["winner"], "neither"),
        "practical_from": last.get("from") if last["winner"] is not None else math.nan,
        "below_mid": bool(last.get("below_mid")),
        "crossover": pair.get("crossover") if same else math.nan,
        "ci_low": pair.get("ci_low") if same else math.nan,
        "ci_high": pair.get("ci_high") if same else math.nan,
    }


def _top_phrase(pair: dict, mid: float) -> str:
    top = _top(pair)
    if top["winner"] == "neither":
        runs = _runs(pair, mid)
        return f"at the top of the range: {runs[-1][0] if runs else 'too few finished projects'}"
    return f"{top['winner']} is better from {format_number(top['practical_from'])} employees"


def question_csv(question: str) -> str:
    """The CSV behind a question's figure: ``q4.csv``; Q5's is it_manager_hours.csv."""
    return "it_manager_hours.csv" if question == "Q5" else f"{question.lower()}.csv"


def _regions_phrase(pair: dict, mid: float) -> str:
    regions = pair.get("regions") or []
    if not regions:
        return "not compared (too few replications finish a project at any size)"
    parts = []
    for label, low, high in _runs(pair, mid):
        where = format_number(low) + (f"-{format_number(high)}" if high != low else "")
        parts.append(f"{label} at {where}")
    return ", ".join(parts)


def study(
    scenario: Scenario,
    plan: StudyPlan | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    cache: RunCache | None = None,
    value_per_project_week: float | None = None,
) -> Study:
    """Run the whole study on ``scenario`` in one batch (every run on one executor, each
    distinct run once: points that several experiments share are run once), resumable
    through ``cache`` like a sweep."""
    plan = plan or study_plan(scenario)
    seed = scenario.simulation.seed if seed is None else seed
    replications = plan.replications
    built: list[tuple[_Experiment, list[dict], list[str]]] = []
    unique: dict[str, Scenario] = {}  # by the resolved scenario: each run once
    for experiment in _experiments(scenario, plan):
        points = grid(experiment.vary, experiment.across) if experiment.vary or experiment.across else [{}]
        keys = []
        for point in points:
            changed = scenario.with_changes({**experiment.base, **point})
            key = _fingerprint(changed)
            unique.setdefault(key, changed)
            keys.append(key)
        built.append((experiment, points, keys))
    check_runs(len(unique), replications)
    check_work(list(unique.values()), replications, jobs)
    # the largest organisations first, so that no long run is left for the end on one core
    order = sorted(unique, key=lambda key: -unique[key].org.employees)
    tasks = [Task(unique[key], k, seed) for key in order for k in range(replications)]
    outputs = run_tasks(tasks, jobs, executor, progress, cache, "study")
    results_of = {
        key: Results.from_outputs(unique[key], seed, outputs[i * replications : (i + 1) * replications])
        for i, key in enumerate(order)
    }
    sweeps: dict[str, Sweep] = {}
    basis = None
    for experiment, points, keys in built:
        results = [results_of[key] for key in keys]
        if experiment.key == "basis":
            basis = results[0]
            continue
        base = scenario.with_changes(experiment.base) if experiment.base else scenario
        log = {"org.employees"} if "org.employees" in experiment.vary else set()
        sweeps[experiment.key] = Sweep(base, dict(experiment.vary), dict(experiment.across), points, results, seed, log)
    value = scenario.projects.value_per_project_week if value_per_project_week is None else value_per_project_week
    return Study(scenario, plan, seed, sweeps, basis, float(value))
