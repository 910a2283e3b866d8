"""Blancco reports, XML and JSON. The samples are constructed (see erasure_samples/README.md)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.erasure import ErasureParseError, classify_method, parse_blancco
from tests.lib.erasure_fuzz import check_survives, damaged, sample

XML = "blancco-constructed-two-drives.xml"
JSON = "blancco-constructed-one-drive.json"


def test_the_xml_report():
    report = parse_blancco(sample(XML), XML)

    assert report.to_json_dict() == {
        "file": XML,
        "tool": "blancco",
        "tool_version": "7.9.1",
        "method": "NIST 800-88 Purge",
        "verify": "100%",
        "rounds": 1,
        "started_at": "2026-11-20T14:02:11",
        "finished_at": "2026-11-20T15:40:58",
        "outcome": "errors",
        "drives": [
            {
                "device": "/dev/sda",
                "model": "Samsung SSD 860 EVO 250GB",
                "serial": "S3YJNB0K512345X",
                "serial_anonymised": False,
                "size_bytes": 250059350016,
                "status": "erased",
                "pass_errors": 0,
                "verify_errors": 0,
                "sync_errors": None,
            },
            {
                "device": "/dev/sdb",
                "model": "WDC WD5000AAKX-08U6AA0",
                "serial": "WD-WCC2EUP12345",
                "serial_anonymised": False,
                "size_bytes": 500107862016,
                "status": "failed",
                "pass_errors": 256,
                "verify_errors": 0,
                "sync_errors": None,
            },
        ],
    }
    assert report.operator == "Priya Shah"
    assert report.prng is None
    assert report.warnings == []
    first, second = report.drives
    assert (first.bus, first.method, first.verified) == ("SATA", "NIST 800-88 Purge", True)
    assert (first.started_at, first.finished_at) == ("2026-11-20T14:02:11", "2026-11-20T14:09:53")
    assert second.verified is False
    assert classify_method("blancco", report.method) == ("purge", "NIST SP 800-88 Purge")


def test_the_json_report_in_blanccos_list_of_one_key_objects_layout():
    report = parse_blancco(sample(JSON), JSON)

    assert report.to_json_dict() == {
        "file": JSON,
        "tool": "blancco",
        "tool_version": "7.8.0",
        "method": "HMG Infosec Standard 5, Baseline",
        "verify": "10%",
        "rounds": 1,
        "started_at": "2026-11-19T09:15:00",
        "finished_at": "2026-11-19T11:47:31",
        "outcome": "completed",
        "drives": [
            {
                "device": "",
                "model": "Seagate ST1000LM035-1RK172",
                "serial": "WL1ABCDE",
                "serial_anonymised": False,
                "size_bytes": 1000204886016,
                "status": "erased",
                "pass_errors": 0,
                "verify_errors": 0,
                "sync_errors": None,
            }
        ],
    }
    assert report.operator == "Sam Okafor"
    assert report.drives[0].verified is True
    assert classify_method("blancco", report.method) == ("clear", "HMG IS5 Baseline")


PLAIN_XML = b"""<?xml version="1.0"?>
<report>
  <blancco_erasure_report>
    <erasures>
      <erasure>
        <state>Aborted</state>
        <start_time>2026-01-02 03:04:05</start_time>
        <end_time>2026-01-02T03:10:00Z</end_time>
        <erasure_standard_name>Cryptographic Erasure</erasure_standard_name>
        <overwriting_rounds>0</overwriting_rounds>
        <target>
          <model>Micron 2200 NVMe</model>
          <serial>  XXXXXXXXXX  </serial>
          <capacity>256 GB</capacity>
          <interface_type>NVMe</interface_type>
        </target>
      </erasure>
    </erasures>
  </blancco_erasure_report>
</report>
"""


def test_plain_element_names_are_read_too():
    report = parse_blancco(PLAIN_XML, "plain.xml")

    drive = report.drives[0]
    assert report.outcome == "aborted"
    assert report.method == "Cryptographic Erasure"
    assert report.verify == "unknown"
    assert report.rounds == 0
    assert report.tool_version == ""
    assert (report.started_at, report.finished_at) == ("2026-01-02T03:04:05", "2026-01-02T03:10:00")
    assert (drive.model, drive.serial, drive.serial_anonymised) == (
        "Micron 2200 NVMe",
        "XXXXXXXXXX",
        True,
    )
    assert drive.size_bytes == 256_000_000_000
    assert drive.status == "aborted"
    assert drive.verified is False
    assert classify_method("blancco", report.method) == ("purge", "Cryptographic Erase")


def test_plain_json_objects_are_read_too():
    data = {
        "blancco_erasure_report": {
            "erasures": {
                "erasure": [
                    {
                        "state": "Successful",
                        "erasure_standard_name": "NIST 800-88 Clear",
                        "target": {"model": "A", "serial": "1", "capacity": "1000"},
                    },
                    {
                        "state": "Successful",
                        "erasure_standard_name": "HMG Infosec Standard 5, Enhanced",
                        "target": {"model": "B", "serial": "2", "capacity": 2000},
                    },
                ]
            }
        }
    }

    report = parse_blancco(json.dumps(data).encode())

    assert [drive.serial for drive in report.drives] == ["1", "2"]
    assert [drive.size_bytes for drive in report.drives] == [1000, 2000]
    assert report.method == "NIST 800-88 Clear; HMG Infosec Standard 5, Enhanced"
    assert [drive.method for drive in report.drives] == [
        "NIST 800-88 Clear",
        "HMG Infosec Standard 5, Enhanced",
    ]
    assert report.outcome == "completed"
    assert report.started_at is None


def test_an_unknown_state_counts_as_failed_with_a_warning():
    data = {"blancco_erasure_report": {"erasures": [{"erasure": [{"state": "Pending"}]}]}}

    report = parse_blancco(json.dumps(data).encode())

    assert report.drives[0].status == "failed"
    assert report.warnings == [
        "Erasure 1: the report gives no serial number for the drive.",
        "Erasure 1: Blancco reports 'Pending'; Rehome counts it as failed.",
        "The report does not name an erasure standard.",
    ]


def test_bad_numbers_and_times_are_warned_about():
    data = {
        "blancco_erasure_report": {
            "erasures": {
                "erasure": {
                    "state": "Failed",
                    "start_time": "yesterday",
                    "failed_sectors": -3,
                    "dirty_sectors": 1.5,
                    "target": {"serial": "S", "capacity": "lots"},
                }
            }
        }
    }

    report = parse_blancco(json.dumps(data).encode())

    drive = report.drives[0]
    assert (drive.pass_errors, drive.verify_errors, drive.size_bytes) == (None, None, None)
    assert drive.started_at is None
    assert report.warnings == [
        "Erasure 1: the capacity 'lots' is unclear.",
        "Erasure 1: the verification error count '1.5' is not a whole number.",
        "Erasure 1: the error count '-3' is not a whole number.",
        "Erasure 1: the time 'yesterday' is not a date and time.",
        "The report does not name an erasure standard.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "neither XML nor JSON"),
        (b"hello", "neither XML nor JSON"),
        (b"<root><a>", "line 1: this is not well-formed XML"),
        (b"<root/>", "no blancco_erasure_report section"),
        (b"{}", "no blancco_erasure_report section"),
        (b'{"a": ', "line 1: this is not valid JSON"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b'{"blancco_erasure_report": {"erasures": []}}', "has no erasures"),
        (b"<blancco_erasure_report><erasures/></blancco_erasure_report>", "has no erasures"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
            "DOCTYPE or entity declarations",
        ),
        (
            b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>',
            "DOCTYPE or entity declarations",
        ),
        (b"<a>" * 100 + b"</a>" * 100, "nested too deeply"),
    ],
)
def test_other_files_are_refused_with_a_reason(data, message):
    with pytest.raises(ErasureParseError, match=message):
        parse_blancco(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash(data):
    check_survives(parse_blancco, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048).map(lambda data: b"<" + data))
def test_arbitrary_xml_like_bytes_never_crash(data):
    check_survives(parse_blancco, data)


@settings(max_examples=200, deadline=None)
@given(damaged([XML, JSON]))
def test_damaged_reports_never_crash(data):
    check_survives(parse_blancco, data)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["Successful", "Failed", "Aborted", "100", "2026-01-02T03:04:05+0100"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "erasures",
                    "erasure",
                    "target",
                    "state",
                    "serial",
                    "capacity",
                    "start_time",
                    "failed_sectors",
                    "verification_percentage",
                    "overwriting_rounds",
                    "product_version",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_shapes_never_crash(value):
    data = json.dumps({"blancco_erasure_report": value}).encode()
    check_survives(parse_blancco, data)


def test_a_bom_and_blank_lines_before_the_xml_declaration_are_allowed():
    report = parse_blancco(b"\xef\xbb\xbf\n\n" + sample(XML), XML)

    assert report.to_json_dict() == parse_blancco(sample(XML), XML).to_json_dict()


def test_json_nested_beyond_any_report_is_refused():
    data = b'{"blancco_erasure_report": ' + b'{"a": ' * 100 + b"1" + b"}" * 101

    with pytest.raises(ErasureParseError, match=r"^This JSON file is nested too deeply\.$"):
        parse_blancco(data)
