"""Need weights (how much each area's waiting list counts when devices are shared) and council
ring-fences (devices donated in an area kept for people there)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from devices.lifecycle import State as DeviceState
from devices.models import Device
from organisations.models import Organisation
from regions.models import Area, Region

from .models import NeedWeights, RingFence, RingFenceLimit

DEFAULT_BASIS = (
    "Index of Multiple Deprivation 2019, average score, divided by the region's mean "
    "(1 is the region's average need)"
)
MAX_WEIGHT = Decimal("10")
DEFAULT_RING_FENCE_PERCENT = 25
# Devices a council may still keep local: not yet given, lost or recycled.
RING_FENCEABLE = (
    DeviceState.PLEDGED,
    DeviceState.RECEIVED,
    DeviceState.ERASED,
    DeviceState.ERASURE_FAILED,
    DeviceState.ASSESSED,
    DeviceState.REFURBISHED,
    DeviceState.READY,
)


def default_weights(region: Region) -> dict[str, Decimal]:
    """Each area's deprivation score over the region's mean, to two places; 1 where unknown."""
    areas = list(Area.objects.filter(region=region))
    scores = [a.imd_score for a in areas if a.imd_score]
    if not scores:
        return {a.code: Decimal("1") for a in areas}
    mean = sum(scores) / len(scores)
    return {
        a.code: (a.imd_score / mean).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if a.imd_score
        else Decimal("1")
        for a in areas
    }


def current_weights(region: Region) -> tuple[dict[str, Decimal], str, NeedWeights | None]:
    """(weights by area code, where they came from, the saved version or None for defaults)."""
    saved = NeedWeights.objects.filter(region=region).first()
    if saved is None:
        return default_weights(region), DEFAULT_BASIS, None
    weights = {code: Decimal(str(w)) for code, w in saved.weights.items()}
    return weights, saved.basis, saved


@transaction.atomic
def weights_set(region: Region, weights: dict[str, object], *, reason: str, actor) -> NeedWeights:
    """A new version of the weights; every area needs one, each above 0 and at most 10."""
    codes = set(Area.objects.filter(region=region).values_list("code", flat=True))
    errors = {}
    clean: dict[str, str] = {}
    for code in sorted(codes):
        raw = weights.get(code)
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        except Exception:
            errors[code] = ["Give a number, e.g. 1.25."]
            continue
        if not value.is_finite() or value <= 0 or value > MAX_WEIGHT:
            errors[code] = [f"Give a weight above 0 and at most {MAX_WEIGHT}."]
            continue
        clean[code] = str(value)
    unknown = set(weights) - codes
    if unknown:
        errors["__all__"] = [f"Unknown areas: {', '.join(sorted(unknown))}."]
    if not reason.strip():
        errors["reason"] = [
            "Say why the weights change: it is shown with every run that uses them."
        ]
    if errors:
        raise ValidationError(errors)
    return NeedWeights.objects.create(
        region=region,
        weights=clean,
        basis="Set by the coordinator",
        reason=reason.strip(),
        created_by=actor,
    )


def ring_fence_limit(area: Area) -> int:
    limit = RingFenceLimit.objects.filter(area=area).first()
    return limit.max_percent if limit else DEFAULT_RING_FENCE_PERCENT


@transaction.atomic
def ring_fence_limit_set(area: Area, max_percent: int, *, actor) -> RingFenceLimit:
    if not 0 <= max_percent <= 100:
        raise ValidationError({"max_percent": ["Give a percentage from 0 to 100."]})
    limit, _ = RingFenceLimit.objects.update_or_create(
        area=area, defaults={"max_percent": max_percent, "set_by": actor, "set_at": timezone.now()}
    )
    return limit


def ring_fence_room(area: Area) -> tuple[int, int, int]:
    """(ring-fenced now, the most allowed, devices from the area that could be)."""
    pool = Device.objects.filter(area_of_origin=area, state__in=RING_FENCEABLE).count()
    fenced = RingFence.objects.active().filter(area=area, device__state__in=RING_FENCEABLE).count()
    return fenced, pool * ring_fence_limit(area) // 100, pool


@transaction.atomic
def ring_fence_add(device: Device, *, council: Organisation, reason: str, actor) -> RingFence:
    """A council keeps a device donated in its area for its own residents."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    area = device.area_of_origin
    if not council.is_local_authority:
        raise ValidationError("Only a council ring-fences devices.")
    if area is None or not council.areas_served.filter(pk=area.pk).exists():
        raise ValidationError(f"{device} was not donated in an area {council} serves.")
    if device.state not in RING_FENCEABLE:
        raise ValidationError(f"{device} is {device.get_state_display().lower()}: too late.")
    if RingFence.objects.active().filter(device=device).exists():
        raise ValidationError(f"{device} is already ring-fenced.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why it stays in the area."]})
    # Lock the area's limit row (or the area itself) so two officers cannot both take the last
    # place.
    Area.objects.select_for_update().get(pk=area.pk)
    fenced, allowed, _ = ring_fence_room(area)
    if fenced + 1 > allowed:
        raise ValidationError(
            f"{area} may keep at most {ring_fence_limit(area)}% of its devices local "
            f"({allowed} now), and {fenced} already are."
        )
    return RingFence.objects.create(
        device=device, area=area, council=council, reason=reason.strip(), created_by=actor
    )


@transaction.atomic
def ring_fence_lift(ring_fence: RingFence, *, organisation: Organisation, actor) -> RingFence:
    ring_fence = RingFence.objects.select_for_update().get(pk=ring_fence.pk)
    if not (organisation.pk == ring_fence.council_id or organisation.is_regional_body):
        raise ValidationError("Only the council that ring-fenced it, or the coordinator, lifts it.")
    if ring_fence.lifted_at:
        raise ValidationError("It is no longer ring-fenced.")
    ring_fence.lifted_at = timezone.now()
    ring_fence.lifted_by = actor
    ring_fence.save(update_fields=["lifted_at", "lifted_by"])
    return ring_fence


def ring_fenced_ids(device_ids) -> set[int]:
    return set(
        RingFence.objects.active()
        .filter(Q(device_id__in=list(device_ids)))
        .values_list("device_id", flat=True)
    )
