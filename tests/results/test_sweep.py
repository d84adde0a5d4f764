"""A grid (orgsim.results.sweep): a Sweep, its crossover, regions, headcount steps and the
sentence that says them."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from orgsim.results import OutputFolder, Results, Sweep, sweep
from orgsim.stats import format_number, summarise
from tests.conftest import make_scenario, overtime_cost

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}

# ------------------------------------------------------------------ a grid


def test_net_benefit_weighs_project_weeks_against_staff_cost():
    """Separate has a shorter lead time but costs a project manager: with a project-week
    worth next to nothing, the delay saved cannot pay for one, so combined wins on net
    benefit everywhere, whatever the lead-time crossover says."""
    base = make_scenario(name="cost", simulation={"horizon_weeks": 20, "warmup_weeks": 2})
    result = sweep(
        base,
        vary={"org.employees": [100, 400, 1600]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=2,
        jobs=1,
    )
    crossover = result.crossover("project_lead_time_weeks_mean", value_per_project_week=1e-9)
    cheap = crossover["net_benefit"]["pairs"][0]
    assert cheap["winner"] == "baseline" and cheap["whole_range"]
    assert "combined beats separate on net benefit" in cheap["sentence"]
    assert "net benefit" not in crossover["pairs"][0]["sentence"]


def test_sweep_frames_and_what_a_crossover_needs():
    base = make_scenario(name="grid", simulation={"horizon_weeks": 8, "warmup_weeks": 2})
    result = sweep(
        base,
        vary={"org.employees": [40, 80]},
        across={"org.structure": ["combined", "separate"]},
        replications=3,
        seed=6,
        jobs=1,
    )
    assert result.parameters == ["org.employees", "org.structure"]
    assert result.log_scale == set()  # two values: not taken for a log range
    frame = result.frame
    assert len(frame) == 2 * 2 * 3
    assert list(frame.columns[:3]) == ["org.employees", "org.structure", "replication"]
    assert list(frame["org.employees"]) == [40] * 6 + [80] * 6
    separate_cost = frame[frame["org.structure"] == "separate"]["staff_cost_per_week"]
    combined_cost = frame[frame["org.structure"] == "combined"]["staff_cost_per_week"]
    # a project manager at 70 per hour, 40 h, and the overtime each side works (paid)
    overtime = {
        (p["org.employees"], p["org.structure"]): overtime_cost(r)
        for p, r in zip(result.points, result.results, strict=True)
    }
    paid = np.concatenate([2800.0 + overtime[n, "separate"] - overtime[n, "combined"] for n in (40, 80)])
    assert (separate_cost.to_numpy() - combined_cost.to_numpy()) == pytest.approx(paid)
    summary = result.summary
    assert len(summary) == sum(len(r.summary) for r in result.results)
    costs = summary[summary["metric"] == "staff_cost_per_week"]
    assert list(zip(costs["org.employees"], costs["org.structure"], strict=True)) == [
        (40, "combined"),
        (40, "separate"),
        (80, "combined"),
        (80, "separate"),
    ]
    crossover = result.crossover("staff_cost_per_week")
    assert crossover["parameter"] == "org.employees" and crossover["across"] == "org.structure"
    pair = crossover["pairs"][0]
    assert pair["winner"] == "baseline" and pair["whole_range"]
    assert pair["sentence"] == "combined beats separate on staff cost across the whole range (40-80 employees)"
    # from 40 to 80 employees both structures take a first service desk agent and a second engineer
    hires = [{"x": 80, "previous_x": 40, "role": "service_desk", "before": 0, "after": 1}]
    hires.append({"x": 80, "previous_x": 40, "role": "engineer", "before": 1, "after": 2})
    assert pair["headcount_steps"] == {"baseline": hires, "challenger": hires}
    mean_paid = [paid[:3].mean(), paid[3:].mean()]
    assert pair["regions"][0]["mean_advantage"] == pytest.approx(mean_paid)
    for (low, high), mean in zip(pair["regions"][0]["ci_advantage"], mean_paid, strict=True):
        assert low - 1e-6 <= mean <= high + 1e-6
    regions = [
        {k: v for k, v in region.items() if k not in ("mean_advantage", "ci_advantage")} for region in pair["regions"]
    ]
    assert regions == [
        {
            "winner": "baseline",
            "from": 40.0,
            "to": 80.0,
            "points": [40.0, 80.0],
            "replications": [3, 3],
            "verdicts": ["worse", "worse"],  # stats.judge's word for the challenger at each point
            "below_mid": False,
            "undetermined": False,
        }
    ]
    assert pair["on_step"] == []  # one region, no boundary
    with pytest.raises(ValueError, match="no metric"):
        result.crossover("nonsense")
    with pytest.raises(ValueError, match="at least one"):
        sweep(base, vary={}, replications=1, seed=1, jobs=1)
    only_across = sweep(base, vary={}, across={"org.structure": ["combined", "separate"]}, replications=1, jobs=1)
    with pytest.raises(ValueError, match="exactly one --vary and one --across"):
        only_across.crossover("staff_cost_per_week")
    overtime = {
        p["org.structure"]: overtime_cost(r)[0] for p, r in zip(only_across.points, only_across.results, strict=True)
    }
    assert math.isclose(
        only_across.frame.set_index("org.structure").loc["separate", "staff_cost_per_week"]
        - only_across.frame.set_index("org.structure").loc["combined", "staff_cost_per_week"],
        2800.0 + overtime["separate"] - overtime["combined"],
    )


# ------------------------------------------------------------------ regions and headcount steps

LEAD = "project_lead_time_weeks_mean"
ADVICE = "try --across org.fractional_headcount=false,true or --set org.fractional_headcount=true"


def _fake_sweep(xs, advantage, replications=10, seed=4, fractional=()):
    """A Sweep over org.employees x org.structure (combined, separate) without simulating:
    the scenarios are real (their headcounts are the shipped rules), the project lead times
    are made up.  Separate's lead time is lower than combined's by exactly ``advantage[i]``
    on average at ``xs[i]`` (centred paired noise, large common noise).  Structures named in
    ``fractional`` get a stand-in scenario that counts fractional FTE."""
    rng = np.random.default_rng(seed)
    points, results = [], []
    for x, gain in zip(xs, advantage, strict=True):
        combined = rng.normal(20, 4, replications)
        noise = rng.normal(0, 0.05, replications)
        values = {"combined": combined, "separate": combined - gain + noise - noise.mean()}
        for structure in ("combined", "separate"):
            scenario = make_scenario(org={"employees": x, "structure": structure})
            if structure in fractional:
                scenario = SimpleNamespace(
                    org=SimpleNamespace(fractional_headcount=True), headcounts=scenario.headcounts
                )
            frame = pd.DataFrame({"replication": range(replications), LEAD: values[structure]})
            empty = pd.DataFrame()
            results.append(Results(scenario, 1, frame, summarise(frame), empty, empty, empty, empty))
            points.append({"org.employees": x, "org.structure": structure})
    vary, across = {"org.employees": list(xs)}, {"org.structure": ["combined", "separate"]}
    return Sweep(make_scenario(name="made-up"), vary, across, points, results, seed=1)


def test_sweep_regions_and_sentence_name_every_region_in_order():
    """Separate better at 25-200, equal at 400, combined better at 450-499, separate better
    from 500: the sentence names all four regions, keeps the interpolated crossover of the
    top-of-range winner, and flags the two region boundaries where only one structure
    hires (a project manager under separate at 400 and 450, an IT manager under combined);
    the crossover itself (499 to 500) lies on no step."""
    xs = [25, 50, 100, 200, 400, 450, 499, 500, 800, 1600]
    pair = _fake_sweep(xs, [2, 2, 2, 2, 0, -2, -2, 2, 2, 2]).crossover(LEAD)["pairs"][0]
    assert [(r["winner"], r["from"], r["to"]) for r in pair["regions"]] == [
        ("challenger", 25.0, 200.0),
        (None, 400.0, 400.0),
        ("baseline", 450.0, 499.0),
        ("challenger", 500.0, 1600.0),
    ]
    assert pair["regions"][2]["mean_advantage"] == pytest.approx([2.0, 2.0])
    assert pair["winner"] == "challenger" and pair["significant_from"] == 500.0
    assert 499 <= pair["crossover"] <= 500
    assert [(e["between"], e["crossover"], e["region_boundary"], e["sets_apart"]) for e in pair["on_step"]] == [
        ([200.0, 400.0], False, True, True),
        ([400.0, 450.0], False, True, True),
    ]
    steps = pair["headcount_steps"]["challenger"]
    assert {"x": 450, "previous_x": 400, "role": "project_manager", "before": 2, "after": 3} in steps
    assert {"x": 450, "previous_x": 400, "role": "it_manager", "before": 2, "after": 3} in (
        pair["headcount_steps"]["baseline"]
    )
    assert not [s for s in steps if s["x"] == 500]  # nobody is hired between 499 and 500
    sentence = pair["sentence"]
    regions, notes = sentence.split(". ", 1)
    assert regions == (
        "separate beats combined on project lead time at 25-200 employees; no practical difference at 400; "
        "combined beats separate at 450-499; separate beats combined from 500 employees (to the top of the range, "
        f"1,600; interpolated, from about {format_number(pair['crossover'])}, 95% CI "
        f"{format_number(pair['ci_low'])}-{format_number(pair['ci_high'])})"
    )
    assert notes == (
        "At 400 a second it_manager is hired (1 -> 2) under combined, and a second project_manager is hired (1 -> 2) "
        "and it_manager grows from 1 to 3 under separate; at 450 a third it_manager is hired (2 -> 3) under combined, "
        "and a third project_manager is hired (2 -> 3) under separate: these boundaries measure the headcount rule, "
        f"not the roles; {ADVICE}"
    )


def test_sweep_region_in_the_middle_only_and_no_steps_in_a_flat_stretch():
    """Between 213 and 239 employees nobody is hired under either structure: separate wins
    at 220-230 only, and nothing in the sentence is blamed on a headcount step."""
    crossover = _fake_sweep([215, 220, 225, 230, 235], [0, 2, 2, 2, 0]).crossover(LEAD)
    pair = crossover["pairs"][0]
    assert pair["headcount_steps"] == {"baseline": [], "challenger": []}
    assert [(r["winner"], r["points"]) for r in pair["regions"]] == [
        (None, [215.0]),
        ("challenger", [220.0, 225.0, 230.0]),
        (None, [235.0]),
    ]
    assert pair["winner"] is None and pair["on_step"] == []
    assert pair["sentence"] == (
        "no practical difference between combined and separate on project lead time at 215 employees; "
        "separate beats combined at 220-230; no practical difference at the top of the range (235 employees)"
    )


def test_a_crossover_on_a_headcount_step_is_reported_as_such(tmp_path):
    """Combined is better up to 210 employees, separate from 215; under separate a second
    project manager arrives at 213 employees (one per so many concurrent projects), so the
    crossover between 210 and 215 lies on that hire and the sentence says so."""
    result = _fake_sweep([205, 210, 215, 220, 230], [-2, -2, 2, 2, 2])
    pair = result.crossover(LEAD)["pairs"][0]
    assert pair["winner"] == "challenger" and 210 <= pair["crossover"] <= 215
    assert [(r["winner"], r["from"], r["to"]) for r in pair["regions"]] == [
        ("baseline", 205.0, 210.0),
        ("challenger", 215.0, 230.0),
    ]
    (entry,) = pair["on_step"]
    assert entry["between"] == [210.0, 215.0] and entry["x"] == 215.0
    assert entry["crossover"] and entry["region_boundary"] and entry["sets_apart"]
    assert entry["steps"] == [
        {
            "alternative": "separate",
            "side": "challenger",
            "x": 215,
            "previous_x": 210,
            "role": "project_manager",
            "before": 1,
            "after": 2,
            "in_both": False,
        }
    ]
    assert pair["sentence"].endswith(
        ". At 215 a second project_manager is hired (1 -> 2) under separate: this crossover measures "
        f"the headcount rule, not the roles; {ADVICE}"
    )
    # 205 -> 210: one more service desk agent under both, and under separate a second IT manager and a head of IT
    assert pair["headcount_steps"]["baseline"] == [
        {"x": 210, "previous_x": 205, "role": "service_desk", "before": 2, "after": 3}
    ]
    assert [(s["x"], s["role"], s["before"], s["after"]) for s in pair["headcount_steps"]["challenger"]] == [
        (210, "service_desk", 2, 3),
        (210, "it_manager", 1, 2),
        (210, "head_of_it", 0, 1),
        (215, "project_manager", 1, 2),
    ]
    written = result.write(OutputFolder(tmp_path), LEAD)
    data = json.loads((tmp_path / "crossover.json").read_text())["pairs"][0]
    assert data["regions"] == json.loads(json.dumps(written["pairs"][0]["regions"]))
    assert data["regions"][0]["winner"] == "baseline" and data["regions"][0]["points"] == [205.0, 210.0]
    assert data["headcount_steps"]["challenger"][-1] == {
        "x": 215,
        "previous_x": 210,
        "role": "project_manager",
        "before": 1,
        "after": 2,
    }
    assert data["on_step"][0]["steps"][0]["role"] == "project_manager"


def test_fractional_headcounts_have_no_steps_to_blame():
    """Counted in fractional FTE there are no whole-person steps: none are reported, and the
    same crossover is no longer put down to the headcount rule."""
    xs, advantage = [205, 210, 215, 220, 230], [-2, -2, 2, 2, 2]
    pair = _fake_sweep(xs, advantage, fractional=("combined", "separate")).crossover(LEAD)["pairs"][0]
    assert pair["headcount_steps"] == {"baseline": [], "challenger": []}
    assert pair["on_step"] == [] and "headcount rule" not in pair["sentence"]
    assert pair["winner"] == "challenger"
    only_separate = _fake_sweep(xs, advantage, fractional=("separate",)).crossover(LEAD)["pairs"][0]
    assert only_separate["headcount_steps"]["challenger"] == []
    assert [s["role"] for s in only_separate["headcount_steps"]["baseline"]] == ["service_desk"]
    assert only_separate["on_step"] == []  # the baseline's only step (at 210) is not on a boundary
