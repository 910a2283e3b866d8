"""The tables every public impact output shows, built once and shared by all of them.

The public dashboard (its page, CSV, JSON and the API, in `impact.dashboard`) and the reports
(snapshot, donor statement and council report as HTML, PDF and CSV, in `impact.reports`) draw
their headline, areas, month and quarter, device type, pipeline, demand and environmental tables
from the builders here, so the same figure has the same label, key and suppression wherever it
appears. They live in their own module because neither consumer owns them; the reports keep
their sections and charts, the dashboard its three-period headline and 24-month trend, and both
hold only what is theirs. Row and column keys are the open-data contract (the dashboard's CSV,
JSON and API name figures by them), so they change only with that contract.

Each builder reads `impact.selectors` figures and suppresses on the way out: a count of people
of 1 to 4 shows as "fewer than 5" (`selectors.shown`), and beside a total row a second part is
hidden when one hidden part could be recovered by subtraction (`selectors.shown_parts`).

A `Table` is keyed (rows and columns have keys, for the dashboard's long CSV, the JSON and the
API) and reads as a grid too (`header`, `body`, `footer`, for the reports' CSV and stored
figures). Numbers are exact: ints, and Decimals for kilograms and rates (the dashboard's JSON
and API turn those into floats). Charts are drawn from a table's column (`series`), so a chart
and its table cannot disagree.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from impact import selectors
from impact.selectors import ReportFigures
from lib import impact
from lib.spreadsheet_safe import safe_cell
from lib.suppression import NOT_SHOWN

Cell = int | Decimal | str | None

# Column and row keys the API and the dashboard's CSV name figures by (besides measures).
DEVICES = "devices"
KG_KEPT = "kg_kept_in_use"
KG_CO2E = "kg_co2e_avoided"
PER_10K_OFFLINE = "per_10k_offline"


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class Row:
    key: str  # an area's ONS code, a month (2026-01), a measure, a device type or category
    label: str
    values: dict[str, Cell]


@dataclass
class Table:
    key: str
    caption: str
    first: str  # the heading of the column of row labels
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None

    @classmethod
    def of_grid(
        cls,
        key: str,
        caption: str,
        header: list[str],
        rows: Iterable[list[Cell]],
        total: list[Cell] | None = None,
    ) -> "Table":
        """A table given as rows of cells, each headed by its label (tables no API serves)."""
        columns = [Column(str(i), label) for i, label in enumerate(header[1:], 1)]

        def row(cells: list[Cell]) -> Row:
            return Row(
                str(cells[0]),
                str(cells[0]),
                {c.key: v for c, v in zip(columns, cells[1:], strict=True)},
            )

        return cls(
            key, caption, header[0], columns, [row(r) for r in rows], row(total) if total else None
        )

    def cells(self, row: Row) -> list[Cell]:
        return [row.values[column.key] for column in self.columns]

    @property
    def lines(self) -> list[tuple[Row, list[Cell], bool]]:
        """(row, its cells in column order, whether it is the total) for a table's body."""
        rows = [(row, False) for row in self.rows] + ([(self.total, True)] if self.total else [])
        return [(row, self.cells(row), total) for row, total in rows]

    @property
    def header(self) -> list[str]:
        return [self.first, *(column.label for column in self.columns)]

    @property
    def body(self) -> list[list[Cell]]:
        return [[row.label, *self.cells(row)] for row in self.rows]

    @property
    def footer(self) -> list[Cell] | None:
        return [self.total.label, *self.cells(self.total)] if self.total else None

    def series(self, column: str) -> list[tuple[str, Cell]]:
        """(label, value) rows of one column, for a chart of this table."""
        return [(row.label, row.values[column]) for row in self.rows]

    def numbers_by_key(self, column: str) -> dict[str, int | Decimal | None]:
        """One column keyed by row, hidden values as None (a map shades numbers only)."""
        return {
            row.key: value if isinstance(value, int | Decimal) else None
            for row in self.rows
            for value in [row.values[column]]
        }


# ---------------------------------------------------------------------------------------------
# Suppression as the tables need it.


def is_hidden(value: Cell) -> bool:
    return isinstance(value, str)


def environmental_cells(env: impact.Environmental) -> dict[str, Cell]:
    """Devices kept in use and their kilograms as shown: the kilograms are hidden when they rest
    on 1 to 4 devices (a person each), since divided by a weight they would give the count away."""
    devices = selectors.shown(impact.REHOMED, sum(row.devices for row in env.by_category))
    hide = is_hidden(devices)
    return {
        DEVICES: devices,
        KG_KEPT: NOT_SHOWN if hide else env.kg_kept_in_use,
        KG_CO2E: NOT_SHOWN if hide else env.kg_co2e_avoided,
    }


def counts_table(
    key: str,
    caption: str,
    first: str,
    rows: list[tuple[str, str, dict[str, int]]],
    columns: tuple[tuple[str, str], ...],
    total: str,
) -> Table:
    """(key, label, counts by measure) rows, one column per measure, and a total row labelled
    `total`; each column suppressed beside its total."""
    shown, totals = {}, {}
    for measure, _ in columns:
        parts = {row_key: counts.get(measure, 0) for row_key, _, counts in rows}
        shown[measure], totals[measure] = selectors.shown_parts(measure, parts)
    return Table(
        key,
        caption,
        first,
        [Column(measure, label) for measure, label in columns],
        [
            Row(row_key, label, {measure: shown[measure][row_key] for measure, _ in columns})
            for row_key, label, _ in rows
        ],
        Row("total", total, totals),
    )


FACTORS_ATTRIBUTION = "Impact factors: The Restart Project, CC BY-SA 4.0"


def attribution(region) -> list[str]:
    """The region's attribution lines, and the impact factors' (their licence requires it)."""
    lines = list(region.attribution or [])
    return lines if FACTORS_ATTRIBUTION in lines else [*lines, FACTORS_ATTRIBUTION]


# ---------------------------------------------------------------------------------------------
# The tables.

ENVIRONMENTAL_ROWS = (
    (KG_KEPT, "Kilograms of equipment kept in use"),
    (KG_CO2E, "Kilograms of CO2e avoided"),
)


def headline_table(
    columns: list[tuple[Column, impact.MeasureCounts]],
    method: impact.Method,
    measures=selectors.HEADLINE,
) -> Table:
    """The headline measures and the environmental totals, one column per set of counts (a
    report's period, or the dashboard's since the start, this year and last year)."""
    environmental = {
        column.key: environmental_cells(impact.environmental(counts.kept_in_use(), method))
        for column, counts in columns
    }
    rows = [
        Row(
            measure,
            label,
            {column.key: selectors.shown(measure, counts[measure]) for column, counts in columns},
        )
        for measure, label in measures
    ]
    rows += [
        Row(key, label, {column: cells[key] for column, cells in environmental.items()})
        for key, label in ENVIRONMENTAL_ROWS
    ]
    return Table("headline", "Headline figures", "Figure", [c for c, _ in columns], rows)


AREA_COLUMNS = (
    (impact.PEOPLE_SUPPORTED, "People supported"),
    (impact.REFERRED, "People referred"),
    (impact.RECEIVED, "Devices received from donors in the area"),
    (impact.ERASED, "Devices erased"),
    (impact.REHOMED, "Devices rehomed"),
)
UNKNOWN_AREA = "Area not recorded"


def areas_table(f: ReportFigures, columns=AREA_COLUMNS) -> Table:
    """A row per area, plus one for counts with no recorded area (so each column adds up to the
    scope's total), and people supported per 10,000 residents offline beside people supported."""
    rows = [(row.area.code, row.area.name, row.counts) for row in f.areas]
    unknown = {m: f.totals[m] - sum(row.counts.get(m, 0) for row in f.areas) for m, _ in columns}
    if any(unknown.values()):
        rows.append(("unknown", UNKNOWN_AREA, unknown))
    caption = f"By {f.scope.region.area_label}"
    table = counts_table("areas", caption, "Area", rows, columns, "All areas")
    table.columns.insert(
        1, Column(PER_10K_OFFLINE, "People supported per 10,000 residents offline")
    )
    rates = {row.area.code: row.per_10k_offline for row in f.areas}
    for row in table.rows:
        # The rate times the area's offline residents would give a hidden count back.
        rate = rates.get(row.key)
        hidden = is_hidden(row.values[impact.PEOPLE_SUPPORTED])
        row.values[PER_10K_OFFLINE] = (
            NOT_SHOWN if hidden else None if rate is None else Decimal(str(rate))
        )
    table.total.values[PER_10K_OFFLINE] = None
    return table


OVER_TIME_COLUMNS = (
    (impact.RECEIVED, "Devices received"),
    (impact.REHOMED, "Devices rehomed"),
    (impact.PEOPLE_SUPPORTED, "People supported"),
    (impact.REFERRED, "People referred"),
    (impact.ERASED, "Devices erased"),
    (impact.RECYCLED, "Devices recycled"),
)


def _shown_months(
    months: list[tuple[datetime.date, dict[str, int]]], measure: str
) -> dict[datetime.date, int | str | None]:
    """Each month's count as public tables show it. People measures are suppressed beside each
    calendar year's total (which the headline shows), so a hidden month can be taken neither
    from the year's total nor from the table's."""
    shown: dict[datetime.date, int | str | None] = {}
    for year in sorted({month.year for month, _ in months}):
        parts = {month: counts.get(measure, 0) for month, counts in months if month.year == year}
        shown.update(selectors.shown_parts(measure, parts)[0])
    return shown


def _time_table(key, caption, first, rows, months_total) -> Table:
    return Table(
        key,
        caption,
        first,
        [Column(measure, label) for measure, label in OVER_TIME_COLUMNS],
        [Row(row_key, label, values) for row_key, label, values in rows],
        Row("total", "Total", months_total),
    )


def _totals(months) -> dict:
    return {
        measure: selectors.shown_parts(
            measure, {month: counts.get(measure, 0) for month, counts in months}
        )[1]
        for measure, _ in OVER_TIME_COLUMNS
    }


def months_table(months: list[tuple[datetime.date, dict[str, int]]]) -> Table:
    shown = {measure: _shown_months(months, measure) for measure, _ in OVER_TIME_COLUMNS}
    rows = [
        (
            f"{month:%Y-%m}",
            f"{month:%b %Y}",
            {measure: shown[measure][month] for measure, _ in OVER_TIME_COLUMNS},
        )
        for month, _ in months
    ]
    caption = f"Month by month, {months[0][0]:%B %Y} to {months[-1][0]:%B %Y}"
    return _time_table("months", caption, "Month", rows, _totals(months))


def quarters_table(months: list[tuple[datetime.date, dict[str, int]]]) -> Table:
    """Quarters summed from the months; a quarter with a hidden month is hidden too, so the
    quarters never tell what the months table keeps back."""
    shown = {measure: _shown_months(months, measure) for measure, _ in OVER_TIME_COLUMNS}
    quarters = selectors.quarters_of(months)
    rows = []
    for label, counts in quarters:
        in_quarter = [m for m, _ in months if f"{m.year} Q{(m.month - 1) // 3 + 1}" == label]
        values = {}
        for measure, _ in OVER_TIME_COLUMNS:
            value = selectors.shown(measure, counts.get(measure, 0))
            if isinstance(value, int) and any(
                isinstance(shown[measure][m], str) for m in in_quarter
            ):
                value = NOT_SHOWN
            values[measure] = value
        rows.append((label, label, values))
    caption = f"Quarter by quarter, {quarters[0][0]} to {quarters[-1][0]}"
    return _time_table("quarters", caption, "Quarter", rows, _totals(months))


DEVICE_TYPE_COLUMNS = (
    (impact.GIVEN, "Given"),
    (impact.RECEIVED, "Received"),
    (impact.ERASED, "Erased"),
    (impact.REHOMED, "Rehomed"),
    (impact.RECYCLED, "Recycled"),
)


def device_types_table(f: ReportFigures) -> Table:
    return counts_table(
        "device_types",
        "By type of device",
        "Type of device",
        f.device_types,
        DEVICE_TYPE_COLUMNS,
        "All types",
    )


def pipeline_table(f: ReportFigures) -> Table:
    rows = [
        Row(measure, label, {DEVICES: selectors.shown(measure, f.totals[measure])})
        for measure, label in selectors.PIPELINE
    ]
    if f.in_progress is not None:
        rows.append(
            Row("in_progress", "With partners now, not yet handed over", {DEVICES: f.in_progress})
        )
    return Table("pipeline", "From donation to people", "Step", [Column(DEVICES, "Devices")], rows)


def demand_table(f: ReportFigures) -> Table:
    figures = []
    if f.waiting is not None:
        median = NOT_SHOWN if f.median_wait_days is None else f.median_wait_days
        figures += [
            (
                "waiting",
                "People waiting for a device now"
                if f.stock_as_of is None
                else f"People waiting for a device on {f.stock_as_of:%-d %B %Y}",
                selectors.shown(impact.REFERRED, f.waiting),
            ),
            (
                "median_wait_days",
                "Median days waited so far"
                if f.stock_as_of is None
                else f"Median days they had waited by {f.stock_as_of:%-d %B %Y}",
                median,
            ),
        ]
    figures += [
        (measure, label, selectors.shown(measure, f.totals[measure]))
        for measure, label in (
            (impact.REFERRED, "People referred in the period"),
            (impact.PEOPLE_SUPPORTED, "People supported in the period"),
        )
    ]
    rows = [Row(key, label, {"value": value}) for key, label, value in figures]
    return Table("demand", "Demand and waiting", "Measure", [Column("value", "Figure")], rows)


def environmental_table(f: ReportFigures) -> Table:
    env = f.environmental
    devices, _ = selectors.shown_parts(
        impact.REHOMED, {row.category: row.devices for row in env.by_category}
    )
    rows = []
    for row in env.by_category:
        hidden = is_hidden(devices[row.category])
        rows.append(
            Row(
                row.category,
                row.label,
                {
                    DEVICES: devices[row.category],
                    KG_KEPT: NOT_SHOWN if hidden else row.kg_kept_in_use,
                    KG_CO2E: NOT_SHOWN if hidden else row.kg_co2e_avoided,
                },
            )
        )
    return Table(
        "environmental",
        f"Environmental impact (method version {env.method_version})",
        "Category",
        [
            Column(DEVICES, "Devices kept in use"),
            Column(KG_KEPT, "Kilograms kept in use"),
            Column(KG_CO2E, "Kilograms of CO2e avoided"),
        ],
        rows,
        Row("total", "All categories", environmental_cells(env)),
    )


# ---------------------------------------------------------------------------------------------
# Writing cells: on a page or in a PDF, and in a CSV.


def figure_text(value: Cell) -> str:
    """A cell as a page and a PDF write it: thousands separated, decimals as computed."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"{value:,}"
    return "\u2013" if value is None else str(value)  # an en dash: no figure


def csv_cell(value: Cell) -> str:
    # A Decimal is a number: written in full, never prefixed (a leading minus is its sign).
    return f"{value:f}" if isinstance(value, Decimal) else safe_cell(value)


def csv_document(rows: Iterable[Iterable[Cell]]) -> str:
    """A CSV document (CRLF line ends) with every cell written by `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()
