"""The engine against queueing theory (orgsim.verification, orgsim.theory): formulas, scenario files, a quick run."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from orgsim import load_scenario, simulate
from orgsim.distributions import Distribution
from orgsim.theory import (
    erlang_c,
    lognormal_second_moment,
    mg1,
    mmc,
    mmc_sojourn_quantile,
    mmc_sojourn_tail,
    preemptive_priority,
)
from orgsim.verification import (
    CASES,
    COLUMNS,
    case_checks,
    check_case_scenario,
    default_directory,
    default_organisation,
    format_table,
    run_verification,
)

# ------------------------------------------------------------------------ formulas


def erlang_c_closed_form(c: int, a: float) -> float:
    """Erlang C from the textbook sum, to check the recursion."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_erlang_c_textbook_values():
    # c = 10, lambda = 9, mu = 1: P(wait) = 0.6687, Wq = 0.6687 h (e.g. Gross & Harris tables)
    assert erlang_c(10, 9.0) == pytest.approx(0.66873, abs=1e-5)
    m = mmc(9.0, 1.0, 10)
    assert m["wq"] == pytest.approx(0.66873, abs=1e-5)
    assert m["w"] == pytest.approx(1.66873, abs=1e-5)
    assert m["lq"] == pytest.approx(6.0186, abs=1e-4)
    assert m["rho"] == pytest.approx(0.9)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # M/M/2 at rho 0.5
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: P(wait) = rho


@pytest.mark.parametrize("c", [1, 2, 3, 5, 10, 25])
@pytest.mark.parametrize("rho", [0.1, 0.5, 0.8, 0.95, 0.99])
def test_erlang_c_recursion_equals_closed_form(c, rho):
    assert erlang_c(c, c * rho) == pytest.approx(erlang_c_closed_form(c, c * rho), rel=1e-10)


def test_mm1_values():
    m = mmc(0.8, 1.0, 1)
    assert m == pytest.approx({"rho": 0.8, "p_wait": 0.8, "wq": 4.0, "w": 5.0, "lq": 3.2, "l": 4.0})
    assert mmc(0.5, 1.0)["w"] == pytest.approx(2.0)
    assert mmc(0.95, 1.0)["w"] == pytest.approx(20.0)


def test_unstable_queues_are_refused():
    with pytest.raises(ValueError):
        erlang_c(3, 3.0)
    with pytest.raises(ValueError):
        mg1(1.0, 1.0, 2.0)
    with pytest.raises(ValueError):
        preemptive_priority([0.5, 0.5], [1, 1], [2, 2])


def test_sojourn_time_distribution():
    # M/M/1: the time in system is exponential with rate mu - lambda
    for lam in (0.5, 0.8, 0.95):
        assert mmc_sojourn_quantile(0.9, lam, 1.0) == pytest.approx(math.log(10) / (1 - lam), rel=1e-9)
        assert mmc_sojourn_tail(3.0, lam, 1.0) == pytest.approx(math.exp(-(1 - lam) * 3.0))
    # M/M/c: the tail starts at 1 and integrates to the mean time in system; theta = mu is handled
    from scipy.integrate import quad

    for lam, c in ((1.5, 3), (2.4, 3), (9.0, 10), (1.0, 2)):
        assert mmc_sojourn_tail(0.0, lam, 1.0, c) == pytest.approx(1.0)
        mean, _ = quad(lambda t, lam=lam, c=c: mmc_sojourn_tail(t, lam, 1.0, c), 0, math.inf)
        assert mean == pytest.approx(mmc(lam, 1.0, c)["w"], rel=1e-7)
        q = mmc_sojourn_quantile(0.9, lam, 1.0, c)
        assert mmc_sojourn_tail(q, lam, 1.0, c) == pytest.approx(0.1, abs=1e-9)


def test_pollaczek_khinchine():
    # exponential service: E[S^2] = 2 / mu^2 gives M/M/1; deterministic service halves the wait
    assert mg1(0.8, 1.0, 2.0)["wq"] == pytest.approx(4.0)
    assert mg1(0.8, 1.0, 1.0)["wq"] == pytest.approx(2.0)
    # lognormal mean 1, cv 2 at rho 0.8: E[S^2] = 5, Wq = 0.8 * 5 / 0.4 = 10
    assert lognormal_second_moment(1.0, 2.0) == pytest.approx(5.0)
    assert mg1(0.8, 1.0, 5.0) == pytest.approx({"rho": 0.8, "wq": 10.0, "w": 11.0, "lq": 8.0, "l": 8.8})


def test_lognormal_moments_match_how_orgsim_draws():
    dist = Distribution("lognormal", mean=1.0, cv=2.0)
    sigma2 = math.log1p(dist.cv**2)  # the parameters distributions.py uses
    mu = math.log(dist.mean) - sigma2 / 2
    assert math.exp(mu + sigma2 / 2) == pytest.approx(1.0)
    assert math.exp(2 * mu + 2 * sigma2) == pytest.approx(lognormal_second_moment(1.0, 2.0))
    draws = dist.draw(np.random.default_rng(3), 400_000)
    assert np.median(draws) == pytest.approx(math.exp(mu), rel=0.01)
    assert np.mean(draws) == pytest.approx(1.0, rel=0.03)


def test_preemptive_priority_two_classes():
    # equal exponential rates: T1 = (1/mu) / (1 - rho1), T2 = (1/mu) / ((1 - rho1)(1 - rho1 - rho2))
    t1, t2 = preemptive_priority([0.4, 0.4], [1.0, 1.0], [2.0, 2.0])
    assert t1 == pytest.approx(1 / 0.6)
    assert t2 == pytest.approx(1 / (0.6 * 0.2))
    # work-conserving with equal exponential service: the average over classes is the M/M/1 value
    assert (0.4 * t1 + 0.4 * t2) / 0.8 == pytest.approx(mmc(0.8, 1.0)["w"])
    # with mu = 2 and other loads
    mu = 2.0
    t1, t2 = preemptive_priority([0.5, 0.9], [1 / mu] * 2, [2 / mu**2] * 2)
    assert t1 == pytest.approx((1 / mu) / (1 - 0.25))
    assert t2 == pytest.approx((1 / mu) / ((1 - 0.25) * (1 - 0.25 - 0.45)))
    # one class: the M/G/1 time in system
    (only,) = preemptive_priority([0.8], [1.0], [5.0])
    assert only == pytest.approx(mg1(0.8, 1.0, 5.0)["w"])


# ------------------------------------------------------------------ scenario files


def test_every_validation_file_is_the_queue_it_claims():
    directory = default_directory()
    files = sorted(p.name for p in directory.glob("*.toml"))
    assert files == sorted(case.file for case in CASES)
    for case in CASES:
        path = directory / case.file
        scenario = load_scenario(path)
        check_case_scenario(case, scenario)
        assert scenario.name == case.name
        # the header states the theoretical values the validation compares against
        header = "\n".join(line for line in path.read_text().splitlines() if line.startswith("#"))
        numbers = [float(x) for x in re.findall(r"=\s*(\d+(?:\.\d+)?)", header)]
        for check in case_checks(case):
            if check.metric.startswith(("queue_arrivals", "utilisation")):
                continue
            assert any(math.isclose(n, check.theory, rel_tol=5e-4) for n in numbers), (case.file, check)


def test_a_file_that_is_not_its_queue_is_refused():
    case = CASES[0]
    scenario = load_scenario(default_directory() / case.file, {"roles.server.headcount": 2})
    with pytest.raises(ValueError, match="2 servers, expected 1"):
        check_case_scenario(case, scenario)
    scenario = load_scenario(default_directory() / case.file, {"tickets.per_employee_per_month": 0.06})
    with pytest.raises(ValueError, match="lambda"):
        check_case_scenario(case, scenario)
    scenario = load_scenario(default_directory() / case.file, {"roles.server.context_switch_hours": 0.25})
    with pytest.raises(ValueError, match="context_switch_hours"):
        check_case_scenario(case, scenario)


def test_package_finds_its_scenarios():
    assert default_directory().is_dir()
    assert default_organisation().is_file()


def test_unknown_case_is_refused():
    with pytest.raises(ValueError, match="unknown verification case"):
        run_verification(cases=["mm1-rho050", "nope"], jobs=1)


def test_little_uses_the_daily_series_which_equals_the_metric():
    scenario = load_scenario(default_organisation()).with_changes(
        {"simulation.horizon_weeks": 12, "simulation.warmup_weeks": 2}
    )
    results = simulate(scenario, replications=1, seed=3, jobs=1)
    start = scenario.simulation.warmup_weeks * scenario.calendar.hours_per_week
    series = results.timeseries[results.timeseries["hours"] > start]
    row = results.replications.iloc[0]
    duties = [c.removeprefix("queue_length_mean.") for c in row.index if c.startswith("queue_length_mean.")]
    assert len(duties) >= 8
    for duty in duties:
        assert series[f"queue.{duty}"].mean() == pytest.approx(row[f"queue_length_mean.{duty}"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ["mm1-rho080", "mmc-c3-rho080", "mm1-priority-2class", "mg1-lognormal-cv2"])
def test_check_in_slicing_changes_nothing(name):
    """A person who looks up every 0.1 h and finds nothing better goes on with the same item at
    no cost: the validation queues give the same numbers as with the daily check-in."""
    base = load_scenario(
        default_directory() / f"{name}.toml", {"simulation.horizon_weeks": 8, "simulation.warmup_weeks": 1}
    )
    sliced = base.with_changes({"simulation.check_in_hours": 0.1})
    a = simulate(base, replications=2, seed=5, jobs=1).replications
    b = simulate(sliced, replications=2, seed=5, jobs=1).replications
    columns = [c for c in a.columns if c.startswith(("ticket_resolution", "queue_", "utilisation"))]
    assert np.allclose(a[columns].to_numpy(), b[columns].to_numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)


# ------------------------------------------------------------------- the quick run


_QUICK: dict = {}


def _quick_verify(tmp_path_factory) -> tuple[pd.DataFrame, str]:
    """``orgsim verify --quick`` run once through the command line, as a user runs it: the table
    it wrote (read back) and what it printed.  The checks below read both (one run, not two)."""
    if "run" not in _QUICK:
        import contextlib
        import io

        from orgsim.cli import main

        out = tmp_path_factory.mktemp("verify") / "verify.csv"
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["verify", "--quick", "--jobs", "1", "--quiet", "--out", str(out)])
        assert code == 0, printed.getvalue()
        _QUICK["run"] = (pd.read_csv(out), printed.getvalue())
    return _QUICK["run"]


@pytest.fixture(scope="module")
def quick_validation(tmp_path_factory):
    return _quick_verify(tmp_path_factory)[0]


def test_quick_validation_passes(quick_validation):
    df = quick_validation
    assert list(df.columns) == COLUMNS
    table = format_table(df)
    assert df["pass"].all(), "\n" + table
    assert set(df["case"]) == {case.name for case in CASES} | {"little-large-separate"}
    assert len(df) == sum(len(case_checks(case)) for case in CASES) + (df["case"] == "little-large-separate").sum()
    little = df[df["case"] == "little-large-separate"]
    assert {q.rsplit(", ", 1)[1] for q in little["quantity"]} >= {
        "ticket_l1",
        "ticket_l2",
        "approval",
        "project_work",
        "project_coordination",
        "status_reporting",
        "people_management",
        "admin",
    }
    # every interval is an interval around its estimate
    queue_rows = df[df["case"] != "little-large-separate"]
    assert (queue_rows["ci_low"] <= queue_rows["simulated"]).all()
    assert (queue_rows["simulated"] <= queue_rows["ci_high"]).all()


def test_format_table(quick_validation, tmp_path_factory):
    table = format_table(quick_validation)
    # what the command prints, with each case's replications and weeks (kept beside the frame)
    assert "mm1-rho080: 8 replications x 200 weeks" in _quick_verify(tmp_path_factory)[1]
    lines = table.splitlines()
    assert lines[0].split() == ["case", "quantity", "theory", "simulated", "95%", "CI", "error", "pass"]
    for case in CASES:
        assert case.name in table
    assert f"{len(quick_validation)} of {len(quick_validation)} checks pass" in table


def test_orgsim_verify_quick_passes_on_the_command_line(tmp_path_factory):
    table, printed = _quick_verify(tmp_path_factory)
    assert list(table.columns) == COLUMNS and table["pass"].all() and len(table) > 40
    assert f"{len(table)} of {len(table)} checks pass" in printed
