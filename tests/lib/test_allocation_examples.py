"""Worked examples of the allocation policy, each with numbers checked by hand."""

from datetime import date
from decimal import Decimal

import pytest

from lib.allocation import (
    GREEDY_POLICY,
    POLICY_VERSION,
    Device,
    DeviceClass,
    Instance,
    InstanceError,
    Referral,
    allocate,
    allocate_greedy,
)

# IMD 2019 average scores (shared/data/west-midlands-areas.csv) as the deprivation weights.
IMD = {
    "Birmingham": Decimal("38.067"),
    "Sandwell": Decimal("34.884"),
    "Solihull": Decimal("17.370"),
}


def laptops(count: int, *, area: str = "Birmingham", ring_fenced=False, start=0) -> list[Device]:
    return [Device(f"D{start + n:03}", "laptop", 1, area, ring_fenced) for n in range(count)]


def asking(area: str, count: int, *, start: int = 0, accepts=("laptop",)) -> list[Referral]:
    return [
        Referral(f"{area[:3]}-{n:03}", area, accepts, 1, 1, date(2026, 1, 1 + n % 28))
        for n in range(start, start + count)
    ]


def thirty_devices_over_a_hundred_asking(weights) -> Instance:
    return Instance(
        devices=laptops(30),
        referrals=asking("Birmingham", 50) + asking("Sandwell", 40) + asking("Solihull", 20),
        weights=weights,
    )


def allocated(plan) -> dict[str, int]:
    return {area: figures.allocated for area, figures in plan.by_area.items()}


def assignments(plan) -> list[list]:
    return plan.to_json()["assignments"]


def test_thirty_devices_go_where_need_weighted_by_deprivation_is_least_met():
    plan = allocate(thirty_devices_over_a_hundred_asking(IMD))

    # Needs 50 * 38.067, 40 * 34.884, 20 * 17.370. Sandwell's 11th device (11 / 1395.36) is the
    # highest level all three can reach: above it Birmingham needs 16, Sandwell 12 and Solihull
    # 3 (31 > 30). At 11 for Sandwell, Birmingham's 16 (0.00841) beats Solihull's 4th.
    assert allocated(plan) == {"Birmingham": 16, "Sandwell": 11, "Solihull": 3}
    sandwell = plan.by_area["Sandwell"]
    assert sandwell.waiting == 40
    assert sandwell.fill_rate == 11 / 40
    assert sandwell.weighted_fill_rate == pytest.approx(11 / (40 * 34.884))
    assert sandwell.weight == 34.884
    assert sandwell.share == pytest.approx(11 / 30)
    assert plan.min_weighted_fill_rate == sandwell.weighted_fill_rate
    assert plan.devices_used == 30
    assert plan.unallocated_devices == []
    assert len(plan.unserved_referrals) == 80


def test_weights_change_the_outcome():
    weighted = allocate(
        thirty_devices_over_a_hundred_asking({"Birmingham": 1.2, "Sandwell": 1.1, "Solihull": 0.6})
    )
    equal = allocate(thirty_devices_over_a_hundred_asking({}))

    # Needs 60, 44, 12: 15 / 60 = 11 / 44 = 0.25 and 4 / 12 beats 16 / 60 or 12 / 44.
    assert allocated(weighted) == {"Birmingham": 15, "Sandwell": 11, "Solihull": 4}
    # Needs 50, 40, 20: 13 / 50 is the highest level all reach (14, 11, 6 would be 31 devices).
    assert allocated(equal) == {"Birmingham": 13, "Sandwell": 11, "Solihull": 6}
    assert [f.weighted_fill_rate for f in weighted.by_area.values()] == [0.25, 0.25, 4 / 12]


def test_first_come_first_served_is_the_unfair_baseline():
    instance = thirty_devices_over_a_hundred_asking(IMD)

    greedy = allocate_greedy(instance)

    # Each day from the 1st to the 12th, two people from Birmingham, two from Sandwell and one
    # from Solihull were referred: the first six days take all thirty devices.
    assert greedy.policy == GREEDY_POLICY
    assert allocated(greedy) == {"Birmingham": 12, "Sandwell": 12, "Solihull": 6}
    assert greedy.min_weighted_fill_rate < allocate(instance).min_weighted_fill_rate


def test_ring_fenced_devices_stay_in_their_area_even_when_another_waits_longer():
    instance = Instance(
        devices=laptops(6, area="Solihull", ring_fenced=True) + laptops(4, start=6),
        referrals=asking("Birmingham", 20) + asking("Solihull", 2),
    )

    plan = allocate(instance)

    assert allocated(plan) == {"Birmingham": 4, "Solihull": 2}
    to_solihull = [m for m in plan.matches if m.explanation.area.area == "Solihull"]
    assert {m.device_id for m in to_solihull} <= {f"D{n:03}" for n in range(6)}
    assert len(plan.unallocated_devices) == 4
    assert all(
        m.explanation.device_class == DeviceClass("Birmingham", "laptop", 1, False)
        for m in plan.matches
        if m.explanation.area.area == "Birmingham"
    )


def test_an_area_with_nobody_waiting_gets_nothing_and_its_regional_devices_go_elsewhere():
    instance = Instance(
        devices=laptops(2, area="Dudley") + laptops(1, area="Dudley", ring_fenced=True, start=2),
        referrals=asking("Walsall", 5),
        weights={"Coventry": 2},
    )

    plan = allocate(instance)

    assert allocated(plan) == {"Coventry": 0, "Dudley": 0, "Walsall": 2}
    dudley = plan.by_area["Dudley"]
    assert (dudley.waiting, dudley.fill_rate, dudley.weighted_fill_rate) == (0, None, None)
    assert plan.unallocated_devices == ["D002"]
    assert plan.to_json()["by_area"]["Coventry"] == {
        "waiting": 0,
        "allocated": 0,
        "fill_rate": None,
        "weighted_fill_rate": None,
        "weight": 2,
        "share": 0.0,
    }


def test_one_device_for_two_equal_areas_goes_to_one_of_them():
    # The fractional optimum would split it; whole devices cannot, and the engine must not stop
    # short of using it.
    instance = Instance(devices=laptops(1), referrals=asking("Dudley", 1) + asking("Walsall", 1))

    plan = allocate(instance)

    assert plan.devices_used == 1
    assert allocated(plan) == {"Birmingham": 0, "Dudley": 1, "Walsall": 0}


def test_the_area_queue_is_kept_even_when_the_most_urgent_accept_fewer_types():
    # Two urgent referrals and one less urgent, but referred earlier, for a laptop and a tablet.
    # Giving the laptop to the first urgent one leaves the tablet only to the less urgent one,
    # and no single swap mends that: the engine plans by band before it picks people.
    instance = Instance(
        devices=[Device("L", "laptop", 1, "Dudley"), Device("T", "tablet", 1, "Dudley")],
        referrals=[
            Referral("first", "Dudley", {"laptop", "tablet"}, 1, 1, date(2026, 1, 1)),
            Referral("second", "Dudley", {"laptop"}, 1, 1, date(2026, 2, 1)),
            Referral("earlier", "Dudley", {"tablet"}, 1, 3, date(2025, 1, 1)),
        ],
    )

    plan = allocate(instance)

    assert assignments(plan) == [["T", "first"], ["L", "second"]]
    assert plan.unserved_referrals == ["earlier"]


def test_within_a_band_the_longest_waiting_comes_first_whatever_else_they_accept():
    instance = Instance(
        devices=[Device("L", "laptop", 2, "Dudley")],
        referrals=[
            Referral("new", "Dudley", {"laptop"}, 1, 2, date(2026, 3, 1)),
            Referral("old", "Dudley", {"laptop", "tablet"}, 2, 2, date(2026, 1, 1)),
            Referral("low", "Dudley", {"tablet"}, 1, 2, date(2025, 1, 1)),
        ],
    )

    plan = allocate(instance)

    assert assignments(plan) == [["L", "old"]]
    assert plan.unserved_referrals == ["low", "new"]


def test_a_device_only_goes_where_it_meets_the_need():
    instance = Instance(
        devices=[
            Device("basic", "laptop", 1, "Dudley"),
            Device("phone", "smartphone", 3, "Dudley"),
        ],
        referrals=[Referral("needs-2", "Dudley", {"laptop", "tablet"}, 2, 1, date(2026, 1, 1))],
    )

    plan = allocate(instance)

    assert plan.matches == []
    assert plan.unallocated_devices == ["basic", "phone"]


def test_each_match_says_why_in_data_and_in_words():
    instance = thirty_devices_over_a_hundred_asking(IMD)

    plan = allocate(instance)

    # Sandwell's queue has two people a day, so its 11th is the first from the 6th.
    match = next(m for m in plan.matches if m.referral_id == "San-005")
    why = match.explanation
    assert (why.policy, why.rank, why.priority, why.referred_on) == (
        POLICY_VERSION,
        11,
        1,
        date(2026, 1, 6),
    )
    assert why.area is plan.by_area["Sandwell"]
    assert why.device_class == DeviceClass("Birmingham", "laptop", 1, False)
    assert why.text == (
        "11th of 40 waiting in Sandwell: priority 1 (most urgent), waiting since 2026-01-06. "
        "Device: laptop, tier 1, regional, donated in Birmingham. Sandwell gets 37% of the "
        "devices in this run, 11 for 40 waiting: a weighted fill rate of 0.00788 with need weight "
        "34.884. Policy 2026.1."
    )
    assert plan.to_json()["matches"][0]["explanation"]["rank"] == 1


def test_the_same_instance_always_gives_the_same_plan():
    instance = thirty_devices_over_a_hundred_asking(IMD)

    assert allocate(instance).to_json() == allocate(instance).to_json()


def test_the_instance_json_round_trips():
    instance = Instance(
        devices=[Device(7, "laptop", 2, "Dudley", True), Device("x", "tablet", 1, "Walsall")],
        referrals=[Referral("r1", "Dudley", {"tablet", "laptop"}, 1, 2, date(2026, 1, 5))],
        weights={"Dudley": 1.25, "Walsall": 1},
    )

    data = instance.to_json()

    assert data == {
        "devices": [
            {"id": 7, "type": "laptop", "tier": 2, "area": "Dudley", "ring_fenced": True},
            {"id": "x", "type": "tablet", "tier": 1, "area": "Walsall", "ring_fenced": False},
        ],
        "referrals": [
            {
                "id": "r1",
                "area": "Dudley",
                "accepts": ["laptop", "tablet"],
                "min_tier": 1,
                "priority": 2,
                "referred_on": "2026-01-05",
            }
        ],
        "weights": {"Dudley": 1.25, "Walsall": 1},
    }
    assert Instance.from_json(data) == instance


def test_the_plan_json_has_the_fields_the_allocate_command_prints():
    plan = allocate(thirty_devices_over_a_hundred_asking({}))

    data = plan.to_json()

    assert list(data) == [
        "policy",
        "matches",
        "by_area",
        "unallocated_devices",
        "unserved_referrals",
        "assignments",
    ]
    assert data["by_area"]["Solihull"] == {
        "waiting": 20,
        "allocated": 6,
        "fill_rate": 0.3,
        "weighted_fill_rate": 0.3,
        "weight": 1,
        "share": 0.2,
    }
    assert len(data["assignments"]) == len(data["matches"]) == 30


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "An instance is an object"),
        ({"devices": {}}, "devices must be a list"),
        ({"devices": [{"id": 1, "type": "laptop", "tier": 1}]}, r"devices\[0\] has no area"),
        (
            {"devices": [{"id": 1, "type": "laptop", "tier": "2", "area": "A"}]},
            r"devices\[0\]: tier must be a whole number",
        ),
        (
            {
                "referrals": [
                    {
                        "id": 1,
                        "area": "A",
                        "accepts": ["laptop"],
                        "min_tier": 1,
                        "priority": 1,
                        "referred_on": "1 March",
                    }
                ]
            },
            "referred_on must be an ISO date",
        ),
        (
            {
                "referrals": [
                    {
                        "id": 1,
                        "area": "A",
                        "accepts": ["laptop"],
                        "min_tier": 1,
                        "priority": 0,
                        "referred_on": "2026-03-01",
                    }
                ]
            },
            "priority must be 1 or more",
        ),
        ({"weights": {"A": 0}}, "The weight for A must be a number above 0"),
        (
            {"devices": [{"id": 1, "type": "laptop", "tier": 1, "area": "A"}] * 2},
            "Two devices share an id",
        ),
    ],
)
def test_a_broken_instance_is_refused_with_the_place_it_breaks(data, message):
    with pytest.raises(InstanceError, match=message):
        Instance.from_json(data)
