"""Shared by the erasure parser tests: the sample files, and Hypothesis strategies that damage them.

A damaged sample is the best fuzz input for a parser: it is almost the real thing, so it reaches
deep into the parser, where arbitrary bytes never get past the first check.
"""

import json
from pathlib import Path

from hypothesis import strategies as st

from lib.erasure import ErasureParseError, ErasureReport

SAMPLES = Path(__file__).parent / "erasure_samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_names(suffix: str) -> list[str]:
    return sorted(path.name for path in SAMPLES.iterdir() if path.name.endswith(suffix))


EDITS = ("delete line", "repeat line", "swap lines", "flip byte", "insert byte", "cut")


def _edit(data: bytes, edit: str, where: int, value: int) -> bytes:
    lines = data.split(b"\n")
    line = where % len(lines)
    if edit == "delete line":
        del lines[line]
        return b"\n".join(lines)
    if edit == "repeat line":
        lines.insert(line, lines[line])
        return b"\n".join(lines)
    if edit == "swap lines":
        other = value % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
        return b"\n".join(lines)
    if not data:
        return bytes([value])
    at = where % len(data)
    if edit == "flip byte":
        return data[:at] + bytes([data[at] ^ (value or 1)]) + data[at + 1 :]
    if edit == "insert byte":
        return data[:at] + bytes([value]) + data[at:]
    return data[:at]


@st.composite
def damaged(draw, names: list[str]) -> bytes:
    """One of the named samples with up to eight random edits."""
    data = sample(draw(st.sampled_from(names)))
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(EDITS),
                st.integers(min_value=0, max_value=1 << 20),
                st.integers(min_value=0, max_value=255),
            ),
            max_size=8,
        )
    )
    for edit, where, value in edits:
        data = _edit(data, edit, where, value)
    return data


def check_survives(parse, data: bytes) -> ErasureReport | None:
    """Parse `data`: only ErasureParseError may escape, and a report must be valid JSON data."""
    message = ""
    try:
        report = parse(data, "fuzz.bin")
    except ErasureParseError as error:
        report, message = None, str(error)
    if report is None:
        assert message.strip()
        return None
    assert isinstance(report, ErasureReport)
    text = json.dumps(report.to_json_dict(), allow_nan=False, ensure_ascii=False)
    text += json.dumps(report.warnings, ensure_ascii=False)
    # Storable as it is: strict UTF-8 (no lone surrogates) and no NUL, which PostgreSQL refuses.
    text.encode("utf-8")
    assert "\x00" not in text
    assert report.drives
    assert report.outcome in ("completed", "errors", "aborted")
    assert all(drive.status in ("erased", "failed", "aborted") for drive in report.drives)
    return report
