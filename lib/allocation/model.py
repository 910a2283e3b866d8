"""Plain data for an allocation run: the instance (devices, referrals, need weights) and the plan.

Nothing here imports Django. An `Instance` is what the solver reads, loadable from and savable
to the JSON format in docs/allocation.md; a `Plan` is what it returns: the matches, each with
its `Explanation`, the figures for every area, and what was left over.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

POLICY_VERSION = "2026.1"
DEFAULT_WEIGHT = 1

Id = int | str


class InstanceError(ValueError):
    """The instance breaks the format or its rules; the message says where."""


@dataclass(frozen=True, slots=True)
class Device:
    id: Id
    type: str
    tier: int  # specification tier, higher is better
    area: str  # area of origin
    ring_fenced: bool = False  # True: may only go to a referral in its area of origin


@dataclass(frozen=True, slots=True)
class Referral:
    id: Id
    area: str
    accepts: frozenset[str]  # device types the person can use
    min_tier: int
    priority: int  # 1 is the most urgent band
    referred_on: date

    def __post_init__(self):
        if not isinstance(self.accepts, frozenset):
            object.__setattr__(self, "accepts", frozenset(self.accepts))


def compatible(device: Device, referral: Referral) -> bool:
    """The hard rules: the device meets the referral's needs and a ring-fence keeps it home."""
    return (
        device.type in referral.accepts
        and device.tier >= referral.min_tier
        and (not device.ring_fenced or device.area == referral.area)
    )


def id_key(value: Id) -> tuple[bool, Id]:
    """Sorts ids stably whether they are numbers or text (numbers first)."""
    return isinstance(value, str), value


@dataclass(frozen=True)
class Instance:
    devices: tuple[Device, ...]
    referrals: tuple[Referral, ...]
    # Need weight per area; an area not listed weighs DEFAULT_WEIGHT.
    weights: Mapping[str, float | int | Decimal | Fraction] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "devices", tuple(self.devices))
        object.__setattr__(self, "referrals", tuple(self.referrals))
        object.__setattr__(self, "weights", dict(self.weights))
        for kind, items in (("device", self.devices), ("referral", self.referrals)):
            if len({item.id for item in items}) < len(items):
                raise InstanceError(f"Two {kind}s share an id: every {kind} id must be unique.")
        for area, weight in self.weights.items():
            is_number = isinstance(weight, int | float | Decimal | Fraction)
            if not is_number or not weight > 0 or not math.isfinite(weight):
                raise InstanceError(f"The weight for {area} must be a number above 0.")
        for referral in self.referrals:
            if not isinstance(referral.priority, int) or referral.priority < 1:
                raise InstanceError(f"Referral {referral.id}: priority must be 1 or more.")

    @cached_property
    def areas(self) -> list[str]:
        """Every area named by a device, a referral or a weight, in order."""
        named = {d.area for d in self.devices} | {r.area for r in self.referrals}
        return sorted(named | set(self.weights))

    def weight(self, area: str) -> Fraction:
        """The area's need weight, exactly (a float is read as the decimal it prints as)."""
        value = self.weights.get(area, DEFAULT_WEIGHT)
        return Fraction(str(value)) if isinstance(value, float) else Fraction(value)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Instance":
        """Reads the instance format of docs/allocation.md (already parsed from JSON)."""
        if not isinstance(data, Mapping):
            raise InstanceError("An instance is an object with devices, referrals and weights.")
        devices = [
            Device(
                id=_id(item, f"devices[{n}]"),
                type=_text(item, "type", f"devices[{n}]"),
                tier=_int(item, "tier", f"devices[{n}]"),
                area=_text(item, "area", f"devices[{n}]"),
                ring_fenced=_bool(item, "ring_fenced", f"devices[{n}]"),
            )
            for n, item in enumerate(_list(data, "devices"))
        ]
        referrals = [
            Referral(
                id=_id(item, f"referrals[{n}]"),
                area=_text(item, "area", f"referrals[{n}]"),
                accepts=_accepts(item, f"referrals[{n}]"),
                min_tier=_int(item, "min_tier", f"referrals[{n}]"),
                priority=_int(item, "priority", f"referrals[{n}]"),
                referred_on=_date(item, f"referrals[{n}]"),
            )
            for n, item in enumerate(_list(data, "referrals"))
        ]
        weights = data.get("weights") or {}
        if not isinstance(weights, Mapping):
            raise InstanceError("weights must be an object of area: number.")
        return cls(devices=devices, referrals=referrals, weights=weights)

    def to_json(self) -> dict[str, Any]:
        return {
            "devices": [
                {
                    "id": d.id,
                    "type": d.type,
                    "tier": d.tier,
                    "area": d.area,
                    "ring_fenced": d.ring_fenced,
                }
                for d in self.devices
            ],
            "referrals": [
                {
                    "id": r.id,
                    "area": r.area,
                    "accepts": sorted(r.accepts),
                    "min_tier": r.min_tier,
                    "priority": r.priority,
                    "referred_on": r.referred_on.isoformat(),
                }
                for r in self.referrals
            ],
            "weights": {area: _json_number(w) for area, w in self.weights.items()},
        }


class DeviceClass(NamedTuple):
    area: str  # of origin
    type: str
    tier: int
    ring_fenced: bool


@dataclass(frozen=True, slots=True)
class AreaFigures:
    area: str
    waiting: int
    allocated: int
    weight: float  # need weight
    share: float  # of all the devices allocated in the run
    fill_rate: float | None  # allocated / waiting; None when nobody waits
    weighted_fill_rate: float | None  # allocated / (waiting * weight)

    def to_json(self) -> dict[str, Any]:
        return {
            "waiting": self.waiting,
            "allocated": self.allocated,
            "fill_rate": self.fill_rate,
            "weighted_fill_rate": self.weighted_fill_rate,
            "weight": self.weight,
            "share": self.share,
        }


@dataclass(slots=True)
class Explanation:
    policy: str
    area: AreaFigures  # the referral's area
    rank: int  # place in the area's queue of waiting referrals, 1 first
    priority: int
    referred_on: date
    device_class: DeviceClass
    text: str  # all of the above in a sentence or three

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "area": self.area.area,
            "waiting_in_area": self.area.waiting,
            "area_allocated": self.area.allocated,
            "area_share": self.area.share,
            "area_fill_rate": self.area.fill_rate,
            "area_weighted_fill_rate": self.area.weighted_fill_rate,
            "area_weight": self.area.weight,
            "rank": self.rank,
            "priority": self.priority,
            "referred_on": self.referred_on.isoformat(),
            "device_class": self.device_class._asdict(),
            "text": self.text,
        }


@dataclass(slots=True)
class Match:
    device_id: Id
    referral_id: Id
    explanation: Explanation


@dataclass(frozen=True)
class Plan:
    policy: str
    matches: list[Match]  # by area, then by place in the area's queue
    by_area: dict[str, AreaFigures]  # every area the instance names, in order
    unallocated_devices: list[Id]  # in id order
    unserved_referrals: list[Id]  # by area, then by place in the area's queue

    @property
    def devices_used(self) -> int:
        return len(self.matches)

    @property
    def min_weighted_fill_rate(self) -> float | None:
        rates = [f.weighted_fill_rate for f in self.by_area.values() if f.waiting]
        return min(rates) if rates else None

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "matches": [
                {
                    "device": m.device_id,
                    "referral": m.referral_id,
                    "explanation": m.explanation.to_json(),
                }
                for m in self.matches
            ],
            "by_area": {area: figures.to_json() for area, figures in self.by_area.items()},
            "unallocated_devices": list(self.unallocated_devices),
            "unserved_referrals": list(self.unserved_referrals),
            "assignments": [[m.device_id, m.referral_id] for m in self.matches],
        }


def _json_number(value) -> int | float:
    return int(value) if value == int(value) else float(value)


def _list(data: Mapping, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InstanceError(f"{key} must be a list.")
    return value


def _field(item, key: str, where: str):
    if not isinstance(item, Mapping):
        raise InstanceError(f"{where} must be an object.")
    if key not in item:
        raise InstanceError(f"{where} has no {key}.")
    return item[key]


def _id(item, where: str) -> Id:
    value = _field(item, "id", where)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InstanceError(f"{where}: id must be a number or text.")
    return value


def _text(item, key: str, where: str) -> str:
    value = _field(item, key, where)
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{where}: {key} must be text.")
    return value


def _int(item, key: str, where: str) -> int:
    value = _field(item, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{where}: {key} must be a whole number.")
    return value


def _bool(item, key: str, where: str) -> bool:
    value = item.get(key, False) if isinstance(item, Mapping) else None
    if not isinstance(value, bool):
        raise InstanceError(f"{where}: {key} must be true or false.")
    return value


def _accepts(item, where: str) -> frozenset[str]:
    value = _field(item, "accepts", where)
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise InstanceError(f"{where}: accepts must be a list of device types.")
    return frozenset(value)


def _date(item, where: str) -> date:
    value = _field(item, "referred_on", where)
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InstanceError(f"{where}: referred_on must be an ISO date (YYYY-MM-DD).") from None
