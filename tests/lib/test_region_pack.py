from decimal import Decimal

import pytest

from lib.region_pack import RegionPackError, read_region_pack
from regions.packs import DEFAULT_PACK
from tests.lib.pack_files import (
    NORTHSHIRE_AREAS,
    NORTHSHIRE_DISTRICTS,
    NORTHSHIRE_MANIFEST,
    WITH_DISTRICTS,
    feature_collection,
    square,
    write_pack,
)

WITHOUT_BOUNDARIES = NORTHSHIRE_MANIFEST.replace('boundaries = "boundaries.geojson"\n', "")


def problems_of(folder) -> list[str]:
    with pytest.raises(RegionPackError) as caught:
        read_region_pack(folder)
    return list(caught.value.problems)


def test_the_shipped_west_midlands_pack_has_seven_areas():
    pack = read_region_pack(DEFAULT_PACK)

    assert pack.slug == "west-midlands"
    assert pack.name == "West Midlands"
    assert pack.authority == "West Midlands Combined Authority"
    assert pack.service_name == "Rehome West Midlands"
    assert pack.area_label == "council"
    assert pack.contact_email == "rehome@wmca.example"
    assert [area.name for area in pack.areas] == [
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ]


def test_the_shipped_pack_gives_birminghams_published_figures():
    birmingham = read_region_pack(DEFAULT_PACK).areas[0]

    assert birmingham.code == "E08000025"
    assert birmingham.population == 1157603
    assert birmingham.population_year == 2022
    assert birmingham.imd_rank == 7
    assert birmingham.imd_score == Decimal("38.067")
    assert birmingham.share_most_deprived == Decimal("0.4131")
    assert birmingham.internet_nonuse_pct == Decimal("8.6")
    assert birmingham.statistics["census2021_households"] == "423500"
    assert len(birmingham.statistics) == 16
    assert birmingham.boundary["type"] == "MultiPolygon"


def test_the_shipped_pack_carries_its_attribution_and_sources():
    pack = read_region_pack(DEFAULT_PACK)

    assert pack.attribution[0] == (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    assert pack.attribution[1].startswith("Source: Office for National Statistics")
    assert pack.attribution[2] == "Impact factors: The Restart Project, CC BY-SA 4.0"
    assert pack.sources.startswith("# West Midlands Combined Authority")


def test_the_shipped_pack_gives_every_area_its_postcode_districts_in_natural_order():
    districts = {
        area.name: area.postcode_districts for area in read_region_pack(DEFAULT_PACK).areas
    }

    assert all(districts.values())
    assert districts["Birmingham"][:10] == tuple(f"B{n}" for n in range(1, 11))
    assert "B37" in districts["Birmingham"]
    assert "B37" in districts["Solihull"]


def test_a_pack_may_leave_out_the_optional_columns_keys_and_files(tmp_path):
    manifest = WITHOUT_BOUNDARIES.replace('area_label = "district"\n', "")
    areas = "code,name\nE07000901,Fellside\n"
    pack = read_region_pack(write_pack(tmp_path, manifest=manifest, areas=areas, boundaries=None))

    assert pack.area_label == "area"
    assert pack.contact_email == ""
    assert pack.sources == ""
    (area,) = pack.areas
    assert (area.code, area.name, area.population, area.imd_rank) == (
        "E07000901",
        "Fellside",
        None,
        None,
    )
    assert area.boundary is None


def test_empty_optional_cells_are_read_as_missing(tmp_path):
    areas = "code,name,population\nE07000901,Fellside,\n"
    folder = write_pack(tmp_path, manifest=WITHOUT_BOUNDARIES, areas=areas, boundaries=None)

    assert read_region_pack(folder).areas[0].population is None


def test_it_reads_a_csv_saved_with_a_byte_order_mark(tmp_path):
    folder = write_pack(tmp_path)
    (folder / "areas.csv").write_text(NORTHSHIRE_AREAS, encoding="utf-8-sig")

    assert read_region_pack(folder).areas[0].code == "E07000901"


def test_it_reports_a_folder_without_region_toml(tmp_path):
    assert problems_of(tmp_path) == [f"region.toml: not found in {tmp_path}"]


def test_it_reports_region_toml_that_is_not_toml(tmp_path):
    folder = write_pack(tmp_path, manifest='slug = "northshire\n')

    (problem,) = problems_of(folder)
    assert problem.startswith("region.toml: is not valid TOML")


def test_it_reports_every_missing_and_unknown_region_toml_key(tmp_path):
    manifest = 'slug = "Northshire"\nservce_name = "Rehome Northshire"\nattribution = "OGL"\n'

    assert problems_of(write_pack(tmp_path, manifest=manifest)) == [
        'region.toml: missing key "name"',
        'region.toml: missing key "authority"',
        'region.toml: missing key "service_name"',
        'region.toml, key "attribution": is not a list of strings',
        'region.toml, key "slug": "Northshire" is not a slug '
        "(lower-case letters and digits separated by hyphens)",
        'region.toml: unknown key "servce_name"',
        'region.toml: missing key "files.areas"',
    ]


def test_it_reports_files_that_do_not_exist(tmp_path):
    manifest = WITH_DISTRICTS + 'sources = "SOURCES.md"\n'
    folder = write_pack(tmp_path, manifest=manifest, boundaries=None)

    assert problems_of(folder) == [
        'region.toml, key "files.boundaries": "boundaries.geojson" does not exist',
        'region.toml, key "files.postcode_districts": "postcode-districts.csv" does not exist',
        'region.toml, key "files.sources": "SOURCES.md" does not exist',
    ]


def test_it_refuses_file_names_that_leave_the_pack(tmp_path):
    (tmp_path / "secret.md").write_text("not part of the pack")
    manifest = NORTHSHIRE_MANIFEST + 'sources = "../secret.md"\n'

    assert problems_of(write_pack(tmp_path / "pack", manifest=manifest)) == [
        "region.toml, key \"files.sources\": '../secret.md' is not a file in the pack"
    ]


def test_it_reports_missing_required_columns(tmp_path):
    areas = "code,population\nE07000901,81000\n"
    folder = write_pack(tmp_path, manifest=WITHOUT_BOUNDARIES, areas=areas, boundaries=None)

    assert problems_of(folder) == ['areas.csv: missing required column "name"']


def test_it_reports_every_bad_cell_with_its_row_and_column(tmp_path):
    areas = (
        "code,name,population,population_year,imd2019_rank_of_average_score,"
        "imd2019_average_score,imd2019_share_lsoas_most_deprived_10pc,internet_nonuse_pct_2020\n"
        "E07000901,Fellside,81000,2022,12,30.5,0.25,9.5\n"
        "E07000902,Marram Bay,12x,22.5,-3,NaN,1.5,101\n"
    )

    assert problems_of(write_pack(tmp_path, areas=areas)) == [
        'areas.csv row 3, column "population": "12x" is not a whole number',
        'areas.csv row 3, column "population_year": "22.5" is not a whole number',
        'areas.csv row 3, column "imd2019_rank_of_average_score": "-3" is not a whole number',
        'areas.csv row 3, column "imd2019_average_score": "NaN" is not a number',
        'areas.csv row 3, column "imd2019_share_lsoas_most_deprived_10pc": "1.5" '
        "is not a share between 0 and 1",
        'areas.csv row 3, column "internet_nonuse_pct_2020": "101" '
        "is not a percentage between 0 and 100",
    ]


def test_it_reports_codes_that_are_not_ons_codes(tmp_path):
    areas = "code,name\nE0700090,Fellside\nX07000902,Marram Bay\n"

    folder = write_pack(tmp_path, manifest=WITHOUT_BOUNDARIES, areas=areas, boundaries=None)

    assert problems_of(folder) == [
        'areas.csv row 2, column "code": "E0700090" is not an ONS code '
        "(E, W, S or N and eight digits)",
        'areas.csv row 3, column "code": "X07000902" is not an ONS code '
        "(E, W, S or N and eight digits)",
    ]


def test_it_reports_duplicate_codes_and_names(tmp_path):
    areas = "code,name\nE07000901,Fellside\nE07000902,Marram Bay\nE07000901,FELLSIDE\n"

    assert problems_of(write_pack(tmp_path, areas=areas)) == [
        'areas.csv row 4, column "code": "E07000901" is a duplicate of row 2',
        'areas.csv row 4, column "name": "FELLSIDE" is a duplicate of row 2',
    ]


def test_it_reports_rows_with_the_wrong_number_of_cells(tmp_path):
    areas = NORTHSHIRE_AREAS + "E07000903,Scar Top\n"

    assert problems_of(write_pack(tmp_path, areas=areas)) == [
        "areas.csv row 4: has 2 cells but the header has 3"
    ]


def test_it_reports_a_csv_with_no_areas(tmp_path):
    folder = write_pack(tmp_path, areas="code,name\n")

    assert problems_of(folder) == [
        "areas.csv: has no areas",
        'boundaries.geojson feature 1 ("E07000901"): is not in areas.csv',
        'boundaries.geojson feature 2 ("E07000902"): is not in areas.csv',
    ]


def test_it_reports_boundaries_for_unknown_areas_and_areas_without_boundaries(tmp_path):
    boundaries = feature_collection({"E07000901": square(-2, 54), "E07000999": square(-1, 54)})

    assert problems_of(write_pack(tmp_path, boundaries=boundaries)) == [
        'areas.csv row 3, column "code": "E07000902" has no boundary in boundaries.geojson',
        'boundaries.geojson feature 2 ("E07000999"): is not in areas.csv',
    ]


def test_it_reports_geometries_that_are_not_polygons(tmp_path):
    point = {"type": "Point", "coordinates": [-2, 54]}
    boundaries = feature_collection({"E07000901": square(-2, 54), "E07000902": point})

    assert problems_of(write_pack(tmp_path, boundaries=boundaries)) == [
        'boundaries.geojson feature 2 ("E07000902"): geometry type "Point" '
        "is not Polygon or MultiPolygon",
    ]


def test_it_reports_malformed_rings(tmp_path):
    open_ring = square(-2, 54)
    open_ring["coordinates"][0].pop()
    open_ring["coordinates"][0].append([-1.95, 54.05])
    off_the_globe = {"type": "MultiPolygon", "coordinates": [square(200, 54)["coordinates"]]}
    boundaries = feature_collection({"E07000901": open_ring, "E07000902": off_the_globe})

    assert problems_of(write_pack(tmp_path, boundaries=boundaries)) == [
        'boundaries.geojson feature 1 ("E07000901"): polygon 1, ring 1 is not closed '
        "(its last position differs from its first)",
        'boundaries.geojson feature 2 ("E07000902"): polygon 1, ring 1 has a position '
        "that is not a WGS84 longitude and latitude",
    ]


def test_it_reports_features_without_a_code_and_duplicate_features(tmp_path):
    boundaries = feature_collection({"E07000901": square(-2, 54), "E07000902": square(-1, 54)})
    boundaries["features"].append(boundaries["features"][0])
    boundaries["features"].append({"type": "Feature", "properties": {}, "geometry": None})

    assert problems_of(write_pack(tmp_path, boundaries=boundaries)) == [
        'boundaries.geojson feature 3 ("E07000901"): is a duplicate of feature 1',
        'boundaries.geojson feature 4: has no "code" property',
    ]


def test_it_reports_a_boundaries_file_that_is_not_geojson(tmp_path):
    folder = write_pack(tmp_path)
    (folder / "boundaries.geojson").write_text("{")

    (problem,) = problems_of(folder)
    assert problem.startswith("boundaries.geojson: is not valid JSON (")


def test_the_error_message_lists_every_problem(tmp_path):
    areas = "code,name,population\nE07000901,Fellside,lots\nE07000902,Marram Bay,few\n"

    with pytest.raises(RegionPackError) as caught:
        read_region_pack(write_pack(tmp_path, areas=areas))

    assert str(caught.value) == (
        f"The region pack at {tmp_path} has 2 problems:\n"
        '- areas.csv row 2, column "population": "lots" is not a whole number\n'
        '- areas.csv row 3, column "population": "few" is not a whole number'
    )


def test_it_reads_each_areas_postcode_districts_in_natural_order(tmp_path):
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=NORTHSHIRE_DISTRICTS)

    fellside, marram_bay = read_region_pack(folder).areas

    assert fellside.postcode_districts == ("LA8", "LA9", "LA10")
    assert marram_bay.postcode_districts == ("LA8", "LA11")


def test_it_reads_a_postcode_districts_csv_saved_with_a_byte_order_mark(tmp_path):
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS)
    (folder / "postcode-districts.csv").write_text(NORTHSHIRE_DISTRICTS, encoding="utf-8-sig")

    assert read_region_pack(folder).areas[0].postcode_districts == ("LA8", "LA9", "LA10")


def test_areas_have_no_postcode_districts_when_the_pack_has_no_file_of_them(tmp_path):
    pack = read_region_pack(write_pack(tmp_path))

    assert [area.postcode_districts for area in pack.areas] == [(), ()]


def test_it_reports_postcode_districts_that_are_not_districts(tmp_path):
    districts = "district,code\nLA8 1AB,E07000901\nQQ1,E07000901\n,E07000902\nLA,E07000902\n"
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=districts)

    assert problems_of(folder) == [
        'postcode-districts.csv row 2, column "district": "LA8 1AB" is not a postcode district '
        "(the part of a postcode before the space, e.g. B15)",
        'postcode-districts.csv row 3, column "district": "QQ1" is not a postcode district '
        "(the part of a postcode before the space, e.g. B15)",
        'postcode-districts.csv row 4, column "district": is empty',
        'postcode-districts.csv row 5, column "district": "LA" is not a postcode district '
        "(the part of a postcode before the space, e.g. B15)",
    ]


def test_it_reports_postcode_districts_of_areas_the_pack_does_not_have(tmp_path):
    districts = "district,code\nLA8,E07000999\nLA9,Fellside\n"
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=districts)

    assert problems_of(folder) == [
        'postcode-districts.csv row 2, column "code": "E07000999" is not an area in areas.csv',
        'postcode-districts.csv row 3, column "code": "Fellside" is not an area in areas.csv',
    ]


def test_it_reports_a_district_listed_twice_for_one_area(tmp_path):
    districts = NORTHSHIRE_DISTRICTS + "la10,E07000901\n"
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=districts)

    assert problems_of(folder) == [
        'postcode-districts.csv row 7, column "district": "LA10" for E07000901 '
        "is a duplicate of row 2"
    ]


def test_it_reports_a_postcode_districts_csv_without_its_columns(tmp_path):
    districts = "outcode,code\nLA8,E07000901\n"
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=districts)

    assert problems_of(folder) == ['postcode-districts.csv: missing required column "district"']


def test_an_unreadable_areas_csv_is_not_reported_again_for_every_district(tmp_path):
    manifest = WITHOUT_BOUNDARIES + 'postcode_districts = "postcode-districts.csv"\n'
    areas = "code,population\nE07000901,81000\n"
    folder = write_pack(
        tmp_path, manifest=manifest, areas=areas, boundaries=None, districts=NORTHSHIRE_DISTRICTS
    )

    assert problems_of(folder) == ['areas.csv: missing required column "name"']


def test_the_shipped_pack_carries_the_restart_projects_impact_factors():
    pack = read_region_pack(DEFAULT_PACK)
    factors = {row.category: row for row in pack.impact_factors}
    assert len(factors) == 6
    assert factors["laptop_medium"].embodied_kg_co2e == Decimal("265.32")
    assert factors["smartphone"].weight_kg == Decimal("0.15")
    assert factors["smartphone"].source_label == "Mobile"


def test_it_reports_every_bad_impact_factor_by_row_and_column(tmp_path):
    manifest = WITHOUT_BOUNDARIES.replace(
        'areas = "areas.csv"\n', 'areas = "areas.csv"\nimpact_factors = "factors.csv"\n'
    )
    folder = write_pack(tmp_path, manifest=manifest, boundaries=None)
    (folder / "factors.csv").write_text(
        "category,restart_category,embodied_kg_co2e,weight_kg\n"
        "laptop_medium,Laptop medium,265.32,1.83\n"
        "toaster,Toaster,12,1\n"
        "laptop_medium,Again,265.32,1.83\n"
        "tablet,Tablet,-3,lots\n",
        encoding="utf-8",
    )
    assert problems_of(folder) == [
        'factors.csv row 3, column "category": "toaster" is not one of laptop_small, '
        "laptop_medium, laptop_large, desktop, tablet, smartphone",
        'factors.csv row 4, column "category": "laptop_medium" is a duplicate of row 2',
        'factors.csv row 5, column "embodied_kg_co2e": "-3" is not above zero',
        'factors.csv row 5, column "weight_kg": "lots" is not a number',
    ]
