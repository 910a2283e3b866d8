"""Small region packs written to a temporary folder, shared by the parser and loader tests.

Northshire is fictional: a region with different names, codes, columns and area label from the
West Midlands, so tests that load it show nothing is hard-wired to the shipped pack.
"""

import json
from pathlib import Path
from typing import Any

NORTHSHIRE_MANIFEST = """\
slug = "northshire"
name = "Northshire"
authority = "Northshire Digital Partnership"
service_name = "Rehome Northshire"
area_label = "district"
attribution = ["Fictional data for tests."]

[files]
areas = "areas.csv"
boundaries = "boundaries.geojson"
"""

NORTHSHIRE_AREAS = """\
code,name,population
E07000901,Fellside,81000
E07000902,Marram Bay,42000
"""

# [files] is the manifest's last table, so a key appended to it lands there.
WITH_DISTRICTS = NORTHSHIRE_MANIFEST + 'postcode_districts = "postcode-districts.csv"\n'

# LA8 straddles the two areas; LA10 after LA9 shows districts sort as numbers, not as text.
NORTHSHIRE_DISTRICTS = """\
district,code
LA10,E07000901
la9 ,E07000901
LA8,E07000901
LA8,E07000902
LA11,E07000902
"""


def square(west: float, south: float, size: float = 0.1) -> dict[str, Any]:
    """A square GeoJSON Polygon, wound counter-clockwise."""
    east, north = west + size, south + size
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature_collection(geometries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
            for code, geometry in geometries.items()
        ],
    }


NORTHSHIRE_BOUNDARIES = feature_collection(
    {"E07000901": square(-2.0, 54.0), "E07000902": square(-1.9, 54.0)}
)


def write_pack(
    folder: Path,
    *,
    manifest: str = NORTHSHIRE_MANIFEST,
    areas: str = NORTHSHIRE_AREAS,
    boundaries: dict[str, Any] | None = NORTHSHIRE_BOUNDARIES,
    districts: str | None = None,
) -> Path:
    """Write region.toml, areas.csv and (unless None) boundaries.geojson and
    postcode-districts.csv into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "region.toml").write_text(manifest, encoding="utf-8")
    (folder / "areas.csv").write_text(areas, encoding="utf-8")
    if boundaries is not None:
        (folder / "boundaries.geojson").write_text(json.dumps(boundaries), encoding="utf-8")
    if districts is not None:
        (folder / "postcode-districts.csv").write_text(districts, encoding="utf-8")
    return folder
