"""Simple SVG charts for figures pages and PDF reports: no JavaScript, no external files.

A chart is a picture of numbers a page also shows in a table beside it, so it stays plain:
one series, labelled, with each value written at its bar. A suppressed value ("fewer than 5")
draws no bar, and says so.
"""

from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.text import slugify

register = template.Library()

Row = tuple[str, int | float | Decimal | str | None]

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
CHART_WIDTH = 600
COLUMN_AREA_HEIGHT = 180
COLOUR = "#1d70b8"


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) else None


def _text(value) -> str:
    if value is None:
        return "no data"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}"
    return str(value)


@register.inclusion_tag("impact/charts/bar_chart.html")
def bar_chart(rows: Iterable[Row], *, caption: str, unit: str = "") -> dict:
    """Horizontal bars, one per (label, value) row; values that are not numbers draw no bar."""
    rows = list(rows)
    numbers = [n for n in (_number(v) for _, v in rows) if n is not None]
    top = max([n for n in numbers if n > 0], default=1)
    room = CHART_WIDTH - LABEL_WIDTH - 90
    bars = []
    for i, (label, value) in enumerate(rows):
        n = _number(value)
        width = room * max(n, 0) / top if n is not None else 0
        y = i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            {
                "label": label,
                "text": _text(value),
                "y": y,
                "text_y": y + BAR_HEIGHT / 2,
                "width": round(width, 1),
                "value_x": round(LABEL_WIDTH + width + 6, 1),
            }
        )
    return {
        "id": f"chart-{slugify(caption)}",
        "caption": caption,
        "unit": unit,
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
        "width": CHART_WIDTH,
        "height": max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
    }


@register.inclusion_tag("impact/charts/column_chart.html")
def column_chart(rows: Iterable[Row], *, caption: str, unit: str = "") -> dict:
    """Vertical columns for a series over time (months or quarters), labelled underneath."""
    rows = list(rows)
    numbers = [n for n in (_number(v) for _, v in rows) if n is not None]
    top = max([n for n in numbers if n > 0], default=1)
    slot = CHART_WIDTH / max(len(rows), 1)
    width = max(slot * 0.7, 2)
    columns = []
    for i, (label, value) in enumerate(rows):
        n = _number(value)
        height = COLUMN_AREA_HEIGHT * max(n, 0) / top if n is not None else 0
        x = i * slot + (slot - width) / 2
        columns.append(
            {
                "label": label,
                "text": _text(value),
                "x": round(x, 1),
                "middle": round(x + width / 2, 1),
                "y": round(20 + COLUMN_AREA_HEIGHT - height, 1),
                "value_y": round(20 + COLUMN_AREA_HEIGHT - height - 4, 1),
                "height": round(height, 1),
            }
        )
    # Label every column when there is room, else every third, so labels never overlap.
    every = 1 if len(rows) <= 12 else 3
    for i, column in enumerate(columns):
        column["show_label"] = i % every == 0
        # The first and last labels hang inwards, so they are not cut at the chart's edges.
        column["anchor"], column["label_x"] = "middle", column["middle"]
    if columns:
        columns[0]["anchor"], columns[0]["label_x"] = "start", columns[0]["x"]
        last = columns[-1]
        last["anchor"], last["label_x"] = "end", round(last["x"] + width, 1)
    return {
        "id": f"chart-{slugify(caption)}",
        "caption": caption,
        "unit": unit,
        "columns": columns,
        "column_width": round(width, 1),
        "width": CHART_WIDTH,
        "baseline": 20 + COLUMN_AREA_HEIGHT,
        "label_y": 20 + COLUMN_AREA_HEIGHT + 16,
        "height": 20 + COLUMN_AREA_HEIGHT + 24,
        "show_values": len(rows) <= 12,
    }
