"""Tickets (orgsim.work.tickets): Poisson arrivals split by the class mix (varying by weekday
and hour with tickets.profile), level 1 resolving its share, escalation to level 2, a
manager's approval before level 2 for changes, major-incident coordination in parallel with
level 2 for P1s, and the SLA counts."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest
import simpy
from scipy import stats

from orgsim import scenario_from_dict
from orgsim.engine import Model, random_streams
from orgsim.metrics import measure
from orgsim.monitors import Recorder
from orgsim.work.tickets import Ticket, TicketDesk
from tests.conftest import make_scenario


class RecordingModel(Model):
    """The model, keeping every ticket item submitted with its effort, and when it was done."""

    def __init__(self, scenario, replication=0, **kwargs):
        self.items = []  # (item, effort at submission)
        self.done_at = {}  # item seq -> time completed
        super().__init__(scenario, replication, **kwargs)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        item = super().submit(duty, effort, case, then, activity, owner, priority, preemptive)
        if isinstance(case, Ticket):
            self.items.append((item, effort))
        return item

    def _finished(self, item, now, worker):
        self.done_at[item.seq] = now
        super()._finished(item, now, worker)

    def by_ticket(self):
        """ticket case id -> (ticket, its items in submission order)."""
        out = defaultdict(lambda: [None, []])
        for item, _ in self.items:
            entry = out[item.case.case_id]
            entry[0] = item.case
            entry[1].append(item)
        return out


def _sigma(p, n):
    return math.sqrt(p * (1 - p) / n) if n else math.inf


def test_arrivals_follow_the_rate_and_the_class_mix():
    """employees x rate per month x 12 / 52 a week, split by the mix (within 4 sigma)."""
    scenario = make_scenario(org={"employees": 1000}, simulation={"horizon_weeks": 40, "warmup_weeks": 1})
    model = Model(scenario, 0)
    model.run()
    desk = model.sources["tickets"]
    total = sum(desk.arrived)
    expected = 1000 * 1.25 * 12 / 52 * 40
    assert abs(total - expected) < 4 * math.sqrt(expected)
    for klass, arrived in zip(scenario.tickets.classes, desk.arrived, strict=True):
        assert abs(arrived / total - klass.share) < 4 * _sigma(klass.share, total), klass.name


def test_the_share_resolved_at_level_1_matches_each_class():
    """Of the tickets level 1 finished, those resolved there (no further step) are the
    class's l1_resolution_share, within 4 sigma; P1 and changes (share 0) always go on."""
    scenario = make_scenario(org={"employees": 1000}, simulation={"horizon_weeks": 52, "warmup_weeks": 1})
    model = RecordingModel(scenario, 1)
    model.run()
    finished_l1, went_on = Counter(), Counter()
    for ticket, items in model.by_ticket().values():
        first = items[0]
        assert first.duty == "ticket_l1", "every default class starts at level 1"
        if first.done:
            finished_l1[ticket.klass.name] += 1
            went_on[ticket.klass.name] += len(items) > 1
    assert sum(finished_l1.values()) > 10_000
    for klass in scenario.tickets.classes:
        n = finished_l1[klass.name]
        share = 1 - went_on[klass.name] / n
        expected = klass.l1_resolution_share
        assert abs(share - expected) <= 4 * _sigma(expected, n), (klass.name, share, expected, n)
    assert went_on["p1"] == finished_l1["p1"] and went_on["change"] == finished_l1["change"]


def test_a_class_without_level_1_goes_straight_to_level_2():
    scenario = make_scenario(
        org={"employees": 300},
        tickets={"mix": {"p3": 0.5, "p4": 0.5}, "classes": {"p3": {"l1_effort": 0}}, "manager_escalation_share": 0},
        simulation={"horizon_weeks": 10, "warmup_weeks": 1},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    first_duty = Counter()
    for ticket, items in model.by_ticket().values():
        first_duty[ticket.klass.name, items[0].duty] += 1
        if ticket.klass.name == "p3":
            assert [item.duty for item in items] == ["ticket_l2"]
            assert items[0].created_at == ticket.arrived_at
    assert first_duty["p3", "ticket_l2"] > 100 and first_duty["p4", "ticket_l1"] > 100
    assert first_duty["p3", "ticket_l1"] == 0


def test_a_p1_needs_a_major_incident_in_parallel_with_level_2_and_resolves_with_the_later():
    scenario = make_scenario(
        org={"employees": 400},
        tickets={"mix": {"p1": 0.2, "p3": 0.8}},
        simulation={"horizon_weeks": 20, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    resolution_hours = []
    either_last = Counter()
    for ticket, items in model.by_ticket().values():
        if ticket.klass.name != "p1":
            assert "major_incident" not in {item.duty for item in items}
            continue
        if not items[0].done:
            continue
        level1, *after = items
        assert sorted(item.duty for item in after) == ["major_incident", "ticket_l2"]
        incident = next(item for item in after if item.duty == "major_incident")
        level2 = next(item for item in after if item.duty == "ticket_l2")
        # both start together, when level 1 is done, and may be worked on at the same time
        assert incident.created_at == level2.created_at == model.done_at[level1.seq]
        assert incident.preemptive and level2.preemptive and incident.priority == level2.priority == 1
        if incident.done and level2.done:
            finished = (model.done_at[incident.seq], model.done_at[level2.seq])
            resolution_hours.append(max(finished) - ticket.arrived_at)
            either_last[finished[0] > finished[1]] += 1
    tally = model.recorder.tallies["ticket_resolution_hours.p1"]
    assert tally.count == len(resolution_hours) == model.recorder.counts["tickets_resolved.p1"] > 200
    assert tally.total == pytest.approx(sum(resolution_hours), rel=1e-12)
    assert either_last[True] > 0 and either_last[False] > 0, "either part can finish last"


def test_a_change_is_approved_before_level_2_starts():
    """Event log order of each change: level 1, then approval, then level 2; level 2 is
    created when the approval completes, never before."""
    scenario = make_scenario(
        org={"employees": 300},
        tickets={"mix": {"change": 0.3, "p3": 0.7}, "manager_escalation_share": 0},
        simulation={"horizon_weeks": 12, "warmup_weeks": 1},
    )
    rows = []
    model = Model(scenario, 0, event_sink=rows.append)
    model.run()
    by_case = defaultdict(list)
    for _, case, activity, timestamp, _, transition, duty in rows:
        if transition != "schedule":  # not its arrival row
            by_case[case].append((activity, transition, timestamp, duty))
    checked = 0
    for events in by_case.values():
        activities = [activity for activity, *_ in events]
        if not activities[0].endswith(" change"):
            assert not any(duty == "approval" for *_, duty in events)
            continue
        first_seen = list(dict.fromkeys(activities))
        assert first_seen == ["level 1 change", "approval change", "level 2 change"][: len(first_seen)]
        if "level 2 change" in first_seen:
            approved = next(t for a, tr, t, _ in events if a == "approval change" and tr == "complete")
            started = next(t for a, tr, t, _ in events if a == "level 2 change" and tr == "start")
            assert approved <= started
            checked += 1
    assert checked > 100


def test_sla_counts_tickets_resolved_within_target_and_open_ones_past_it():
    """sla_attainment = resolved within sla_hours / (resolved + open tickets already past it),
    on an overloaded desk where many are late and some are left open past their target."""
    scenario = make_scenario(
        org={"employees": 200},
        tickets={"per_employee_per_month": 8.0, "classes": {"p3": {"sla_hours": 6.0}}},
        simulation={"horizon_weeks": 12, "warmup_weeks": 0},
    )
    model = RecordingModel(scenario, 0)
    model.run()
    output = measure(model)
    desk = model.sources["tickets"]
    now = model.env.now
    met, resolved, breached_open = Counter(), Counter(), Counter()
    for ticket, items in model.by_ticket().values():
        name, target = ticket.klass.name, ticket.klass.sla_hours
        if all(item.done for item in items):  # each step submits the next when it is done
            # resolved: at the completion of its last step
            hours = max(model.done_at[item.seq] for item in items) - ticket.arrived_at
            resolved[name] += 1
            met[name] += hours <= target
        elif now - ticket.arrived_at > target:
            breached_open[name] += 1
    counts, state = model.recorder.counts, model.recorder.state
    for klass in desk.classes:
        assert counts[f"tickets_resolved.{klass.name}"] == resolved[klass.name]
        assert counts[f"tickets_sla_met.{klass.name}"] == met[klass.name]
        assert state[f"tickets_breached_open.{klass.name}"] == breached_open[klass.name]
        judged = resolved[klass.name] + breached_open[klass.name]
        assert output.metrics[f"sla_attainment.{klass.name}"] == pytest.approx(met[klass.name] / judged)
    assert 0.05 < output.metrics["sla_attainment.p3"] < 0.95, "the test needs late tickets"
    assert sum(breached_open.values()) > 100, "and open ones past their target"
    assert output.metrics["sla_attainment.total"] == pytest.approx(
        sum(met.values()) / (sum(resolved.values()) + sum(breached_open.values()))
    )


# ------------------------------------------------------------------ time-varying arrivals (tickets.profile)

WEEKDAY = [1.25, 1.05, 1.0, 0.95, 0.75]
HOUR = [0.8, 1.3, 1.4, 1.2, 0.7, 1.0, 1.0, 0.6]


class ArrivalsOnly:
    """Just enough of the organisation for the ticket source to draw its arrivals: the clock,
    the random streams and a recorder.  Each ticket's first item notes its arrival time and is
    never worked, so a long run at a high rate costs little."""

    def __init__(self, scenario, replication=0):
        self.env = simpy.Environment()
        self.recorder = Recorder()
        self.streams = random_streams(scenario.simulation.seed, replication)
        self.arrivals = {}  # case id -> (arrival time, class name)
        self.log_arrival = None  # no event log (the Organisation interface's hook)
        self.report_closed = None  # no source listens for closed cases (the same interface's hook)
        self.desk = TicketDesk(self, scenario)
        self.desk.start()
        self.env.run(until=scenario.simulation.horizon_weeks * scenario.calendar.hours_per_week)

    def submit(self, duty, effort, case, then, activity, owner=None, priority=1, preemptive=False):
        self.arrivals.setdefault(case.case_id, (case.arrived_at, case.klass.name))

    def times(self):
        return [at for at, _ in self.arrivals.values()]


def _arrival_scenario(weeks=200, calendar=None, profile=None, employees=2000, seed=11):
    tickets = {"per_employee_per_month": 2.5}
    if profile is not None:
        tickets["profile"] = profile
    return make_scenario(
        org={"employees": employees},
        calendar=calendar or {},
        tickets=tickets,
        simulation={"horizon_weeks": weeks, "warmup_weeks": 1, "seed": seed},
    )


def _cells(times, days, hours_per_day):
    """Arrival counts per (working day of the week, hour of the working day)."""
    hours = math.ceil(hours_per_day)
    counts = np.zeros((days, hours))
    for at in times:
        day, within = divmod(at, hours_per_day)
        counts[int(day) % days, min(int(within), hours - 1)] += 1
    return counts


def _goodness_of_fit(counts, weekday, hour, hours_per_day):
    """Chi-square p-values of the weekday counts, the hour counts and the weekday x hour counts
    against the profile (each hour weighted by its length: the last may be a part hour)."""
    lengths = np.array([min(1.0, hours_per_day - h) for h in range(len(hour))])
    expected = np.outer(weekday, np.asarray(hour) * lengths)
    expected *= counts.sum() / expected.sum()
    return {
        "weekday": stats.chisquare(counts.sum(axis=1), expected.sum(axis=1)).pvalue,
        "hour": stats.chisquare(counts.sum(axis=0), expected.sum(axis=0)).pvalue,
        "weekday x hour": stats.chisquare(counts.ravel(), expected.ravel()).pvalue,
    }


@pytest.mark.parametrize(
    ("calendar", "weekday", "hour"),
    [
        ({}, WEEKDAY, HOUR),
        # a 7.5-hour day: 8 hour values, the last for the half hour; a 6-day week with a quiet Saturday
        ({"hours_per_day": 7.5, "days_per_week": 6}, [*WEEKDAY, 0.2], [*HOUR[:7], 3.0]),
    ],
    ids=["8h-5d", "7.5h-6d"],
)
def test_arrivals_per_weekday_and_hour_match_the_profile(calendar, weekday, hour):
    """200 weeks at ~14 tickets an hour: the counts per working day, per hour of the working
    day and per day x hour fit the profile (chi-square at 1%); the same counts against a flat
    profile are rejected outright (the test can tell); the total is the flat rate's."""
    scenario = _arrival_scenario(calendar=calendar, profile={"weekday": weekday, "hour": hour})
    cal = scenario.calendar
    times = ArrivalsOnly(scenario).times()
    counts = _cells(times, int(cal.days_per_week), cal.hours_per_day)
    p_values = _goodness_of_fit(counts, weekday, hour, cal.hours_per_day)
    print(f"chi-square p-values ({cal.hours_per_day:g} h x {cal.days_per_week:g} d):", p_values)
    assert min(p_values.values()) > 0.01, p_values
    flat = _goodness_of_fit(counts, [1.0] * len(weekday), [1.0] * len(hour), cal.hours_per_day)
    assert max(flat.values()) < 1e-12, flat
    expected = scenario.ticket_rate_per_hour * scenario.simulation.horizon_weeks * cal.hours_per_week
    assert expected > 100_000
    assert abs(len(times) - expected) < 4 * math.sqrt(expected), (len(times), expected)


def test_a_profile_keeps_the_mean_rate_of_the_flat_stream():
    """The same scenario with and without a steep profile, over 3 seeds of 40 weeks: the totals
    agree with the flat rate and with each other within sampling error (4 sigma, Poisson)."""
    profile = {"weekday": [3, 1, 1, 1, 0], "hour": [0, 4, 1, 1, 1, 1, 1, 0.5]}
    flat_total = profiled_total = 0
    for seed in range(3):
        flat_total += len(ArrivalsOnly(_arrival_scenario(weeks=40, seed=seed)).times())
        profiled_total += len(ArrivalsOnly(_arrival_scenario(weeks=40, seed=seed, profile=profile)).times())
    scenario = _arrival_scenario(weeks=40)
    expected = 3 * scenario.ticket_rate_per_hour * 40 * scenario.calendar.hours_per_week
    for total in (flat_total, profiled_total):
        assert abs(total - expected) < 4 * math.sqrt(expected), (total, expected)
    assert abs(profiled_total - flat_total) < 4 * math.sqrt(2 * expected)


def test_a_day_or_an_hour_with_rate_0_gets_no_ticket():
    scenario = _arrival_scenario(weeks=20, profile={"weekday": [1, 1, 0, 1, 1], "hour": [0, 1, 1, 1, 1, 1, 1, 0]})
    counts = _cells(ArrivalsOnly(scenario).times(), 5, 8)
    assert counts[2].sum() == 0 and counts[:, 0].sum() == 0 and counts[:, 7].sum() == 0
    assert counts.sum() > 10_000


@pytest.mark.parametrize(
    "profile",
    [{"weekday": [2.0] * 5, "hour": [0.5] * 8}, {"weekday": [1.0] * 5}, {"hour": [3.0] * 8}, {}],
    ids=["both-flat", "weekday-flat", "hour-flat", "empty-table"],
)
def test_a_flat_profile_draws_exactly_as_no_profile(profile):
    """Equal values skip thinning: the same arrival times and classes bit for bit, and the same
    metrics of a whole run."""
    plain, flat = _arrival_scenario(weeks=10), _arrival_scenario(weeks=10, profile=profile)
    assert flat.tickets.profile.is_flat
    assert ArrivalsOnly(flat).arrivals == ArrivalsOnly(plain).arrivals
    runs = []
    for scenario in (plain, flat):
        small = scenario.with_changes({"org.employees": 40, "simulation.horizon_weeks": 12})
        model = Model(small, 0)
        model.run()
        assert model.sources["tickets"].keep is None
        runs.append(measure(model).metrics)
    assert runs[0] == runs[1]


def test_the_relative_rates_have_mean_1_over_the_working_week():
    profile = scenario_from_dict({"tickets": {"profile": {"weekday": WEEKDAY, "hour": HOUR}}}).tickets.profile
    rates = profile.relative_rates(5, 8)
    assert len(rates) == 40 and sum(rates) / 40 == pytest.approx(1.0)
    assert max(rates) == pytest.approx(1.25 * 1.4) and rates[0] == pytest.approx(1.25 * 0.8)
    # a part hour counts by its length: 7.5 h, the last value for half an hour
    rates = profile.relative_rates(5, 7.5)
    lengths = [1.0] * 7 + [0.5]
    assert sum(r * lengths[i % 8] for i, r in enumerate(rates)) / (5 * 7.5) == pytest.approx(1.0)
