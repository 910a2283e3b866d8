"""Read and check a region pack: the folder of files that describes one region Rehome serves.

A pack holds `region.toml` (the region's names, contact and attribution, and the names of its
other files), an areas CSV (one row per area, keyed by ONS code) and optionally a GeoJSON file of
area boundaries, a CSV of the postcode districts in each area and a SOURCES document. This module
knows nothing about Django: it turns the folder into plain frozen data, or raises one
RegionPackError that lists every problem found, so whoever maintains a pack can fix them all in
one pass.
"""

import csv
import io
import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from lib.postcodes import normalise_district

MANIFEST = "region.toml"
REQUIRED_KEYS = ("slug", "name", "authority", "service_name", "attribution")
OPTIONAL_KEYS = {"area_label": "area", "contact_email": ""}
FILE_KEYS = ("areas", "boundaries", "postcode_districts", "impact_factors", "sources")
REQUIRED_COLUMNS = ("code", "name")
DISTRICT_COLUMNS = ("district", "code")
FACTOR_COLUMNS = ("category", "restart_category", "embodied_kg_co2e", "weight_kg")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")

# ASCII so that \d means 0-9 only, not every script's digits.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ONS_CODE = re.compile(r"[EWSN]\d{8}", re.ASCII)
WHOLE_NUMBER = re.compile(r"\d+", re.ASCII)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
DISTRICT_PARTS = re.compile(r"([A-Z]+)([0-9]+)([A-Z]?)")

# A boundary feature's number in the file and its geometry, or None when the geometry is unusable.
Feature = tuple[int, dict[str, Any] | None]


class RegionPackError(Exception):
    """A region pack could not be read; `problems` lists every one found, in file order."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"The region pack at {path} has {count}:\n{lines}")


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    population: int | None = None
    population_year: int | None = None
    imd_rank: int | None = None
    imd_score: Decimal | None = None
    share_most_deprived: Decimal | None = None
    internet_nonuse_pct: Decimal | None = None
    statistics: dict[str, str] = field(default_factory=dict)
    boundary: dict[str, Any] | None = None
    # Outward codes wholly or partly in the area, in natural order (B1, B2, ... B10).
    postcode_districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactorRow:
    """One impact factor: a device category's embodied footprint and typical weight."""

    category: str
    source_label: str
    embodied_kg_co2e: Decimal
    weight_kg: Decimal


@dataclass(frozen=True)
class RegionPack:
    slug: str
    name: str
    authority: str
    service_name: str
    area_label: str
    contact_email: str
    attribution: tuple[str, ...]
    sources: str
    areas: tuple[AreaRow, ...]
    impact_factors: tuple[FactorRow, ...] = ()


def _whole_number(raw: str) -> int:
    # A regex rather than int() alone: int() also accepts "1_000" and " 12", which no
    # statistics publisher means.
    if not WHOLE_NUMBER.fullmatch(raw):
        raise ValueError("is not a whole number")
    return int(raw)


def _number(raw: str) -> Decimal:
    # Decimal() alone would accept "NaN", "Infinity" and "1e3".
    if not NUMBER.fullmatch(raw):
        raise ValueError("is not a number")
    return Decimal(raw)


def _share(raw: str) -> Decimal:
    value = _number(raw)
    if not 0 <= value <= 1:
        raise ValueError("is not a share between 0 and 1")
    return value


def _percentage(raw: str) -> Decimal:
    value = _number(raw)
    if not 0 <= value <= 100:
        raise ValueError("is not a percentage between 0 and 100")
    return value


# CSV column -> (AreaRow field, parser). Every one is optional so that another region's pack can
# carry only the statistics it has.
OPTIONAL_COLUMNS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "population": ("population", _whole_number),
    "population_year": ("population_year", _whole_number),
    "imd2019_rank_of_average_score": ("imd_rank", _whole_number),
    "imd2019_average_score": ("imd_score", _number),
    "imd2019_share_lsoas_most_deprived_10pc": ("share_most_deprived", _share),
    "internet_nonuse_pct_2020": ("internet_nonuse_pct", _percentage),
}


def read_region_pack(path: str | PathLike[str]) -> RegionPack:
    """Read the region pack in the folder `path` and return it as plain data.

    Raises RegionPackError listing every problem, each naming its file, row (counting the CSV
    header as row 1, as a spreadsheet does) and column: missing or unknown region.toml keys,
    missing files, missing CSV columns, malformed or duplicate ONS codes, duplicate names, numbers
    that do not parse, boundaries that do not match the areas, and postcode districts that are not
    district-shaped, name an unknown area or repeat a row. The boundaries file is optional, but
    when there is one every area must have exactly one Polygon or MultiPolygon in it. The postcode
    districts file is optional too; a district that straddles a boundary has a row for each area.
    """
    folder = Path(path)
    if not (folder / MANIFEST).is_file():
        raise RegionPackError(folder, [f"{MANIFEST}: not found in {folder}"])
    problems: list[str] = []
    settings, files = _read_manifest(folder, problems)
    rows = _read_areas(folder, files["areas"], problems) if files.get("areas") else []
    features: dict[str, Feature] | None = None
    if files.get("boundaries"):
        features = _read_boundaries(folder, files["boundaries"], problems)
    if features is not None and files.get("areas"):
        _match_boundaries(rows, features, files["areas"], files["boundaries"], problems)
    districts: dict[str, tuple[str, ...]] = {}
    if files.get("postcode_districts"):
        codes = {fields["code"] for _, fields in rows}
        districts = _read_postcode_districts(
            folder, files["postcode_districts"], files.get("areas", ""), codes, problems
        )
    factors: tuple[FactorRow, ...] = ()
    if files.get("impact_factors"):
        factors = _read_impact_factors(folder, files["impact_factors"], problems)
    sources = _read_text(folder, files["sources"], problems) if files.get("sources") else ""
    if problems:
        raise RegionPackError(folder, problems)
    areas = tuple(
        AreaRow(
            **fields,
            boundary=features[fields["code"]][1] if features else None,
            postcode_districts=districts.get(fields["code"], ()),
        )
        for _, fields in rows
    )
    return RegionPack(**settings, sources=sources, areas=areas, impact_factors=factors)


def _read_manifest(folder: Path, problems: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The region's settings and its file names, as far as they are valid."""
    try:
        manifest = tomllib.loads((folder / MANIFEST).read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{MANIFEST}: is not valid TOML ({error})")
        return {}, {}

    settings: dict[str, Any] = {}
    for key in (*REQUIRED_KEYS, *OPTIONAL_KEYS):
        if key not in manifest:
            if key in REQUIRED_KEYS:
                problems.append(f'{MANIFEST}: missing key "{key}"')
            else:
                settings[key] = OPTIONAL_KEYS[key]
            continue
        value = manifest[key]
        if key == "attribution":
            if not (isinstance(value, list) and all(isinstance(line, str) for line in value)):
                problems.append(f'{MANIFEST}, key "attribution": is not a list of strings')
                continue
            value = tuple(value)
        elif not isinstance(value, str):
            problems.append(f'{MANIFEST}, key "{key}": is not a string')
            continue
        elif key in REQUIRED_KEYS and not value.strip():
            problems.append(f'{MANIFEST}, key "{key}": is empty')
            continue
        settings[key] = value
    if "slug" in settings and not SLUG.fullmatch(settings["slug"]):
        problems.append(
            f'{MANIFEST}, key "slug": "{settings["slug"]}" is not a slug '
            "(lower-case letters and digits separated by hyphens)"
        )
    for key in sorted(manifest.keys() - {*REQUIRED_KEYS, *OPTIONAL_KEYS, "files"}):
        problems.append(f'{MANIFEST}: unknown key "{key}"')

    table = manifest.get("files", {})
    if not isinstance(table, dict):
        problems.append(f'{MANIFEST}, key "files": is not a table')
        table = {}
    if "areas" not in table:
        problems.append(f'{MANIFEST}: missing key "files.areas"')
    for key in sorted(table.keys() - set(FILE_KEYS)):
        problems.append(f'{MANIFEST}: unknown key "files.{key}"')
    files: dict[str, str] = {}
    for key in FILE_KEYS:
        if key not in table:
            continue
        name = table[key]
        # Names must stay inside the pack so a pack cannot read files from elsewhere on the server.
        if not isinstance(name, str) or not _inside(folder, name):
            problems.append(f'{MANIFEST}, key "files.{key}": {name!r} is not a file in the pack')
        elif not (folder / name).is_file():
            problems.append(f'{MANIFEST}, key "files.{key}": "{name}" does not exist')
        else:
            files[key] = name
    return settings, files


def _inside(folder: Path, name: str) -> bool:
    return bool(name) and (folder / name).resolve().is_relative_to(folder.resolve())


def _read_text(folder: Path, name: str, problems: list[str]) -> str:
    try:
        # utf-8-sig because spreadsheet programs on Windows save CSVs with a byte-order mark.
        return (folder / name).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{name}: is not UTF-8 text")
        return ""


def _read_csv(
    folder: Path, name: str, required: tuple[str, ...], noun: str, problems: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """(row number, stripped cell by column) for every row that is not blank and has as many
    cells as the header; `noun` says what the rows are, for a file that has none."""
    records = list(csv.reader(io.StringIO(_read_text(folder, name, problems))))
    if not records:
        problems.append(f"{name}: has no header row")
        return []
    header = [column.strip() for column in records[0]]
    for column in sorted({column for column in header if header.count(column) > 1}):
        problems.append(f'{name}: column "{column}" appears more than once')
    missing = [column for column in required if column not in header]
    for column in missing:
        problems.append(f'{name}: missing required column "{column}"')
    if missing:
        return []

    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                f"{name} row {number}: has {len(record)} cells but the header has {len(header)}"
            )
            continue
        rows.append(
            (number, {column: cell.strip() for column, cell in zip(header, record, strict=True)})
        )
    if not any(any(cell.strip() for cell in record) for record in records[1:]):
        problems.append(f"{name}: has no {noun}")
    return rows


def _read_areas(folder: Path, name: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """(row number, AreaRow fields) for every row with a sound, unique code."""
    rows: list[tuple[int, dict[str, Any]]] = []
    first_row_of_code: dict[str, int] = {}
    first_row_of_name: dict[str, int] = {}
    for number, values in _read_csv(folder, name, REQUIRED_COLUMNS, "areas", problems):
        where = f"{name} row {number}, column"
        code, area_name = values["code"], values["name"]
        code_is_sound = False
        if not ONS_CODE.fullmatch(code):
            problems.append(
                f'{where} "code": "{code}" is not an ONS code (E, W, S or N and eight digits)'
            )
        elif code in first_row_of_code:
            first = first_row_of_code[code]
            problems.append(f'{where} "code": "{code}" is a duplicate of row {first}')
        else:
            first_row_of_code[code] = number
            code_is_sound = True
        # Names become URL slugs, which must be unique within the region.
        if not area_name:
            problems.append(f'{where} "name": is empty')
        elif area_name.casefold() in first_row_of_name:
            first = first_row_of_name[area_name.casefold()]
            problems.append(f'{where} "name": "{area_name}" is a duplicate of row {first}')
        else:
            first_row_of_name[area_name.casefold()] = number

        fields: dict[str, Any] = {"code": code, "name": area_name, "statistics": values}
        for column, (attribute, parse) in OPTIONAL_COLUMNS.items():
            raw = values.get(column, "")
            if not raw:
                continue
            try:
                fields[attribute] = parse(raw)
            except ValueError as error:
                problems.append(f'{where} "{column}": "{raw}" {error}')
        if code_is_sound:
            rows.append((number, fields))
    return rows


def _read_postcode_districts(
    folder: Path, name: str, areas_name: str, codes: set[str], problems: list[str]
) -> dict[str, tuple[str, ...]]:
    """Area code -> its postcode districts in natural order, from the rows that are sound."""
    first_row_of_pair: dict[tuple[str, str], int] = {}
    for number, values in _read_csv(folder, name, DISTRICT_COLUMNS, "postcode districts", problems):
        where = f"{name} row {number}, column"
        raw, code = values["district"], values["code"]
        district = normalise_district(raw)
        if not raw:
            problems.append(f'{where} "district": is empty')
        elif district is None:
            problems.append(
                f'{where} "district": "{raw}" is not a postcode district '
                "(the part of a postcode before the space, e.g. B15)"
            )
        # With no sound areas at all, the areas file's own problems say why; calling every code
        # here unknown as well would bury them.
        code_is_known = code in codes or not codes
        if not code_is_known:
            problems.append(f'{where} "code": "{code}" is not an area in {areas_name}')
        if district is None or not code_is_known:
            continue
        if (district, code) in first_row_of_pair:
            first = first_row_of_pair[district, code]
            problems.append(
                f'{where} "district": "{district}" for {code} is a duplicate of row {first}'
            )
        else:
            first_row_of_pair[district, code] = number

    by_code: dict[str, list[str]] = {}
    for district, code in first_row_of_pair:
        by_code.setdefault(code, []).append(district)
    return {code: tuple(sorted(found, key=_district_order)) for code, found in by_code.items()}


def _read_impact_factors(folder: Path, name: str, problems: list[str]) -> tuple[FactorRow, ...]:
    """One row per device category the impact method knows, each with positive figures."""
    from lib.impact import CATEGORIES

    factors: list[FactorRow] = []
    seen: dict[str, int] = {}
    for number, values in _read_csv(folder, name, FACTOR_COLUMNS, "impact factors", problems):
        where = f"{name} row {number}, column"
        category = values["category"]
        row_problems = []
        if category not in CATEGORIES:
            row_problems.append(
                f'{where} "category": "{category}" is not one of {", ".join(CATEGORIES)}'
            )
        elif category in seen:
            row_problems.append(
                f'{where} "category": "{category}" is a duplicate of row {seen[category]}'
            )
        figures = {}
        for column in ("embodied_kg_co2e", "weight_kg"):
            try:
                figures[column] = _number(values[column])
                if figures[column] <= 0:
                    raise ValueError("is not above zero")
            except ValueError as error:
                row_problems.append(f'{where} "{column}": "{values[column]}" {error}')
        problems.extend(row_problems)
        if row_problems:
            continue
        seen[category] = number
        factors.append(
            FactorRow(
                category=category,
                source_label=values["restart_category"],
                embodied_kg_co2e=figures["embodied_kg_co2e"],
                weight_kg=figures["weight_kg"],
            )
        )
    return tuple(factors)


def _district_order(district: str) -> tuple[str, int, str]:
    # Numbers compare as numbers, so B2 comes before B10 as in Royal Mail's own lists.
    letters, number, letter = DISTRICT_PARTS.fullmatch(district).groups()
    return letters, int(number), letter


def _read_boundaries(folder: Path, name: str, problems: list[str]) -> dict[str, Feature] | None:
    """Area code -> (feature number, GeoJSON geometry) for every feature with a code.

    None when the file as a whole is unreadable, so its areas are not each reported as missing.
    """
    try:
        document = json.loads(_read_text(folder, name, problems) or "null")
    except json.JSONDecodeError as error:
        problems.append(f"{name}: is not valid JSON ({error})")
        return None
    if not (
        isinstance(document, dict)
        and document.get("type") == "FeatureCollection"
        and isinstance(document.get("features"), list)
    ):
        problems.append(f"{name}: is not a GeoJSON FeatureCollection")
        return None

    features: dict[str, Feature] = {}
    for number, feature in enumerate(document["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(f'{name} feature {number}: has no "code" property')
            continue
        where = f'{name} feature {number} ("{code}")'
        if code in features:
            problems.append(f"{where}: is a duplicate of feature {features[code][0]}")
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        reason = (
            _coordinates_problem(kind, geometry.get("coordinates"))
            if kind in GEOMETRY_TYPES
            else f'geometry type "{kind}" is not Polygon or MultiPolygon'
        )
        if reason:
            problems.append(f"{where}: {reason}")
        features[code] = (number, None if reason else geometry)
    return features


def _coordinates_problem(kind: str, coordinates: Any) -> str | None:
    """Why a Polygon or MultiPolygon's coordinates are malformed, or None if they are sound."""
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "has no coordinates"
    for p, rings in enumerate(polygons, start=1):
        if not isinstance(rings, list) or not rings:
            return f"polygon {p} has no rings"
        for r, ring in enumerate(rings, start=1):
            where = f"polygon {p}, ring {r}"
            if not isinstance(ring, list) or len(ring) < 4:
                return f"{where} has fewer than 4 positions"
            if not all(_is_position(position) for position in ring):
                return f"{where} has a position that is not a WGS84 longitude and latitude"
            if ring[0][:2] != ring[-1][:2]:
                return f"{where} is not closed (its last position differs from its first)"
    return None


def _is_position(position: Any) -> bool:
    return (
        isinstance(position, list)
        and len(position) in (2, 3)
        and all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
            for n in position
        )
        and -180 <= position[0] <= 180
        and -90 <= position[1] <= 90
    )


def _match_boundaries(
    rows: list[tuple[int, dict[str, Any]]],
    features: dict[str, Feature],
    areas_name: str,
    boundaries_name: str,
    problems: list[str],
) -> None:
    codes = {fields["code"] for _, fields in rows}
    for number, fields in rows:
        if fields["code"] not in features:
            problems.append(
                f'{areas_name} row {number}, column "code": "{fields["code"]}" has no boundary '
                f"in {boundaries_name}"
            )
    for code, (number, _) in features.items():
        if code not in codes:
            problems.append(
                f'{boundaries_name} feature {number} ("{code}"): is not in {areas_name}'
            )
