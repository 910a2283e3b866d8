"""The naive baseline the engine is measured against: first come, first served, region-wide.

Referrals in one queue for the whole region (priority band, then longest waiting, then id), each
taking the first compatible device left (lowest id). No thought for areas, so one area's long
waiting list can take every regional device.
"""

from collections import defaultdict

from lib.allocation.model import Instance, Plan
from lib.allocation.plan import Queue, build_plan, id_order

GREEDY_POLICY = "greedy baseline"


def allocate_greedy(instance: Instance) -> Plan:
    devices, referrals = instance.devices, instance.referrals
    # Devices pooled by what decides who may take them, each pool a stack, lowest id on top.
    pools: dict[tuple, list[int]] = defaultdict(list)
    by_id = id_order([d.id for d in devices])
    for i in reversed(by_id):
        d = devices[i]
        pools[(d.area if d.ring_fenced else None, d.type, d.tier)].append(i)
    options: dict[tuple, list[list[int]]] = {}
    queue = Queue.of(referrals)
    position = {i: n for n, i in enumerate(by_id)}
    served: dict[int, int] = {}
    left = len(devices)
    for j in queue.order:
        if not left:
            break
        r = referrals[j]
        need = (r.area, r.accepts, r.min_tier)
        if need not in options:
            options[need] = [
                stack
                for (home, kind, tier), stack in pools.items()
                if kind in r.accepts and tier >= r.min_tier and home in (None, r.area)
            ]
        first = min((s for s in options[need] if s), key=lambda s: position[s[-1]], default=None)
        if first is not None:
            served[j] = first.pop()
            left -= 1
    return build_plan(instance, served, queue, GREEDY_POLICY)
