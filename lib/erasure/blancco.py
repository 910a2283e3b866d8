"""Read a Blancco erasure report, exported as XML or as JSON, into an `ErasureReport`.

Blancco reports hold a `blancco_erasure_report` section with `erasures` → one `erasure` per drive:
its `state`, `start_time`/`end_time`, `erasure_standard_name`, `overwriting_rounds`, sector and
error counts and a `target` (`model`, `serial`, `capacity` in bytes...). Blancco's own XML names
each value with an attribute, as in

    <entries name="erasure">
      <entry name="state" type="string">Successful</entry>
      <entries name="target"><entry name="serial" type="string">S3Z9NB0K</entry></entries>
    </entries>

while other exports use the names as element names (`<erasure><state>…</state></erasure>`) or JSON
objects. All three are turned into the same nested dicts and lists and read the same way.

XML with a DOCTYPE or entity declarations is refused: a report never needs them, and they are how
XML parsers are attacked (entity expansion, external files).
"""

import json
import math
from typing import Any
from xml.parsers import expat

from lib.erasure.model import (
    LARGEST,
    DriveResult,
    ErasureParseError,
    ErasureReport,
    local_time,
    looks_masked,
    outcome_of,
    size_in_bytes,
)

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

REPORT_KEY = "blancco_erasure_report"
STATE_KEYS = ("state", "status", "result")
START_KEYS = ("start_time", "started_at", "start", "started")
END_KEYS = ("end_time", "finished_at", "end", "ended")
STANDARD_KEYS = ("erasure_standard_name", "erasure_standard", "standard", "method")
ROUNDS_KEYS = ("overwriting_rounds", "rounds", "passes")
VERIFY_KEYS = ("verification_percentage", "verification", "verify")
PASS_ERROR_KEYS = ("failed_sectors", "write_errors", "error_count", "errors")
VERIFY_ERROR_KEYS = ("dirty_sectors", "verification_errors", "verify_errors")
TARGET_KEYS = ("target", "disk", "drive", "device")
# Not plain "version": blancco_software_report uses it for the wiped machine's operating system.
VERSION_KEYS = ("product_version", "software_version", "blancco_version")
OPERATOR_KEYS = ("operator", "technician", "erasure_operator", "user_name", "username")

# Vendors that only name the bus ("ATA" for every SATA drive): not worth putting before the model.
BUS_VENDORS = {"", "ATA", "SATA", "SCSI", "SAS", "USB", "NVME", "IDE"}
SUCCESS_STATES = ("successful", "success", "erased", "passed", "completed", "complete", "ok")


def parse_blancco(data: bytes, filename: str = "") -> ErasureReport:
    """Read a Blancco XML or JSON report. Raises ErasureParseError when it is not one."""
    if not isinstance(data, bytes | bytearray):
        raise ErasureParseError("Expected the file's bytes.")
    if len(data) > MAX_BYTES:
        raise ErasureParseError(
            f"This file is {len(data) // (1024 * 1024)} MiB; a Blancco report should be far smaller."
        )
    text = bytes(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        # From the first "<": expat refuses an XML declaration after a blank line.
        tree = _read_xml(text)
    elif text.startswith((b"{", b"[")):
        tree = _read_json(text)
    else:
        raise ErasureParseError("This is not a Blancco report: it is neither XML nor JSON.")
    report = _find_key(tree, REPORT_KEY)
    if report is None:
        raise ErasureParseError(
            "This is not a Blancco erasure report: it has no blancco_erasure_report section."
        )
    warnings: list[str] = []
    erasures = _erasures(report)
    if not erasures:
        raise ErasureParseError("This Blancco report has no erasures in it.")
    drives = [_drive(number, erasure, warnings) for number, erasure in enumerate(erasures, 1)]
    standards = _unique(drive.method or "" for drive in drives)
    if not standards:
        warnings.append("The report does not name an erasure standard.")
    starts = [drive.started_at for drive in drives if drive.started_at]
    ends = [drive.finished_at for drive in drives if drive.finished_at]
    return ErasureReport(
        file=filename,
        tool="blancco",
        tool_version=_first_text(tree, VERSION_KEYS, skip=REPORT_KEY),
        method="; ".join(standards),
        verify="; ".join(_unique(_verify(erasure) for erasure in erasures)) or "unknown",
        rounds=_rounds(erasures, warnings),
        started_at=min(starts) if starts else None,
        finished_at=max(ends) if ends else None,
        outcome=outcome_of([drive.status for drive in drives]),
        drives=drives,
        prng=None,
        operator=_first_text(tree, OPERATOR_KEYS) or None,
        warnings=warnings,
    )


# Reading the file into nested dicts and lists.


def _read_json(text: bytes) -> Any:
    try:
        return _normalise(json.loads(text.decode("utf-8")), 0)
    except ErasureParseError:
        raise
    except UnicodeDecodeError as error:
        raise ErasureParseError(
            f"This JSON file is not UTF-8 text (byte {error.start + 1})."
        ) from None
    except json.JSONDecodeError as error:
        raise ErasureParseError(
            f"line {error.lineno}: this is not valid JSON ({error.msg})."
        ) from None
    except (ValueError, RecursionError):
        raise ErasureParseError(
            "This JSON file is nested too deeply or holds a huge number."
        ) from None


def _normalise(value: Any, depth: int) -> Any:
    """Blancco's JSON export writes each object as a list of one-key objects, in XML's order:

        "erasure": [{"state": "Successful"}, {"target": [{"model": "…"}, {"serial": "…"}]}]

    Such a list becomes one dict (a key that repeats collects a list), as the XML would.
    """
    if depth > MAX_DEPTH:
        raise ErasureParseError("This JSON file is nested too deeply.")
    if isinstance(value, dict):
        return {str(key): _normalise(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        items = [_normalise(item, depth + 1) for item in value]
        if items and all(isinstance(item, dict) and len(item) == 1 for item in items):
            return _group([next(iter(item.items())) for item in items])
        return items
    return value


def _refuse(*_args: object) -> None:
    raise ErasureParseError("XML with a DOCTYPE or entity declarations is not accepted.")


class _TreeBuilder:
    """Turns expat's events into nested dicts: each element becomes {name: value}."""

    def __init__(self) -> None:
        # Each open element: (key, attributes, children as (key, value) pairs, text parts).
        self.stack: list[tuple[str, dict[str, str], list[tuple[str, Any]], list[str]]] = [
            ("", {}, [], [])
        ]
        self.nodes = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.nodes += 1
        if len(self.stack) > MAX_DEPTH or self.nodes > MAX_NODES:
            raise ErasureParseError("This XML file is nested too deeply or is too large.")
        key = tag.rsplit(":", 1)[-1]
        if key in ("entries", "entry") and attributes.get("name"):
            key = attributes["name"]
        self.stack.append((key, attributes, [], []))

    def end(self, _tag: str) -> None:
        key, _attributes, children, text = self.stack.pop()
        value: Any = _group(children) if children else "".join(text).strip()
        self.stack[-1][2].append((key, value))

    def text(self, data: str) -> None:
        self.stack[-1][3].append(data)

    def result(self) -> Any:
        return _group(self.stack[0][2])


def _group(children: list[tuple[str, Any]]) -> dict[str, Any]:
    grouped: dict[str, Any] = {}
    for key, value in children:
        if key not in grouped:
            grouped[key] = value
        elif isinstance(grouped[key], _Repeated):
            grouped[key].append(value)
        else:
            grouped[key] = _Repeated([grouped[key], value])
    return {
        key: list(value) if isinstance(value, _Repeated) else value
        for key, value in grouped.items()
    }


class _Repeated(list):
    """A list made from repeated XML elements, as opposed to a value that was a list."""


def _read_xml(data: bytes) -> Any:
    builder = _TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ErasureParseError(
            f"line {error.lineno}: this is not well-formed XML ({expat.ErrorString(error.code)})."
        ) from None
    except ErasureParseError:
        raise
    except (ValueError, LookupError, RecursionError, OverflowError):
        # An encoding expat cannot use, or a document beyond what it can hold.
        raise ErasureParseError("This XML file could not be read.") from None
    return builder.result()


# Finding values in the tree, without recursion and to a bounded depth.


def _children(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [(str(key), value) for key, value in node.items()]
    if isinstance(node, list):
        return [("", value) for value in node]
    return []


def _find_key(tree: Any, wanted: str) -> Any:
    """The value of the first `wanted` key, breadth first."""
    level = [tree]
    for _depth in range(MAX_DEPTH):
        following = []
        for node in level:
            for key, value in _children(node):
                if key.casefold() == wanted:
                    return value
                following.append(value)
        if not following:
            return None
        level = following
    return None


def _first_text(tree: Any, keys: tuple[str, ...], skip: str = "") -> str:
    """The first non-empty text under one of `keys` (earlier keys win), outside `skip`."""
    for wanted in keys:
        level = [tree]
        for _depth in range(MAX_DEPTH):
            following = []
            for node in level:
                for key, value in _children(node):
                    name = key.casefold()
                    if skip and name == skip:
                        continue
                    if name == wanted and _text(value):
                        return _text(value)
                    following.append(value)
            if not following:
                break
            level = following
    return ""


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        # JSON can spell a NUL or a lone surrogate, which a database cannot store: escape them.
        clean = value.replace("\x00", "\\x00").encode("utf-8", errors="backslashreplace")
        return clean.decode("utf-8").strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return ""


def _get(node: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return None
    folded = {str(key).casefold(): value for key, value in node.items()}
    for key in keys:
        if key in folded:
            return folded[key]
    return None


def _get_text(node: Any, keys: tuple[str, ...]) -> str:
    return _text(_get(node, keys))


def _whole(value: Any) -> int | None:
    """A whole number from 0 to LARGEST, from a JSON number or a string of digits, else None."""
    number = _number(value)
    return number if number is not None and number <= LARGEST else None


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        finite = math.isfinite(value) and value >= 0 and value.is_integer()
        return int(value) if finite else None
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None


def _count(
    node: Any, keys: tuple[str, ...], what: str, number: int, warnings: list[str]
) -> int | None:
    value = _get(node, keys)
    if value is None or value == "":
        return None
    count = _whole(value)
    if count is None:
        shown = _text(value)[:40] or type(value).__name__
        warnings.append(f"Erasure {number}: the {what} '{shown}' is not a whole number.")
    return count


def _unique(values: Any) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


# The report's parts.


def _erasures(report: Any) -> list[dict[str, Any]]:
    erasures = _get(report, ("erasures",))
    if erasures is None:
        erasures = report
    entries = _get(erasures, ("erasure",)) if isinstance(erasures, dict) else erasures
    if entries is None:
        return []
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict)]


def _status(state: str, number: int, warnings: list[str]) -> str:
    folded = state.casefold()
    if folded.startswith(SUCCESS_STATES):
        if "warning" in folded:
            warnings.append(f"Erasure {number}: Blancco reports '{state}'.")
        return "erased"
    if any(word in folded for word in ("fail", "error", "incomplete")):
        return "failed"
    if any(word in folded for word in ("abort", "cancel", "interrupt", "stopped")):
        return "aborted"
    shown = state or "no state"
    warnings.append(f"Erasure {number}: Blancco reports '{shown}'; Rehome counts it as failed.")
    return "failed"


def _time(erasure: Any, keys: tuple[str, ...], number: int, warnings: list[str]) -> str | None:
    text = _get_text(erasure, keys)
    if not text:
        return None
    moment = local_time(text)
    if moment is None:
        warnings.append(f"Erasure {number}: the time '{text[:40]}' is not a date and time.")
    return moment


def _verify(erasure: Any) -> str:
    text = _get_text(erasure, VERIFY_KEYS)
    if not text:
        return ""
    number = text.rstrip("%").strip()
    if number.replace(".", "", 1).isdigit() and number.isascii():
        return "off" if float(number) == 0 else f"{number}%"
    return text


def _rounds(erasures: list[dict[str, Any]], warnings: list[str]) -> int | None:
    rounds = _unique(_get_text(erasure, ROUNDS_KEYS) for erasure in erasures)
    counts = [int(r) for r in rounds if r.isascii() and r.isdigit() and len(r) <= 9]
    if len(counts) == 1:
        return counts[0]
    if len(counts) > 1:
        warnings.append("The erasures in this report used different numbers of rounds.")
    return None


def _drive(number: int, erasure: dict[str, Any], warnings: list[str]) -> DriveResult:
    target = _get(erasure, TARGET_KEYS)
    if not isinstance(target, dict):
        target = erasure
    vendor = _get_text(target, ("vendor", "manufacturer"))
    model = _get_text(target, ("model", "product", "product_name"))
    if vendor.upper() not in BUS_VENDORS and not model.casefold().startswith(vendor.casefold()):
        model = f"{vendor} {model}".strip()
    serial = _get_text(target, ("serial", "serial_number", "serialnumber"))
    if not serial:
        warnings.append(f"Erasure {number}: the report gives no serial number for the drive.")
    capacity = _get(target, ("capacity", "size", "capacity_bytes", "size_bytes"))
    size = _whole(capacity)
    if size is None and capacity not in (None, ""):
        size = size_in_bytes(_text(capacity))
        if size is None:
            warnings.append(f"Erasure {number}: the capacity '{_text(capacity)[:40]}' is unclear.")
    status = _status(_get_text(erasure, STATE_KEYS), number, warnings)
    verify_errors = _count(erasure, VERIFY_ERROR_KEYS, "verification error count", number, warnings)
    verify = _verify(erasure)
    verified: bool | None = None
    if status != "erased" or (verify_errors or 0) > 0 or verify == "off":
        verified = False
    elif verify:
        verified = True
    return DriveResult(
        device=_get_text(target, ("path", "device_path", "device", "dev")),
        model=model,
        serial=serial,
        serial_anonymised=looks_masked(serial),
        size_bytes=size,
        status=status,
        pass_errors=_count(erasure, PASS_ERROR_KEYS, "error count", number, warnings),
        verify_errors=verify_errors,
        sync_errors=None,
        bus=_get_text(target, ("interface_type", "interface", "bus")),
        started_at=_time(erasure, START_KEYS, number, warnings),
        finished_at=_time(erasure, END_KEYS, number, warnings),
        method=_get_text(erasure, STANDARD_KEYS) or None,
        verified=verified,
    )
