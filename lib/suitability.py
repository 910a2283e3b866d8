"""Specification tiers: how capable a device is, for matching it to what a person needs.

(Whether a device is worth giving at all is the assessment guide's question: lib/assessment.py.)
"""

HANDHELD_TYPES = {"tablet", "smartphone"}


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
