from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.text import slugify

from lib.svgmap import SvgMap, svg_map, value_steps
from regions.models import Area

register = template.Library()

WIDTH = 600
# Room for the outline strokes and for labels near the edge of the region.
PADDING = 12
# Light to dark blue (ColorBrewer "Blues"); every step keeps dark label text readable.
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NEUTRAL = "#b1b4b6"


@register.inclusion_tag("regions/area_map.html")
def area_map(
    areas: Iterable[Area],
    *,
    caption: str,
    values: Mapping[str, int | float | Decimal | None] | None = None,
) -> dict:
    """An SVG map of `areas`, shaded by `values` (keyed by area code) when given.

    Usage: {% area_map areas caption="Devices rehomed by council" values=counts_by_code %}
    Areas without a boundary are left out; pages should show the same numbers in a table.
    """
    areas = list(areas)
    region_map = _region_map(areas[0].region_id, areas[0].region.loaded_at) if areas else None
    if region_map is None:
        return {"map": None}
    steps = value_steps({area.code: values.get(area.code) for area in areas}) if values else {}
    shapes = [
        {
            "area": area,
            "shape": region_map.shapes[area.code],
            "value": values.get(area.code) if values else None,
            "fill": PALETTE[steps[area.code]] if area.code in steps else NEUTRAL,
        }
        for area in areas
        if area.code in region_map.shapes
    ]
    return {
        "map": region_map,
        "map_id": f"area-map-{slugify(caption)}",
        "caption": caption,
        "has_values": values is not None,
        "shapes": shapes,
    }


@lru_cache(maxsize=16)
def _region_map(region_id: int, loaded_at: datetime) -> SvgMap | None:
    """The region's whole map, projected once per load of its pack (hence loaded_at in the key).

    Every area of the region is projected, not just those being drawn, so a map of some areas
    keeps the same frame and scale as the map of them all.
    """
    geometries = dict(
        Area.objects.filter(region_id=region_id, boundary__isnull=False)
        .order_by("code")
        .values_list("code", "boundary")
    )
    return svg_map(geometries, width=WIDTH, padding=PADDING) if geometries else None
