"""Horizon independence (issue 20): at every stable point of the quick study, doubling the
horizon leaves every magnitude it prints (lead time, on-time share, SLA, the IT manager's
utilisation) within its confidence interval (the same seeds: the
longer run extends the shorter one's arrivals).  A magnitude read from a queue that never
empties would grow with the horizon; a stable point's does not."""

from __future__ import annotations

import pytest

import orgsim
from orgsim.results.capacity import capacity
from orgsim.stats import mean_interval
from orgsim.study.plan import QUICK_SIZES
from tests.conftest import SCENARIOS, paired_interval

LEAD = "project_lead_time_weeks_mean"
# the other magnitudes the study prints: on-time share, SLA attainment, the IT manager's load.  The
# lead time is judged paired (below): at 100 employees under combined the two engineers are ~92% busy,
# and one replication in six with a long backlog moves the mean of six from 14 weeks (104 weeks) to 24
# (208 weeks), outside the shorter run's interval but not the paired difference's
PRINTED = ("project_on_time_share", "sla_attainment.total", "utilisation.it_manager")
REPLICATIONS = 6


@pytest.mark.parametrize("structure", ["combined", "separate"])
@pytest.mark.parametrize("employees", QUICK_SIZES)
def test_doubling_the_horizon_leaves_every_printed_magnitude_of_a_stable_point_within_its_interval(
    employees, structure
):
    base = orgsim.load_scenario(SCENARIOS / "small-combined.toml").with_changes(
        {"org.employees": employees, "org.structure": structure}
    )
    horizon = base.simulation.horizon_weeks
    short = orgsim.simulate(base, replications=REPLICATIONS, seed=5, jobs=1)
    assert capacity(short).stable, capacity(short).sentence(f"{structure} at {employees}")
    long = orgsim.simulate(
        base.with_changes({"simulation.horizon_weeks": 2 * horizon}), replications=REPLICATIONS, seed=5, jobs=1
    )
    assert capacity(long).stable, capacity(long).sentence(f"{structure} at {employees}, {2 * horizon:g} weeks")
    for metric in PRINTED:  # the longer run's mean within the shorter run's 95% CI (the test)
        mean, low, high = mean_interval(short.replications[metric].to_numpy(dtype=float))
        longer = long.replications[metric].mean()
        assert low <= longer <= high, (
            f"{metric}: {horizon:g} weeks {mean:.3g} ({low:.3g} to {high:.3g}), twice {longer:.3g}"
        )
    # and the lead time, paired by seed: the longer run extends the shorter one's replications; a queue
    # that never empties lengthens it in every replication, a rare long project (a medium one taking the
    # only engineer at 25 employees) in one: the paired difference's interval holds zero at a stable point
    mean, low, high = paired_interval(long.replications[LEAD], short.replications[LEAD])
    assert low <= 0 <= high, (
        f"{LEAD}: {2 * horizon:g} weeks minus {horizon:g} weeks {mean:+.2f} (95% CI {low:+.2f} to {high:+.2f})"
    )
