import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.region_pack import read_region_pack
from lib.svgmap import svg_map, value_steps
from regions.packs import DEFAULT_PACK


def rectangle(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def coordinates(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def test_a_rectangle_on_the_equator_fills_the_width_and_keeps_its_aspect():
    drawn = svg_map(
        {"E00000001": {"type": "Polygon", "coordinates": [rectangle(0, -0.5, 2, 0.5)]}}, width=200
    )

    assert drawn.view_box == "0 0 200 100"
    shape = drawn.shapes["E00000001"]
    assert shape.d == "M0 100L200 100 200 0 0 0Z"
    assert (shape.label_x, shape.label_y) == (100, 50)


def test_longitude_is_shrunk_by_the_cosine_of_the_middle_latitude():
    # At 60 degrees north a degree of longitude is half a degree of latitude long.
    drawn = svg_map(
        {"E00000001": {"type": "Polygon", "coordinates": [rectangle(0, 59.5, 2, 60.5)]}},
        width=100,
    )

    assert drawn.view_box == "0 0 100 100"


def test_padding_keeps_the_drawing_in_from_the_edges():
    drawn = svg_map(
        {"E00000001": {"type": "Polygon", "coordinates": [rectangle(0, -0.5, 2, 0.5)]}},
        width=220,
        padding=10,
    )

    assert drawn.view_box == "0 0 220 120"
    assert drawn.shapes["E00000001"].d == "M10 110L210 110 210 10 10 10Z"


def test_north_is_at_the_top_and_areas_share_one_frame():
    drawn = svg_map(
        {
            "E00000001": {"type": "Polygon", "coordinates": [rectangle(0, 0, 1, 1)]},
            "E00000002": {"type": "Polygon", "coordinates": [rectangle(0, -1, 1, 0)]},
        },
        width=100,
    )

    north, south = drawn.shapes["E00000001"], drawn.shapes["E00000002"]
    assert north.label_y < south.label_y
    assert max(y for _, y in coordinates(north.d)) == min(y for _, y in coordinates(south.d))


def test_a_hole_is_drawn_as_a_second_subpath():
    drawn = svg_map(
        {
            "E00000001": {
                "type": "Polygon",
                "coordinates": [rectangle(0, -0.5, 2, 0.5), rectangle(0.5, -0.25, 1.5, 0.25)],
            }
        },
        width=200,
    )

    assert drawn.shapes["E00000001"].d == "M0 100L200 100 200 0 0 0ZM50 75L150 75 150 25 50 25Z"


def test_a_multipolygon_is_labelled_at_the_centre_of_its_largest_part():
    drawn = svg_map(
        {
            "E00000001": {
                "type": "MultiPolygon",
                "coordinates": [[rectangle(0, -0.5, 0.2, -0.3)], [rectangle(1, -0.5, 2, 0.5)]],
            }
        },
        width=200,
    )

    shape = drawn.shapes["E00000001"]
    assert shape.d.count("M") == 2
    assert (shape.label_x, shape.label_y) == (150, 50)


def test_points_that_round_to_the_same_place_are_drawn_once():
    ring = [[0, -0.5], [2, -0.5], [2.0001, -0.5], [2, 0.5], [0, 0.5], [0, -0.5]]

    drawn = svg_map({"E00000001": {"type": "Polygon", "coordinates": [ring]}}, width=200)

    assert drawn.shapes["E00000001"].d == "M0 100L200 100 200 0 0 0Z"


def test_the_west_midlands_map_is_drawn_the_same_way_every_time():
    geometries = {area.code: area.boundary for area in read_region_pack(DEFAULT_PACK).areas}

    first, second = svg_map(geometries, width=600), svg_map(geometries, width=600)

    assert first == second
    assert list(first.shapes) == list(geometries)
    assert all(shape.d.startswith("M") and shape.d.endswith("Z") for shape in first.shapes.values())


def test_it_refuses_geometries_it_cannot_draw():
    with pytest.raises(ValueError, match="Cannot draw a 'Point' geometry"):
        svg_map({"E00000001": {"type": "Point", "coordinates": [0, 0]}})


def test_it_refuses_a_padding_that_leaves_no_room():
    with pytest.raises(ValueError, match="more than twice the padding"):
        svg_map(
            {"E00000001": {"type": "Polygon", "coordinates": [rectangle(0, 0, 1, 1)]}},
            width=20,
            padding=10,
        )


def test_values_are_put_in_five_equal_steps_from_smallest_to_largest():
    values = {"a": 0, "b": 19, "c": 20, "d": Decimal("50"), "e": 99.9, "f": 100, "g": None}

    assert value_steps(values) == {"a": 0, "b": 0, "c": 1, "d": 2, "e": 4, "f": 4}


def test_equal_values_all_take_the_first_step():
    assert value_steps({"a": 3, "b": 3}) == {"a": 0, "b": 0}
    assert value_steps({"a": None}) == {}


longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
latitudes = st.floats(min_value=-85, max_value=85, allow_nan=False)
rings = st.lists(st.tuples(longitudes, latitudes), min_size=3, max_size=12).map(
    lambda points: [list(point) for point in [*points, points[0]]]
)
polygons = st.lists(rings, min_size=1, max_size=3)
geometries = st.one_of(
    polygons.map(lambda polygon: {"type": "Polygon", "coordinates": polygon}),
    st.lists(polygons, min_size=1, max_size=3).map(
        lambda parts: {"type": "MultiPolygon", "coordinates": parts}
    ),
)


@given(
    shapes=st.dictionaries(
        st.from_regex(r"E\d{8}", fullmatch=True), geometries, min_size=1, max_size=4
    ),
    width=st.integers(min_value=50, max_value=2000),
    padding=st.integers(min_value=0, max_value=20),
)
def test_every_projected_point_is_inside_the_view_box(shapes, width, padding):
    drawn = svg_map(shapes, width=width, padding=padding)

    assert drawn.view_box.startswith(f"0 0 {width} ")
    for shape in drawn.shapes.values():
        for x, y in [*coordinates(shape.d), (shape.label_x, shape.label_y)]:
            assert 0 <= x <= drawn.width
            assert 0 <= y <= drawn.height
