"""Public time series never give back what they hide: months are suppressed beside each year's
total, and a quarter with a hidden month is hidden too."""

import datetime

from impact.tables import months_table, quarters_table
from lib import impact
from lib.suppression import FEWER_THAN, NOT_SHOWN


def _months(people: dict[tuple[int, int], int]):
    return [
        (datetime.date(year, month, 1), {impact.PEOPLE_SUPPORTED: n})
        for (year, month), n in sorted(people.items())
    ]


def _column(table, measure=impact.PEOPLE_SUPPORTED):
    return {row.key: row.values[measure] for row in table.rows}


def test_a_quarter_with_a_hidden_month_is_hidden_too():
    months = _months({(2026, 1): 3, (2026, 2): 10, (2026, 3): 10, (2026, 4): 20})
    by_month = _column(months_table(months))
    assert by_month["2026-01"] == FEWER_THAN
    # One hidden month beside the year's total: a second is hidden so it cannot be subtracted.
    assert by_month["2026-02"] == NOT_SHOWN
    quarters = _column(quarters_table(months))
    assert quarters["2026 Q1"] == NOT_SHOWN  # 23 would give January back (23 - 10 - 10)
    assert quarters["2026 Q2"] == 20


def test_months_are_suppressed_beside_each_years_own_total():
    months = _months({(2025, 12): 2, (2026, 1): 3, (2026, 2): 9, (2026, 3): 8})
    by_month = _column(months_table(months))
    # December 2025 is alone in its year: its year's total is itself, and hidden with it.
    assert by_month["2025-12"] == FEWER_THAN
    # 2026 has one small month, so a second 2026 month is hidden too.
    assert by_month["2026-01"] == FEWER_THAN
    assert list(by_month.values()).count(NOT_SHOWN) == 1
