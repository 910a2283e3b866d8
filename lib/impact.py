"""The impact method: device categories, and what reused devices avoid.

Plain data in, plain data out. From counts of devices kept in use by category, the calculator
gives the kilograms of equipment kept in use (weight x count) and the kilograms of CO2e avoided
(embodied footprint x displacement x count). The factors and the displacement come from a
versioned method; every result names the version it used.

Categories follow The Restart Project's life-cycle table: a laptop is small, medium or large by
its screen; a device whose type has no category (a printer, a "other") is counted in the social
figures but not in the environmental ones, and reports list how many were left out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LAPTOP_SMALL = "laptop_small"
LAPTOP_MEDIUM = "laptop_medium"
LAPTOP_LARGE = "laptop_large"
DESKTOP = "desktop"
TABLET = "tablet"
SMARTPHONE = "smartphone"
CATEGORIES = (LAPTOP_SMALL, LAPTOP_MEDIUM, LAPTOP_LARGE, DESKTOP, TABLET, SMARTPHONE)
UNCATEGORISED = ""

# Screen diagonals (inches) that divide laptops: under 13 is small (netbooks, 11.6" and 12.5"
# machines); 13 up to and including 15.6 is medium (the common 13.3", 14" and 15.6"); above
# 15.6 is large (16" to 17.3" workstations). The Restart Project's weights (1.39, 1.83 and
# 2.53 kg) fit those sizes. A laptop whose screen is not recorded counts as medium, the most
# common size, so that it is neither left out nor over-credited.
SMALL_BELOW = Decimal("13")
LARGE_ABOVE = Decimal("15.6")


def category_for(device_type: str, screen_inches: Decimal | float | None = None) -> str:
    """The impact category of a device, or UNCATEGORISED when its type has none."""
    if device_type == "laptop":
        if screen_inches is None:
            return LAPTOP_MEDIUM
        size = Decimal(str(screen_inches))
        if size < SMALL_BELOW:
            return LAPTOP_SMALL
        if size > LARGE_ABOVE:
            return LAPTOP_LARGE
        return LAPTOP_MEDIUM
    if device_type in (DESKTOP, TABLET, SMARTPHONE):
        return device_type
    return UNCATEGORISED


@dataclass(frozen=True)
class Factor:
    category: str
    label: str
    embodied_kg_co2e: Decimal
    weight_kg: Decimal


@dataclass(frozen=True)
class Method:
    version: str
    displacement: Decimal
    factors: Mapping[str, Factor]


@dataclass(frozen=True)
class CategoryImpact:
    category: str
    label: str
    devices: int
    kg_kept_in_use: Decimal
    kg_co2e_avoided: Decimal


@dataclass(frozen=True)
class Environmental:
    method_version: str
    displacement: Decimal
    kg_kept_in_use: Decimal
    kg_co2e_avoided: Decimal
    by_category: tuple[CategoryImpact, ...]
    # Devices counted socially but left out here: no category, or no factor for it.
    left_out: int = 0

    @property
    def tonnes_co2e_avoided(self) -> Decimal:
        return _round(self.kg_co2e_avoided / 1000, "0.1")


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def environmental(kept_in_use: Mapping[str, int], method: Method) -> Environmental:
    """What `kept_in_use` (devices by category) avoids under `method`.

    kg kept in use = Σ weight x devices; kg CO2e avoided = Σ embodied x displacement x devices,
    each category rounded to 0.01 kg and the totals summed from the rounded rows, so a table
    of the rows adds up to its total. Negative counts (more returns than handovers in a period)
    are taken as they come: the period's net figure.
    """
    rows = []
    left_out = 0
    for category, devices in kept_in_use.items():
        factor = method.factors.get(category)
        if factor is None:
            left_out += devices
            continue
        rows.append(
            CategoryImpact(
                category=category,
                label=factor.label,
                devices=devices,
                kg_kept_in_use=_round(factor.weight_kg * devices),
                kg_co2e_avoided=_round(factor.embodied_kg_co2e * method.displacement * devices),
            )
        )
    order = {category: i for i, category in enumerate(CATEGORIES)}
    rows.sort(key=lambda row: order.get(row.category, len(order)))
    return Environmental(
        method_version=method.version,
        displacement=method.displacement,
        kg_kept_in_use=sum((row.kg_kept_in_use for row in rows), Decimal("0.00")),
        kg_co2e_avoided=sum((row.kg_co2e_avoided for row in rows), Decimal("0.00")),
        by_category=tuple(rows),
        left_out=left_out,
    )


# ---------------------------------------------------------------------------------------------
# Measures: what a custody event, a handover, a follow-up or a referral counts towards.

GIVEN = "given"  # registered on the platform by or for a donor
RECEIVED = "received"  # first arrival at a partner (a return coming back is not new supply)
ERASED = "erased"
REFURBISHED = "refurbished"
REHOMED = "rehomed"  # handed over to a person
RETURNED = "returned"
RECYCLED = "recycled"
LOST = "lost"
DEVICE_MEASURES = (GIVEN, RECEIVED, ERASED, REFURBISHED, REHOMED, RETURNED, RECYCLED, LOST)

PEOPLE_SUPPORTED = "people"  # a person handed a device
SIMS = "sims"
SOCIAL_TARIFF = "social_tariff"
SKILLS = "skills"
REFERRED = "referred"
FOLLOW_UPS = "follow_ups"
STILL_USING = "still_using"  # at follow-up: yes or sometimes
MORE_CONFIDENT = "more_confident"  # at follow-up: much or a little more confident
PEOPLE_MEASURES = (
    PEOPLE_SUPPORTED,
    SIMS,
    SOCIAL_TARIFF,
    SKILLS,
    REFERRED,
    FOLLOW_UPS,
    STILL_USING,
    MORE_CONFIDENT,
)

_STATE_MEASURES = {
    "erased": ERASED,
    "refurbished": REFURBISHED,
    "handed_over": REHOMED,
    "returned": RETURNED,
    "recycled": RECYCLED,
    "lost": LOST,
}


def event_measures(kind: str, from_state: str, to_state: str) -> tuple[str, ...]:
    """The measures one custody event counts towards (most count towards none)."""
    if kind == "registered":
        return (GIVEN, RECEIVED) if to_state == "received" else (GIVEN,)
    if kind != "transition":
        return ()
    if to_state == "received":
        return (RECEIVED,) if from_state == "pledged" else ()
    measure = _STATE_MEASURES.get(to_state)
    return (measure,) if measure else ()


def kept_in_use(counts: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """Devices kept in use by category from (measure, category, count) rows: rehomed - returned.

    A device given back and given out again counts once more, as it supports another person.
    """
    result: dict[str, int] = {}
    for measure, category, count in counts:
        if measure == REHOMED:
            result[category] = result.get(category, 0) + count
        elif measure == RETURNED:
            result[category] = result.get(category, 0) - count
    return {category: n for category, n in result.items() if n}


@dataclass
class MeasureCounts:
    """Counts by measure, with the device measures also by category (for the calculator)."""

    totals: dict[str, int] = field(default_factory=dict)
    by_category: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, measure: str, category: str, count: int) -> None:
        self.totals[measure] = self.totals.get(measure, 0) + count
        key = (measure, category)
        self.by_category[key] = self.by_category.get(key, 0) + count

    def __getitem__(self, measure: str) -> int:
        return self.totals.get(measure, 0)

    def kept_in_use(self) -> dict[str, int]:
        return kept_in_use((m, c, n) for (m, c), n in self.by_category.items())
