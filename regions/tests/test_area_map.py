import re

import pytest
from django.template import Context, Template

from regions.templatetags.area_map import NEUTRAL, PALETTE, _region_map

# `region` is the shipped West Midlands pack, loaded by the project's conftest.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_projection_cache():
    _region_map.cache_clear()


def render(areas, **options) -> str:
    template = Template("{% load area_map %}{% area_map areas caption=caption values=values %}")
    context = {"areas": areas, "caption": "Devices rehomed by council", "values": None}
    return template.render(Context({**context, **options}))


def test_it_draws_an_accessible_svg_with_a_path_and_label_per_area(region):
    html = render(region.areas.all())

    assert '<svg class="rehome-map"' in html
    assert 'role="img" aria-labelledby="area-map-devices-rehomed-by-council-title"' in html
    assert (
        '<title id="area-map-devices-rehomed-by-council-title">Devices rehomed by council</title>'
        in html
    )
    assert html.count('<path class="rehome-map__area"') == 7
    assert html.count("<text ") == 7
    assert "<title>Birmingham</title>" in html
    assert ">Wolverhampton</text>" in html
    assert set(re.findall(r'fill="(#[0-9a-f]{6})"><title>', html)) == {NEUTRAL}


def test_values_shade_the_areas_from_light_to_dark(region):
    values = {"E08000025": 1200, "E08000026": 0, "E08000027": 600}

    html = render(region.areas.all(), values=values)

    fills = {name: fill for fill, name in re.findall(r'fill="(#\w{6})"><title>(\w+)', html)}
    assert fills["Birmingham"] == PALETTE[-1]
    assert fills["Coventry"] == PALETTE[0]
    assert fills["Dudley"] == PALETTE[2]
    assert fills["Sandwell"] == NEUTRAL
    assert "<title>Birmingham: 1,200</title>" in html
    assert "<title>Sandwell: no data</title>" in html


def test_areas_without_a_boundary_are_left_out(region):
    region.areas.filter(code="E08000029").update(boundary=None)

    html = render(region.areas.all())

    assert html.count('<path class="rehome-map__area"') == 6
    assert "Solihull" not in html


def test_no_areas_draw_nothing(region):
    assert render(region.areas.none()).strip() == ""


def test_the_projection_is_made_once_per_load_of_the_pack(region):
    render(region.areas.all())
    render(region.areas.all())

    assert _region_map.cache_info().misses == 1
    assert _region_map.cache_info().hits == 1
