"""Counts of 1 to 4 never leave an organisation's scope, alone or recoverable from a total."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.suppression import (
    FEWER_THAN,
    NOT_SHOWN,
    THRESHOLD,
    is_suppressed,
    median_or_none,
    suppress,
    suppress_rows,
    suppress_with_total,
)

counts = st.integers(min_value=0, max_value=10_000)
small_or_not = st.one_of(st.integers(min_value=0, max_value=12), counts)
parts_of_a_total = st.dictionaries(st.text(max_size=3), small_or_not, max_size=8)


def small_ints_in(values) -> list:
    return [v for v in values if isinstance(v, int) and 1 <= v <= 4]


def test_the_threshold_is_five_and_says_so():
    assert THRESHOLD == 5
    assert FEWER_THAN == "fewer than 5"


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, FEWER_THAN), (4, FEWER_THAN), (5, 5), (6, 6), (1234, 1234), (None, None)],
)
def test_one_to_four_show_as_fewer_than_five(count, shown):
    assert suppress(count) == shown
    assert is_suppressed(count) is (shown == FEWER_THAN)


def test_a_negative_count_is_a_mistake():
    with pytest.raises(ValueError, match="negative"):
        suppress(-1)
    with pytest.raises(ValueError, match="negative"):
        is_suppressed(-3)


def test_rows_are_suppressed_in_the_named_columns_only():
    rows = [
        {"area": "B15", "referrals": 3, "devices": 12, "year": 2},
        {"area": "WV10", "referrals": 0, "devices": None, "year": 2},
    ]

    assert suppress_rows(rows, (c for c in ["referrals", "devices"])) == [
        {"area": "B15", "referrals": FEWER_THAN, "devices": 12, "year": 2},
        {"area": "WV10", "referrals": 0, "devices": None, "year": 2},
    ]
    assert rows[0]["referrals"] == 3


def test_a_row_without_a_named_column_is_a_mistake():
    with pytest.raises(KeyError):
        suppress_rows([{"area": "B15"}], ["referrals"])


def test_parts_of_five_or_more_show_with_their_total():
    assert suppress_with_total({"laptops": 12, "tablets": 5, "phones": 0}) == (
        {"laptops": 12, "tablets": 5, "phones": 0},
        17,
    )


def test_one_hidden_part_takes_the_next_smallest_with_it():
    shown, total = suppress_with_total({"laptops": 40, "tablets": 3, "phones": 9, "hubs": 0})

    assert shown == {"laptops": 40, "tablets": FEWER_THAN, "phones": NOT_SHOWN, "hubs": 0}
    assert total == 52


def test_on_a_tie_the_first_of_the_smallest_is_hidden():
    shown, _ = suppress_with_total({"a": 7, "b": 2, "c": 7})

    assert shown == {"a": NOT_SHOWN, "b": FEWER_THAN, "c": 7}


def test_two_hidden_parts_need_no_more():
    assert suppress_with_total({"a": 1, "b": 4, "c": 20}) == (
        {"a": FEWER_THAN, "b": FEWER_THAN, "c": 20},
        25,
    )


def test_a_small_total_is_hidden_and_then_one_hidden_part_is_enough():
    assert suppress_with_total({"a": 3, "b": 0}) == ({"a": FEWER_THAN, "b": 0}, FEWER_THAN)
    assert suppress_with_total({"a": 2, "b": 2}) == (
        {"a": FEWER_THAN, "b": FEWER_THAN},
        FEWER_THAN,
    )


def test_no_parts_total_nought():
    assert suppress_with_total({}) == ({}, 0)


def test_a_negative_part_is_a_mistake():
    with pytest.raises(ValueError, match="negative"):
        suppress_with_total({"a": 10, "b": -1})


@pytest.mark.parametrize(
    ("values", "median"),
    [
        ([], None),
        ([3, 40], None),
        ([1, 2, 3, 4], None),
        ([5, 1, 4, 2, 3], 3),
        ([10, 20, 30, 40, 50, 60], 35),
        ((d for d in [7, 7, 7, 7, 7]), 7),
    ],
)
def test_a_median_needs_five_values(values, median):
    assert median_or_none(values) == median


def test_the_fewest_values_for_a_median_can_be_raised():
    assert median_or_none([1, 2, 3, 4, 5], minimum=10) is None
    assert median_or_none([1, 2, 3], minimum=3) == 2


@given(st.one_of(st.none(), counts))
def test_suppress_never_shows_one_to_four(count):
    shown = suppress(count)

    assert small_ints_in([shown]) == []
    assert shown in (count, FEWER_THAN)


@given(st.lists(st.fixed_dictionaries({"n": st.one_of(st.none(), counts), "x": counts})))
def test_suppressed_rows_never_show_one_to_four(rows):
    for before, after in zip(rows, suppress_rows(rows, ["n"]), strict=True):
        assert small_ints_in([after["n"]]) == []
        assert after["x"] == before["x"]


@given(parts_of_a_total)
def test_a_total_never_gives_away_a_hidden_part(parts):
    shown, total = suppress_with_total(parts)
    hidden = [name for name, value in shown.items() if isinstance(value, str)]

    assert small_ints_in([*shown.values(), total]) == []
    assert total == sum(parts.values()) or (total == FEWER_THAN and 1 <= sum(parts.values()) <= 4)
    for name, value in shown.items():
        assert (
            value == parts[name]
            or value == {True: FEWER_THAN, False: NOT_SHOWN}[1 <= parts[name] <= 4]
        )
    # The promise: beside a total that is shown, either no part is hidden or at least two are.
    if isinstance(total, int):
        assert len(hidden) != 1
    # And nothing more is hidden than that takes: at most one part that is not small.
    assert list(shown.values()).count(NOT_SHOWN) <= 1


@given(st.lists(st.integers(-1000, 1000), max_size=12))
def test_a_median_is_shown_only_over_five_or_more_values(values):
    median = median_or_none(values)

    assert (median is None) == (len(values) < 5)
    assert median is None or min(values) <= median <= max(values)
