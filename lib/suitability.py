"""A suggested outcome for an assessed device, with the reasons behind it.

Rules of thumb from schemes' published minimums (REFERENCE.md, "Is this device worth giving?"):
a computer needs at least 4 GB RAM and 64 GB storage to run Windows 11 or ChromeOS Flex well
(2 GB / 16 GB is the floor any scheme accepts, enough for a lightweight Linux desktop), phones
and tablets older than about six years no longer get security updates, and a battery below
60 % health is not worth reusing without a replacement. The technician makes the decision; this
only suggests one.
"""

from dataclasses import dataclass, field

COMPUTER_TYPES = {"laptop", "desktop"}
HANDHELD_TYPES = {"tablet", "smartphone"}
MIN_RAM_GB = 2
MIN_STORAGE_GB = 16
COMFORTABLE_RAM_GB = 4
COMFORTABLE_STORAGE_GB = 64
MAX_AGE_COMPUTER = 10
MAX_AGE_HANDHELD = 6
MIN_BATTERY_PCT = 60


@dataclass(frozen=True)
class Suggestion:
    outcome: str  # "refurbish", "harvest" or "recycle"
    reasons: list[str] = field(default_factory=list)


def suggest_outcome(
    *,
    device_type: str,
    year: int | None,
    ram_gb: int | None,
    storage_gb: int | None,
    powers_on: bool,
    screen_ok: bool = True,
    battery_health_pct: int | None = None,
    this_year: int,
) -> Suggestion:
    age = this_year - year if year else None
    if not powers_on:
        return Suggestion("harvest", ["It does not power on: harvest working parts."])
    too_old = age is not None and age > (
        MAX_AGE_HANDHELD if device_type in HANDHELD_TYPES else MAX_AGE_COMPUTER
    )
    if too_old:
        return Suggestion("recycle", [f"At {age} years old it no longer gets security updates."])
    if ram_gb is not None and ram_gb < MIN_RAM_GB:
        return Suggestion("recycle", [f"{ram_gb} GB RAM is below the {MIN_RAM_GB} GB minimum."])
    if storage_gb is not None and storage_gb < MIN_STORAGE_GB:
        return Suggestion(
            "recycle", [f"{storage_gb} GB storage is below the {MIN_STORAGE_GB} GB minimum."]
        )
    reasons = []
    if not screen_ok:
        return Suggestion(
            "harvest", ["The screen is faulty: harvest parts unless it can be replaced."]
        )
    if battery_health_pct is not None and battery_health_pct < MIN_BATTERY_PCT:
        if device_type in HANDHELD_TYPES:
            return Suggestion(
                "harvest", [f"Battery health {battery_health_pct}% is below {MIN_BATTERY_PCT}%."]
            )
        reasons.append(
            f"Battery health {battery_health_pct}% is low: fit a new battery or give it as a "
            "plugged-in device."
        )
    if device_type in COMPUTER_TYPES and (
        (ram_gb is not None and ram_gb < COMFORTABLE_RAM_GB)
        or (storage_gb is not None and storage_gb < COMFORTABLE_STORAGE_GB)
    ):
        reasons.append("Below Windows 11 and ChromeOS Flex minimums: install a lightweight Linux.")
    reasons.insert(0, "Meets the minimum specification for reuse.")
    return Suggestion("refurbish", reasons)


# Specification tiers, for matching a device to what a person needs (allocation). Higher is
# better; a referral asks for a minimum. An unknown value counts as not meeting a tier's bar, so
# a device is never promised above what is known about it.
TIER_LABELS = {1: "Basic", 2: "Standard", 3: "High"}
TIER_HELP = {
    1: "Meets the reuse minimum: fine for browsing, e-mail and video calls.",
    2: "Comfortable for everyday work and study (a computer with 4 GB RAM and 64 GB storage "
    "or more, up to 6 years old; a phone or tablet with 64 GB, up to 3 years old).",
    3: "For demanding use such as design or programming courses (a computer with 8 GB RAM and "
    "256 GB storage or more, up to 4 years old; a phone or tablet with 128 GB, up to 2 years).",
}


def spec_tier(
    *,
    device_type: str,
    ram_gb: int | None,
    storage_gb: int | None,
    year: int | None,
    this_year: int,
) -> int:
    age = this_year - year if year else None

    def meets(ram: int | None, storage: int, max_age: int) -> bool:
        if age is None or age > max_age or storage_gb is None or storage_gb < storage:
            return False
        return ram is None or (ram_gb is not None and ram_gb >= ram)

    if device_type in HANDHELD_TYPES:
        if meets(None, 128, 2):
            return 3
        return 2 if meets(None, 64, 3) else 1
    if meets(8, 256, 4):
        return 3
    return 2 if meets(4, 64, 6) else 1
