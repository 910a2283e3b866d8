"""Small-number suppression, the one rule for every figure that leaves an organisation's own
scope (the public directory, council dashboards, impact reports, exports): a count of 1 to 4
people could point to who they are, so it shows as "fewer than 5". Nought and 5 or more show as
they are, because neither identifies anyone. A median over fewer than 5 values is not shown at
all: the median of two waiting times is their average, and it gives both away.
"""

import statistics
from collections.abc import Iterable

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
NOT_SHOWN = "not shown"


def is_suppressed(count: int | None) -> bool:
    if count is not None and count < 0:
        raise ValueError(f"A count cannot be negative, and {count} is.")
    return count is not None and 0 < count < THRESHOLD


def suppress(count: int | None) -> int | str | None:
    """The count as it may be shown: 1 to 4 become "fewer than 5"; None and the rest stay."""
    return FEWER_THAN if is_suppressed(count) else count


def suppress_rows(rows: Iterable[dict], columns: Iterable[str]) -> list[dict]:
    """New rows with the counts in the named columns suppressed; every row must have them."""
    columns = tuple(columns)
    return [row | {column: suppress(row[column]) for column in columns} for row in rows]


def suppress_with_total(parts: dict[str, int]) -> tuple[dict[str, int | str], int | str]:
    """The parts and their total as they may be shown side by side.

    Parts of 1 to 4 show as "fewer than 5", and the total shows as it is unless it is 1 to 4.
    If exactly one part is hidden while the total is shown, anyone could get it back by taking
    the shown parts from the total, so a second part is hidden too: the smallest of the parts
    of 5 or more (the first of them, in the parts' order, on a tie). It shows as "not shown",
    since it is not fewer than 5. There is always such a part: were every other part nought,
    the total would be the hidden part itself, 1 to 4, and hidden.

    So whenever the total is shown, either no part is hidden or at least two are. That stops
    recovery by subtraction, not every inference a reader who knows this rule could draw: two
    hidden parts beside a total that is 2 more than the shown parts must both be 1. Where that
    matters, show the parts without a total.
    """
    shown: dict[str, int | str] = {name: suppress(count) for name, count in parts.items()}
    total = sum(parts.values())
    hidden = [name for name, count in parts.items() if is_suppressed(count)]
    if len(hidden) == 1 and not is_suppressed(total):
        smallest = min(
            (name for name, count in parts.items() if count >= THRESHOLD), key=parts.__getitem__
        )
        shown[smallest] = NOT_SHOWN
    return shown, suppress(total)


def median_or_none(values: Iterable[float], minimum: int = THRESHOLD) -> float | None:
    """The median of the values, or None when there are fewer than `minimum` of them."""
    values = list(values)
    return statistics.median(values) if len(values) >= minimum else None
