"""The allocation engine: the policy's four rules, in order, for any number of devices.

1. Devices are pooled and referrals grouped into classes (see `fairness`), so every optimisation
   below works on a few hundred classes, not on people.
2. `fairness.fairest_totals` fixes how many devices each area gets.
3. A class-level integer programme (SciPy's `milp`, HiGHS) chooses which pools serve which
   referral classes with those area totals, serving as many of the most urgent band as possible,
   then the next band, and so on. Its rows are two laminar families (pools; classes within
   area-and-band within area), so the matrix is totally unimodular and the relaxation HiGHS
   solves first is already whole.
4. Each class's longest-waiting referrals (then lowest id) take its share; devices go to them
   from their pools in id order, those from the referral's own area first. A last pass swaps a
   device from a served referral to an unserved one that ranks before it in the same area and
   can use it, until no such pair remains (within a band, classes are not ordered by date).
"""

import heapq
from bisect import bisect_left
from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from lib.allocation.fairness import SupplyNetwork, fairest_totals
from lib.allocation.model import POLICY_VERSION, Instance, Plan
from lib.allocation.plan import Queue, build_plan, id_order


def allocate(instance: Instance, *, policy: str = POLICY_VERSION) -> Plan:
    """The plan the policy asks for: same instance in, same plan out, whatever the input order."""
    devices, referrals = instance.devices, instance.referrals
    areas = instance.areas
    area_index = {area: a for a, area in enumerate(areas)}
    queue = Queue.of(referrals)

    # Pools: (home area if ring-fenced else None, type, tier) → device indices in id order.
    pools: dict[tuple, list[int]] = defaultdict(list)
    for i in id_order([d.id for d in devices]):
        d = devices[i]
        pools[(d.area if d.ring_fenced else None, d.type, d.tier)].append(i)
    pool_keys = sorted(pools, key=lambda k: (k[0] is not None, k[0] or "", k[1], k[2]))

    # Classes: (area, accepted types, minimum tier, priority) → referral indices in queue order.
    classes: dict[tuple, list[int]] = defaultdict(list)
    for j in queue.order:
        r = referrals[j]
        classes[(r.area, r.accepts, r.min_tier, r.priority)].append(j)
    class_keys = sorted(classes, key=lambda k: (k[0], k[3], sorted(k[1]), k[2]))

    # Groups: classes without the priority, all that the fairness step needs.
    groups = sorted({k[:3] for k in class_keys}, key=lambda k: (k[0], sorted(k[1]), k[2]))
    group_index = {g: n for n, g in enumerate(groups)}
    group_pools = [
        [
            p
            for p, (home, kind, tier) in enumerate(pool_keys)
            if kind in accepts and tier >= min_tier and home in (None, area)
        ]
        for area, accepts, min_tier in groups
    ]
    waiting = [0] * len(areas)
    group_sizes = [0] * len(groups)
    for key in class_keys:
        waiting[area_index[key[0]]] += len(classes[key])
        group_sizes[group_index[key[:3]]] += len(classes[key])
    network = SupplyNetwork(
        pool_sizes=[len(pools[k]) for k in pool_keys],
        group_sizes=group_sizes,
        group_areas=[area_index[g[0]] for g in groups],
        edges=[(p, g) for g, ps in enumerate(group_pools) for p in ps],
        area_count=len(areas),
    )
    need = [waiting[a] * instance.weight(area) for a, area in enumerate(areas)]
    totals = fairest_totals(network, waiting=waiting, need=need)

    edges = [(c, p) for c, key in enumerate(class_keys) for p in group_pools[group_index[key[:3]]]]
    counts = _class_counts(
        edges=edges,
        pool_sizes=[len(pools[k]) for k in pool_keys],
        class_sizes=[len(classes[k]) for k in class_keys],
        class_areas=[area_index[k[0]] for k in class_keys],
        class_bands=[k[3] for k in class_keys],
        totals=totals,
    )
    served = _assign_devices(
        devices=devices,
        pools=[pools[k] for k in pool_keys],
        pool_ring_fenced=[k[0] is not None for k in pool_keys],
        classes=[classes[k] for k in class_keys],
        class_areas=[k[0] for k in class_keys],
        edges=edges,
        counts=counts,
    )
    taken = np.bincount([c for c, _ in edges], weights=counts, minlength=len(class_keys))
    in_area: dict[str, list[tuple[list[int], int]]] = defaultdict(list)
    for c, key in enumerate(class_keys):
        in_area[key[0]].append((classes[key], int(taken[c])))
    for area_classes in in_area.values():
        _swap_until_stable(area_classes, served, queue.place, devices, referrals)
    return build_plan(instance, served, queue, policy)


def _class_counts(
    *,
    edges: list[tuple[int, int]],
    pool_sizes: list[int],
    class_sizes: list[int],
    class_areas: list[int],
    class_bands: list[int],
    totals: list[int],
) -> np.ndarray:
    """Whole devices per (class, pool) edge meeting the area totals, most urgent bands first.

    One solve per band but the last: maximise that band's referrals served in all areas, then
    hold each area's count in that band while the next band is maximised.
    """
    n = len(edges)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    edge_class = np.array([c for c, _ in edges])
    edge_pool = np.array([p for _, p in edges])
    edge_area = np.array(class_areas)[edge_class]
    edge_band = np.array(class_bands)[edge_class]
    columns = np.arange(n)

    def rows(row_of_edge: np.ndarray, count: int):
        return coo_array((np.ones(n), (row_of_edge, columns)), shape=(count, n)).tocsr()

    area_count = len(totals)
    constraints = [
        LinearConstraint(rows(edge_pool, len(pool_sizes)), 0, pool_sizes),
        LinearConstraint(rows(edge_class, len(class_sizes)), 0, class_sizes),
        LinearConstraint(rows(edge_area, area_count), totals, totals),
    ]
    upper = np.minimum(np.array(pool_sizes)[edge_pool], np.array(class_sizes)[edge_class])
    bands = sorted(set(class_bands))
    for band in bands[:-1] or bands:
        in_band = (edge_band == band).astype(float)
        result = milp(
            -in_band,
            integrality=np.ones(n),
            bounds=Bounds(0, upper),
            constraints=constraints,
        )
        if not result.success:
            raise RuntimeError(f"The class-level allocation failed: {result.message}")
        counts = np.rint(result.x).astype(np.int64)
        held = np.bincount(edge_area, weights=counts * in_band, minlength=area_count)
        mask = np.flatnonzero(in_band)
        constraints.append(
            LinearConstraint(
                coo_array(
                    (np.ones(len(mask)), (edge_area[mask], mask)), shape=(area_count, n)
                ).tocsr(),
                held,
                held,
            )
        )
    return counts


def _assign_devices(
    *,
    devices,
    pools: list[list[int]],
    pool_ring_fenced: list[bool],
    classes: list[list[int]],
    class_areas: list[str],
    edges: list[tuple[int, int]],
    counts: np.ndarray,
) -> dict[int, int]:
    """Referral index → device index, following the class-level counts."""
    # How many of each pool each area receives, and which devices: the area's own first.
    wanted: dict[tuple[int, str], int] = defaultdict(int)
    for (c, p), count in zip(edges, counts.tolist(), strict=True):
        if count:
            wanted[(p, class_areas[c])] += count
    given: dict[tuple[int, str], list[int]] = {}
    for p, members in enumerate(pools):
        areas = sorted(area for q, area in wanted if q == p)
        if not areas:
            continue
        if pool_ring_fenced[p]:
            given[(p, areas[0])] = members[: wanted[(p, areas[0])]]
            continue
        taken = set()
        for area in areas:
            home = [i for i in members if devices[i].area == area][: wanted[(p, area)]]
            given[(p, area)] = home
            taken.update(home)
        rest = iter([i for i in members if i not in taken])
        for area in areas:
            short = wanted[(p, area)] - len(given[(p, area)])
            given[(p, area)] = given[(p, area)] + [next(rest) for _ in range(short)]
    cursor = dict.fromkeys(given, 0)
    served: dict[int, int] = {}
    next_member = [0] * len(classes)
    for (c, p), count in zip(edges, counts.tolist(), strict=True):
        if not count:
            continue
        key = (p, class_areas[c])
        start, first = cursor[key], next_member[c]
        for j, i in zip(
            classes[c][first : first + count], given[key][start : start + count], strict=True
        ):
            served[j] = i
        cursor[key] += count
        next_member[c] += count
    return served


def _swap_until_stable(area_classes, served, place, devices, referrals) -> None:
    """Gives a served referral's device to an unserved one ranking before it that can use it.

    area_classes holds one area's classes, each as (members in queue order, how many of the
    first are served). Within one area, a device's type and tier are all that decide who may
    take it. Each swap serves a better-placed referral instead of the worst-placed holder of
    that kind of device, so the worst place holding each kind only ever improves: an unserved
    referral that finds no worse holder it could replace never will, and one pass over the
    unserved in queue order, each one replaced joining it, leaves no such pair.
    """
    holders: dict[tuple, list] = defaultdict(list)  # kind → max-heap of (-place, referral)
    for members, taken in area_classes:
        for j in members[:taken]:
            d = devices[served[j]]
            holders[(d.type, d.tier)].append((-place[j], j))
    for heap in holders.values():
        heapq.heapify(heap)
    kinds_for: dict[tuple, list[tuple]] = {}
    waiting = []
    for members, taken in area_classes:
        r = referrals[members[0]]
        kinds = [k for k in holders if k[0] in r.accepts and k[1] >= r.min_tier]
        kinds_for[(r.accepts, r.min_tier)] = kinds
        if kinds:
            worst = max(-holders[k][0][0] for k in kinds)
            last = bisect_left(members, worst, lo=taken, key=place.__getitem__)
            waiting.extend((place[j], j) for j in members[taken:last])
    heapq.heapify(waiting)
    while waiting:
        position, j = heapq.heappop(waiting)
        r = referrals[j]
        worst = None
        for kind in kinds_for[(r.accepts, r.min_tier)]:
            heap = holders[kind]
            if -heap[0][0] > position and (worst is None or heap[0] < worst[0]):
                worst = (heap[0], kind)
        if worst is None:
            continue
        (_, loser), kind = worst
        heapq.heapreplace(holders[kind], (-position, j))
        served[j] = served.pop(loser)
        heapq.heappush(waiting, (place[loser], loser))
