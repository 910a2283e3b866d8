"""Read an nwipe (or ShredOS, which runs nwipe) log file into an `ErasureReport`.

An nwipe log is text in which most lines look like `[2026/11/21 10:06:41]  notice: message`.
What matters in it:

- `Found /dev/sda, ATA, MODEL, 500 GB, S/N=SERIAL`: one line per drive nwipe saw. The model and
  serial come from here, because the summary table cuts them short.
- `/dev/sda, sect/blk/dev 512/4096/500107862016`: the drive's exact size in bytes.
- the options block (`banner = nwipe 0.33`, `method = ...`, `rounds`, `verify`, `prng`, `quiet`).
- two tables without timestamps at the end: "Error Summary" (pass, verification and fdatasync
  errors per drive) and "Drive Status" (`Erased`, `-FAILED-`, `UABORTED` per drive). Only the
  drives in these tables were wiped; the others were found but not selected.
- a last line saying whether nwipe completed, exited with errors, or was aborted by the user.

Drive serials are whatever bytes the drive's firmware returned, and need not be UTF-8, so the log is
split into lines as bytes and each line is decoded with invalid bytes written as `\\xNN`. nwipe opens
its log file for appending, so one file can hold several runs: only the last is read.
"""

import datetime
import re
from dataclasses import dataclass, field

from lib.erasure.model import (
    LARGEST,
    DriveResult,
    ErasureParseError,
    ErasureReport,
    looks_masked,
    outcome_of,
    size_in_bytes,
)

MAX_BYTES = 64 * 1024 * 1024

TIMESTAMPED = re.compile(r"\[(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)\] ?(.*)", re.ASCII)
LEVELLED = re.compile(r"\s*([a-z]+): ?(.*)", re.ASCII | re.DOTALL)
FOUND = re.compile(r"Found (/[^,]*), (?:(.*?), )?S/N=(.*)", re.DOTALL)
# nwipe's size text is in decimal units: 67108864 bytes shows as "67 MB".
SIZE_TEXT = re.compile(r"\d{1,9}(?:\.\d{1,6})? ?[KMGTPE]?i?B", re.ASCII | re.IGNORECASE)
GEOMETRY = re.compile(r"(/\S+), sect/blk/dev (\d{1,9})/(\d{1,9})/(\d{1,20})\s*", re.ASCII)
OPTION = re.compile(r"\s*(banner|prng|method|quiet|rounds|sync|verify)\s*= ?(.*)", re.DOTALL)
INVOKING = re.compile(r"Invoking method '(.*)' on (/\S+)\s*", re.DOTALL)
HAS_SERIAL = re.compile(r"(/\S+) has serial number")
VERIFIED = re.compile(
    r"\[SUCCESS\] Verified that (/\S+?) is|Verified pass \d+ of \d+, round \d+ of \d+, on '(/\S+?)'"
)
VERIFY_FAILED = re.compile(r"\[FAILURE\] (/\S+?) ")
DEBUG_STATUS = re.compile(
    r"Status: (/\S+), result=-?\d+, pass_errors=(\d{1,12}), verify_errors=(\d{1,12}), "
    r"fsync_errors=(\d{1,12})",
    re.ASCII,
)
THROUGHPUT = re.compile(r"Total Throughput .*?, (.+), (\d{1,9})R\+N?B\+(NV|VL|VA)\s*", re.DOTALL)
BANNER_VERSION = re.compile(r"nwipe\s+v?(\d[\w.\-]*)", re.ASCII | re.IGNORECASE)
TRAILING_VERSION = re.compile(r"_v?(\d+\.\d+(?:\.\d+)*)\s*$", re.ASCII)
VERSION_LINE = re.compile(r"nwipe (\d[\w.\-]*)\s*", re.ASCII)
DEVICE_MENTION = re.compile(r"/dev/[^\s,'\"]+")
# nwipe's lines are under 300 characters; anything far longer is not nwipe's and is skipped.
LONGEST_LINE = 4096

VERIFY_NAMES = {"0": "off", "1": "last pass", "2": "all passes"}
THROUGHPUT_VERIFY = {"NV": "off", "VL": "last pass", "VA": "all passes"}
KNOWN_BUSES = {"ATA", "USB", "SAS", "SCSI", "NVME", "VIRT", "MMC", "UNK", "IDE", "SATA", "FW"}
# C's isspace() in the C locale: what nwipe itself trims, and nothing more.
C_SPACE = " \t\n\v\f\r"

END_COMPLETED = "Nwipe successfully completed"
END_ERRORS = "Nwipe exited with"
END_ABORTED = "Nwipe was aborted by the user"


@dataclass
class _Line:
    number: int
    text: str
    timestamp: str | None = None
    message: str = ""
    levelled: bool = False
    level: str = ""


@dataclass
class _Found:
    device: str
    bus: str
    model: str
    serial: str
    size_text: str
    line: int


@dataclass
class _Run:
    """What one nwipe run's lines said, before deciding what each drive's result is."""

    found: dict[str, _Found] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    exact_sizes: dict[str, int] = field(default_factory=dict)
    # Devices nwipe went on to wipe, in order (a dict as an ordered set).
    selected: dict[str, None] = field(default_factory=dict)
    invoked_at: dict[str, str] = field(default_factory=dict)
    invoked_method: str = ""
    verified: set[str] = field(default_factory=set)
    verify_failed: set[str] = field(default_factory=set)
    debug_errors: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    error_rows: dict[str, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    status_rows: list[tuple[str, str, str, int]] = field(default_factory=list)
    throughput: tuple[str, int, str] | None = None
    version_line: str = ""
    end: str = ""
    end_text: str = ""
    timestamps: list[str] = field(default_factory=list)
    last_seen: dict[str, str] = field(default_factory=dict)


def parse_nwipe(data: bytes, filename: str = "") -> ErasureReport:
    """Read an nwipe / ShredOS log. Raises ErasureParseError when it is not one, or names no drive."""
    if not isinstance(data, bytes | bytearray):
        raise ErasureParseError("Expected the file's bytes.")
    if len(data) > MAX_BYTES:
        raise ErasureParseError(
            f"This file is {len(data) // (1024 * 1024)} MiB; an nwipe log should be far smaller."
        )
    lines = _split_lines(bytes(data))
    warnings: list[str] = []
    lines = _last_run(lines, warnings)
    run = _scan(lines, warnings)
    if not run.found and not run.status_rows:
        raise ErasureParseError(
            "This is not an nwipe log: no 'Found /dev/…' or Drive Status lines."
        )
    drives = _drives(run, warnings)
    if not drives:
        raise ErasureParseError("This nwipe log names no drive that nwipe wiped.")
    method = run.options.get("method", "").strip(C_SPACE)
    if not method:
        method = run.invoked_method or (run.throughput[0] if run.throughput else "")
        if not method:
            warnings.append("The log does not say which wiping method nwipe used.")
    if method.casefold().startswith("verify"):
        warnings.append(f"nwipe's method '{method}' only checks the drive; it does not erase it.")
    return ErasureReport(
        file=filename,
        tool="nwipe",
        tool_version=_version(run),
        method=method,
        verify=_verify(run),
        rounds=_rounds(run),
        started_at=run.timestamps[0] if run.timestamps else None,
        finished_at=run.timestamps[-1] if run.timestamps else None,
        outcome=_outcome(run, drives, warnings),
        drives=drives,
        prng=run.options.get("prng", "").strip(C_SPACE) or None,
        operator=None,
        warnings=warnings,
    )


def _split_lines(data: bytes) -> list[_Line]:
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if len(raw) > LONGEST_LINE:
            lines.append(_Line(number=number, text=""))
            continue
        text = raw.rstrip(b"\r").decode("utf-8", errors="backslashreplace")
        # A NUL cannot be stored in a PostgreSQL text column: write it as the other bad bytes are.
        text = text.replace("\x00", "\\x00")
        line = _Line(number=number, text=text, message=text)
        match = TIMESTAMPED.fullmatch(text)
        if match:
            *moment, rest = match.groups()
            line.timestamp = _iso(*moment)
            levelled = LEVELLED.fullmatch(rest)
            if levelled:
                line.level, line.message = levelled.groups()
                line.levelled = True
            else:
                line.message = rest
        lines.append(line)
    return lines


def _iso(*parts: str) -> str | None:
    """`2026`, `11`, `21`, `10`, `06`, `41` → `2026-11-21T10:06:41`; None if no such moment."""
    try:
        return datetime.datetime(*(int(part) for part in parts)).isoformat()
    except ValueError:
        return None


def _is_end(line: _Line) -> bool:
    """nwipe's last line. (A `fatal: Nwipe exited with errors on device = …` line comes earlier.)"""
    return line.level == "info" and line.message.startswith(
        (END_COMPLETED, END_ERRORS, END_ABORTED)
    )


def _has_content(lines: list[_Line]) -> bool:
    return any(
        (line.levelled and FOUND.fullmatch(line.message)) or "Drive Status" in line.text
        for line in lines
    )


def _last_run(lines: list[_Line], warnings: list[str]) -> list[_Line]:
    """The lines of the last run in the file: nwipe appends each run to the same log file."""
    runs: list[list[_Line]] = [[]]
    for line in lines:
        runs[-1].append(line)
        if _is_end(line):
            runs.append([])
    with_content = [run for run in runs if _has_content(run)]
    if len(with_content) > 1:
        last = with_content[-1]
        warnings.append(
            f"This log holds {len(with_content)} nwipe runs (nwipe adds each run to the end of "
            f"its log file); only the last one, from line {last[0].number}, is read."
        )
        return last
    return with_content[0] if with_content else lines


def _scan(lines: list[_Line], warnings: list[str]) -> _Run:
    run = _Run()
    table = ""
    for line in lines:
        if line.timestamp:
            run.timestamps.append(line.timestamp)
        message = line.message
        if not line.levelled:
            table = _table_line(line, table, run)
            if line.timestamp and message.startswith("Total Throughput"):
                throughput = THROUGHPUT.fullmatch(message)
                if throughput:
                    method, rounds, verify = throughput.groups()
                    run.throughput = (method.strip(C_SPACE), int(rounds), verify)
            continue
        table = ""
        if line.timestamp:
            for mention in DEVICE_MENTION.findall(message):
                run.last_seen[mention.rstrip(".:;)")] = line.timestamp
        _scan_message(line, run, warnings)
    return run


def _scan_message(line: _Line, run: _Run, warnings: list[str]) -> None:
    message = line.message
    if message.startswith("Found "):
        found = _parse_found(line, warnings)
        if found:
            run.found[found.device] = found
        return
    option = OPTION.fullmatch(message)
    if option:
        run.options[option.group(1)] = option.group(2)
        return
    geometry = GEOMETRY.fullmatch(message)
    if geometry:
        if int(geometry.group(4)) <= LARGEST:
            run.exact_sizes[geometry.group(1)] = int(geometry.group(4))
        _select(run, geometry.group(1))
        return
    invoking = INVOKING.fullmatch(message)
    if invoking:
        method, device = invoking.groups()
        run.invoked_method = run.invoked_method or method.strip(C_SPACE)
        if line.timestamp:
            run.invoked_at.setdefault(device, line.timestamp)
        _select(run, device)
        return
    has_serial = HAS_SERIAL.match(message)
    if has_serial:
        _select(run, has_serial.group(1))
        return
    verified = VERIFIED.search(message)
    if verified:
        run.verified.add(verified.group(1) or verified.group(2))
        return
    failed = VERIFY_FAILED.match(message)
    if failed:
        run.verify_failed.add(failed.group(1))
        return
    status = DEBUG_STATUS.search(message)
    if status:
        device, passes, verifies, syncs = status.groups()
        if max(int(passes), int(verifies), int(syncs)) <= LARGEST:
            run.debug_errors[device] = (int(passes), int(verifies), int(syncs))
        return
    version = VERSION_LINE.fullmatch(message)
    if version:
        run.version_line = version.group(1)
        return
    if _is_end(line):
        run.end_text = message.strip(C_SPACE)
        if message.startswith(END_COMPLETED):
            run.end = "completed"
        elif message.startswith(END_ERRORS):
            run.end = "errors"
        else:
            run.end = "aborted"


def _select(run: _Run, device: str) -> None:
    run.selected.setdefault(device, None)


def _table_line(line: _Line, table: str, run: _Run) -> str:
    """Read one line of the summary tables; returns which table the next line belongs to."""
    text = line.text
    stripped = text.strip(C_SPACE)
    if stripped.startswith("*"):
        if "Error Summary" in stripped:
            return "errors"
        if "Drive Status" in stripped:
            return "status"
        return ""
    if not table or line.timestamp or "|" not in text or stripped.startswith("!   Device"):
        return table
    cells = text.split("|", 4)
    device = cells[0].strip(C_SPACE).lstrip("!").strip(C_SPACE)
    if not device:
        return table
    if table == "errors" and len(cells) >= 4:
        counts = tuple(_count(cell) for cell in cells[1:4])
        run.error_rows[device] = (counts[0], counts[1], counts[2])
    elif table == "status" and len(cells) >= 2:
        model_serial = cells[4] if len(cells) == 5 else ""
        run.status_rows.append((device, cells[1].strip(C_SPACE), model_serial, line.number))
    return table


def _count(cell: str) -> int | None:
    cell = cell.strip(C_SPACE)
    number = int(cell) if cell.isascii() and cell.isdigit() and len(cell) <= 20 else None
    return number if number is not None and number <= LARGEST else None


def _parse_found(line: _Line, warnings: list[str]) -> _Found | None:
    match = FOUND.fullmatch(line.message)
    if not match:
        warnings.append(f"line {line.number}: a 'Found' line Rehome could not read was skipped.")
        return None
    device, middle, serial = match.groups()
    parts = [part.strip(C_SPACE) for part in (middle or "").split(",")]
    bus = ""
    size_text = ""
    if len(parts) >= 2 and SIZE_TEXT.fullmatch(parts[-1]):
        size_text = parts.pop()
    # The bus is one short upper-case word (ATA, USB, NVME, VIRT…), blank when nwipe had none.
    first = parts[0]
    if len(parts) >= 2 and (first.upper() in KNOWN_BUSES or not first or _short_upper(first)):
        bus = parts.pop(0)
    model = ", ".join(parts).strip(C_SPACE)
    return _Found(
        device=device.strip(C_SPACE),
        bus=bus,
        model=model,
        serial=serial.strip(C_SPACE),
        size_text=size_text,
        line=line.number,
    )


def _short_upper(word: str) -> bool:
    return len(word) <= 5 and word.isascii() and word.isalpha() and word.isupper()


def _base(device: str) -> str:
    return device.rsplit("/", 1)[-1]


def _find(by_base: dict[str, _Found], table_device: str) -> _Found | None:
    """The Found drive a summary-table row names: the tables show `sda`, not `/dev/sda`."""
    found = by_base.get(table_device)
    if found is None and len(by_base) <= 64:
        # nwipe keeps only the end of a long device name in its tables.
        candidates = [f for base, f in by_base.items() if base.endswith(table_device)]
        found = candidates[0] if len(candidates) == 1 else None
    return found


def _drives(run: _Run, warnings: list[str]) -> list[DriveResult]:
    quiet = run.options.get("quiet", "").strip(C_SPACE).startswith("1")
    if run.status_rows:
        return _drives_from_table(run, quiet, warnings)
    selected = [device for device in run.selected if device in run.found]
    if not selected:
        selected = list(run.found)
    if run.end == "aborted" and "prior to the wipe starting" in run.end_text:
        warnings.append("The user aborted nwipe before any wipe started.")
    elif run.end == "completed":
        warnings.append(
            "nwipe's last line says it completed, but there is no Drive Status table, so no "
            "wipe ran (a drive may have been in use): every drive is counted as aborted."
        )
    else:
        warnings.append(
            "The log ends before nwipe's summary tables (it was cut short, or nwipe was "
            "stopped): every drive is counted as aborted."
        )
    return [
        _drive(run, run.found[device], "aborted", (None, None, None), quiet) for device in selected
    ]


def _drives_from_table(run: _Run, quiet: bool, warnings: list[str]) -> list[DriveResult]:
    drives = []
    used: set[str] = set()
    by_base: dict[str, _Found] = {}
    for found in run.found.values():
        by_base.setdefault(_base(found.device), found)
    for table_device, status_text, model_serial, number in run.status_rows:
        status = _status(status_text)
        if status is None:
            status = "failed"
            warnings.append(
                f"line {number}: nwipe reported status '{status_text}' for {table_device}; "
                "Rehome counts it as failed."
            )
        found = _find(by_base, table_device)
        errors = run.error_rows.get(table_device)
        if found is None:
            model, _, serial = model_serial.strip(C_SPACE).partition("/")
            warnings.append(
                f"line {number}: {table_device} has no 'Found' line, so its model and serial "
                "come from the summary table, which may cut them short."
            )
            found = _Found(table_device, "", model.strip(C_SPACE), serial.strip(C_SPACE), "", 0)
        else:
            used.add(found.device)
        if errors is None:
            errors = run.debug_errors.get(found.device, (None, None, None))
        drives.append(_drive(run, found, status, errors, quiet))
    for device in run.found:
        if device not in used:
            warnings.append(
                f"{device} was found but is not in the Drive Status table (it was not selected "
                "for wiping), so it is left out."
            )
    return drives


def _status(text: str) -> str | None:
    word = text.strip(C_SPACE + "-").upper()
    if word == "ERASED":
        return "erased"
    if "FAIL" in word:
        return "failed"
    if "ABORT" in word:
        return "aborted"
    return None


def _drive(
    run: _Run,
    found: _Found,
    status: str,
    errors: tuple[int | None, int | None, int | None],
    quiet: bool,
) -> DriveResult:
    size = run.exact_sizes.get(found.device)
    if size is None and found.size_text:
        size = size_in_bytes(found.size_text)
    pass_errors, verify_errors, sync_errors = errors
    return DriveResult(
        device=found.device,
        model=found.model,
        serial=found.serial,
        serial_anonymised=quiet or looks_masked(found.serial),
        size_bytes=size,
        status=status,
        pass_errors=pass_errors,
        verify_errors=verify_errors,
        sync_errors=sync_errors,
        bus=found.bus,
        started_at=run.invoked_at.get(found.device),
        finished_at=run.last_seen.get(found.device),
        method=None,
        verified=_verified(run, found.device, status, verify_errors),
    )


def _verified(run: _Run, device: str, status: str, verify_errors: int | None) -> bool | None:
    if status != "erased" or device in run.verify_failed or (verify_errors or 0) > 0:
        return False
    if device in run.verified:
        return True
    if _verify(run) == "off":
        return False
    return None


def _version(run: _Run) -> str:
    banner = run.options.get("banner", "").strip(C_SPACE)
    match = BANNER_VERSION.match(banner)
    if match:
        return match.group(1)
    trailing = TRAILING_VERSION.search(banner)
    if trailing:
        return trailing.group(1)
    return run.version_line or banner


def _verify(run: _Run) -> str:
    text = run.options.get("verify", "").strip(C_SPACE)
    named = re.fullmatch(r"\d+ \((.+)\)", text)
    if named:
        return named.group(1).strip(C_SPACE)
    if text in VERIFY_NAMES:
        return VERIFY_NAMES[text]
    if text:
        return text
    if run.throughput:
        return THROUGHPUT_VERIFY[run.throughput[2]]
    return "unknown"


def _rounds(run: _Run) -> int | None:
    text = run.options.get("rounds", "").strip(C_SPACE)
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return run.throughput[1] if run.throughput else None


def _outcome(run: _Run, drives: list[DriveResult], warnings: list[str]) -> str:
    from_drives = outcome_of([drive.status for drive in drives])
    if not run.status_rows:
        return "errors" if run.end == "errors" else "aborted"
    if run.end == "completed":
        if from_drives != "completed":
            warnings.append(
                "nwipe's last line says it completed successfully, but the Drive Status table "
                "shows drives that were not erased."
            )
        return from_drives
    if run.end:
        return run.end
    warnings.append("The log has no final line saying how nwipe finished.")
    return from_drives
