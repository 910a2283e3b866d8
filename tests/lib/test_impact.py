from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import impact

RESTART = impact.Method(
    version="1",
    displacement=Decimal("0.5"),
    factors={
        impact.LAPTOP_SMALL: impact.Factor(
            impact.LAPTOP_SMALL, "Laptop small", Decimal("221.15"), Decimal("1.39")
        ),
        impact.LAPTOP_MEDIUM: impact.Factor(
            impact.LAPTOP_MEDIUM, "Laptop medium", Decimal("265.32"), Decimal("1.83")
        ),
        impact.LAPTOP_LARGE: impact.Factor(
            impact.LAPTOP_LARGE, "Laptop large", Decimal("414.70"), Decimal("2.53")
        ),
        impact.DESKTOP: impact.Factor(
            impact.DESKTOP, "Desktop", Decimal("414.17"), Decimal("6.69")
        ),
        impact.TABLET: impact.Factor(impact.TABLET, "Tablet", Decimal("114.49"), Decimal("0.77")),
        impact.SMARTPHONE: impact.Factor(
            impact.SMARTPHONE, "Mobile", Decimal("50.51"), Decimal("0.15")
        ),
    },
)


@pytest.mark.parametrize(
    ("device_type", "screen", "category"),
    [
        ("laptop", Decimal("11.6"), impact.LAPTOP_SMALL),
        ("laptop", Decimal("12.9"), impact.LAPTOP_SMALL),
        ("laptop", Decimal("13"), impact.LAPTOP_MEDIUM),
        ("laptop", Decimal("15.6"), impact.LAPTOP_MEDIUM),
        ("laptop", Decimal("15.7"), impact.LAPTOP_LARGE),
        ("laptop", 17.3, impact.LAPTOP_LARGE),
        ("laptop", None, impact.LAPTOP_MEDIUM),
        ("desktop", None, impact.DESKTOP),
        ("tablet", Decimal("10.2"), impact.TABLET),
        ("smartphone", None, impact.SMARTPHONE),
        ("other", None, impact.UNCATEGORISED),
    ],
)
def test_a_device_gets_its_category_from_its_type_and_screen(device_type, screen, category):
    assert impact.category_for(device_type, screen) == category


def test_the_environmental_figures_are_factor_times_displacement_times_devices():
    env = impact.environmental({impact.LAPTOP_MEDIUM: 10, impact.SMARTPHONE: 3}, RESTART)
    assert env.method_version == "1"
    assert env.kg_co2e_avoided == Decimal("1326.60") + Decimal("75.77")  # 75.765 rounds up
    assert env.kg_kept_in_use == Decimal("18.30") + Decimal("0.45")
    assert [row.category for row in env.by_category] == [impact.LAPTOP_MEDIUM, impact.SMARTPHONE]


def test_devices_without_a_category_are_left_out_and_counted():
    env = impact.environmental({impact.UNCATEGORISED: 4, impact.TABLET: 1}, RESTART)
    assert env.left_out == 4
    assert env.kg_co2e_avoided == Decimal("57.25")


@given(st.dictionaries(st.sampled_from(impact.CATEGORIES), st.integers(0, 10**6)))
def test_the_totals_are_the_sums_of_the_rows_shown(counts):
    env = impact.environmental(counts, RESTART)
    assert env.kg_co2e_avoided == sum((r.kg_co2e_avoided for r in env.by_category), Decimal(0))
    assert env.kg_kept_in_use == sum((r.kg_kept_in_use for r in env.by_category), Decimal(0))
    assert all(r.kg_co2e_avoided >= 0 for r in env.by_category)


@pytest.mark.parametrize(
    ("kind", "from_state", "to_state", "measures"),
    [
        ("registered", "", "pledged", ("given",)),
        ("registered", "", "received", ("given", "received")),
        ("transition", "pledged", "received", ("received",)),
        ("transition", "returned", "received", ()),  # a return is not new supply
        ("transition", "received", "erased", ("erased",)),
        ("transition", "allocated", "handed_over", ("rehomed",)),
        ("transition", "ready", "allocated", ()),
        ("handover_confirmed", "", "", ()),
        ("correction", "erased", "received", ()),
    ],
)
def test_each_event_counts_towards_its_measures(kind, from_state, to_state, measures):
    assert impact.event_measures(kind, from_state, to_state) == measures


def test_devices_kept_in_use_are_rehomed_less_returned():
    rows = [("rehomed", "tablet", 5), ("returned", "tablet", 2), ("rehomed", "desktop", 1)]
    assert impact.kept_in_use(rows) == {"tablet": 3, "desktop": 1}
