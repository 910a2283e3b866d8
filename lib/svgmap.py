"""Turn area boundaries (GeoJSON, WGS84 longitude and latitude) into SVG paths for a small map.

At the scale of one region an equirectangular projection, with longitude shrunk by the cosine of
the region's middle latitude, is indistinguishable from a proper one and needs no dependency.
Output is rounded to 0.1 of a viewBox unit: finer detail is invisible on screen and only makes
the page heavier.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Point = tuple[float, float]


@dataclass(frozen=True)
class AreaShape:
    d: str  # SVG path data: one M…Z subpath per ring; draw with fill-rule="evenodd" for holes
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    shapes: dict[str, AreaShape]

    @property
    def view_box(self) -> str:
        return f"0 0 {_format(self.width)} {_format(self.height)}"


def svg_map(
    geometries: Mapping[str, Mapping[str, Any]], *, width: int = 600, padding: int = 0
) -> SvgMap:
    """Project Polygon and MultiPolygon geometries, keyed by area code, into one SVG viewBox.

    The viewBox is `width` wide, with the drawing `padding` in from each edge, and exactly as tall
    as the boundaries need. Each area gets path data (rounded to 0.1) and a label point: the
    centroid of its largest ring. Every coordinate lies inside the viewBox, and the same input
    always gives the same output. Raises ValueError for another geometry type or no coordinates.
    """
    if width - 2 * padding <= 0:
        raise ValueError("The width must be more than twice the padding.")
    lons, lats = [], []
    for geometry in geometries.values():
        for polygon in _polygons(geometry):
            for ring in polygon:
                for position in ring:
                    lons.append(position[0])
                    lats.append(position[1])
    if not lons:
        raise ValueError("There are no coordinates to draw.")

    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    x_stretch = math.cos(math.radians((south + north) / 2))
    x_extent, y_extent = (east - west) * x_stretch, north - south
    inner = width - 2 * padding
    if x_extent > 0:
        scale = inner / x_extent
    elif y_extent > 0:
        scale = inner / y_extent
    else:
        scale = 1.0
    # Centres a drawing with no east-west extent (a single meridian) instead of hugging the left.
    x_offset = padding + (inner - x_extent * scale) / 2
    # Rounded up to the output grid so no rounded coordinate can fall below the bottom edge.
    height = math.ceil((y_extent * scale + 2 * padding) * 10) / 10

    def project(position: list[float]) -> Point:
        return (
            x_offset + (position[0] - west) * x_stretch * scale,
            padding + (north - position[1]) * scale,
        )

    def snap(x: float, y: float) -> Point:
        # Clamped because floating-point error can put an edge point a hair outside the box.
        return (min(max(round(x, 1), 0.0), width), min(max(round(y, 1), 0.0), height))

    shapes = {}
    for code, geometry in geometries.items():
        subpaths, exteriors = [], []
        for polygon in _polygons(geometry):
            for index, ring in enumerate(polygon):
                projected = [project(position) for position in ring]
                if index == 0:
                    exteriors.append(projected)
                subpath = _subpath([snap(x, y) for x, y in projected])
                if subpath:
                    subpaths.append(subpath)
        label = _centroid(max(exteriors, key=lambda ring: abs(_signed_area(ring))))
        shapes[code] = AreaShape("".join(subpaths), *snap(*label))
    return SvgMap(width=width, height=height, shapes=shapes)


def value_steps(
    values: Mapping[str, int | float | Decimal | None], *, steps: int = 5
) -> dict[str, int]:
    """Each value's step, 0 to steps - 1, on equal intervals from the smallest value to the largest.

    Keys whose value is None are left out; when every value is the same they all get step 0.
    """
    present = {key: float(value) for key, value in values.items() if value is not None}
    if not present:
        return {}
    low, high = min(present.values()), max(present.values())
    if high == low:
        return dict.fromkeys(present, 0)
    return {
        key: min(steps - 1, int((value - low) / (high - low) * steps))
        for key, value in present.items()
    }


def _polygons(geometry: Mapping[str, Any]) -> Iterator[list[list[list[float]]]]:
    if geometry.get("type") == "Polygon":
        yield geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        yield from geometry["coordinates"]
    else:
        raise ValueError(f"Cannot draw a {geometry.get('type')!r} geometry.")


def _subpath(points: list[Point]) -> str:
    """One closed subpath, without the repeats that rounding to the grid creates."""
    kept = [point for i, point in enumerate(points) if i == 0 or point != points[i - 1]]
    if len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(kept) < 3:
        return ""
    first, *rest = (f"{_format(x)} {_format(y)}" for x, y in kept)
    return f"M{first}L{' '.join(rest)}Z"


def _edges(ring: list[Point]) -> list[tuple[Point, Point]]:
    return list(zip(ring, ring[1:] + ring[:1], strict=True))


def _signed_area(ring: list[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(ring)) / 2


def _centroid(ring: list[Point]) -> Point:
    """The area-weighted centroid of a ring, or its vertices' mean when it encloses no area."""
    area = _signed_area(ring)
    if abs(area) < 1e-9:
        return (sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring))
    edges = _edges(ring)
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in edges) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in edges) / (6 * area)
    return (cx, cy)


def _format(number: float) -> str:
    # Adding 0.0 turns -0.0 into 0.0; trimming ".0" keeps whole numbers short.
    return f"{number + 0.0:.1f}".removesuffix(".0")
