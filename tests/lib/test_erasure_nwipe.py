"""nwipe / ShredOS logs: real logs from tests/lib/erasure_samples (see its README), and damaged ones."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.erasure import ErasureParseError, classify_method, parse_nwipe
from tests.lib.erasure_fuzz import check_survives, damaged, sample, sample_names

SHARED = "nwipe-0.33-zero-verified.log"
LOGS = sample_names(".log")


def parsed(name: str):
    return parse_nwipe(sample(name), name)


def loop_drive(device, serial, size, status="erased", errors=(0, 0, 0), anonymised=False):
    return {
        "device": device,
        "model": "Loopback device",
        "serial": serial,
        "serial_anonymised": anonymised,
        "size_bytes": size,
        "status": status,
        "pass_errors": errors[0],
        "verify_errors": errors[1],
        "sync_errors": errors[2],
    }


def test_the_shared_zero_verified_log():
    report = parsed(SHARED)

    assert report.to_json_dict() == {
        "file": SHARED,
        "tool": "nwipe",
        "tool_version": "0.33",
        "method": "Fill With Zeros",
        "verify": "last pass",
        "rounds": 1,
        "started_at": "2026-11-21T10:06:41",
        "finished_at": "2026-11-21T10:06:44",
        "outcome": "completed",
        "drives": [loop_drive("/dev/loop0", "\\xf0_c\x02\x7f", 67108864)],
    }
    assert list(report.to_json_dict()) == [
        "file",
        "tool",
        "tool_version",
        "method",
        "verify",
        "rounds",
        "started_at",
        "finished_at",
        "outcome",
        "drives",
    ]
    assert report.prng == "Isaac64"
    assert report.operator is None
    assert report.warnings == []
    drive = report.drives[0]
    assert drive.bus == "VIRT"
    assert drive.verified is True
    assert drive.started_at == "2026-11-21T10:06:41"
    assert drive.finished_at == "2026-11-21T10:06:42"
    assert classify_method("nwipe", report.method) == ("clear", "NIST SP 800-88 Clear")


def test_a_serial_that_is_not_utf8_is_kept_stable_and_matchable():
    raw = sample(SHARED)
    # The drive returned bytes F0 5F 63 02 7F: F0 starts a UTF-8 sequence that never finishes.
    assert b"S/N= \xf0_c\x02\x7f\n" in raw

    serials = {parse_nwipe(raw).drives[0].serial for _ in range(3)}

    assert serials == {"\\xf0_c\x02\x7f"}
    # The escaped form is plain text that survives a JSON round trip and strict UTF-8 as it is.
    serial = serials.pop()
    assert json.loads(json.dumps(serial)) == serial
    assert serial.encode("utf-8", errors="strict") == b"\\xf0_c\x02\x7f"
    # The same serial parses the same when it is in a different log line layout (CRLF).
    assert parse_nwipe(raw.replace(b"\n", b"\r\n")).drives[0].serial == "\\xf0_c\x02\x7f"


def test_crlf_line_endings_read_the_same():
    raw = sample(SHARED)

    assert parse_nwipe(raw.replace(b"\n", b"\r\n"), SHARED).to_json_dict() == (
        parse_nwipe(raw, SHARED).to_json_dict()
    )


@pytest.mark.parametrize(
    ("name", "method", "verify", "rounds", "started", "finished", "outcome", "drives"),
    [
        (
            "nwipe-0.34-dodshort.log",
            "DoD Short",
            "last pass",
            1,
            "2026-11-21T11:01:05",
            "2026-11-21T11:01:08",
            "completed",
            [loop_drive("/dev/loop0", "\\x90K\\xee\\xd2\x7f", 67108864)],
        ),
        (
            "nwipe-0.34-prng-quiet-verify-all.log",
            "PRNG Stream",
            "all passes",
            1,
            "2026-11-21T11:01:10",
            "2026-11-21T11:01:15",
            "completed",
            [loop_drive("/dev/loop0", "XXXXXXXXXXXXXXX", 67108864, anonymised=True)],
        ),
        (
            "nwipe-0.34-two-drives.log",
            "Fill With Zeros",
            "last pass",
            1,
            "2026-11-21T11:01:15",
            "2026-11-21T11:01:18",
            "completed",
            [
                # 10 E9 AB 9A 7F: the middle three bytes happen to be valid UTF-8 (U+9ADA).
                loop_drive("/dev/loop0", "\x10\u9ada\x7f", 67108864),
                loop_drive("/dev/loop1", "\x10\u9ada\x7f", 33554432),
            ],
        ),
        (
            "nwipe-0.34-readonly-failed.log",
            "Fill With Zeros",
            "last pass",
            1,
            "2026-11-21T11:01:19",
            "2026-11-21T11:01:21",
            "errors",
            [loop_drive("/dev/loop2", "", 16777216, "failed", (1, 0, 0))],
        ),
        (
            "nwipe-0.34-verify-zero-failed.log",
            "Verify Zeros (0x00)",
            "last pass",
            1,
            "2026-11-21T11:01:23",
            "2026-11-21T11:01:25",
            "errors",
            [loop_drive("/dev/loop2", "@\\xde^\x08\x7f", 16777216, "failed", (1, 32768, 0))],
        ),
        (
            "nwipe-0.34-ones-two-rounds-one-failed.log",
            "Fill With Ones",
            "off",
            2,
            "2026-11-21T11:01:26",
            "2026-11-21T11:01:28",
            "errors",
            [
                loop_drive("/dev/loop1", "", 33554432),
                loop_drive("/dev/loop2", "", 16777216, "failed", (1, 0, 0)),
            ],
        ),
        (
            "nwipe-0.34-aborted.log",
            "DoD 5220.22-M",
            "last pass",
            1,
            "2026-11-21T11:01:30",
            "2026-11-21T11:01:34",
            "aborted",
            [loop_drive("/dev/loop2", "\x10I\\xcbl\x7f", 2147483648, "aborted")],
        ),
        (
            "nwipe-0.34-killed-truncated.log",
            "Gutmann Wipe",
            "last pass",
            1,
            "2026-11-21T11:01:40",
            "2026-11-21T11:01:43",
            "aborted",
            [
                loop_drive("/dev/loop2", "p\\xb3zv\x7f", 2147483648, "aborted", (None,) * 3),
                loop_drive("/dev/loop1", "p\\xb3zv\x7f", 33554432, "aborted", (None,) * 3),
            ],
        ),
        (
            "nwipe-0.34-gui-one-of-two-selected.log",
            "Fill With Zeros",
            "last pass",
            1,
            "2026-11-21T11:01:45",
            "2026-11-21T11:01:52",
            "completed",
            [loop_drive("/dev/loop1", "\\xa0\x05\\xa3\\xeb\x7f", 33554432)],
        ),
    ],
)
def test_each_real_log(name, method, verify, rounds, started, finished, outcome, drives):
    assert parsed(name).to_json_dict() == {
        "file": name,
        "tool": "nwipe",
        # Debian's nwipe 0.34-1 package calls itself 0.33 in its banner.
        "tool_version": "0.33",
        "method": method,
        "verify": verify,
        "rounds": rounds,
        "started_at": started,
        "finished_at": finished,
        "outcome": outcome,
        "drives": drives,
    }


def test_complete_logs_have_no_warnings():
    for name in (
        SHARED,
        "nwipe-0.34-dodshort.log",
        "nwipe-0.34-prng-quiet-verify-all.log",
        "nwipe-0.34-two-drives.log",
        "nwipe-0.34-readonly-failed.log",
        "nwipe-0.34-ones-two-rounds-one-failed.log",
        "nwipe-0.34-aborted.log",
    ):
        assert parsed(name).warnings == [], name


def test_the_fatal_line_before_the_tables_is_not_taken_for_the_last_line():
    raw = sample("nwipe-0.34-readonly-failed.log")
    # Before the tables: "fatal: Nwipe exited with errors on device = /dev/loop2, see log…"
    assert raw.count(b"Nwipe exited with errors") == 2

    report = parse_nwipe(raw)

    assert report.warnings == []
    assert len(report.drives) == 1
    assert report.drives[0].model == "Loopback device"
    assert report.drives[0].bus == "VIRT"


def test_quiet_mode_marks_serials_anonymised():
    report = parsed("nwipe-0.34-prng-quiet-verify-all.log")

    assert report.drives[0].serial_anonymised is True
    assert report.prng == "Isaac64"
    assert report.drives[0].verified is True


def test_a_masked_serial_is_anonymised_even_without_quiet():
    raw = sample(SHARED).replace(b"\xf0_c\x02\x7f", b"XXXXXXXX")

    drive = parse_nwipe(raw).drives[0]

    assert drive.serial == "XXXXXXXX"
    assert drive.serial_anonymised is True


def test_a_verify_only_method_is_flagged():
    report = parsed("nwipe-0.34-verify-zero-failed.log")

    assert report.drives[0].verified is False
    assert "only checks the drive; it does not erase it" in report.warnings[0]
    assert classify_method("nwipe", report.method) == (None, "Verification only (not an erasure)")


def test_verify_off_and_a_failure_are_not_verified():
    report = parsed("nwipe-0.34-ones-two-rounds-one-failed.log")

    assert [drive.verified for drive in report.drives] == [False, False]


def test_a_user_abort():
    report = parsed("nwipe-0.34-aborted.log")

    assert report.outcome == "aborted"
    assert report.drives[0].status == "aborted"
    assert report.drives[0].verified is False
    assert classify_method("nwipe", report.method) == ("clear", "DoD 5220.22-M")


def test_a_killed_run_has_no_tables_and_every_drive_is_aborted():
    report = parsed("nwipe-0.34-killed-truncated.log")

    assert [drive.status for drive in report.drives] == ["aborted", "aborted"]
    assert report.warnings == [
        "The log ends before nwipe's summary tables (it was cut short, or nwipe was stopped): "
        "every drive is counted as aborted."
    ]


def test_a_drive_found_but_not_selected_is_left_out_with_a_warning():
    report = parsed("nwipe-0.34-gui-one-of-two-selected.log")

    assert [drive.device for drive in report.drives] == ["/dev/loop1"]
    assert report.warnings == [
        "/dev/loop0 was found but is not in the Drive Status table (it was not selected for "
        "wiping), so it is left out."
    ]


@pytest.mark.parametrize(
    "cut_after",
    [
        b"S/N= \xf0_c\x02\x7f\n",  # only the Found line and the one before it
        b"verify   = 1 (last pass)\n",
        b"bytes written to /dev/loop0\n",
        b"Blanked device /dev/loop0\n",
        b"********************************************************************************\n",
        b"!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number\n",
    ],
)
def test_a_log_cut_short_counts_the_drive_as_aborted(cut_after):
    raw = sample(SHARED)
    cut = raw[: raw.index(cut_after) + len(cut_after)]

    report = parse_nwipe(cut, SHARED)

    assert report.outcome == "aborted"
    assert [drive.status for drive in report.drives] == ["aborted"]
    assert report.drives[0].serial == "\\xf0_c\x02\x7f"
    assert report.drives[0].model == "Loopback device"
    assert any("cut short" in warning for warning in report.warnings)


def test_a_log_cut_in_the_middle_of_a_line_still_reads():
    raw = sample(SHARED)
    cut = raw[: raw.index(b"Starting round 1") + 5]

    report = parse_nwipe(cut)

    assert report.drives[0].size_bytes == 67108864
    assert report.outcome == "aborted"
    assert report.finished_at == "2026-11-21T10:06:41"


def test_a_log_cut_before_any_drive_is_refused():
    raw = sample(SHARED)
    cut = raw[: raw.index(b"Found")]

    with pytest.raises(ErasureParseError, match="not an nwipe log"):
        parse_nwipe(cut)


def test_a_missing_final_line_is_warned_about():
    raw = sample(SHARED)
    cut = raw[: raw.rindex(b"[2026/11/21 10:06:44]    info")]

    report = parse_nwipe(cut)

    assert report.outcome == "completed"
    assert report.warnings == ["The log has no final line saying how nwipe finished."]


def test_several_runs_in_one_file_read_the_last():
    raw = sample("nwipe-0.34-dodshort.log") + sample("nwipe-0.34-two-drives.log")

    report = parse_nwipe(raw, "both.log")

    assert [drive.device for drive in report.drives] == ["/dev/loop0", "/dev/loop1"]
    assert report.method == "Fill With Zeros"
    assert report.started_at == "2026-11-21T11:01:15"
    assert report.warnings == [
        "This log holds 2 nwipe runs (nwipe adds each run to the end of its log file); only the "
        "last one, from line 59, is read."
    ]


def test_an_unknown_drive_status_counts_as_failed():
    raw = sample(SHARED).replace(b"| Erased |", b"|INSANITY|")

    report = parse_nwipe(raw)

    assert report.drives[0].status == "failed"
    assert report.outcome == "errors"
    assert (
        "nwipe reported status 'INSANITY' for loop0; Rehome counts it as failed."
        in (report.warnings[0])
    )
    assert report.warnings[0].startswith("line 45: ")


def test_found_line_fields_are_read_from_both_ends():
    found = (
        b"[2026/11/21 10:06:41]  notice: Found /dev/sda, ATA , WDC WD5000AAKX, Blue, rev 2,"
        b"  500 GB, S/N= WD-WCC2EUP12345 \n"
    )
    raw = (
        sample(SHARED)
        .replace(b"loop0", b"sda")
        .replace(b"[2026/11/21 10:06:41]  notice: /dev/sda, sect/blk/dev 512/4096/67108864\n", b"")
    )
    start = raw.index(b"[2026/11/21 10:06:41]  notice: Found")
    end = raw.index(b"\n", start) + 1
    raw = raw[:start] + found + raw[end:]

    drive = parse_nwipe(raw).drives[0]

    assert drive.device == "/dev/sda"
    assert drive.bus == "ATA"
    assert drive.model == "WDC WD5000AAKX, Blue, rev 2"
    assert drive.serial == "WD-WCC2EUP12345"
    # Without the sect/blk/dev line, the size is nwipe's rounded decimal figure.
    assert drive.size_bytes == 500_000_000_000


def test_a_serial_with_commas_and_a_slash_stays_whole():
    raw = sample(SHARED).replace(b"S/N= \xf0_c\x02\x7f\n", b"S/N=AB, 12/34 \n", 1)

    assert parse_nwipe(raw).drives[0].serial == "AB, 12/34"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello\n",
        b"\x00\xff" * 100,
        b"serial,status,method\nX,erased,zero\n",
        b"[2026/11/21 10:06:41]  notice: nothing to see\n",
    ],
)
def test_other_files_are_refused(data):
    with pytest.raises(ErasureParseError, match=r"This is not an nwipe log: no 'Found /dev/…'"):
        parse_nwipe(data)


def test_impossible_timestamps_are_ignored():
    raw = sample(SHARED).replace(b"[2026/11/21 10:06:41]", b"[2026/13/41 25:61:99]")

    report = parse_nwipe(raw)

    assert report.started_at == "2026-11-21T10:06:42"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash(data):
    check_survives(parse_nwipe, data)


@settings(max_examples=200, deadline=None)
@given(damaged(LOGS))
def test_damaged_logs_never_crash(data):
    check_survives(parse_nwipe, data)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"[2026/11/21 10:06:41]  notice: Found /dev/sda, ATA, M, 1 TB, S/N=X",
                b"[2026/11/21 10:06:41]  notice: Found /dev/sdb, , , S/N=",
                b"[2026/11/21 10:06:41]  notice: Found /dev/, S/N=",
                b"[2026/11/21 10:06:41]  notice:   verify   = 9 (",
                b"[2026/11/21 10:06:41]  notice:   rounds   = 99999999999999999999",
                b"[2026/11/21 10:06:41]  notice: /dev/sda, sect/blk/dev 0/0/99999999999999999999",
                b"[2026/11/21 10:06:41]    info: Nwipe successfully completed.",
                b"[2026/11/21 10:06:41]    info: Nwipe exited with errors",
                b"[2026/11/21 10:06:41]    info: Nwipe was aborted by the user",
                b"[2026/11/21 10:06:41] Total Throughput 0 B/s, X, 99R+NB+VA",
                b"*** Error Summary ***",
                b"*** Drive Status ***",
                b"!   sda |  x |  | ",
                b"     sda | Erased | 0 B/s | 00:00:00 | M/S",
                b"     sd |??|",
                b"|||||",
                b"",
            ]
        ),
        max_size=30,
    )
)
def test_shuffled_nwipe_lines_never_crash(lines):
    check_survives(parse_nwipe, b"\n".join(lines))


def with_banner(banner: bytes) -> bytes:
    return sample(SHARED).replace(b"banner   = nwipe 0.33", b"banner   = " + banner)


@pytest.mark.parametrize(
    ("banner", "version"),
    [
        (b"nwipe 0.35", "0.35"),
        (b"nwipe v0.36.1", "0.36.1"),
        (b"ShredOS 2024.02.2_27.0_x86-64_0.37", "0.37"),
        (b"My Recycler", "My Recycler"),
    ],
)
def test_the_version_comes_from_the_banner(banner, version):
    assert parse_nwipe(with_banner(banner)).tool_version == version


def test_an_abort_before_any_wipe_started():
    raw = sample(SHARED)
    raw = raw[: raw.index(b"[2026/11/21 10:06:41]  notice: Program options")] + (
        b"[2026/11/21 10:06:50]    info: Nwipe was aborted by the user prior to the wipe "
        b"starting.\n"
    )

    report = parse_nwipe(raw)

    assert report.outcome == "aborted"
    assert [drive.status for drive in report.drives] == ["aborted"]
    assert "The user aborted nwipe before any wipe started." in report.warnings


def test_completed_without_a_drive_status_table_means_nothing_was_wiped():
    raw = sample(SHARED)
    raw = raw[: raw.index(b"\n*****")] + (
        b"\n[2026/11/21 10:06:50]    info: Nwipe successfully completed. See summary table for "
        b"details.\n"
    )

    report = parse_nwipe(raw)

    assert report.outcome == "aborted"
    assert report.drives[0].status == "aborted"
    assert "no wipe ran" in report.warnings[0]


def test_a_found_line_with_only_a_device_and_serial():
    raw = sample(SHARED).replace(
        b"Found /dev/loop0, VIRT, Loopback device,  67 MB, S/N= \xf0_c\x02\x7f",
        b"Found /dev/loop0, S/N=ABC123",
    )

    drive = parse_nwipe(raw).drives[0]

    assert (drive.model, drive.bus, drive.serial, drive.size_bytes) == ("", "", "ABC123", 67108864)


def test_options_missing_fall_back_to_the_summary_line():
    raw = b"".join(
        line + b"\n"
        for line in sample(SHARED).split(b"\n")
        if b"  = " not in line and b"Invoking method" not in line
    )

    report = parse_nwipe(raw)

    assert (report.method, report.rounds, report.verify) == ("Fill With Zeros", 1, "last pass")
    assert report.prng is None
    assert report.tool_version == ""
