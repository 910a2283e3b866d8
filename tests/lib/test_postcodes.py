"""Postcode districts are kept, full postcodes are recognised wherever they are written."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.postcodes import AREAS, FULL_POSTCODE, district_of, is_full_postcode, normalise_district

ONE_LETTER_ENDINGS = "ABCDEFGHJKPSTUW"
TWO_LETTER_ENDINGS = "ABEHMNPRVWXY"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@st.composite
def districts(draw) -> str:
    area = draw(st.sampled_from(sorted(AREAS)))
    endings = ONE_LETTER_ENDINGS if len(area) == 1 else TWO_LETTER_ENDINGS
    ending = draw(st.sampled_from(["", *"0123456789", *endings]))
    return f"{area}{draw(st.integers(0, 9))}{ending}"


@st.composite
def inward_codes(draw) -> str:
    letters = draw(st.text(st.sampled_from(INWARD_LETTERS), min_size=2, max_size=2))
    return f"{draw(st.integers(0, 9))}{letters}"


def found(text: str) -> list[str]:
    return [match.group() for match in FULL_POSTCODE.finditer(text)]


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("b15", "B15"),
        (" WV10 ", "WV10"),
        ("B1", "B1"),
        ("m1", "M1"),
        ("DY13", "DY13"),
        ("W1A", "W1A"),
        ("E1W", "E1W"),
        ("EC1A", "EC1A"),
        ("sw1a", "SW1A"),
        ("ZE1", "ZE1"),
        ("JE2", "JE2"),
    ],
)
def test_a_district_is_upper_cased_and_stripped(text, district):
    assert normalise_district(text) == district


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "B",
        "15",
        "B15 2TT",
        "B152TT",
        "X1",
        "Q1",
        "I7",
        "A4",
        "BQ1",
        "B1I",
        "SW1C",
        "B123",
        "B 15",
        "GIR",
        "Birmingham",
    ],
)
def test_anything_but_a_real_district_shape_is_not_a_district(text):
    assert normalise_district(text) is None


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("B15 2TT", "B15"),
        ("b152tt", "B15"),
        (" WV10 1AA ", "WV10"),
        ("SW1A 1AA", "SW1A"),
        ("W1A 0AX", "W1A"),
        ("EC1A 1BB", "EC1A"),
        ("M1 1AE", "M1"),
        ("L14 2ND", "L14"),
        ("G5 8GB", "G5"),
    ],
)
def test_the_district_of_a_full_postcode_is_its_outward_code(postcode, district):
    assert is_full_postcode(postcode)
    assert district_of(postcode) == district


@pytest.mark.parametrize("text", ["B15", "B15 2T", "B15 2TTT", "B15 2CI", "X1 1AA", ""])
def test_a_district_or_a_broken_postcode_is_not_a_full_postcode(text):
    assert not is_full_postcode(text)
    assert district_of(text) is None


@pytest.mark.parametrize(
    ("text", "postcodes"),
    [
        ("She lives at B15 2TT now.", ["B15 2TT"]),
        ("moved to b152tt last week", ["b152tt"]),
        ("(SW1A 1AA)", ["SW1A 1AA"]),
        ("from M1 1AE to WV10 6QH", ["M1 1AE", "WV10 6QH"]),
        ("postcode:B15 2TT,", ["B15 2TT"]),
    ],
)
def test_full_postcodes_are_found_in_free_text(text, postcodes):
    assert found(text) == postcodes


@pytest.mark.parametrize(
    "text",
    [
        "lives in B15",
        "serial XB152TT9",
        "asset AB12CD34",
        "ThinkPad L14 2nd gen",
        "ThinkPad L14 2ND GEN",
        "HP EliteBook 840 G5 8GB RAM",
        "M2 1TB SSD",
        "Core i7 8th gen",
        "room B1 3rd floor",
        "needs 2 laptops by 10:30",
        "REF-2026-0012",
    ],
)
def test_ordinary_notes_hold_no_full_postcode(text):
    assert found(text) == []


@given(district=districts(), inward=inward_codes(), space=st.sampled_from(["", " "]))
def test_every_real_shape_is_a_full_postcode_of_its_district(district, inward, space):
    postcode = f"{district}{space}{inward}"

    assert is_full_postcode(postcode)
    assert is_full_postcode(postcode.lower())
    assert district_of(postcode.lower()) == district
    assert normalise_district(district.lower()) == district
    assert normalise_district(postcode) is None


@given(district=districts(), inward=inward_codes(), space=st.sampled_from(["", " "]))
def test_every_real_shape_is_found_in_a_sentence_unless_it_reads_as_an_ordinal_or_a_size(
    district, inward, space
):
    postcode = f"{district}{space}{inward}"
    reads_as_words = inward[1:] in {"GB", "TB", "TH"} or inward in {"1ST", "2ND", "3RD"}

    assert found(f"She moved to {postcode}, last May.") == ([] if reads_as_words else [postcode])


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_a_district_is_always_a_fixed_point(text):
    district = normalise_district(text)

    assert district is None or normalise_district(district) == district
    assert district is None or district == district.strip().upper()


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_text_is_answered_without_error(text):
    for match in FULL_POSTCODE.finditer(text):
        assert district_of(match.group()) == match.group("outward").upper()
