"""Reading XLSX manifests, and refusing hostile workbooks before calamine parses them."""

import datetime
import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from lib.manifest import Limits, ManifestError, Table, read_table
from lib.manifest import messages as m
from lib.manifest.samples import to_xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(
    *sheets: str, states: tuple[str, ...] = (), extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal workbook written by hand, one part per sheet body (the XML inside <worksheet>)."""
    names = "".join(
        f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId{n}"'
        + (f' state="{states[n - 1]}"' if n <= len(states) else "")
        + "/>"
        for n in range(1, len(sheets) + 1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{names}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{links}</Relationships>',
    }
    for n, body in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = f'<worksheet xmlns="{MAIN}">{body}</worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**parts, **(extra or {})}.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def rows(*cells_by_row: str) -> str:
    return "<sheetData>" + "".join(f"<row>{cells}</row>" for cells in cells_by_row) + "</sheetData>"


SIMPLE = rows(cell("A1", "Serial") + cell("B1", "Make"), cell("A2", "ABC123") + cell("B2", "Dell"))


def read(data: bytes, **limits) -> Table:
    return read_table(data, "devices.xlsx", Limits(**limits))


def refused(data: bytes, **limits) -> str:
    with pytest.raises(ManifestError) as caught:
        read(data, **limits)
    return str(caught.value)


def test_cells_read_as_the_donor_sees_them():
    data = to_xlsx_bytes(
        ["Serial", "IMEI", "RAM", "Screen", "Purchased", "Checked", "Stamp"],
        [["ABC", 353909101234586, 8, 15.6, datetime.date(2019, 12, 31), True, 43830]],
    )

    table = read(data)

    assert table.format == "xlsx"
    assert table.sheet == "Assets"
    assert table.rows == [["ABC", "353909101234586", "8", "15.6", "2019-12-31", "TRUE", "43830"]]


def test_data_that_starts_away_from_a1_keeps_its_spreadsheet_rows_and_columns():
    data = workbook(
        '<sheetData><row r="4">'
        + cell("C4", "Serial")
        + cell("E4", "Make")
        + '</row><row r="6">'
        + cell("C6", "ABC")
        + cell("E6", "Dell")
        + "</row></sheetData>"
    )

    table = read(data)

    assert table.headers == ["Serial", "Column D", "Make"]
    assert table.rows == [["ABC", "", "Dell"]]
    assert (table.header_row, table.row_numbers, table.first_column) == (4, [6], 2)


def test_the_first_visible_sheet_with_data_is_read():
    hidden = rows(cell("A1", "Secret"), cell("A2", "no"))
    empty = "<sheetData/>"
    data = workbook(hidden, empty, SIMPLE, states=("hidden",))

    table = read(data)

    assert (table.sheet, table.rows) == ("Sheet3", [["ABC123", "Dell"]])


def test_a_hidden_sheet_is_read_when_no_visible_sheet_has_data():
    data = workbook("<sheetData/>", SIMPLE, states=("visible", "hidden"))

    assert read(data).sheet == "Sheet2"


def test_a_workbook_without_data_is_an_empty_table():
    assert read(workbook("<sheetData/>")).headers == []


def test_formula_cells_are_problems_with_their_row_and_column():
    body = rows(
        cell("A1", "Serial") + cell("B1", "Year"),
        cell("A2", "ABC") + '<c r="B2"><f>YEAR(TODAY())</f><v>2024</v></c>',
        cell("A3", "DEF") + '<c r="B3"><f t="shared" si="0"/><v>2024</v></c>',
    )

    table = read(workbook(body))

    assert [(p.row, p.column, p.message) for p in table.problems] == [
        (2, "Year", m.FORMULA),
        (3, "Year", m.FORMULA),
    ]
    assert table.rows == [["ABC", "2024"], ["DEF", "2024"]]


def test_formula_cells_written_with_a_namespace_prefix_are_problems_too():
    def text(ref: str, value: str) -> str:
        return f'<x:c r="{ref}" t="inlineStr"><x:is><x:t>{value}</x:t></x:is></x:c>'

    body = (
        f'<x:sheetData xmlns:x="{MAIN}">'
        f'<x:row r="1">{text("A1", "Serial")}{text("B1", "Year")}</x:row>'
        f'<x:row r="2">{text("A2", "ABC")}<x:c r="B2"><x:f>YEAR(TODAY())</x:f><x:v>2024</x:v>'
        "</x:c></x:row></x:sheetData>"
    )

    table = read(workbook(body))

    assert table.rows == [["ABC", "2024"]]
    assert [(p.row, p.column, p.message) for p in table.problems] == [(2, "Year", m.FORMULA)]


def test_a_nul_character_in_a_cell_is_taken_out_and_reported():
    # Excel writes a NUL as "_x0000_" and calamine decodes it; PostgreSQL cannot store it.
    body = rows(
        cell("A1", "Serial") + cell("B1", "Make_x0000_"),
        cell("A2", "AB_x0000_C") + cell("B2", "Dell"),
        cell("A3", "DEF") + cell("B3", "HP"),
    )

    table = read(workbook(body))

    assert table.headers == ["Serial", "Make"]
    assert table.rows == [["ABC", "Dell"], ["DEF", "HP"]]
    assert [(p.row, p.column, p.message) for p in table.problems] == [
        (2, "Serial", m.NUL_CHARACTER)
    ]


@pytest.mark.parametrize(
    "spelled",
    [
        "AB_x&#48;000_C",  # XML decodes the reference before calamine decodes the escape
        "AB&#95;x0000_C",
        "AB_x00<![CDATA[00_]]>C",
        "AB_x00<!-- a comment -->00_C",
        "AB_x00<?pi?>00_C",
    ],
)
def test_a_nul_however_the_xml_spells_its_escape_is_taken_out(spelled):
    body = rows(cell("A1", "Serial"), cell("A2", spelled), cell("A3", "DEF"))

    table = read(workbook(body))

    assert table.rows == [["ABC"], ["DEF"]]
    assert [(p.row, p.column) for p in table.problems] == [(2, "Serial")]


def test_a_part_that_lies_about_its_size_is_never_inflated_past_it():
    # zipfile's own read inflates a part whole before cutting it to its declared size: this
    # workbook.xml, 50 MB of spaces declared as 300 bytes, would take 50 MB and more.
    data = workbook(SIMPLE, extra={"xl/workbook.xml": b" " * 50_000_000})
    data = _patch_central(data, "xl/workbook.xml", 24, struct.pack("<I", 300))
    tracemalloc.start()
    try:
        message = refused(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert message == m.XLSX_DAMAGED.format(detail="its parts are not the sizes they declare")
    assert peak < 10_000_000


def test_cells_written_without_positions_are_placed_as_excel_would():
    body = (
        "<sheetData><row>"
        '<c t="inlineStr"><is><t>Serial</t></is></c><c t="inlineStr"><is><t>Make</t></is></c>'
        '</row><row><c t="inlineStr"><is><t>ABC</t></is></c><c s="1" t="inlineStr" r="C2">'
        "<is><t>late</t></is></c><c><f>1+1</f><v>2</v></c></row></sheetData>"
    )

    table = read(workbook(body))

    assert table.headers == ["Serial", "Make", "Column C", "Column D"]
    assert table.rows == [["ABC", "", "late", "2"]]
    assert [(p.row, p.column) for p in table.problems] == [(2, "Column D")]


def test_a_dimension_that_claims_the_whole_grid_is_not_believed():
    body = '<dimension ref="A1:XFD1048576"/>' + SIMPLE
    started = time.perf_counter()

    table = read(workbook(body))

    assert table.rows == [["ABC123", "Dell"]]
    assert time.perf_counter() - started < 2


def test_two_cells_far_apart_are_refused_before_calamine_allocates_the_grid_between():
    body = rows(cell("A1", "Serial")).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )

    assert refused(workbook(body)) == m.SHEET_TOO_LARGE.format(
        sheet="Sheet1",
        row=1_048_576,
        column="XFD",
        max_rows=200_000,
        max_columns=200,
        max_cells=4_000_000,
    )


@pytest.mark.parametrize(
    "far_cell",
    [
        '<c r="A300000"><v>1</v></c>',
        '<c t="n" r="A300000"><v>1</v></c>',
        "<c r='A300000'><v>1</v></c>",
        '<x:c r="A300000"><v>1</v></x:c>',
    ],
)
def test_far_cells_are_found_however_the_xml_spells_them(far_cell):
    body = rows(cell("A1", "Serial"), far_cell)

    assert "row 300,000" in refused(workbook(body))


def test_a_sheet_past_the_limits_is_refused_only_when_it_is_the_one_read():
    far = rows(cell("A1", "Serial"), '<c r="A300000"><v>1</v></c>')

    assert read(workbook(SIMPLE, far)).rows == [["ABC123", "Dell"]]
    assert refused(workbook("<sheetData/>", far)).startswith(
        "Sheet 'Sheet2' has cells as far as row 300,000"
    )


def test_a_far_cell_at_the_edge_of_a_long_row_is_still_found():
    # A row longer than the scan's 16 MB carry is cut before its last tag, never inside it:
    # cut at the byte, the reference ' r="IV70000"' would be split and go unseen.
    from lib.manifest.xlsx import MAX_CARRY

    head = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    tail = '</t></is></c><c r="IV7'
    sheet = (
        head.encode()
        + b"a" * (MAX_CARRY - len(head) - len(tail))
        + tail.encode()
        + b'0000"><v>1</v></c></row></sheetData></worksheet>'
    )
    source = zipfile.ZipFile(io.BytesIO(workbook(SIMPLE)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in source.namelist():
            if name == "xl/worksheets/sheet1.xml":
                copy.writestr(name, sheet, zipfile.ZIP_STORED)
            else:
                copy.writestr(name, source.read(name), zipfile.ZIP_DEFLATED)

    assert refused(buffer.getvalue()).startswith(
        "Sheet 'Sheet1' has cells as far as row 70,000, column IV"
    )


def test_a_row_of_cells_without_positions_cannot_widen_the_sheet_past_the_limit():
    body = rows(cell("A1", "Serial"), "<c><v>1</v></c>" * 250)

    assert "column IP" in refused(workbook(body))


def test_rows_times_columns_over_the_cell_limit_are_refused():
    body = rows(cell("A1", "Serial") + cell("Z1", "Notes"), cell("A50", "x"))

    assert refused(workbook(body), max_cells=1000).startswith(
        "Sheet 'Sheet1' has cells as far as row 50"
    )


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    data = workbook(SIMPLE, extra={"xl/media/padding.bin": b"\0" * 5_000_000})

    assert refused(data) == m.XLSX_RATIO.format(member="xl/media/padding.bin", ratio=100)


def test_a_workbook_expanding_past_the_limit_is_refused():
    assert refused(workbook(SIMPLE), max_xlsx_uncompressed_bytes=500) == m.XLSX_EXPANDS.format(
        limit="0 MB"
    )


def _patch_central(data: bytes, member: str, offset: int, value: bytes) -> bytes:
    """Overwrite bytes at `offset` of `member`'s central directory record."""
    start = data.index(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4 :][:0])
    while True:
        name_length = struct.unpack("<H", data[start + 28 : start + 30])[0]
        if data[start + 46 : start + 46 + name_length].decode() == member:
            break
        extra, comment = struct.unpack("<HH", data[start + 30 : start + 34])
        start += 46 + name_length + extra + comment
    at = start + offset
    return data[:at] + value + data[at + len(value) :]


def test_a_part_that_inflates_past_its_declared_size_is_refused():
    data = _patch_central(workbook(SIMPLE), "xl/worksheets/sheet1.xml", 24, struct.pack("<I", 10))

    assert refused(data) == m.XLSX_DAMAGED.format(detail="its parts are not the sizes they declare")


def test_an_encrypted_part_is_refused():
    data = _patch_central(workbook(SIMPLE), "xl/workbook.xml", 8, struct.pack("<H", 1))

    assert refused(data) == m.XLSX_UNUSUAL.format(detail="it is password-protected")


def test_unusual_compression_is_refused():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook(SIMPLE))) as source,
        zipfile.ZipFile(buffer, "w") as copy,
    ):
        for name in source.namelist():
            copy.writestr(name, source.read(name), zipfile.ZIP_BZIP2)

    assert refused(buffer.getvalue()) == m.XLSX_UNUSUAL.format(detail="it uses unusual compression")


def test_too_many_parts_are_refused():
    assert refused(workbook(SIMPLE), max_xlsx_members=3) == m.XLSX_UNUSUAL.format(
        detail="it has 5 parts"
    )


def test_two_parts_of_one_name_are_refused():
    # Which of the two a reader takes is its own choice: the one checked might not be parsed.
    buffer = io.BytesIO(workbook(SIMPLE))
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(buffer, "a") as archive,
    ):
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"/>')

    assert refused(buffer.getvalue()) == m.XLSX_UNUSUAL.format(
        detail="two of its parts share a name"
    )


def test_a_workbook_declaring_xml_entities_is_refused():
    bomb = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        f'<workbook xmlns="{MAIN}"><sheets/></workbook>'
    )
    data = workbook(SIMPLE, extra={"xl/workbook.xml": bomb})

    assert refused(data) == m.XLSX_UNUSUAL.format(detail="it declares XML entities")


@pytest.mark.parametrize(
    ("parts", "what"),
    [
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"},
            "an OpenDocument spreadsheet (.ods)",
        ),
        ({"xl/workbook.bin": b"\0"}, "a binary Excel workbook (.xlsb)"),
        ({"Index/Document.iwa": b"\0"}, "an Apple Numbers spreadsheet"),
        ({"word/document.xml": b"<w/>"}, "a Word document"),
        ({"notes.txt": b"hello"}, "a zip archive, not a workbook"),
    ],
)
def test_other_zip_files_are_named(parts, what):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)

    assert refused(buffer.getvalue()) == m.OTHER_FORMAT.format(what=what)


def test_a_truncated_workbook_is_damaged():
    data = workbook(SIMPLE)

    assert refused(data[: len(data) // 2]) == m.XLSX_DAMAGED.format(
        detail="it is not a complete .xlsx file"
    )


def test_a_sheet_part_that_is_not_xml_is_damaged():
    data = workbook("<sheetData><row><c r='A1'><v>1</v></row>")

    assert refused(data).startswith("The workbook could not be read (")
