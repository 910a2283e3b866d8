"""Read a donor's asset export (CSV or XLSX bytes) into a Table of text cells.

`read_table` raises ManifestError, with a message for the donor, when the file cannot be read at
all: too big, not a spreadsheet, an old or protected Excel file, a hostile workbook, more rows,
columns or cells than the limits. Anything it can read becomes a Table, even an empty one;
judging the contents is `validate`'s job.

CSV: UTF-8 with or without a byte order mark, UTF-16 (with a BOM, or without one when the NUL
bytes give it away), else Windows-1252; comma, semicolon or tab, detected from the first lines;
CRLF, LF or CR line endings; quoted fields may hold delimiters and line breaks. The header is the
row among the first ten that names the most known columns (rows above it are reported), and row
numbers count every line a spreadsheet would show, blank ones included.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain, islice

from lib.gc_pause import paused_gc
from lib.manifest import messages
from lib.manifest.headers import header_score
from lib.manifest.model import Limits, ManifestError, Problem, Table, column_letter
from lib.manifest.xlsx import read_workbook

DEFAULT_LIMITS = Limits()
HEADER_SEARCH_ROWS = 10
SNIFF_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t")

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
REFUSED_BY_NAME = {
    "xls": messages.OLD_EXCEL,
    "ods": messages.OTHER_FORMAT.format(what="an OpenDocument spreadsheet (.ods)"),
    "numbers": messages.OTHER_FORMAT.format(what="an Apple Numbers spreadsheet"),
    "xlsb": messages.OTHER_FORMAT.format(what="a binary Excel workbook (.xlsb)"),
}
REFUSED_BY_START = (
    (b"%PDF", messages.OTHER_FORMAT.format(what="a PDF document")),
    (b"{\\rtf", messages.OTHER_FORMAT.format(what="a rich-text document")),
)


Progress = Callable[[int], None]
# How often, in rows read, `read_table` tells its `progress` how many it has read.
PROGRESS_EVERY = 10_000


def read_table(
    data: bytes,
    filename: str = "",
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Table:
    """The file's cells as text, with the header row found and blank rows dropped.

    `progress(rows)`, when given, hears how many rows have been read every PROGRESS_EVERY rows.
    """
    with paused_gc():
        return _read_table(data, filename, limits, progress)


def _read_table(data: bytes, filename: str, limits: Limits, progress: Progress | None) -> Table:
    if len(data) > limits.max_bytes:
        raise ManifestError(
            messages.TOO_BIG.format(size=_size(len(data)), limit=_size(limits.max_bytes))
        )
    extension = filename.rpartition(".")[2].casefold() if "." in filename else ""
    if data.startswith(OLE_SIGNATURE):
        raise ManifestError(messages.OLD_EXCEL)
    if data.startswith(ZIP_SIGNATURES):
        return _xlsx_table(data, limits, progress)
    if extension in REFUSED_BY_NAME and data:
        raise ManifestError(REFUSED_BY_NAME[extension])
    if extension in ("xlsx", "xlsm") and data:
        raise ManifestError(messages.XLSX_DAMAGED.format(detail="it is not a .xlsx file inside"))
    for start, message in REFUSED_BY_START:
        if data.startswith(start):
            raise ManifestError(message)
    return _csv_table(data, limits, progress)


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _xlsx_table(data: bytes, limits: Limits, progress: Progress | None) -> Table:
    sheet = read_workbook(data, limits, HEADER_SEARCH_ROWS)
    if sheet is None:
        return Table([], [], format="xlsx")
    table = _table(
        sheet.records,
        limits,
        progress=progress,
        format="xlsx",
        sheet=sheet.name,
        first_column=sheet.first_column,
    )
    if sheet.holds_nul():
        _take_out_nul(table)
    present = set(table.row_numbers)
    for row, column in sheet.formulas:
        if row in present:
            index = column - sheet.first_column
            header = table.headers[index] if 0 <= index < len(table.headers) else None
            table.problems.append(
                Problem(row, header or f"Column {column_letter(column)}", messages.FORMULA)
            )
    return table


# --- CSV ---------------------------------------------------------------------------------------


def _csv_table(data: bytes, limits: Limits, progress: Progress | None) -> Table:
    encoding, codec = _encoding(data)
    try:
        sample = data[: SNIFF_CHARS * 4].decode(codec, errors="ignore")[:SNIFF_CHARS]
        delimiter = _delimiter(sample, truncated=len(data) > SNIFF_CHARS)
        text = io.TextIOWrapper(
            io.BytesIO(data),
            encoding=codec,
            errors="replace" if encoding == "windows-1252" else "strict",
            newline="",
        )
        records = _csv_records(text, delimiter)
        table = _table(
            records, limits, progress=progress, format="csv", encoding=encoding, delimiter=delimiter
        )
        # Other encodings hold no NUL: a file with a NUL byte is refused as not text.
        if codec.startswith("utf-16"):
            _take_out_nul(table)
        return table
    except UnicodeDecodeError as error:
        raise ManifestError(messages.BAD_ENCODING.format(encoding=encoding.upper())) from error


def _encoding(data: bytes) -> tuple[str, str]:
    """(name to show, codec) for the file's text, or ManifestError when it is not text."""
    if data.startswith(codecs.BOM_UTF8):
        if b"\x00" in data:
            raise ManifestError(messages.NOT_A_TABLE)
        return "utf-8-sig", "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    head = data[:4096]
    if b"\x00" in head:
        # ASCII text in UTF-16 has a NUL in every other byte; binary files are not so regular.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        pairs = len(head) // 2
        if pairs and odd > 0.4 * pairs and even < 0.05 * pairs:
            return "utf-16-le", "utf-16-le"
        if pairs and even > 0.4 * pairs and odd < 0.05 * pairs:
            return "utf-16-be", "utf-16-be"
        raise ManifestError(messages.NOT_A_TABLE)
    if b"\x00" in data:
        raise ManifestError(messages.NOT_A_TABLE)
    try:
        codecs.decode(data, "utf-8")
    except UnicodeDecodeError:
        return "windows-1252", "cp1252"
    return "utf-8", "utf-8"


def _delimiter(sample: str, truncated: bool) -> str:
    """The delimiter that splits the first lines into the most columns, consistently."""
    if truncated:
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r"), 0)]
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            rows = [row for row in islice(reader, 100) if any(row)][:20]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        steady = sum(len(row) == width for row in rows[1:]) / (len(rows) - 1) if rows[1:] else 1.0
        score = (round(steady, 1), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_records(text: io.TextIOWrapper, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    number = 0
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if any(row) and (row[0].strip() or "".join(row).strip()):
                yield number, row
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ManifestError(
                messages.CSV_CELL_TOO_BIG.format(row=number + 1, limit=csv.field_size_limit())
            ) from error
        raise ManifestError(messages.CSV_UNREADABLE.format(row=number + 1, detail=error)) from error


# --- Both --------------------------------------------------------------------------------------


def _table(
    records: Iterator[tuple[int, list[str]]],
    limits: Limits,
    *,
    progress: Progress | None = None,
    **source: object,
) -> Table:
    """A Table from (row number, cells) records of non-blank rows, within the limits."""
    head = list(islice(records, HEADER_SEARCH_ROWS))
    if not head:
        return Table([], [], **source)
    scores = [header_score(cells) for _, cells in head]
    chosen = scores.index(max(scores))
    header_row, header = head[chosen]
    header = _without_trailing_blanks(header, 0)
    width = len(header)
    if width > limits.max_columns:
        raise ManifestError(
            messages.TOO_MANY_COLUMNS.format(row=header_row, count=width, limit=limits.max_columns)
        )
    rows: list[list[str]] = []
    numbers: list[int] = []
    most = min(limits.max_rows, limits.max_cells // max(width, 1))
    for number, cells in chain(head[chosen + 1 :], records):
        if len(cells) > width:
            cells = _without_trailing_blanks(cells, width)
            if len(cells) > width:
                width = len(cells)
                if width > limits.max_columns:
                    raise ManifestError(
                        messages.TOO_MANY_COLUMNS.format(
                            row=number, count=width, limit=limits.max_columns
                        )
                    )
                most = min(limits.max_rows, limits.max_cells // width)
        rows.append(cells)
        numbers.append(number)
        if progress is not None and not len(rows) % PROGRESS_EVERY:
            progress(len(rows))
        if len(rows) > most:
            if len(rows) > limits.max_rows:
                raise ManifestError(messages.TOO_MANY_ROWS.format(limit=limits.max_rows))
            raise ManifestError(
                messages.TOO_MANY_CELLS.format(
                    rows=len(rows), columns=width, limit=limits.max_cells
                )
            )
    for cells in rows:
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
    table = Table(header, rows, numbers, header_row=header_row, **source)
    if chosen:
        first = head[0][0]
        above = messages.ROWS_ABOVE_HEADER if first < header_row - 1 else messages.ROW_ABOVE_HEADER
        message = above.format(first=first, last=header_row - 1, header=header_row)
        table.warnings.append(Problem(None, None, message))
    return table


def _take_out_nul(table: Table) -> None:
    """Take NUL characters out of the cells, each cell that held one reported (no database
    stores a NUL in text, and PostgreSQL refuses it)."""
    table.headers = [header.replace("\x00", "") for header in table.headers]
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        for index, text in enumerate(cells):
            if "\x00" in text:
                cells[index] = text.replace("\x00", "")
                table.problems.append(Problem(number, table.headers[index], messages.NUL_CHARACTER))


def _without_trailing_blanks(cells: list[str], keep: int) -> list[str]:
    end = len(cells)
    while end > keep and not cells[end - 1].strip():
        end -= 1
    return cells[:end] if end < len(cells) else cells
