"""The allocation engine keeps the hard rules and is exactly as fair as the policy allows.

Random small instances are checked against a reference that shares nothing with the engine: a
sequence of integer programmes over individual device-referral pairs that finds the
lexicographically fairest vector of weighted fill rates level by level, then the most devices a
plan that fair can use.
"""

import random
from datetime import date
from fractions import Fraction
from math import ceil, floor

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from lib.allocation import Device, Instance, Referral, allocate, compatible

AREAS = ["Coventry", "Dudley", "Sandwell", "Solihull"]
TYPES = ["laptop", "tablet", "smartphone"]
WEIGHTS = [Fraction(1, 2), 1, Fraction(6, 5), Fraction(3, 2), 2, 3]


@st.composite
def instances(draw) -> Instance:
    areas = AREAS[: draw(st.integers(2, 4))]
    types = TYPES[: draw(st.integers(2, 3))]
    tiers = draw(st.integers(1, 3))
    bands = draw(st.integers(1, 3))
    devices = [
        Device(
            id=f"d{n}",
            type=draw(st.sampled_from(types)),
            tier=draw(st.integers(1, tiers)),
            area=draw(st.sampled_from(areas)),
            ring_fenced=draw(st.integers(0, 2)) == 0,
        )
        for n in range(draw(st.integers(0, 12)))
    ]
    referrals = [
        Referral(
            id=n,
            area=draw(st.sampled_from(areas)),
            accepts=draw(st.sets(st.sampled_from(types), min_size=1)),
            min_tier=draw(st.integers(1, tiers)),
            priority=draw(st.integers(1, bands)),
            referred_on=date(2026, 1, draw(st.integers(1, 6))),
        )
        for n in range(draw(st.integers(0, 20)))
    ]
    weights = {area: draw(st.sampled_from(WEIGHTS)) for area in areas}
    return Instance(devices=devices, referrals=referrals, weights=weights)


def pairs(instance, plan):
    devices = {d.id: d for d in instance.devices}
    referrals = {r.id: r for r in instance.referrals}
    return [(devices[m.device_id], referrals[m.referral_id]) for m in plan.matches]


def queue_key(referral):
    return referral.priority, referral.referred_on, referral.id


def weighted_fill_rates(instance, allocated: dict) -> list[Fraction]:
    waiting = {}
    for r in instance.referrals:
        waiting[r.area] = waiting.get(r.area, 0) + 1
    return sorted(
        Fraction(allocated.get(area, 0)) / (n * instance.weight(area))
        for area, n in waiting.items()
    )


class Programme:
    """A small integer programme over individual pairs, for the reference."""

    def __init__(self, instance):
        self.instance = instance
        self.edges = [
            (i, j)
            for i, d in enumerate(instance.devices)
            for j, r in enumerate(instance.referrals)
            if compatible(d, r)
        ]
        self.columns = len(self.edges)
        self.integer = [1] * self.columns
        self.upper = [1] * self.columns
        self.rows: list[tuple[dict, float, float]] = []
        for i in range(len(instance.devices)):
            self.row({e: 1 for e, (a, _) in enumerate(self.edges) if a == i}, 0, 1)
        for j in range(len(instance.referrals)):
            self.row({e: 1 for e, (_, b) in enumerate(self.edges) if b == j}, 0, 1)

    def variable(self, *, upper: float, integer: bool) -> int:
        self.integer.append(int(integer))
        self.upper.append(upper)
        self.columns += 1
        return self.columns - 1

    def row(self, coefficients: dict, low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def allocated(self, area) -> dict:
        referrals = self.instance.referrals
        return {e: 1 for e, (_, j) in enumerate(self.edges) if referrals[j].area == area}

    def at_most_below(self, count: int, thresholds: dict) -> None:
        """At most `count` areas get fewer devices than their threshold."""
        below = {}
        for area, threshold in thresholds.items():
            if threshold > 0:
                z = self.variable(upper=1, integer=True)
                below[z] = 1
                self.row({**self.allocated(area), z: threshold}, threshold, np.inf)
        if below:
            self.row(below, 0, count)

    def best(self, objective: dict) -> float | None:
        """The objective's maximum, or None when nothing meets the constraints."""
        if not self.columns:
            return 0.0
        cost = np.zeros(self.columns)
        for column, value in objective.items():
            cost[column] = -value
        matrix = np.zeros((len(self.rows), self.columns))
        for n, (coefficients, _, _) in enumerate(self.rows):
            for column, value in coefficients.items():
                matrix[n, column] = value
        result = milp(
            cost,
            integrality=self.integer,
            bounds=Bounds(0, self.upper),
            constraints=[
                LinearConstraint(matrix, [r[1] for r in self.rows], [r[2] for r in self.rows])
            ]
            if self.rows
            else [],
            options={"mip_rel_gap": 0},
        )
        if result.status == 2:
            return None
        assert result.success, result.message
        return -result.fun


def reference(instance) -> tuple[list[Fraction], int]:
    """The fairest sorted weighted fill rates and the most devices used at that fairness."""
    need, waiting = {}, {}
    for r in instance.referrals:
        need[r.area] = need.get(r.area, 0) + instance.weight(r.area)
        waiting[r.area] = waiting.get(r.area, 0) + 1
    fill_rates = sorted({Fraction(k) / need[a] for a in need for k in range(waiting[a] + 1)})
    levels: list[Fraction] = []
    pinned: list[tuple[int, dict]] = []  # (count, thresholds) for Programme.at_most_below

    def pinned_programme() -> Programme:
        programme = Programme(instance)
        for count, thresholds in pinned:
            programme.at_most_below(count, thresholds)
        return programme

    top = float(max((1 / instance.weight(a) for a in need), default=0))
    while len(levels) < len(need):
        # Roughly the highest level every area outside the lowest len(levels) can reach
        # together: an area in `lower` may stay below t.
        programme = pinned_programme()
        t = programme.variable(upper=top, integer=False)
        lower = {}
        for area, c in need.items():
            u = programme.variable(upper=1, integer=True)
            lower[u] = 1
            programme.row({**programme.allocated(area), t: -float(c), u: float(c) * top}, 0, np.inf)
        programme.row(lower, 0, len(levels))
        found = programme.best({t: 1})
        # Exactly: the highest fill rate near it that whole devices reach, and the fewest
        # areas that must stay at or below it.
        for level in reversed([v for v in fill_rates if v <= found + 1e-3]):
            reach = {area: ceil(level * c) for area, c in need.items()}
            above = {area: floor(level * c) + 1 for area, c in need.items()}
            programme = pinned_programme()
            programme.at_most_below(len(levels), reach)
            first = programme.columns
            programme.at_most_below(len(need), above)
            negated = programme.best(dict.fromkeys(range(first, programme.columns), -1))
            if negated is not None:
                break
        at_or_below = round(-negated)
        assert level >= found - 1e-3
        assert at_or_below > len(levels)
        pinned += [(len(levels), reach), (at_or_below, above)]
        levels += [level] * (at_or_below - len(levels))
    programme = pinned_programme()
    most = programme.best(dict.fromkeys(range(len(programme.edges)), 1))
    return levels, round(most)


# Solving takes milliseconds, the reference tens of them: enough examples to find trouble,
# few enough to keep the suite quick.
checked = settings(max_examples=50, deadline=None)


@checked
@given(instances())
def test_the_hard_rules_always_hold(instance):
    plan = allocate(instance)

    used = pairs(instance, plan)
    assert all(compatible(d, r) for d, r in used)
    assert len({d.id for d, _ in used}) == len(used)
    assert len({r.id for _, r in used}) == len(used)
    assert sorted({d.id for d, _ in used} | set(plan.unallocated_devices)) == sorted(
        d.id for d in instance.devices
    )
    assert sorted({r.id for _, r in used} | set(plan.unserved_referrals)) == sorted(
        r.id for r in instance.referrals
    )


@checked
@given(instances())
def test_no_device_is_idle_while_a_referral_it_suits_waits(instance):
    plan = allocate(instance)

    idle = [d for d in instance.devices if d.id in set(plan.unallocated_devices)]
    unserved = [r for r in instance.referrals if r.id in set(plan.unserved_referrals)]
    assert not [(d.id, r.id) for d in idle for r in unserved if compatible(d, r)]


@checked
@given(instances())
def test_nobody_waits_behind_someone_later_in_the_queue_whose_device_they_could_use(instance):
    plan = allocate(instance)

    unserved = [r for r in instance.referrals if r.id in set(plan.unserved_referrals)]
    assert not [
        (waiting.id, served.id)
        for device, served in pairs(instance, plan)
        for waiting in unserved
        if waiting.area == served.area
        and queue_key(waiting) < queue_key(served)
        and compatible(device, waiting)
    ]


@settings(max_examples=100, deadline=None)
@given(instances())
def test_the_plan_is_as_fair_as_the_exact_reference_and_uses_as_many_devices(instance):
    plan = allocate(instance)

    allocated = {area: figures.allocated for area, figures in plan.by_area.items()}
    levels, most = reference(instance)
    assert weighted_fill_rates(instance, allocated) == levels
    assert plan.devices_used == most


@settings(max_examples=40, deadline=None)
@given(instances())
def test_the_most_urgent_band_is_served_as_fully_as_the_area_totals_allow(instance):
    plan = allocate(instance)

    programme = Programme(instance)
    for area, figures in plan.by_area.items():
        if figures.waiting:
            programme.row(programme.allocated(area), figures.allocated, figures.allocated)
    referrals = instance.referrals
    most = programme.best(
        {e: 1 for e, (_, j) in enumerate(programme.edges) if referrals[j].priority == 1}
    )
    assert sum(r.priority == 1 for _, r in pairs(instance, plan)) == round(most)


@settings(max_examples=30, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_same_instance_in_any_order_gives_the_same_plan(instance, rng: random.Random):
    devices, referrals = list(instance.devices), list(instance.referrals)
    rng.shuffle(devices)
    rng.shuffle(referrals)

    shuffled = Instance(devices=devices, referrals=referrals, weights=instance.weights)

    assert allocate(shuffled).to_json() == allocate(instance).to_json()
