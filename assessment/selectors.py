"""Reading the rules in use, and the guide's verdict for a device the platform holds."""

import json
from functools import cache
from pathlib import Path

from django.utils import timezone

from lib.assessment import DeviceFacts, Rules, Verdict, assess

from .models import RuleSet

DEFAULT_RULES = Path(__file__).with_name("default_rules.json")
DEFAULT_NOTE = "The rules shipped with Rehome."

# The grading form's outcomes for the guide's verdicts. Unlocking is part of refurbishment (the
# refurbishment record says the locks were removed); a device that stays locked is re-assessed.
OUTCOME_FOR_VERDICT = {
    "give_as_is": "refurbish",
    "refurbish": "refurbish",
    "unlock_first": "refurbish",
    "parts": "harvest",
    "recycle": "recycle",
}


@cache
def default_rules() -> dict:
    return json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))


def active_rules() -> Rules:
    """The rules in use. An empty database (no version saved yet) uses the shipped version 1."""
    current = RuleSet.objects.active().values_list("version", "rules").first()
    if current is None:
        return Rules(1, default_rules())
    return Rules(*current)


def device_verdict(
    device,
    *,
    powers_on: bool = True,
    screen_ok: bool = True,
    keyboard_ok: bool = True,
    battery_health_pct: int | None = None,
) -> Verdict:
    """The guide's verdict on a device being graded: its record plus the technician's checks.

    What the record cannot say (locks, the system on it) is not asked here: the device has been
    erased, and the refurbishment record covers locks and the system installed.
    """
    facts = DeviceFacts(
        device_type=device.device_type,
        make=device.make,
        model=device.model,
        year=device.year,
        cpu=device.cpu,
        ram_gb=device.ram_gb,
        storage_gb=device.storage_gb,
        storage_type=_storage_type(device),
        powers_on=powers_on,
        battery_health_pct=battery_health_pct,
        screen="ok" if screen_ok else "broken",
        keyboard="ok" if keyboard_ok else "faulty",
        operating_system="none",
        locks=(),
        data_wiped="certificate",
    )
    return assess(facts, active_rules(), today=timezone.localdate())


def _storage_type(device) -> str:
    """A hard disk anywhere in the device is what slows it down; else its flash storage."""
    kinds = {d.kind for d in device.drives.all() if d.is_data_bearing}
    if "hdd" in kinds:
        return "hdd"
    if kinds & {"ssd", "nvme"}:
        return "ssd"
    return "emmc" if "emmc" in kinds else "unknown"
