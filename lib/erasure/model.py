"""Plain data for one piece of data-erasure evidence: the report a parser makes from a file.

Every parser in this package returns an `ErasureReport` or raises `ErasureParseError`; nothing
else escapes, whatever bytes it is given. Times are ISO 8601 strings without a timezone, in the
wiping machine's local time, because that is all an nwipe log records.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Tool = Literal["nwipe", "blancco", "generic"]
DriveStatus = Literal["erased", "failed", "aborted"]
Outcome = Literal["completed", "errors", "aborted"]

TOOLS: tuple[str, ...] = ("nwipe", "blancco", "generic")
DRIVE_STATUSES: tuple[str, ...] = ("erased", "failed", "aborted")
OUTCOMES: tuple[str, ...] = ("completed", "errors", "aborted")


class ErasureParseError(ValueError):
    """The file is not erasure evidence Rehome can read; the message says why, for a person."""


@dataclass
class DriveResult:
    """One drive's result. `device` is as the tool names it ("/dev/sda" for nwipe)."""

    device: str
    model: str
    serial: str
    serial_anonymised: bool
    size_bytes: int | None
    status: DriveStatus
    pass_errors: int | None
    verify_errors: int | None
    sync_errors: int | None
    bus: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    # The standard or method for this drive when the tool records one per drive (Blancco).
    method: str | None = None
    # True when the tool read the drive back and found it erased; None when unknown.
    verified: bool | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "model": self.model,
            "serial": self.serial,
            "serial_anonymised": self.serial_anonymised,
            "size_bytes": self.size_bytes,
            "status": self.status,
            "pass_errors": self.pass_errors,
            "verify_errors": self.verify_errors,
            "sync_errors": self.sync_errors,
        }


@dataclass
class ErasureReport:
    """One run of an erasure tool (or one generic CSV), with a result for each drive it wiped."""

    file: str
    tool: Tool
    tool_version: str
    method: str
    verify: str
    rounds: int | None
    started_at: str | None
    finished_at: str | None
    outcome: Outcome
    drives: list[DriveResult]
    prng: str | None = None
    operator: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The stable JSON shape stored with the evidence; key order is part of the contract."""
        return {
            "file": self.file,
            "tool": self.tool,
            "tool_version": self.tool_version,
            "method": self.method,
            "verify": self.verify,
            "rounds": self.rounds,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "outcome": self.outcome,
            "drives": [drive.to_json_dict() for drive in self.drives],
        }


def outcome_of(statuses: list[str]) -> Outcome:
    """The run's outcome from its drives: any failure is an error, then any abort, else done."""
    if "failed" in statuses:
        return "errors"
    if "aborted" in statuses:
        return "aborted"
    return "completed"


# Helpers the parsers share.

# An ISO-8601-ish date and time at the start of a value; seconds, fraction and zone are optional.
_DATE_TIME = re.compile(
    r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII
)
_SIZE = re.compile(r"\s*(\d{1,15}(?:\.\d{1,6})?)\s*([KMGTPE]?)(i?)B\s*", re.ASCII | re.IGNORECASE)
_DECIMAL = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_MASKED = re.compile(r"X{4,}|\?{4,}|\*{4,}")


# The largest count or size a database's bigint column holds; anything larger is not real.
LARGEST = 2**63 - 1


def local_time(text: str) -> str | None:
    """`2026-11-21T10:06:41+0100` → `2026-11-21T10:06:41`: the wiping machine's clock, no zone.

    A date alone is midnight. Returns None for anything that is not a real date and time.
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        moment = datetime.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return moment.isoformat()


def size_in_bytes(text: str) -> int | None:
    """`500 GB` → 500000000000 (decimal units, as drive makers use); `1 TiB` is binary."""
    match = _SIZE.fullmatch(text)
    if not match:
        return None
    number, unit, binary = match.groups()
    unit = unit.upper()
    scale = 1024 ** ("KMGTPE".index(unit) + 1) if binary and unit else _DECIMAL[unit]
    whole, _, fraction = number.partition(".")
    value = int(whole) * scale
    if fraction:
        value += int(fraction) * scale // 10 ** len(fraction)
    return value if value <= LARGEST else None


def looks_masked(serial: str) -> bool:
    """True for a serial a tool blanked out (`XXXXXXXX`, `?????`, `****`)."""
    return bool(_MASKED.fullmatch(serial))
