from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.region_pack import AreaRow, read_region_pack
from organisations.models import Organisation
from regions.models import Area, Region
from regions.packs import DEFAULT_PACK
from regions.services import RegionLoadError, region_load
from tests.lib.pack_files import (
    NORTHSHIRE_AREAS,
    NORTHSHIRE_DISTRICTS,
    WITH_DISTRICTS,
    feature_collection,
    square,
    write_pack,
)

pytestmark = pytest.mark.django_db


def test_it_loads_the_shipped_west_midlands_pack():
    region = region_load(pack=read_region_pack(DEFAULT_PACK))

    assert region.slug == "west-midlands"
    assert region.service_name == "Rehome West Midlands"
    assert region.area_label == "council"
    assert len(region.attribution) == 3
    assert region.sources.startswith("# West Midlands Combined Authority")
    assert region.areas.count() == 7
    birmingham = region.areas.get(code="E08000025")
    assert birmingham.slug == "birmingham"
    assert birmingham.population == 1157603
    assert birmingham.imd_score == Decimal("38.067")
    assert birmingham.internet_nonuse_pct == Decimal("8.6")
    assert birmingham.statistics["lsoa11_count_iod2019"] == "639"
    assert birmingham.boundary["type"] == "MultiPolygon"


def test_the_shipped_pack_gives_each_council_its_postcode_districts():
    region = region_load(pack=read_region_pack(DEFAULT_PACK))

    districts = dict(region.areas.values_list("name", "postcode_districts"))
    assert "B15" in districts["Birmingham"]
    assert "CV1" in districts["Coventry"]
    assert "WV1" in districts["Wolverhampton"]
    assert "B37" in districts["Birmingham"]
    assert "B37" in districts["Solihull"]
    assert "B15" not in districts["Solihull"]


def test_it_stores_each_areas_postcode_districts(tmp_path):
    folder = write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=NORTHSHIRE_DISTRICTS)

    region = region_load(pack=read_region_pack(folder))

    assert dict(region.areas.values_list("code", "postcode_districts")) == {
        "E07000901": ["LA8", "LA9", "LA10"],
        "E07000902": ["LA8", "LA11"],
    }


def test_a_changed_postcode_districts_file_updates_the_areas(tmp_path):
    region_load(
        pack=read_region_pack(
            write_pack(tmp_path, manifest=WITH_DISTRICTS, districts=NORTHSHIRE_DISTRICTS)
        )
    )

    folder = write_pack(
        tmp_path, manifest=WITH_DISTRICTS, districts="district,code\nLA9,E07000901\n"
    )
    region = region_load(pack=read_region_pack(folder))

    assert dict(region.areas.values_list("code", "postcode_districts")) == {
        "E07000901": ["LA9"],
        "E07000902": [],
    }


def test_loading_the_same_pack_twice_writes_nothing():
    pack = read_region_pack(DEFAULT_PACK)
    region = region_load(pack=pack)
    area_ids = set(Area.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        region_load(pack=pack)

    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert Region.objects.get().loaded_at == region.loaded_at
    assert set(Area.objects.values_list("pk", flat=True)) == area_ids


def test_another_region_loads_the_same_way(tmp_path):
    region = region_load(pack=read_region_pack(write_pack(tmp_path)))

    assert (region.slug, region.name, region.area_label) == ("northshire", "Northshire", "district")
    assert region.contact_email == ""
    assert list(region.areas.values_list("code", "slug", "population", "imd_rank")) == [
        ("E07000901", "fellside", 81000, None),
        ("E07000902", "marram-bay", 42000, None),
    ]


def test_a_changed_pack_updates_its_areas_and_moves_loaded_at(tmp_path):
    region = region_load(pack=read_region_pack(write_pack(tmp_path)))
    fellside = region.areas.get(code="E07000901")

    areas = NORTHSHIRE_AREAS.replace("Fellside,81000", "Fellside,82500")
    region_load(pack=read_region_pack(write_pack(tmp_path, areas=areas)))

    fellside.refresh_from_db()
    assert fellside.population == 82500
    assert fellside.statistics["population"] == "82500"
    assert Region.objects.get().loaded_at > region.loaded_at


def test_an_area_the_pack_no_longer_lists_is_removed(tmp_path):
    region_load(pack=read_region_pack(write_pack(tmp_path)))

    boundaries = feature_collection({"E07000901": square(-2.0, 54.0)})
    folder = write_pack(tmp_path, areas="code,name\nE07000901,Fellside\n", boundaries=boundaries)
    region = region_load(pack=read_region_pack(folder))

    assert list(region.areas.values_list("code", flat=True)) == ["E07000901"]


def test_it_refuses_to_remove_an_area_an_organisation_serves():
    pack = read_region_pack(DEFAULT_PACK)
    region = region_load(pack=pack)
    coventry = region.areas.get(code="E08000026")
    charity = Organisation.objects.create(
        region=region, name="Coventry Connects", slug="coventry-connects", is_vcse=True
    )
    charity.areas_served.add(coventry)
    without_coventry = replace(
        pack,
        service_name="Rehome WM",
        areas=tuple(area for area in pack.areas if area.code != "E08000026"),
    )

    with pytest.raises(RegionLoadError) as caught:
        region_load(pack=without_coventry)

    assert str(caught.value) == (
        "The pack no longer lists Coventry (E08000026), still used by 1 organisation. "
        "Keep them in the pack, or move what uses them to another area first."
    )
    assert region.areas.filter(code="E08000026").exists()
    assert Region.objects.get().service_name == "Rehome West Midlands"


def test_it_refuses_area_names_that_would_share_a_url(tmp_path):
    pack = read_region_pack(write_pack(tmp_path))
    st_albans = AreaRow(code="E07000240", name="St Albans")
    clash = replace(
        pack, areas=(st_albans, replace(st_albans, code="E07000241", name="St. Albans"))
    )

    with pytest.raises(RegionLoadError) as caught:
        region_load(pack=clash)

    assert str(caught.value) == (
        'The areas "St Albans" and "St. Albans" would share the URL slug "st-albans".'
    )

    assert not Region.objects.exists()
