"""Need weights (deprivation by default, versioned when the coordinator changes them) and
council ring-fences within the coordinator's limit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from allocation import weights
from allocation.models import NeedWeights, RingFence


def test_default_weights_follow_deprivation(region):
    found = weights.default_weights(region)
    # Birmingham is the most deprived of the seven (IMD 2019 average score 38.1), Solihull the
    # least (17.4): above and below the region's average need of 1.
    assert found["E08000025"] > Decimal("1.2")
    assert found["E08000029"] < Decimal("0.7")
    assert min(found, key=found.get) == "E08000029"
    current, basis, saved = weights.current_weights(region)
    assert (current, saved) == (found, None)
    assert basis.startswith("Index of Multiple Deprivation")


def test_the_coordinator_sets_a_new_version_with_a_reason(region, personas):
    codes = dict.fromkeys(weights.default_weights(region), "1")
    with pytest.raises(ValidationError) as caught:
        weights.weights_set(region, {**codes, "E08000025": "0"}, reason="", actor=None)
    assert set(caught.value.message_dict) == {"E08000025", "reason"}
    saved = weights.weights_set(
        region, {**codes, "E08000025": "1.5"}, reason="Equal weights for the pilot", actor=None
    )
    current, basis, latest = weights.current_weights(region)
    assert latest == saved
    assert basis == "Set by the coordinator"
    assert current["E08000025"] == Decimal("1.50")
    assert NeedWeights.objects.count() == 1


def test_a_council_ring_fences_devices_from_its_area_within_the_limit(lab, personas, areas):
    council = personas.birmingham_council
    devices = [lab.device(state="ready") for _ in range(8)]
    weights.ring_fence_limit_set(areas["Birmingham"], 25, actor=personas.coordinator)
    for device in devices[:2]:
        weights.ring_fence_add(device, council=council, reason="Local scheme", actor=None)
    with pytest.raises(ValidationError, match="at most 25%"):
        weights.ring_fence_add(devices[2], council=council, reason="Local scheme", actor=None)
    with pytest.raises(ValidationError, match="already ring-fenced"):
        weights.ring_fence_add(devices[0], council=council, reason="Again", actor=None)
    fence = RingFence.objects.get(device=devices[0])
    with pytest.raises(ValidationError, match="Only the council"):
        weights.ring_fence_lift(fence, organisation=personas.ladywood, actor=None)
    weights.ring_fence_lift(fence, organisation=council, actor=None)
    weights.ring_fence_add(devices[2], council=council, reason="Local scheme", actor=None)
    assert weights.ring_fenced_ids([d.pk for d in devices]) == {devices[1].pk, devices[2].pk}


def test_only_a_council_serving_the_devices_area_ring_fences_it(lab, personas, region):
    from organisations.services import organisation_create

    device = lab.device(state="ready")
    sandwell = organisation_create(
        region=region,
        name="Sandwell Council",
        kinds=["local_authority"],
        areas_served=[region.areas.get(name="Sandwell")],
    )
    with pytest.raises(ValidationError, match="not donated in an area"):
        weights.ring_fence_add(device, council=sandwell, reason="Ours", actor=None)
    with pytest.raises(ValidationError, match="Only a council"):
        weights.ring_fence_add(device, council=personas.ladywood, reason="Ours", actor=None)
