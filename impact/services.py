"""Writing the impact method's versions.

A region starts with the factors in its region pack (version 1). The coordinator changes the
method by creating a new version (a draft, copied from the current one), editing the draft,
then adopting it; from then on new figures use it. An adopted version never changes, so the
figures computed with it can always be reproduced, and a version a published report used is
protected again by the model itself.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from impact.models import Factor, MethodFrozen, MethodVersion
from lib import impact
from lib.region_pack import RegionPack
from regions.models import Region

DEFAULT_DISPLACEMENT = Decimal("0.5")
PACK_METHOD_NAME = "The Restart Project's life-cycle factors (2021)"
PACK_SOURCES = (
    "Embodied (manufacturing) footprint and typical weight per device category from The Restart "
    "Project's Fixometer life-cycle table as updated in 2021, licensed CC BY-SA 4.0 (attribute "
    '"The Restart Project"). Displacement 0.5, as the Fixometer credits: the share of a new '
    "device's footprint that one reused device is taken to avoid."
)
ADOPTED_IS_FINAL = (
    "Version {version} has been adopted, so it can no longer change: create a new version."
)


def method_from_pack(*, region: Region, pack: RegionPack) -> MethodVersion | None:
    """Version 1 of the region's method from its pack's factors, once; later loads leave the
    method alone (the coordinator may have moved on to newer versions)."""
    if not pack.impact_factors or region.impact_methods.exists():
        return None
    with transaction.atomic():
        method = MethodVersion.objects.create(
            region=region,
            version="1",
            name=PACK_METHOD_NAME,
            displacement=DEFAULT_DISPLACEMENT,
            sources=PACK_SOURCES,
            notes="The factors in the region pack.",
            adopted_at=timezone.now(),
        )
        Factor.objects.bulk_create(
            Factor(
                method=method,
                category=row.category,
                source_label=row.source_label,
                embodied_kg_co2e=row.embodied_kg_co2e,
                weight_kg=row.weight_kg,
            )
            for row in pack.impact_factors
        )
    return method


@dataclass
class FactorFigures:
    embodied_kg_co2e: Decimal
    weight_kg: Decimal
    source_label: str = ""


@dataclass
class MethodChange:
    version: str
    name: str
    displacement: Decimal
    sources: str
    notes: str
    factors: dict[str, FactorFigures]


def _clean(region: Region, change: MethodChange, *, instance: MethodVersion | None) -> None:
    errors: dict[str, list[str]] = {}
    version = (change.version or "").strip()
    if not version:
        errors["version"] = ["Give the version a name, such as 2027.1."]
    elif (
        MethodVersion.objects.filter(region=region, version=version)
        .exclude(pk=instance.pk if instance else None)
        .exists()
    ):
        errors["version"] = [f"There is already a version {version}."]
    if not (change.name or "").strip():
        errors["name"] = ["Say what the method is, such as whose factors it uses."]
    if not (change.sources or "").strip():
        errors["sources"] = ["Say where the factors come from and under which licence."]
    if change.displacement is None or not Decimal(0) < change.displacement <= Decimal(1):
        errors["displacement"] = ["The displacement is a share above 0 and at most 1, such as 0.5."]
    for category in impact.CATEGORIES:
        figures = change.factors.get(category)
        if figures is None:
            errors.setdefault(category, []).append("Give this category's factors.")
            continue
        if figures.embodied_kg_co2e is None or figures.embodied_kg_co2e <= 0:
            errors.setdefault(category, []).append("The embodied footprint must be above 0 kg.")
        if figures.weight_kg is None or figures.weight_kg <= 0:
            errors.setdefault(category, []).append("The weight must be above 0 kg.")
    unknown = set(change.factors) - set(impact.CATEGORIES)
    if unknown:
        errors.setdefault("factors", []).append("Unknown categories: " + ", ".join(sorted(unknown)))
    if errors:
        raise ValidationError(errors)


def _write(method: MethodVersion, change: MethodChange) -> None:
    method.version = change.version.strip()
    method.name = change.name.strip()
    method.displacement = change.displacement
    method.sources = change.sources.strip()
    method.notes = (change.notes or "").strip()
    method.save()
    method.factors.all().delete()
    Factor.objects.bulk_create(
        Factor(
            method=method,
            category=category,
            source_label=figures.source_label,
            embodied_kg_co2e=figures.embodied_kg_co2e,
            weight_kg=figures.weight_kg,
        )
        for category, figures in change.factors.items()
    )


def change_from(method: MethodVersion) -> MethodChange:
    """A version's figures as a change to start a new version from."""
    return MethodChange(
        version="",
        name=method.name,
        displacement=method.displacement,
        sources=method.sources,
        notes="",
        factors={
            f.category: FactorFigures(f.embodied_kg_co2e, f.weight_kg, f.source_label)
            for f in method.factors.all()
        },
    )


@transaction.atomic
def method_version_create(*, region: Region, actor, change: MethodChange) -> MethodVersion:
    """A new draft version; it changes no figure until it is adopted."""
    _clean(region, change, instance=None)
    method = MethodVersion(region=region, created_by=actor)
    _write(method, change)
    return method


def _lock(method: MethodVersion) -> MethodVersion:
    return MethodVersion.objects.select_for_update().get(pk=method.pk)


@transaction.atomic
def method_version_update(method: MethodVersion, *, actor, change: MethodChange) -> MethodVersion:
    # Locked so an edit and an adoption of the same draft cannot interleave.
    method = _lock(method)
    if method.is_frozen:
        raise ValidationError(MethodFrozen.MESSAGE.format(version=method.version))
    if method.adopted_at is not None:
        raise ValidationError(ADOPTED_IS_FINAL.format(version=method.version))
    _clean(method.region, change, instance=method)
    _write(method, change)
    return method


@transaction.atomic
def method_adopt(method: MethodVersion, *, actor) -> MethodVersion:
    """From now on, new figures use this version (an older one may be adopted again)."""
    method = _lock(method)
    if method.factors.count() != len(impact.CATEGORIES):
        raise ValidationError("A version needs factors for every category before it is adopted.")
    # An update, not save(): adopting again an old version a report used changes no factor.
    MethodVersion.objects.filter(pk=method.pk).update(adopted_at=timezone.now())
    method.refresh_from_db()
    return method
