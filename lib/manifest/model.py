"""Plain data for a donor's manifest: the limits, the table read from a file, and the result.

Nothing here imports Django. A `Table` is text as the file holds it; a `Result` holds normalised
`Item`s and every `Problem` found, each naming the spreadsheet row and the column as the donor's
file spells it.
"""

import decimal
from dataclasses import dataclass, field
from typing import NamedTuple

FIELDS: tuple[str, ...] = (
    "serial_number",
    "asset_tag",
    "imei",
    "device_type",
    "make",
    "model",
    "cpu",
    "ram_gb",
    "storage_gb",
    "year",
    "screen_inches",
    "notes",
)

FIELD_LABELS: dict[str, str] = {
    "serial_number": "Serial number",
    "asset_tag": "Asset tag",
    "imei": "IMEI",
    "device_type": "Device type",
    "make": "Make",
    "model": "Model",
    "cpu": "Processor",
    "ram_gb": "RAM (GB)",
    "storage_gb": "Storage (GB)",
    "year": "Year",
    "screen_inches": "Screen (inches)",
    "notes": "Notes",
}

# The most characters each text field keeps once normalised (what the app's columns hold); a
# longer value is an error on its row. Identifiers have their own, shorter limit (values.py).
FIELD_MAX_CHARS: dict[str, int] = {"make": 80, "model": 120, "cpu": 120, "notes": 1000}

IDENTIFIERS: tuple[str, ...] = ("serial_number", "imei", "asset_tag")

DEVICE_TYPES: tuple[str, ...] = ("laptop", "desktop", "tablet", "smartphone", "other")

FORMATS: tuple[str, ...] = ("snipe-it", "intune", "jamf", "spreadsheet")


class ManifestError(ValueError):
    """The file cannot be read at all; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    """What Rehome reads before refusing a file. The defaults suit a donor's whole estate.

    `max_cells` bounds rows times columns, which is what memory grows with; `max_xlsx_*` bound what a
    workbook may expand to before any of it is parsed.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 200
    max_cells: int = 4_000_000
    max_cell_chars: int = 1_000
    max_xlsx_uncompressed_bytes: int = 150 * 1024 * 1024
    max_xlsx_ratio: int = 100
    max_xlsx_members: int = 1_000


class Problem(NamedTuple):
    """One problem. `row` is the spreadsheet row (header = row 1), None for the whole file;
    `column` is the header as the file spells it, or the field's label when the file has no such
    column, or None; `field` is the canonical field concerned, if any."""

    row: int | None
    column: str | None
    message: str
    field: str | None = None


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": the spreadsheet's name for a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Table:
    """Text cells as read from a file, before any recognition.

    After construction the table is rectangular: `headers` are stripped, unique and never blank
    (a blank header becomes "Column F", a repeated one "Notes (column G)"), every row has one
    cell per header, rows of empty cells are gone (read_table also drops rows of spaces), and `row_numbers[i]` is the spreadsheet row of
    `rows[i]` (the header row is `header_row`; the first data row follows it unless rows were
    skipped). `problems` are errors found while reading (formula cells, with row and column);
    `warnings` are notes that do not stop an import.
    """

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int] = field(default_factory=list)
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    first_column: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.row_numbers:
            self.row_numbers = list(
                range(self.header_row + 1, self.header_row + 1 + len(self.rows))
            )
        widths = set(map(len, self.rows))
        width = max(widths | {len(self.headers)})
        if widths - {width} or not all(map(any, self.rows)):
            kept = [
                (number, row)
                for number, row in zip(self.row_numbers, self.rows, strict=True)
                if any(row)
            ]
            self.row_numbers = [number for number, _ in kept]
            self.rows = [row + [""] * (width - len(row)) for _, row in kept]
        self.headers = _clean_headers(self.headers, width, self.first_column)


def _clean_headers(headers: list[str], width: int, first_column: int) -> list[str]:
    cleaned = []
    seen: set[str] = set()
    for index in range(width):
        letter = column_letter(first_column + index)
        name = headers[index].strip().lstrip("\ufeff").strip() if index < len(headers) else ""
        name = " ".join(name.split())
        if not name:
            name = f"Column {letter}"
        if name.casefold() in seen:
            name = f"{name} (column {letter})"
        seen.add(name.casefold())
        cleaned.append(name)
    return cleaned


class Item(NamedTuple):
    """One device as the donor expects to hand it over, normalised. Absent values are None.

    `row` is the spreadsheet row. Identifiers: `serial_number` upper case without spaces,
    `imei` 15 digits, `asset_tag` as written (spaces collapsed). `ram_gb`, `storage_gb`, `year`
    are ints; `screen_inches` is a Decimal with one decimal place.
    """

    row: int
    serial_number: str | None
    asset_tag: str | None
    imei: str | None
    device_type: str | None
    make: str | None
    model: str | None
    cpu: str | None
    ram_gb: int | None
    storage_gb: int | None
    year: int | None
    screen_inches: decimal.Decimal | None
    notes: str | None


@dataclass
class Recognition:
    """Which canonical field each source header holds.

    `columns` maps every header to a field or None. `unrecognised` are headers Rehome does not
    know; `ignored` are headers it knows and deliberately leaves out (personal data, management
    details, or a weaker synonym of a column already mapped). `problems` are mapping problems,
    such as one field chosen for two headers.
    """

    columns: dict[str, str | None]
    detected_format: str
    unrecognised: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Result:
    """What validation found. `items` has one Item per data row, in file order (a value that
    failed validation is None); `accepted` counts rows without errors; the import is all or
    nothing, so `ok` (no errors) is what the app checks."""

    rows: int
    accepted: int
    items: list[Item]
    errors: list[Problem]
    warnings: list[Problem]
    duplicates_in_file: int
    duplicates_existing: int
    columns: dict[str, str | None]
    detected_format: str

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        def plain(problems: list[Problem]) -> list[dict]:
            return [{"row": p.row, "column": p.column, "message": p.message} for p in problems]

        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "errors": plain(self.errors),
            "warnings": plain(self.warnings),
            "duplicates_in_file": self.duplicates_in_file,
            "duplicates_existing": self.duplicates_existing,
            "columns": dict(self.columns),
            "detected_format": self.detected_format,
        }
