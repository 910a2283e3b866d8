"""Work out which kind of erasure evidence a file is, and read it with the right parser."""

import hashlib
import re

from lib.erasure.blancco import parse_blancco
from lib.erasure.generic_csv import looks_like_header, parse_generic_csv
from lib.erasure.model import ErasureParseError, ErasureReport
from lib.erasure.nwipe import parse_nwipe

# How much of the file's start the sniffing looks at.
HEAD = 1024 * 1024
NWIPE_TIMESTAMP = re.compile(rb"(?m)^\[\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\] ")
NWIPE_MARKERS = (b"Found /dev/", b"nwipe", b"Nwipe")
NWIPE_TABLE = b"* Drive Status *"
LEADING = b"\xef\xbb\xbf \t\r\n"

UNRECOGNISED = (
    "Rehome does not recognise this file as an nwipe/ShredOS log, a Blancco report or the "
    "generic erasure CSV (whose columns are described in docs/erasure-csv.md)."
)


def sha256_hex(data: bytes) -> str:
    """The file's SHA-256 as 64 lower-case hex digits, to show the evidence was not changed."""
    return hashlib.sha256(data).hexdigest()


def kind_of(data: bytes) -> str | None:
    """ "nwipe", "blancco" or "generic" for the parser that should read `data`, or None."""
    head = bytes(data[:HEAD])
    if NWIPE_TABLE in head or (
        NWIPE_TIMESTAMP.search(head) and any(marker in head for marker in NWIPE_MARKERS)
    ):
        return "nwipe"
    start = head.lstrip(LEADING)
    if start.startswith((b"<", b"{", b"[")):
        return "blancco" if b"blancco" in head.lower() else None
    first_line = start.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    if looks_like_header(first_line):
        return "generic"
    return None


def parse_evidence(data: bytes, filename: str = "") -> ErasureReport:
    """Read any erasure evidence Rehome knows. Raises ErasureParseError for anything else."""
    if not isinstance(data, bytes | bytearray):
        raise ErasureParseError("Expected the file's bytes.")
    kind = kind_of(data)
    if kind == "nwipe":
        return parse_nwipe(data, filename)
    if kind == "blancco":
        return parse_blancco(data, filename)
    if kind == "generic":
        return parse_generic_csv(data, filename)
    if bytes(data[:5]) == b"%PDF-":
        raise ErasureParseError(
            f"{UNRECOGNISED} This is a PDF: upload the tool's log or report file instead "
            "(for nwipe, the file named by --logfile), not its PDF certificate."
        )
    if not data.strip():
        raise ErasureParseError("This file is empty.")
    raise ErasureParseError(UNRECOGNISED)
