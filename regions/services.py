from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from lib.region_pack import AreaRow, RegionPack
from regions.models import Area, Region


class RegionLoadError(Exception):
    """A sound region pack that cannot be applied to the data already in the database."""


def region_load(*, pack: RegionPack) -> Region:
    """Create or update the region `pack.slug` and its areas so they match the pack exactly.

    Areas are matched by ONS code; their slugs come from their names. Areas the pack no longer
    lists are deleted, unless anything still refers to them (an organisation serving one, say),
    in which case RegionLoadError is raised and nothing changes. Loading the same pack again
    writes nothing, so `loaded_at` only moves when the region or one of its areas changed.
    """
    with transaction.atomic():
        # Locked so two loads of the same region apply one after the other, not interleaved.
        region = Region.objects.select_for_update().filter(slug=pack.slug).first()
        region = region or Region(slug=pack.slug)
        region_changed = _assign(region, _region_values(pack)) or region.pk is None
        if region_changed:
            region.save()
        if _load_areas(region, pack.areas) and not region_changed:
            # loaded_at keys the cached map projection, so it must move when only areas changed.
            region.save(update_fields=["loaded_at"])
        from impact.services import method_from_pack

        method_from_pack(region=region, pack=pack)
    return region


def _region_values(pack: RegionPack) -> dict[str, Any]:
    return {
        "name": pack.name,
        "authority": pack.authority,
        "service_name": pack.service_name,
        "area_label": pack.area_label,
        "contact_email": pack.contact_email,
        "attribution": list(pack.attribution),
        "sources": pack.sources,
    }


def _area_values(row: AreaRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "slug": slugify(row.name),
        "population": row.population,
        "population_year": row.population_year,
        "imd_rank": row.imd_rank,
        "imd_score": _to_field_precision(row.imd_score, "imd_score"),
        "share_most_deprived": _to_field_precision(row.share_most_deprived, "share_most_deprived"),
        "internet_nonuse_pct": _to_field_precision(row.internet_nonuse_pct, "internet_nonuse_pct"),
        "statistics": row.statistics,
        "boundary": row.boundary,
        "postcode_districts": list(row.postcode_districts),
    }


def _to_field_precision(value: Decimal | None, field_name: str) -> Decimal | None:
    # The database rounds to the column's decimal places; rounding first means a reload
    # compares equal to what was stored and so counts as no change.
    if value is None:
        return None
    field = Area._meta.get_field(field_name)
    assert isinstance(field, models.DecimalField)
    return value.quantize(Decimal(1).scaleb(-field.decimal_places))


def _assign(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _load_areas(region: Region, rows: tuple[AreaRow, ...]) -> bool:
    """Make the region's areas match `rows`; True if any area was added, changed or removed."""
    slugs: dict[str, str] = {}
    for row in rows:
        slug = slugify(row.name)
        if not slug:
            raise RegionLoadError(f'The area name "{row.name}" has no letters or digits for a URL.')
        if slug in slugs:
            raise RegionLoadError(
                f'The areas "{slugs[slug]}" and "{row.name}" would share the URL slug "{slug}".'
            )
        slugs[slug] = row.name

    existing = {area.code: area for area in region.areas.all()}
    codes = {row.code for row in rows}
    removed = [area for code, area in existing.items() if code not in codes]
    in_use = [(area, refs) for area in removed if (refs := _references(area))]
    if in_use:
        raise RegionLoadError(
            "The pack no longer lists "
            + "; ".join(f"{area.name} ({area.code}), still used by {refs}" for area, refs in in_use)
            + ". Keep them in the pack, or move what uses them to another area first."
        )
    changed = bool(removed)
    # Removed first, so a new area may take the slug of one it replaces (a renumbered council).
    for area in removed:
        area.delete()
    for row in rows:
        area = existing.get(row.code) or Area(region=region, code=row.code)
        if _assign(area, _area_values(row)) or area.pk is None:
            area.save()
            changed = True
    return changed


def _references(area: Area) -> str:
    """What in the database points at `area`, e.g. "2 organisations", or "" for nothing."""
    # Every reverse relation, not just organisations: a later model's foreign key to Area would
    # otherwise be silently cascaded away, or block the delete half-way through the load.
    found = []
    for relation in Area._meta.related_objects:
        count = relation.related_model._base_manager.filter(**{relation.field.name: area}).count()
        if count:
            meta = relation.related_model._meta
            found.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
    return " and ".join(found)
