"""Rehome's generic erasure CSV (docs/erasure-csv.md)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.erasure import CSV_COLUMNS, ErasureParseError, classify_method, parse_generic_csv
from tests.lib.erasure_fuzz import check_survives, damaged, sample

SAMPLE = "generic-two-drives.csv"


def parse(text: str):
    return parse_generic_csv(text.encode(), "drives.csv")


def problem(text: str) -> str:
    with pytest.raises(ErasureParseError) as caught:
        parse(text)
    return str(caught.value)


def test_the_sample_csv():
    report = parse_generic_csv(sample(SAMPLE), SAMPLE)

    assert report.to_json_dict() == {
        "file": SAMPLE,
        "tool": "generic",
        "tool_version": "hdparm 9.65",
        "method": "ATA Secure Erase",
        "verify": "all",
        "rounds": 1,
        "started_at": "2026-11-18T09:02:00",
        "finished_at": "2026-11-18T09:45:12",
        "outcome": "errors",
        "drives": [
            {
                "device": "/dev/sdb",
                "model": "Crucial CT500MX500SSD1",
                "serial": "2219E5F1A2B3",
                "serial_anonymised": False,
                "size_bytes": 500107862016,
                "status": "erased",
                "pass_errors": 0,
                "verify_errors": 0,
                "sync_errors": None,
            },
            {
                "device": "/dev/sdc",
                "model": "KINGSTON SA400S37240G, rev B",
                "serial": "50026B7783A1C2D3",
                "serial_anonymised": False,
                "size_bytes": 240_000_000_000,
                "status": "failed",
                "pass_errors": 1,
                "verify_errors": None,
                "sync_errors": None,
            },
        ],
    }
    assert report.operator == "Jo Bloggs"
    assert report.warnings == []
    assert [drive.verified for drive in report.drives] == [True, False]
    assert [drive.started_at for drive in report.drives] == [
        "2026-11-18T09:02:00",
        "2026-11-18T09:45:10",
    ]
    assert classify_method("generic", report.method) == ("purge", "ATA Secure Erase")


def test_the_documented_example_is_the_sample():
    doc = (sample(SAMPLE).decode().strip().splitlines())[0]
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "erasure-csv.md"
    assert doc in docs.read_text()
    for column in CSV_COLUMNS:
        assert f"| `{column}` |" in docs.read_text()


def test_the_smallest_file():
    report = parse("serial,status,method\nWD-WCC2EUP12345,erased,Physical destruction\n")

    assert report.to_json_dict() == {
        "file": "drives.csv",
        "tool": "generic",
        "tool_version": "",
        "method": "Physical destruction",
        "verify": "unknown",
        "rounds": None,
        "started_at": None,
        "finished_at": None,
        "outcome": "completed",
        "drives": [
            {
                "device": "",
                "model": "",
                "serial": "WD-WCC2EUP12345",
                "serial_anonymised": False,
                "size_bytes": None,
                "status": "erased",
                "pass_errors": None,
                "verify_errors": None,
                "sync_errors": None,
            }
        ],
    }
    assert report.drives[0].verified is None
    assert classify_method("generic", report.method) == ("destroy", "NIST SP 800-88 Destroy")


def test_bom_crlf_any_column_order_and_header_spelling():
    text = "\ufeffStatus,Serial Number,METHOD,Tool-Version\r\nSuccessful,S1,zero,1\r\n\r\n"
    with pytest.raises(ErasureParseError, match="no 'serial' column"):
        parse(text)

    report = parse("\ufeffStatus, Serial ,METHOD,Tool-Version\r\nSuccessful,S1,zero,1\r\n\r\n")

    assert report.drives[0].serial == "S1"
    assert report.drives[0].status == "erased"
    assert report.tool_version == "1"


def test_unknown_columns_are_ignored_with_a_warning():
    report = parse("serial,status,method,colour\nS1,aborted,zero,blue\n")

    assert report.outcome == "aborted"
    assert report.warnings == ["Columns Rehome does not use were ignored: 'colour'."]


def test_times_lose_their_zone_and_the_report_spans_the_rows():
    report = parse(
        "serial,status,method,started_at,finished_at\n"
        "A,erased,zero,2026-11-21 10:06,2026-11-21T11:00:00+01:00\n"
        "B,erased,zero,2026-11-21T09:00:00Z,2026-11-21T09:30:00\n"
    )

    assert (report.started_at, report.finished_at) == ("2026-11-21T09:00:00", "2026-11-21T11:00:00")


def test_different_methods_and_rounds_are_listed():
    report = parse("serial,status,method,rounds\nA,erased,zero,1\nB,failed,DoD Short,3\n")

    assert report.method == "zero; DoD Short"
    assert report.rounds is None
    assert report.outcome == "errors"
    assert report.warnings == ["The rows give different numbers of rounds."]


def test_a_masked_serial_is_anonymised():
    assert parse("serial,status,method\n????????,erased,zero\n").drives[0].serial_anonymised


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This CSV is empty: it has no header row."),
        ("serial,status,method\n", "This CSV has a header row but no drives below it."),
        (
            "serial,status\nA,erased\n",
            "row 1: the header has no 'method' column (required: serial, status, method).",
        ),
        (
            "serial,status,method,serial\nA,erased,zero,B\n",
            "row 1: column 'serial' appears twice (columns 1 and 4).",
        ),
        ("serial;status;method\nA;erased;zero\n", "row 1: this CSV uses ';' between values"),
        (
            "serial,status,method\nA,erased,zero\n,erased,zero\n",
            "row 3, column 'serial': empty, but this column is required.",
        ),
        (
            "serial,status,method\nA,done,zero\n",
            "row 2, column 'status': 'done' is not one of erased, failed, aborted.",
        ),
        (
            "serial,status,method,size_bytes\nA,erased,zero,about 500\n",
            "row 2, column 'size_bytes': 'about 500' is not a size like 500107862016 or 500 GB.",
        ),
        (
            "serial,status,method,pass_errors\nA,erased,zero,-1\n",
            "row 2, column 'pass_errors': '-1' is not a whole number of 0 or more.",
        ),
        (
            "serial,status,method,rounds\nA,erased,zero,0\n",
            "row 2, column 'rounds': must be 1 or more.",
        ),
        (
            "serial,status,method,started_at\nA,erased,zero,21/11/2026\n",
            "row 2, column 'started_at': '21/11/2026' is not a date and time like "
            "2026-11-21T10:06:41.",
        ),
        (
            "serial,status,method,started_at,finished_at\n"
            "A,erased,zero,2026-11-21T10:00,2026-11-21T09:00\n",
            "row 2, column 'finished_at': earlier than started_at.",
        ),
        ("serial,status,method\nA,erased,zero,extra\n", "row 2: 4 values, but the header names 3"),
        ('serial,status,method\n"A"x,erased,zero\n', "row 2: this is not valid CSV"),
        (
            "serial,status,method\nA,erased,zero\x00\n",
            "row 2, column 'method': contains a NUL character.",
        ),
    ],
)
def test_problems_name_the_row_and_column(text, message):
    assert message in problem(text)


def test_every_problem_is_listed_at_once():
    message = problem(
        "serial,status,method,verify_errors\nA,done,zero,1\nB,erased,zero,x\n,erased,zero,\n"
    )

    assert message == (
        "This CSV has 3 problems:\n"
        "row 2, column 'status': 'done' is not one of erased, failed, aborted.\n"
        "row 3, column 'verify_errors': 'x' is not a whole number of 0 or more.\n"
        "row 4, column 'serial': empty, but this column is required."
    )


def test_text_that_is_not_utf8_names_its_row():
    with pytest.raises(ErasureParseError, match=r"row 3: this CSV is not UTF-8 text"):
        parse_generic_csv(b"serial,status,method\nA,erased,zero\nB\xe9,erased,zero\n")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_crash(data):
    check_survives(parse_generic_csv, data)


@settings(max_examples=200, deadline=None)
@given(damaged([SAMPLE]))
def test_damaged_csvs_never_crash(data):
    check_survives(parse_generic_csv, data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(max_size=12)
            | st.sampled_from(["erased", "failed", "1", "500 GB", "2026-11-21T10:06:41", ""]),
            min_size=0,
            max_size=len(CSV_COLUMNS) + 1,
        ),
        max_size=6,
    ),
    st.permutations(list(CSV_COLUMNS)),
)
def test_arbitrary_rows_never_crash(rows, columns):
    lines = [",".join(columns)] + [",".join(row) for row in rows]
    check_survives(parse_generic_csv, "\n".join(lines).encode())
