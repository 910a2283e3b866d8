"""Turning matches into a Plan: the figures for every area and each match's explanation."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.allocation.model import (
    AreaFigures,
    DeviceClass,
    Explanation,
    Id,
    Instance,
    Match,
    Plan,
    Referral,
    id_key,
)


@dataclass(frozen=True)
class Queue:
    """Referrals in queue order: priority band, then longest waiting, then id."""

    order: list[int]  # referral indices, the whole region's queue
    by_area: list[int]  # the same, area by area (areas in order)
    place: list[int]  # by referral index: its place in its own area's queue, 1 first

    @classmethod
    def of(cls, referrals: Sequence[Referral]) -> "Queue":
        n = len(referrals)
        by_id = id_order([r.id for r in referrals])
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[by_id] = np.arange(n)
        days = np.fromiter((r.referred_on.toordinal() for r in referrals), np.int64, n)
        bands = np.fromiter((r.priority for r in referrals), np.int64, n)
        order = np.lexsort((id_rank, days, bands))
        area_codes = {area: a for a, area in enumerate(sorted({r.area for r in referrals}))}
        areas = np.fromiter((area_codes[r.area] for r in referrals), np.int64, n)[order]
        grouped = np.argsort(areas, kind="stable")
        by_area, areas = order[grouped], areas[grouped]
        place = np.empty(n, dtype=np.int64)
        place[by_area] = np.arange(n) - np.searchsorted(areas, areas) + 1
        return cls(order=order.tolist(), by_area=by_area.tolist(), place=place.tolist())


def id_order(ids: Sequence[Id]) -> list[int]:
    """Indices of ids in `id_key` order."""
    try:
        return sorted(range(len(ids)), key=ids.__getitem__)
    except TypeError:  # numbers and text mixed
        return sorted(range(len(ids)), key=lambda i: id_key(ids[i]))


def build_plan(instance: Instance, served: dict[int, int], queue: Queue, policy: str) -> Plan:
    """served maps referral index → device index."""
    devices, referrals = instance.devices, instance.referrals
    waiting = Counter(r.area for r in referrals)
    allocated = Counter(referrals[j].area for j in served)
    total = len(served)
    by_area = {}
    for area in instance.areas:
        weight = instance.weight(area)
        n, got = waiting[area], allocated[area]
        by_area[area] = AreaFigures(
            area=area,
            waiting=n,
            allocated=got,
            weight=float(weight),
            share=got / total if total else 0.0,
            fill_rate=got / n if n else None,
            weighted_fill_rate=float(got / (n * weight)) if n else None,
        )
    # The words each match shares with others, written once.
    waiting_in = {area: f" of {f.waiting} waiting in {area}: " for area, f in by_area.items()}
    about = {area: _about_area(f, policy) for area, f in by_area.items() if f.waiting}
    bands = {p: _band(p) for p in {r.priority for r in referrals}}
    classes: dict[tuple, tuple[DeviceClass, str]] = {}
    place = queue.place
    matches, unserved = [], []
    for j in queue.by_area:
        r = referrals[j]
        i = served.get(j)
        if i is None:
            unserved.append(r.id)
            continue
        d = devices[i]
        key = (d.area, d.type, d.tier, d.ring_fenced)
        if key not in classes:
            classes[key] = (DeviceClass(*key), _about_device(*key))
        device_class, device_text = classes[key]
        text = (
            f"{_ordinal(place[j])}{waiting_in[r.area]}{bands[r.priority]}, waiting since "
            f"{r.referred_on.isoformat()}. {device_text} {about[r.area]}"
        )
        explanation = Explanation(
            policy=policy,
            area=by_area[r.area],
            rank=place[j],
            priority=r.priority,
            referred_on=r.referred_on,
            device_class=device_class,
            text=text,
        )
        matches.append(Match(device_id=d.id, referral_id=r.id, explanation=explanation))
    used = set(served.values())
    return Plan(
        policy=policy,
        matches=matches,
        by_area=by_area,
        unallocated_devices=[
            devices[i].id for i in id_order([d.id for d in devices]) if i not in used
        ],
        unserved_referrals=unserved,
    )


def _about_area(figures: AreaFigures, policy: str) -> str:
    return (
        f"{figures.area} gets {figures.share:.0%} of the devices in this run, "
        f"{figures.allocated} for {figures.waiting} waiting: a weighted fill rate of "
        f"{figures.weighted_fill_rate:.3g} with need weight {figures.weight:g}. Policy {policy}."
    )


def _about_device(area: str, kind: str, tier: int, ring_fenced: bool) -> str:
    where = f"ring-fenced to {area}" if ring_fenced else f"regional, donated in {area}"
    return f"Device: {kind}, tier {tier}, {where}."


def _band(priority: int) -> str:
    return "priority 1 (most urgent)" if priority == 1 else f"priority {priority}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
