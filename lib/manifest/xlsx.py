"""Read an Excel workbook (.xlsx) safely: checks first, then python-calamine.

A workbook is a zip of XML parts, and a hostile one can claim anything. Before calamine parses
a byte, `read_workbook`:

1. refuses a zip with too many parts, two parts of one name, encrypted parts or unusual
   compression, parts whose declared sizes add up to more than the limit, and large parts
   compressed more than `max_xlsx_ratio`-fold (the shape of a zip bomb);
2. names what the zip really is when it is not an .xlsx (.ods, .numbers, .xlsb, Word…);
3. inflates every part once with zlib, never past its declared size, to prove the declarations
   true (a zip can lie, and calamine would believe it);
4. meanwhile streams each worksheet's XML, as it inflates, to find how far its cells reach,
   because calamine allocates a dense grid from the first cell to the last: two cells at A1 and
   XFD1048576 would ask for 17 billion cells. It refuses the chosen sheet when it reaches past
   the row, column or cell limits, and notes every formula cell (an `<f>` element) by row and
   column.

The sheet read is the first visible worksheet with data, else the first hidden one with data.
"""

import datetime
import functools
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

import python_calamine

from lib.manifest import messages
from lib.manifest.model import Limits, ManifestError, column_letter

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
OTHER_ZIPS = (
    ("xl/workbook.bin", "a binary Excel workbook (.xlsb)"),
    ("Index/Document.iwa", "an Apple Numbers spreadsheet"),
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
)
CHUNK = 1 << 20
MAX_CARRY = 16 << 20
RATIO_FROM_BYTES = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s22xHH")

# A cell start tag without ` r="` straight after its name: a writer that omits positions or puts
# them elsewhere. Such sheets get the slow, exact scan.
_CELL_WITHOUT_POSITION = re.compile(rb'<c(?! r=")(?=[\s>/])')
_PREFIXED_CELL_WITHOUT_POSITION = re.compile(rb'<[\w.-]+:c(?! r=")(?=[\s>/])')
_PREFIXED_CELL_OR_FORMULA = re.compile(rb":[cf]")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c|f)(?=[\s>/])([^>]*)>")
_POSITION = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*)(\d*)")
_STANDARD_POSITION = re.compile(rb' r="([A-Za-z]*)(\d*)"')
_ANY_POSITION = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]*)(\d*)")
# Past this, a row or column reference is simply too far; it is not worth computing exactly.
_TOO_FAR = 10**9


@dataclass
class Sheet:
    """The chosen sheet: its cells as text, row by row, and where its formula cells are."""

    name: str
    records: Iterator[tuple[int, list[str]]]
    first_column: int
    formulas: list[tuple[int, int]]
    # Once `records` is read: whether any cell holds a NUL character (calamine decodes Excel's
    # "_x0000_", which XML can spell in many ways, so the cells themselves are asked).
    holds_nul: Callable[[], bool] = lambda: False


def read_workbook(data: bytes, limits: Limits, header_slack: int) -> Sheet | None:
    """The first worksheet with data, or None when the workbook has none. Raises ManifestError.

    `header_slack` is how many rows may come before the header: a sheet may reach row
    max_rows + 1 + header_slack.
    """
    archive = _open(data)
    names = set(archive.namelist())
    _check_declarations(archive, names, limits)
    view = memoryview(data)
    _refuse_other_formats(archive, names, view)
    sheets = [(name, path) for name, path in _worksheets(archive, view) if path in names]
    scans = _inflate_and_scan(
        view, archive, {path for _, path in sheets}, limits, limits.max_rows + 1 + header_slack
    )
    if not sheets:
        return None
    workbook = _calamine(python_calamine.CalamineWorkbook.from_object, io.BytesIO(data))
    for name, path in sheets:
        scanned = scans[path]
        if scanned.too_large:
            raise ManifestError(
                messages.SHEET_TOO_LARGE.format(
                    sheet=name,
                    row=scanned.row + 1,
                    column=column_letter(max(scanned.column, 0)),
                    max_rows=limits.max_rows,
                    max_columns=limits.max_columns,
                    max_cells=limits.max_cells,
                )
            )
        sheet = _calamine(workbook.get_sheet_by_name, name)
        if sheet.start is None:
            continue
        shared: dict[str, str] = {}
        return Sheet(
            name,
            _records(sheet, shared),
            sheet.start[1],
            scanned.formulas,
            functools.partial(_holds_nul, shared),
        )
    return None


def _damaged(detail: str) -> ManifestError:
    return ManifestError(messages.XLSX_DAMAGED.format(detail=detail))


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # zipfile raises many kinds on a damaged archive
        raise _damaged("it is not a complete .xlsx file") from error


def _read_part(archive: zipfile.ZipFile, view: memoryview, path: str) -> bytes:
    """A part's bytes, inflated never past its declared size (zipfile's own read inflates a
    part whole before cutting it to size, so a part that lies could take gigabytes)."""
    return b"".join(_inflated(view, archive.getinfo(path)))


def _refuse_other_formats(archive: zipfile.ZipFile, names: set[str], view: memoryview) -> None:
    if "mimetype" in names and b"opendocument" in _read_part(archive, view, "mimetype")[:100]:
        raise ManifestError(messages.OTHER_FORMAT.format(what="an OpenDocument spreadsheet (.ods)"))
    for member, what in OTHER_ZIPS:
        if member in names:
            raise ManifestError(messages.OTHER_FORMAT.format(what=what))
    if WORKBOOK not in names:
        raise ManifestError(messages.OTHER_FORMAT.format(what="a zip archive, not a workbook"))


def _check_declarations(archive: zipfile.ZipFile, names: set[str], limits: Limits) -> None:
    """What the zip says of its parts, before any is inflated."""
    parts = archive.infolist()
    if len(parts) > limits.max_xlsx_members:
        raise ManifestError(messages.XLSX_UNUSUAL.format(detail=f"it has {len(parts):,} parts"))
    if len(names) != len(parts):
        # Readers disagree on which of two same-named parts counts: the one checked might not
        # be the one parsed.
        raise ManifestError(messages.XLSX_UNUSUAL.format(detail="two of its parts share a name"))
    if sum(part.file_size for part in parts) > limits.max_xlsx_uncompressed_bytes:
        raise ManifestError(
            messages.XLSX_EXPANDS.format(limit=_megabytes(limits.max_xlsx_uncompressed_bytes))
        )
    for part in parts:
        if part.flag_bits & 0x1:
            raise ManifestError(messages.XLSX_UNUSUAL.format(detail="it is password-protected"))
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ManifestError(messages.XLSX_UNUSUAL.format(detail="it uses unusual compression"))
        if part.file_size > RATIO_FROM_BYTES and (
            part.file_size > limits.max_xlsx_ratio * max(part.compress_size, 1)
        ):
            raise ManifestError(
                messages.XLSX_RATIO.format(member=part.filename, ratio=limits.max_xlsx_ratio)
            )


def _inflate_and_scan(
    view: memoryview, archive: zipfile.ZipFile, sheets: set[str], limits: Limits, max_row: int
) -> dict[str, "_Scanned"]:
    """Inflate every part once, proving its declared size; scan each worksheet as it inflates."""
    scans = {}
    for part in archive.infolist():
        pieces = _inflated(view, part)
        if part.filename in sheets:
            scans[part.filename] = _scan(
                _row_aligned(pieces), archive, part.filename, limits, max_row
            )
        for _ in pieces:  # all of it, whatever the scan read
            pass
    return scans


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _inflated(view: memoryview, part: zipfile.ZipInfo) -> Iterator[bytes | memoryview]:
    """`part`'s bytes in pieces of at most CHUNK, never inflating past its declared size;
    ManifestError when it does not come to exactly that size."""
    start = part.header_offset
    header = bytes(view[start : start + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size:
        raise _damaged("a part is cut short")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise _damaged("a part is missing")
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = view[begin : begin + part.compress_size]
    if len(raw) != part.compress_size:
        raise _damaged("a part is cut short")
    if part.compress_type == zipfile.ZIP_STORED:
        if part.compress_size != part.file_size:
            raise _damaged("its parts are not the sizes they declare")
        for offset in range(0, len(raw), CHUNK):
            yield raw[offset : offset + CHUNK]
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        for offset in range(0, len(raw), CHUNK):
            pending: bytes | memoryview = raw[offset : offset + CHUNK]
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, CHUNK)
                produced += len(piece)
                if produced > part.file_size:
                    raise _damaged("its parts are not the sizes they declare")
                pending = inflater.unconsumed_tail
                yield piece
            if inflater.eof:
                break
    except zlib.error as error:
        raise _damaged("a part is corrupt") from error
    if not inflater.eof or produced != part.file_size:
        raise _damaged("its parts are not the sizes they declare")


def _xml(archive: zipfile.ZipFile, view: memoryview, path: str) -> ElementTree.Element:
    text = _read_part(archive, view, path)
    # Office never writes a DTD; one in a workbook is there to expand entities.
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise ManifestError(messages.XLSX_UNUSUAL.format(detail="it declares XML entities"))
    try:
        return ElementTree.fromstring(text)  # noqa: S314 (no DTD, so no entity expansion)
    except ElementTree.ParseError as error:
        raise _damaged(f"{path} is not well-formed") from error


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _worksheets(archive: zipfile.ZipFile, view: memoryview) -> list[tuple[str, str]]:
    """(sheet name, part path) of each worksheet: visible ones first, each in workbook order."""
    targets = {}
    if WORKBOOK_RELS in archive.namelist():
        for rel in _xml(archive, view, WORKBOOK_RELS):
            target = rel.get("Target") or ""
            if _local(rel.tag) != "Relationship" or not rel.get("Type", "").endswith("/worksheet"):
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id")] = posixpath.normpath(path)
    sheets = []
    for element in _xml(archive, view, WORKBOOK).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        name = element.get("name")
        if name and rel_id in targets:
            hidden = element.get("state", "visible") != "visible"
            sheets.append((hidden, name, targets[rel_id]))
    sheets.sort(key=lambda sheet: sheet[0])
    return [(name, path) for _, name, path in sheets]


def _row_index(digits: bytes) -> int:
    return int(digits) - 1 if len(digits) <= 9 else _TOO_FAR


def _column_index(letters: bytes) -> int:
    if len(letters) > 6:
        return _TOO_FAR
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - 64
    return index - 1


def _most_columns_with(letters: int) -> int:
    return sum(26**size for size in range(1, letters + 1))


def _row_aligned(pieces: Iterable[bytes | memoryview]) -> Iterator[bytes]:
    """The XML in chunks that end after a row tag, so no cell straddles two chunks."""
    carry = b""
    for piece in pieces:
        carry += piece
        cut = carry.rfind(b"row>")
        if cut >= 0:
            cut += 4
        elif len(carry) < MAX_CARRY:
            continue
        else:
            # No row ends in MAX_CARRY bytes: cut before the last tag, unless it is closed, so
            # that no tag (nor the reference in it) is split between two chunks.
            cut = carry.rfind(b"<")
            if cut < 0 or carry.find(b">", cut) >= 0:
                cut = len(carry)
            elif cut == 0:
                raise ManifestError(
                    messages.XLSX_UNUSUAL.format(detail="it has a tag longer than 16 MB")
                )
        yield carry[:cut]
        carry = carry[cut:]
    if carry:
        yield carry


def _chunks(archive: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    """The part at `path` read again, row-aligned (for the exact scan)."""

    def pieces() -> Iterator[bytes]:
        with archive.open(path) as stream:
            while block := stream.read(CHUNK):
                yield block

    try:
        yield from _row_aligned(pieces())
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _damaged(f"{path} is corrupt") from error


@dataclass
class _Reach:
    """How far a sheet's cells go (0-based), and where its formulas are (row number, column)."""

    row: int = -1
    column: int = -1

    def add(self, row: int, column: int) -> None:
        self.row = max(self.row, row)
        self.column = max(self.column, column)


@dataclass
class _Scanned:
    """What a worksheet's scan found: its formula cells (row number, column), how far its cells
    reach (0-based), and whether that is past the limits."""

    formulas: list[tuple[int, int]]
    row: int
    column: int
    too_large: bool


def _scan(
    chunks: Iterable[bytes], archive: zipfile.ZipFile, path: str, limits: Limits, max_row: int
) -> _Scanned:
    """Formula cells of the worksheet whose row-aligned `chunks` are given (it is at `path`),
    and how far its cells reach.

    The fast pass relies on every cell tag starting `<c r="`, as Excel, LibreOffice, Google
    Sheets and the common libraries write them; it then only has to look at the rare references
    long enough to be out of bounds. A sheet written any other way gets the exact pass, which
    reads the part again and follows rows and cells as calamine does.
    """
    row_digits = len(str(max_row))
    column_letters = len(column_letter(limits.max_columns - 1))
    far = re.compile(
        rb' r="(?:([A-Za-z]{%d,})(\d*)|([A-Za-z]*)(\d{%d,}))"' % (column_letters, row_digits)
    )
    reach = _Reach()
    formulas: list[tuple[int, int]] = []
    exact = False
    for chunk in chunks:
        for letters, digits, more_letters, more_digits in far.findall(chunk):
            letters, digits = letters or more_letters, digits or more_digits
            reach.add(
                _row_index(digits) if digits else -1, _column_index(letters) if letters else -1
            )
        # Cheap tests first: one regex for the rare ":c" or ":f" of a prefixed tag, and a
        # memchr for "f", which a sheet of shared strings holds only in formulas.
        prefixed = _PREFIXED_CELL_OR_FORMULA.search(chunk) is not None
        if _CELL_WITHOUT_POSITION.search(chunk) or (
            prefixed and _PREFIXED_CELL_WITHOUT_POSITION.search(chunk)
        ):
            exact = True
        elif not exact and (prefixed or (b"f" in chunk and b"<f" in chunk)):
            _follow(chunk, _Reach(), [0, 0], formulas)
    rows = max(reach.row + 1, 10 ** (row_digits - 1) - 1)
    columns = max(reach.column + 1, _most_columns_with(column_letters - 1))
    if exact or rows * columns > limits.max_cells:
        # Every reference now, exactly; and for an unusual writer, every row and cell tag too.
        reach = _Reach()
        position = [0, 0]
        if exact:
            formulas = []
        references = _ANY_POSITION if exact else _STANDARD_POSITION
        for chunk in _chunks(archive, path):
            for letters, digits in references.findall(chunk):
                reach.add(
                    _row_index(digits) if digits else -1, _column_index(letters) if letters else -1
                )
            if exact:
                _follow(chunk, reach, position, formulas)
        rows, columns = reach.row + 1, reach.column + 1
    too_large = (
        reach.row + 1 > max_row
        or reach.column + 1 > limits.max_columns
        or rows * columns > limits.max_cells
    )
    return _Scanned(formulas, reach.row, reach.column, too_large)


def _follow(
    chunk: bytes, reach: _Reach, position: list[int], formulas: list[tuple[int, int]]
) -> None:
    """Walk row, cell and formula tags as calamine does, tracking each cell's position.

    `position` is [row, next column], carried from chunk to chunk; a row without `r` follows
    the one before, a cell without `r` the cell before it.
    """
    cell = (position[0], position[1])
    for closing, tag, attributes in _TAG.findall(chunk):
        if tag == b"row":
            if closing:
                position[0] += 1
                position[1] = 0
            elif not attributes.endswith(b"/"):
                found = _POSITION.search(attributes)
                if found and found[2]:
                    position[0] = _row_index(found[2])
        elif tag == b"c":
            if closing or attributes.endswith(b"/"):
                continue
            found = _POSITION.search(attributes)
            row, column = position[0], position[1]
            if found and found[2]:
                row = _row_index(found[2])
            if found and found[1]:
                column = _column_index(found[1])
            position[1] = column + 1
            cell = (row, column)
            reach.add(row, column)
        elif not closing:
            formulas.append((cell[0] + 1, cell[1]))


def _calamine(call, *arguments):
    try:
        return call(*arguments)
    except Exception as error:
        raise _damaged(str(error)[:200] or type(error).__name__) from error
    except BaseException as error:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, a BaseException.
        if type(error).__name__ == "PanicException":
            raise _damaged("calamine could not parse it") from error
        raise


def _holds_nul(shared: dict[str, str]) -> bool:
    return "\x00" in "".join(shared)


def _records(sheet, shared: dict[str, str]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) for each row with something in it; `shared` ends up holding
    every distinct cell text."""
    # calamine makes a new string for every cell; sharing equal ones (makes, models, sizes
    # repeat down a column) saves a third of the memory a large sheet takes.
    share = shared.setdefault
    # iter_rows starts at the sheet's first row and at the first column with data.
    for index, values in enumerate(sheet.iter_rows()):
        cells = [
            share(value, value) if type(value) is str else share(text := cell_text(value), text)
            for value in values
        ]
        if any(cells):
            yield index + 1, cells


def cell_text(value: object) -> str:
    """A cell as the donor sees it: whole numbers without ".0", dates in ISO form."""
    if type(value) is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
