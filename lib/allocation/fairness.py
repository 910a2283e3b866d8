"""How many devices each area gets: the lexicographic max-min of weighted fill rates, exactly.

Devices are pooled by what decides where they may go (type, tier, and the home area when
ring-fenced) and referrals are grouped by what decides what they may take (area, accepted types,
minimum tier), so the flow network below stays small however many devices and referrals there
are. A vector of area totals y can be met at once exactly when the maximum flow, with each area's
edge to the sink capped at y[area], carries all of it; max-flow is integral, so this answers the
question for whole devices, not for a relaxation.

The feasible totals form an integral polymatroid (a flow network's sink vectors do), and over
the whole numbers of a polymatroid the greedy algorithm that repeatedly gives one more device
where it adds most to the objective, stopping an area for good when it can take no more, is
optimal for any separable concave objective (Federgruen and Groenevelt, 1986). Lexicographic
max-min of y[a] / need[a] is the limit of such objectives (sum of -exp(-M * y[a] / need[a]) as
M grows), and the order it induces on the greedy's steps is: lowest current weighted fill rate
first, then the bigger step (smaller need), then area order. `fairest_totals` runs exactly
that greedy, but in jumps: it finds by bisection the highest level all still-growing areas can
reach together, then takes the steps at the next level one by one, stopping the areas that
cannot take theirs. The result is also a base of the polymatroid, so it uses as many devices as
any plan can (policy rule 3).
"""

from collections.abc import Sequence
from fractions import Fraction
from math import floor

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow


class SupplyNetwork:
    """source → device pools → referral groups → areas → sink."""

    def __init__(
        self,
        *,
        pool_sizes: Sequence[int],
        group_sizes: Sequence[int],
        group_areas: Sequence[int],
        edges: Sequence[tuple[int, int]],  # (pool, group) pairs that are compatible
        area_count: int,
    ):
        pools, groups = len(pool_sizes), len(group_sizes)
        self.sink = 1 + pools + groups + area_count
        first_area = 1 + pools + groups
        unlimited = max(1, sum(pool_sizes))
        heads, tails, capacities = [], [], []

        def add(head, tail, capacity):
            heads.append(head)
            tails.append(tail)
            capacities.append(capacity)

        for p, size in enumerate(pool_sizes):
            add(0, 1 + p, size)
        for p, g in edges:
            add(1 + p, 1 + pools + g, unlimited)
        for g, (size, area) in enumerate(zip(group_sizes, group_areas, strict=True)):
            add(1 + pools + g, first_area + area, size)
        for a in range(area_count):
            add(first_area + a, self.sink, 0)
        graph = csr_array(
            (np.array(capacities, dtype=np.int32), (np.array(heads), np.array(tails))),
            shape=(self.sink + 1, self.sink + 1),
        )
        self._graph = graph
        # Each area's only edge goes to the sink: its capacity sits at the start of its row.
        self._area_slots = graph.indptr[first_area : first_area + area_count]

    def can_meet(self, totals: Sequence[int]) -> bool:
        """Whether every area a can get totals[a] devices at once."""
        self._graph.data[self._area_slots] = totals
        flow = maximum_flow(self._graph, 0, self.sink).flow_value
        return flow == sum(totals)


def fairest_totals(
    network: SupplyNetwork, *, waiting: Sequence[int], need: Sequence[Fraction]
) -> list[int]:
    """Devices per area that lexicographically maximise the sorted weighted fill rates.

    need[a] is waiting[a] * weight for area a (0 where nobody waits, which then gets 0). A key
    k / need[a] is the fill rate area a has before its (k+1)-th device: the greedy takes keys in
    increasing order (ties: smaller need, then lower index), so once it has taken every key up
    to a level v, an area still growing holds floor(v * need) + 1 devices.
    """
    totals = [0] * len(need)
    growing = sorted((a for a, n in enumerate(need) if n > 0), key=lambda a: (need[a], a))

    def held(a: int, level: Fraction) -> int:
        return max(0, floor(level * need[a]) + 1)

    def at(level: Fraction) -> list[int]:
        trial = list(totals)
        for a in growing:
            trial[a] = held(a, level)
        return trial

    def next_key(level: Fraction) -> Fraction:
        return min(held(a, level) / need[a] for a in growing)

    reached = Fraction(-1)  # every key up to here is taken; -1: none yet
    while growing:
        # No area can hold more than its waiting count: this key is out of reach.
        blocked_at = min(waiting[a] / need[a] for a in growing)
        low = reached  # no key lies between `reached` and `low`
        while (following := next_key(reached)) < blocked_at:
            middle = max((low + blocked_at) / 2, Fraction(0))
            key = max(floor(middle * need[a]) / need[a] for a in growing)
            if key <= reached:
                low = middle
            elif network.can_meet(at(key)):
                reached, low = key, middle
            else:
                blocked_at = key
        totals = at(reached)
        for a in [a for a in growing if (following * need[a]).denominator == 1]:
            totals[a] += 1
            if not network.can_meet(totals):
                totals[a] -= 1
                growing.remove(a)
        reached = following
    return totals
