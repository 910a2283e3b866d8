"""A match's explanation in plain English, with the region's own names (the solver speaks in
area codes and numbers, so that its output is plain data)."""

import datetime

from devices.models import DeviceType
from lib.suitability import TIER_LABELS
from referrals.models import Priority

TYPES = dict(DeviceType.choices)
BANDS = dict(Priority.choices)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _percent(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def describe(explanation: dict, area_names: dict[str, str]) -> str:
    """Why this device went to this person, in three sentences."""
    area = area_names.get(explanation["area"], explanation["area"])
    device = explanation["device_class"]
    origin = area_names.get(device["area"], device["area"])
    referred = datetime.date.fromisoformat(explanation["referred_on"])
    band = BANDS.get(explanation["priority"], f"priority {explanation['priority']}")
    fenced = f", kept in {origin} by its council" if device["ring_fenced"] else ""
    tier = TIER_LABELS.get(device["tier"], str(device["tier"])).lower()
    return (
        f"{_ordinal(explanation['rank'])} of {explanation['waiting_in_area']} waiting in {area}: "
        f"{band.lower()} priority, waiting since {referred:%-d %B %Y}. "
        f"The device is a {tier}-specification {TYPES.get(device['type'], device['type']).lower()} "
        f"donated in {origin}{fenced}. "
        f"{area} gets {_percent(explanation.get('area_share'))} of this run's devices; its "
        f"weighted fill rate is {explanation['area_weighted_fill_rate']:.3f} under policy "
        f"{explanation['policy']}."
    )
