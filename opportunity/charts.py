"""Geometry for the estimator's SVG charts: plain numbers in, bar positions out.

Each chart is drawn beside a table of the same numbers, so the SVG is a picture (role="img" with
a label) and the table is what assistive technology reads.
"""

from dataclasses import dataclass

from lib.opportunity import Estimate

WIDTH = 640
LABEL_WIDTH = 170
BAR_HEIGHT = 26
GAP = 18
TOP = 10
PLOT = WIDTH - LABEL_WIDTH - 90  # room on the right for the figure at the end of a bar


def _scale(largest: float):
    largest = max(largest, 1)
    return lambda value: round(PLOT * value / largest, 1)


@dataclass(frozen=True)
class RangeBar:
    label: str
    y: float
    low_x: float
    width: float
    central_x: float
    low: int
    central: int
    high: int

    @property
    def text_y(self) -> float:
        return self.y + 18

    @property
    def marker_y(self) -> float:
        return self.y - 4

    @property
    def end_x(self) -> float:
        return round(self.low_x + self.width + 8, 1)


def range_chart(estimate: Estimate) -> dict:
    """Two bars from low to high, devices available and rehomed, with the central value marked."""
    scale = _scale(estimate.high.devices_available)
    bars = []
    for index, (label, attribute) in enumerate(
        (("Devices available", "devices_available"), ("Devices rehomed", "devices_rehomed"))
    ):
        low, central, high = (
            getattr(estimate.low, attribute),
            getattr(estimate.central, attribute),
            getattr(estimate.high, attribute),
        )
        bars.append(
            RangeBar(
                label=label,
                y=TOP + index * (BAR_HEIGHT + GAP),
                low_x=LABEL_WIDTH + scale(low),
                width=max(scale(high) - scale(low), 1),
                central_x=LABEL_WIDTH + scale(central),
                low=low,
                central=central,
                high=high,
            )
        )
    return _chart(bars, len(bars))


@dataclass(frozen=True)
class PairBar:
    label: str
    y: float
    expected_width: float
    actual_width: float
    expected: int
    actual: int

    @property
    def actual_y(self) -> float:
        return self.y + BAR_HEIGHT

    @property
    def text_y(self) -> float:
        return self.y + 18

    @property
    def actual_text_y(self) -> float:
        return self.y + BAR_HEIGHT + 18

    @property
    def expected_end_x(self) -> float:
        return round(LABEL_WIDTH + self.expected_width + 8, 1)

    @property
    def actual_end_x(self) -> float:
        return round(LABEL_WIDTH + self.actual_width + 8, 1)


def expected_actual_chart(rows: list[tuple[str, int, int]]) -> dict:
    """For each (employer, expected, actual): a bar for each, the expected one above."""
    scale = _scale(max([max(e, a) for _, e, a in rows], default=1))
    bars = [
        PairBar(
            label=label,
            y=TOP + index * (2 * BAR_HEIGHT + GAP),
            expected_width=max(scale(expected), 1),
            actual_width=max(scale(actual), 1) if actual else 0,
            expected=expected,
            actual=actual,
        )
        for index, (label, expected, actual) in enumerate(rows)
    ]
    return _chart(bars, 2 * len(bars))


def _chart(bars: list, bar_rows: int) -> dict:
    height = TOP * 2 + bar_rows * BAR_HEIGHT + max(len(bars) - 1, 0) * GAP
    return {
        "bars": bars,
        "width": WIDTH,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "marker_height": BAR_HEIGHT + 8,
    }
