"""Reading CSV manifests: encodings, delimiters, line endings, quoting, header row, limits."""

import codecs

import pytest

from lib.manifest import Limits, ManifestError, Table, read_table
from lib.manifest import messages as m
from lib.manifest.samples import to_csv_bytes

HEADERS = ["Serial", "Make", "Notes"]
ROWS = [["ABC123", "Dell", "£50 café"], ["DEF456", "HP", "plain"]]


def read(data: bytes, filename: str = "devices.csv", **limits) -> Table:
    return read_table(data, filename, Limits(**limits))


def refused(data: bytes, filename: str = "devices.csv", **limits) -> str:
    with pytest.raises(ManifestError) as caught:
        read(data, filename, **limits)
    return str(caught.value)


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "windows-1252"),
    ],
)
def test_it_reads_each_encoding_and_says_which(encoding, shown):
    data = to_csv_bytes(HEADERS, ROWS, encoding=encoding)

    table = read(data)

    assert table.encoding == shown
    assert table.headers == HEADERS
    assert table.rows == ROWS


def test_it_reads_utf16_with_a_byte_order_mark_either_way_round():
    text = to_csv_bytes(HEADERS, ROWS).decode()
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        table = read(bom + text.encode(codec))
        assert (table.encoding, table.rows) == ("utf-16", ROWS)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_it_detects_the_delimiter_and_reads_any_line_ending(delimiter, newline):
    rows = [["ABC123", "Dell, Inc.; UK", "line one\nline two"], ["DEF456", "HP", "tab\there"]]

    table = read(to_csv_bytes(HEADERS, rows, delimiter=delimiter, newline=newline))

    assert table.delimiter == delimiter
    assert table.rows == rows
    assert table.row_numbers == [2, 3]


def test_a_missing_final_newline_loses_nothing():
    table = read(b"Serial,Make\r\nABC123,Dell")

    assert table.rows == [["ABC123", "Dell"]]


def test_semicolons_win_over_decimal_commas():
    table = read(b"Serial;Storage;Screen\nABC;476,94 GB;15,6\nDEF;1,5 TB;13,3\n")

    assert table.delimiter == ";"
    assert table.rows[0] == ["ABC", "476,94 GB", "15,6"]


def test_a_single_column_file_is_read():
    table = read(b"Serial number\nABC123\nDEF456\n")

    assert table.headers == ["Serial number"]
    assert table.rows == [["ABC123"], ["DEF456"]]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_a_spreadsheet_shows():
    data = b'Serial,Notes\n\nABC,"two\nlines"\n,\n  ,  \nDEF,x\n'

    table = read(data)

    assert table.rows == [["ABC", "two\nlines"], ["DEF", "x"]]
    assert table.row_numbers == [3, 6]


def test_short_rows_are_padded_and_long_rows_get_named_columns():
    table = read(b"Serial,Make,Model\nABC\nDEF,HP,ProBook,extra\n")

    assert table.headers == ["Serial", "Make", "Model", "Column D"]
    assert table.rows == [["ABC", "", "", ""], ["DEF", "HP", "ProBook", "extra"]]


def test_trailing_empty_cells_do_not_make_columns():
    table = read(b"Serial,Make,,,\nABC,Dell,,,,,,,\n")

    assert table.headers == ["Serial", "Make"]
    assert table.rows == [["ABC", "Dell"]]


def test_blank_and_repeated_headers_get_names_a_person_can_find():
    table = read(b"Serial,,Notes,notes\nA,B,C,D\n")

    assert table.headers == ["Serial", "Column B", "Notes", "notes (column D)"]


def test_the_header_is_the_row_that_names_the_most_columns():
    data = b"Devices for Rehome,,\nMarch 2025,,\n\nSerial No.,Make,Model\nABC,Dell,Latitude\n"

    table = read(data)

    assert table.header_row == 4
    assert table.headers == ["Serial No.", "Make", "Model"]
    assert table.row_numbers == [5]
    assert [w.message for w in table.warnings] == [
        m.ROWS_ABOVE_HEADER.format(first=1, last=3, header=4)
    ]


def test_a_file_of_unknown_headers_takes_its_first_row_as_the_header():
    table = read(b"Foo,Bar\n1,2\n")

    assert (table.header_row, table.headers, table.warnings) == (1, ["Foo", "Bar"], [])


def test_an_empty_file_is_an_empty_table():
    assert read(b"").headers == []
    assert read(b"\r\n\r\n,,\r\n").headers == []


def test_a_file_with_only_headers_has_no_rows():
    table = read(b"Serial,Make\r\n")

    assert (table.headers, table.rows) == (["Serial", "Make"], [])


def test_formula_text_in_a_csv_is_kept_as_text():
    table = read(b"Serial,Notes\nABC,\"=cmd|' /C calc'!A0\"\n")

    assert table.rows == [["ABC", "=cmd|' /C calc'!A0"]]


def test_a_file_over_the_size_limit_is_refused():
    message = refused(b"Serial\n" + b"A\n" * 600, max_bytes=1000)

    assert message == m.TOO_BIG.format(size="0.0 MB", limit="0.0 MB")


def test_too_many_rows_are_refused_with_the_limit():
    data = b"Serial\n" + b"".join(b"S%d\n" % n for n in range(11))

    assert refused(data, max_rows=10) == m.TOO_MANY_ROWS.format(limit=10)
    assert len(read(data, max_rows=11).rows) == 11


def test_too_many_columns_are_refused_naming_the_row():
    data = b"Serial,Make\nA,B\nC,D,E,F\n"

    assert refused(data, max_columns=3) == m.TOO_MANY_COLUMNS.format(row=3, count=4, limit=3)


def test_too_many_cells_are_refused():
    data = b"A,B,C,D\n" + b"1,2,3,4\n" * 3

    assert refused(data, max_cells=11) == m.TOO_MANY_CELLS.format(rows=3, columns=4, limit=11)


def test_a_cell_too_long_for_the_csv_reader_names_its_row():
    data = b'Serial,Notes\nABC,"never closed\n' + b"x" * 140_000

    assert refused(data) == m.CSV_CELL_TOO_BIG.format(row=2, limit=131_072)


def test_binary_garbage_is_not_a_table():
    assert refused(bytes(range(256)) * 8) == m.NOT_A_TABLE


def test_a_utf16_file_that_is_not_utf16_is_refused():
    assert refused(codecs.BOM_UTF16_LE + b"S\x00e\x00\x00\xd8x\x00\n\x00") == m.BAD_ENCODING.format(
        encoding="UTF-16"
    )


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "devices.xls", m.OLD_EXCEL),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "protected.xlsx", m.OLD_EXCEL),
        (b"Serial\tMake\n", "devices.xls", m.OLD_EXCEL),
        (
            b"whatever",
            "devices.ods",
            m.OTHER_FORMAT.format(what="an OpenDocument spreadsheet (.ods)"),
        ),
        (
            b"whatever",
            "devices.numbers",
            m.OTHER_FORMAT.format(what="an Apple Numbers spreadsheet"),
        ),
        (b"%PDF-1.7\n...", "devices.csv", m.OTHER_FORMAT.format(what="a PDF document")),
        (
            b"Serial,Make\n",
            "devices.xlsx",
            m.XLSX_DAMAGED.format(detail="it is not a .xlsx file inside"),
        ),
    ],
)
def test_formats_rehome_does_not_read_are_refused_by_name(data, filename, message):
    assert refused(data, filename) == message


def test_old_excel_is_refused_naming_the_formats_accepted():
    assert ".xlsx" in m.OLD_EXCEL
    assert "CSV" in m.OLD_EXCEL


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_a_nul_character_in_a_utf16_cell_is_taken_out_and_reported(codec):
    # Enough plain text that a file without a byte order mark is still taken for UTF-16.
    plain = "".join(f"SER-{n:04d},Lenovo\r\n" for n in range(20))
    text = "Serial,Make\r\nAB\x00C,Dell\r\nDEF,\x00\r\n" + plain

    table = read_table(text.encode(codec), "devices.csv")

    assert table.rows[:2] == [["ABC", "Dell"], ["DEF", ""]]
    assert len(table.rows) == 22
    assert [(p.row, p.column, p.message) for p in table.problems] == [
        (2, "Serial", m.NUL_CHARACTER),
        (3, "Make", m.NUL_CHARACTER),
    ]


def test_progress_hears_the_rows_read_as_reading_goes():
    from lib.manifest.read import PROGRESS_EVERY

    rows = [[f"SER-{n:06d}", "laptop"] for n in range(PROGRESS_EVERY * 2 + 5)]
    heard = []

    table = read_table(to_csv_bytes(["Serial", "Type"], rows), "big.csv", progress=heard.append)

    assert heard == [PROGRESS_EVERY, PROGRESS_EVERY * 2]
    assert len(table.rows) == len(rows)


def test_a_utf8_file_with_a_byte_order_mark_and_a_nul_byte_is_not_a_table():
    data = codecs.BOM_UTF8 + b"Serial,Model\r\nAB1,T480\x00\r\n"

    with pytest.raises(ManifestError) as caught:
        read_table(data, "devices.csv")

    assert str(caught.value) == m.NOT_A_TABLE
