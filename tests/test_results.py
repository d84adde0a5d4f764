"""What experiments produce (orgsim.results): Results of one scenario, a Comparison with
common random numbers, a Sweep and its crossover, and the files they write."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import orgsim
from orgsim.engine import EVENT_LOG_COLUMNS
from orgsim.results import Comparison, OutputFolder, Results, Sweep, compare, parse_mids, sweep
from orgsim.stats import format_number, summarise
from tests.conftest import make_scenario

SHORT = {"simulation": {"horizon_weeks": 20, "warmup_weeks": 2}}


# ------------------------------------------------------------------ one scenario


def test_a_warm_up_that_is_too_short_is_reported():
    """60 projects waiting at time 0 take months to clear: a 1-week warm-up is not enough.  Without
    them half a year of warm-up is (projects of the medium class run for months: the shipped large
    scenarios warm up for 26 weeks)."""
    crowded = make_scenario(
        org={"employees": 400, "structure": "separate"},
        projects={"initial_portfolio": 60},
        simulation={"horizon_weeks": 78, "warmup_weeks": 1},
    )
    results = orgsim.simulate(crowded, replications=3, seed=1, jobs=1)
    assert any("warm-up" in w and "too short" in w for w in results.warnings)
    calm = make_scenario(
        org={"employees": 400, "structure": "separate"}, simulation={"horizon_weeks": 78, "warmup_weeks": 26}
    )
    assert not any("warm-up" in w for w in orgsim.simulate(calm, replications=3, seed=1, jobs=1).warnings)


def test_simulate_takes_replications_and_seed_from_the_scenario():
    scenario = make_scenario(org={"employees": 60}, simulation={"horizon_weeks": 10, "warmup_weeks": 2, "seed": 9})
    scenario = scenario.with_changes({"simulation.replications": 2})
    default = orgsim.simulate(scenario, jobs=1)
    explicit = orgsim.simulate(scenario, replications=2, seed=9, jobs=1)
    assert default.seed == 9 and list(default.replications["replication"]) == [0, 1]
    pd.testing.assert_frame_equal(default.replications, explicit.replications)
    other_seed = orgsim.simulate(scenario, replications=2, seed=10, jobs=1)
    assert not default.replications.equals(other_seed.replications)


def test_results_frames_metric_and_headline_table():
    scenario = make_scenario(name="frames", org={"employees": 200}, simulation={"horizon_weeks": 10, "warmup_weeks": 2})
    results = orgsim.simulate(scenario, replications=3, seed=2, jobs=1)
    assert len(results.replications) == 3
    summary = results.summary.set_index("metric")
    assert set(summary.index) == set(results.replications.columns) - {"replication"}
    assert (summary["n"] <= 3).all()
    cost = results.metric("staff_cost_per_week")
    assert cost == pytest.approx(results.replications["staff_cost_per_week"].mean())
    with pytest.raises(KeyError, match="no metric"):
        results.metric("utilisation.nobody")
    days = scenario.simulation.horizon_weeks * scenario.calendar.days_per_week
    assert len(results.timeseries) == 3 * days
    assert set(results.people["replication"]) == {0, 1, 2}
    assert results.ticket_times["tickets"].sum() > 0
    assert (results.ticket_times["bin_low_hours"] < results.ticket_times["bin_high_hours"]).all()
    table = results.headline_table()
    assert table.splitlines()[0] == "frames: 3 replications, seed 2, 200 employees, structure combined"
    assert "IT manager utilisation (share of working time)" in table
    assert "staff cost (currency per week)" in table and "95% CI" in table


def test_results_write_summary_json_and_the_event_log(tmp_path):
    scenario = make_scenario(name="written", org={"employees": 60}, simulation={"horizon_weeks": 6, "warmup_weeks": 1})
    results = orgsim.simulate(scenario, replications=2, seed=3, jobs=1, events=True)
    folder = OutputFolder(tmp_path)
    results.write(folder)
    names = sorted(p.name for p in folder.written)
    assert names == ["events.csv", "people.csv", "projects.csv", "replications.csv", "summary.json", "timeseries.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no partial files left
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["replications"] == 2 and data["seed"] == 3 and data["confidence"] == 0.95
    cost = data["metrics"]["staff_cost_per_week"]
    assert cost["mean"] == pytest.approx(results.metric("staff_cost_per_week"))
    assert cost["n"] == 2
    events = pd.read_csv(tmp_path / "events.csv")
    assert tuple(events.columns) == EVENT_LOG_COLUMNS
    assert len(events) > 100
    assert len(results.events) == len(events)
    results.discard_events()
    with pytest.raises(ValueError, match="no event log was recorded"):
        _ = results.events
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "replications.csv"), results.replications, check_dtype=False)


# ------------------------------------------------------------------ several scenarios


def test_paired_differences_are_much_tighter_than_separate_intervals():
    """Common random numbers: combined and separate see the same tickets and projects, so
    the noise of the arrivals cancels in their difference."""
    scenarios = [
        make_scenario(name=s, org={"employees": 200, "structure": s}, **SHORT) for s in ("combined", "separate")
    ]
    comparison = compare(scenarios, replications=10, seed=3, jobs=1)
    differences = comparison.differences.set_index("metric")
    for metric in ("tickets_per_week.total", "ticket_resolution_hours_mean.total"):
        row = differences.loc[metric]
        assert row.half_width_paired < 0.5 * row.half_width_unpaired, metric
    # project lead times share the projects too, but the operations-first combined IT manager at 200
    # employees is saturated and its coordination backlog adds noise of its own (measured: paired
    # half-width 1.9 weeks against 2.8 unpaired)
    row = differences.loc["project_lead_time_weeks_mean"]
    assert row.half_width_paired < 0.8 * row.half_width_unpaired
    utilisation = differences.loc["utilisation.it_manager"]
    assert utilisation.significant and utilisation.mean_difference < 0  # the separate manager has less to do
    assert utilisation.better == "separate"


def test_comparison_frames_and_table():
    scenarios = [
        make_scenario(
            name=s, org={"employees": 100, "structure": s}, simulation={"horizon_weeks": 10, "warmup_weeks": 2}
        )
        for s in ("combined", "separate")
    ]
    comparison = compare([*scenarios, scenarios[1]], replications=3, seed=1, jobs=1)
    assert comparison.names == ["combined", "separate", "separate-2"]  # names made distinct
    frame = comparison.comparison
    assert list(frame.columns) == ["metric", "scenario", "mean", "ci_low", "ci_high"]
    assert list(dict.fromkeys(frame["scenario"])) == comparison.names
    differences = comparison.differences
    assert set(differences["scenario"]) == {"separate", "separate-2"}
    assert (differences["baseline"] == "combined").all()
    cost = differences[differences["metric"] == "staff_cost_per_week"].set_index("scenario")
    assert cost.loc["separate", "mean_difference"] == pytest.approx(2800.0)  # a project manager at 70 per hour, 40 h
    assert cost.loc["separate", "better"] == "combined"  # cost: lower is better
    twin = differences[differences["scenario"] == "separate-2"].set_index("metric")
    twin_separate = differences[differences["scenario"] == "separate"].set_index("metric")
    pd.testing.assert_series_equal(twin["mean_difference"], twin_separate["mean_difference"])  # same seed, same runs
    table = comparison.table()
    assert "separate - combined: +2,800" in table and "-> combined better (beyond the MID of " in table
    assert {"mid", "practical", "verdict"} <= set(differences.columns)
    with pytest.raises(ValueError, match="at least two"):
        compare(scenarios[:1], replications=2, seed=1, jobs=1)


def _stand_in(name, **columns):
    """What Comparison.differences reads of a Results: a scenario's name and its replications."""
    n = len(next(iter(columns.values())))
    return SimpleNamespace(
        scenario=SimpleNamespace(name=name, projects=SimpleNamespace(value_per_project_week=0.0)),
        replications=pd.DataFrame({"replication": range(n), **columns}),
    )


BASE_WEEKS = np.array([10.0, 12.0, 9.0, 14.0, 11.0, 13.0])
JITTER = np.array([0.01, -0.01, 0.02, -0.02, 0.0, 0.01])


def _lead_time_pair(gain, mid=None):
    metric = "project_lead_time_weeks_mean"
    comparison = Comparison(
        [_stand_in("combined", **{metric: BASE_WEEKS}), _stand_in("separate", **{metric: BASE_WEEKS - gain + JITTER})],
        mid=mid,
    )
    return comparison.differences.set_index("metric").loc[metric]


def test_a_significant_difference_below_the_mid_is_not_called_better():
    """0.3 weeks shorter in every replication: significant, but below the 1-week MID of lead time."""
    row = _lead_time_pair(0.3)
    assert row.significant and row.ci_high < 0
    assert row.mid == 1.0 and not row.practical
    assert row.better == ""
    assert row.verdict == "no practical difference (significant but below the MID of 1)"


def test_a_large_difference_is_called_better():
    row = _lead_time_pair(3.0)
    assert row.significant and row.practical
    assert row.better == "separate" and row.verdict == "better"
    worse = _lead_time_pair(-3.0)
    assert worse.better == "combined" and worse.verdict == "worse"
    noisy = Comparison(
        [
            _stand_in("combined", project_lead_time_weeks_mean=BASE_WEEKS),
            _stand_in("separate", project_lead_time_weeks_mean=BASE_WEEKS[::-1] - 0.5),
        ]
    ).differences.iloc[0]
    assert not noisy.significant and noisy.verdict == "no significant difference" and noisy.better == ""


def test_the_mid_can_be_overridden_in_python():
    assert _lead_time_pair(0.3, mid={"project_lead_time_weeks_mean": 0.2}).better == "separate"
    assert _lead_time_pair(3.0, mid={"project_lead_time_weeks_mean": "50%"}).better == ""  # 50% of ~11.5 weeks
    assert _lead_time_pair(0.3, mid=["project_lead_time_weeks_mean=0"]).better == "separate"  # CI alone
    for bad, message in (
        ({"no_such_metric": 1}, "unknown metric"),
        ({"project_lead_time_weeks_mean": -1}, "finite number >= 0"),
        ({"project_lead_time_weeks_mean": math.inf}, "finite number >= 0"),
        ({"project_lead_time_weeks_mean": "soon"}, "expected a number"),
        ({"headcount.it_manager": 1}, "describes the organisation"),
        (["project_lead_time_weeks_mean"], "METRIC=VALUE"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_mids(bad)
    scenarios = [make_scenario(name=s, org={"structure": s}, **SHORT) for s in ("combined", "separate")]
    with pytest.raises(ValueError, match="unknown metric"):  # checked before anything runs
        compare(scenarios, replications=2, mid={"lead_time": 1})


def test_a_relative_mid_scales_with_the_baseline():
    """Staff cost's MID is 1% of the baseline: 2,800 on 9,800 is beyond it, 50 is not."""
    base = np.full(4, 9800.0)
    for extra, better in ((2800.0, "combined"), (50.0, "")):
        comparison = Comparison(
            [
                _stand_in("combined", staff_cost_per_week=base),
                _stand_in("separate", staff_cost_per_week=base + extra + np.array([0, 1, 0, 1])),
            ]
        )
        row = comparison.differences.iloc[0]
        assert row.mid == pytest.approx(98.0) and row.better == better


def test_a_description_gets_no_verdict():
    counts = Comparison(
        [
            _stand_in("a", **{"headcount.engineer": np.full(3, 2.0)}),
            _stand_in("b", **{"headcount.engineer": np.array([3.0, 3.0, 3.1])}),
        ]
    )
    row = counts.differences.iloc[0]
    assert row.significant and row.better == "" and math.isnan(row.mid)
    assert row.verdict.startswith("significant (a description")


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
    assert (separate_cost.to_numpy() - combined_cost.to_numpy()) == pytest.approx([2800.0] * 6)
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
    assert pair["regions"] == [
        {
            "winner": "baseline",
            "from": 40.0,
            "to": 80.0,
            "points": [40.0, 80.0],
            "mean_advantage": [2800.0, 2800.0],
            "ci_advantage": [[2800.0, 2800.0], [2800.0, 2800.0]],
            "replications": [3, 3],
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
    assert math.isclose(
        only_across.frame.set_index("org.structure").loc["separate", "staff_cost_per_week"]
        - only_across.frame.set_index("org.structure").loc["combined", "staff_cost_per_week"],
        2800.0,
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
        "separate beats combined on project lead time at 25-200 employees; no significant difference at 400; "
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
        "no significant difference between combined and separate on project lead time at 215 employees; "
        "separate beats combined at 220-230; no significant difference at the top of the range (235 employees)"
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
