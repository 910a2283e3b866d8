"""parse_evidence picks the right parser; the method classification; the SHA-256 helper."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.erasure import (
    STANDARD_CHOICES,
    ErasureParseError,
    classify_method,
    kind_of,
    parse_blancco,
    parse_evidence,
    parse_generic_csv,
    parse_nwipe,
    sha256_hex,
    standard_choice,
)
from tests.lib.erasure_fuzz import SAMPLES, check_survives, damaged, sample

ALL_SAMPLES = sorted(path.name for path in SAMPLES.iterdir() if path.suffix != ".md")


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_is_recognised_and_read_by_its_own_parser(name):
    data = sample(name)
    kind, parser = {
        ".log": ("nwipe", parse_nwipe),
        ".xml": ("blancco", parse_blancco),
        ".json": ("blancco", parse_blancco),
        ".csv": ("generic", parse_generic_csv),
    }[name[name.rindex(".") :]]

    report = parse_evidence(data, name)

    assert kind_of(data) == kind
    assert report.tool == kind
    assert report.to_json_dict() == parser(data, name).to_json_dict()


def test_a_csv_with_a_bom_and_an_nwipe_log_with_crlf_are_recognised():
    assert kind_of(b"\xef\xbb\xbfSerial,Status,Method\r\nA,erased,zero\r\n") == "generic"
    assert kind_of(sample("nwipe-0.34-dodshort.log").replace(b"\n", b"\r\n")) == "nwipe"


def test_a_csv_naming_nwipe_as_its_tool_is_still_a_csv():
    data = b"tool,serial,status,method\nnwipe,A,erased,Fill With Zeros\n"

    assert kind_of(data) == "generic"
    assert parse_evidence(data).tool_version == "nwipe"


def test_a_log_holding_only_the_summary_tables_goes_to_the_nwipe_parser():
    raw = sample("nwipe-0.34-dodshort.log")
    tables = raw[raw.index(b"\n*****") :]

    report = parse_evidence(tables)

    assert report.drives[0].device == "loop0"
    assert report.drives[0].status == "erased"


UNRECOGNISED = (
    "Rehome does not recognise this file as an nwipe/ShredOS log, a Blancco report or the "
    "generic erasure CSV"
)


@pytest.mark.parametrize(
    "data",
    [
        b"hello world\n",
        b"\x00\x01\x02",
        b"<html><body>nope</body></html>",
        b'{"report": "some other tool"}',
        b"name,colour\nx,blue\n",
        b"[2026/11/21 10:06:41]  notice: not from any wiping tool\n",
    ],
)
def test_other_files_are_not_recognised(data):
    with pytest.raises(ErasureParseError, match=UNRECOGNISED):
        parse_evidence(data)


def test_an_empty_file_and_a_pdf_get_their_own_messages():
    with pytest.raises(ErasureParseError, match="This file is empty"):
        parse_evidence(b" \n")
    with pytest.raises(ErasureParseError, match="not its PDF certificate"):
        parse_evidence(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")


def test_a_recognised_but_broken_file_gets_its_parsers_message():
    with pytest.raises(ErasureParseError, match="not well-formed XML"):
        parse_evidence(b"<blancco_erasure_report><oops></blancco_erasure_report>")
    with pytest.raises(ErasureParseError, match="row 2, column 'status'"):
        parse_evidence(b"serial,status,method\nA,unknown,zero\n")


def test_sha256_hex():
    data = sample("nwipe-0.33-zero-verified.log")

    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    ("tool", "method", "expected"),
    [
        ("nwipe", "Fill With Zeros", ("clear", "NIST SP 800-88 Clear")),
        ("nwipe", "Fill With Ones", ("clear", "NIST SP 800-88 Clear")),
        ("nwipe", "PRNG Stream", ("clear", "NIST SP 800-88 Clear")),
        ("nwipe", "DoD Short", ("clear", "DoD 5220.22-M")),
        ("nwipe", "DoD 5220.22-M", ("clear", "DoD 5220.22-M")),
        ("nwipe", "Gutmann Wipe", ("clear", "Gutmann")),
        ("nwipe", "RCMP TSSIT OPS-II", ("clear", "RCMP TSSIT OPS-II")),
        ("nwipe", "HMG IS5 Enhanced", ("clear", "HMG IS5 Enhanced")),
        ("nwipe", "Bruce Schneier 7-Pass", ("clear", "Bruce Schneier 7-pass")),
        ("nwipe", "BMB21-2019", ("clear", "BMB21-2019")),
        ("nwipe", "Verify Zeros (0x00)", (None, "Verification only (not an erasure)")),
        ("nwipe", "Verify Ones (0xFF)", (None, "Verification only (not an erasure)")),
        ("blancco", "NIST 800-88 Clear", ("clear", "NIST SP 800-88 Clear")),
        ("blancco", "NIST 800-88 Purge", ("purge", "NIST SP 800-88 Purge")),
        ("blancco", "HMG Infosec Standard 5, Baseline", ("clear", "HMG IS5 Baseline")),
        ("blancco", "HMG Infosec Standard 5, Enhanced", ("clear", "HMG IS5 Enhanced")),
        ("blancco", "Blancco SSD Erasure", ("purge", "Blancco SSD Erasure")),
        ("blancco", "Cryptographic Erasure", ("purge", "Cryptographic Erase")),
        ("blancco", "US DoD 5220.22-M", ("clear", "DoD 5220.22-M")),
        ("blancco", "IEEE 2883 Purge", ("purge", "IEEE 2883 Purge")),
        ("blancco", "Aperiodic random overwrite", ("clear", "Aperiodic random overwrite")),
        ("blancco", "German VSITR", ("clear", "German VSITR")),
        ("generic", "NVMe Sanitize Block Erase", ("purge", "NVMe Sanitize Block Erase")),
        ("generic", "Shredded to 6 mm", ("destroy", "Shredded to 6 mm")),
        ("generic", "Physical destruction", ("destroy", "NIST SP 800-88 Destroy")),
        ("generic", "Hammer", (None, "Hammer")),
        ("generic", "", (None, "")),
    ],
)
def test_classify_method(tool, method, expected):
    assert classify_method(tool, method) == expected


def test_standard_choices():
    assert [label for _value, label in STANDARD_CHOICES] == [
        "NIST SP 800-88 Clear",
        "NIST SP 800-88 Purge",
        "NIST SP 800-88 Destroy",
        "IEEE 2883 Clear",
        "IEEE 2883 Purge",
        "IEEE 2883 Destruct",
        "HMG IS5 Baseline",
        "HMG IS5 Enhanced",
        "DoD 5220.22-M",
        "Other",
    ]
    assert standard_choice(classify_method("nwipe", "DoD Short")[1]) == "dod-5220-22-m"
    assert standard_choice(classify_method("nwipe", "Gutmann Wipe")[1]) == "other"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash(data):
    check_survives(parse_evidence, data)


@settings(max_examples=200, deadline=None)
@given(damaged(ALL_SAMPLES))
def test_damaged_samples_never_crash(data):
    check_survives(parse_evidence, data)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [b"[2026/11/21 10:06:41] nwipe ", b"<blancco", b'{"blancco', b"serial,status,method\n"]
    ),
    st.binary(max_size=1024),
)
def test_bytes_that_start_like_evidence_never_crash(start, rest):
    check_survives(parse_evidence, start + rest)


@pytest.mark.parametrize(
    ("text", "verified"),
    [
        ("1 (last pass)", True),
        ("2 (all passes)", True),
        ("all", True),
        ("10%", True),
        ("yes", True),
        ("", False),
        ("unknown", False),
        ("0 (off)", False),
        ("0%", False),
        ("false", False),
        ("not verified", False),
        ("Disabled", False),
        ("allowed", False),
        ("last pass; off", False),
    ],
)
def test_only_a_stated_verification_counts(text, verified):
    from lib.erasure.standards import is_verification

    assert is_verification(text) is verified
