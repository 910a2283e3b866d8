"""Read Rehome's generic erasure CSV: one row per drive, for tools Rehome has no parser for.

The format is documented for people in docs/erasure-csv.md. In short: UTF-8 (with or without a
byte order mark), commas between values, a header row naming the columns in any order. `serial`,
`status` and `method` are required; the other columns in COLUMNS are optional and may be left out
or left blank. Every problem found is reported, each naming its row (the header is row 1, as a
spreadsheet numbers them) and column.
"""

import csv
import io

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

MAX_BYTES = 16 * 1024 * 1024
MAX_ROWS = 10_000
MAX_PROBLEMS = 20

REQUIRED = ("serial", "status", "method")
OPTIONAL = (
    "tool",
    "tool_version",
    "verify",
    "rounds",
    "started_at",
    "finished_at",
    "device",
    "model",
    "size_bytes",
    "pass_errors",
    "verify_errors",
    "sync_errors",
    "operator",
)
COLUMNS = REQUIRED + OPTIONAL

STATUS_WORDS = {
    "erased": "erased",
    "success": "erased",
    "successful": "erased",
    "passed": "erased",
    "completed": "erased",
    "ok": "erased",
    "failed": "failed",
    "fail": "failed",
    "error": "failed",
    "errors": "failed",
    "aborted": "aborted",
    "abort": "aborted",
    "cancelled": "aborted",
    "canceled": "aborted",
    "interrupted": "aborted",
}


VERIFY_OFF = ("off", "none", "no", "0")


def column_key(name: str) -> str:
    """`Tool Version` → `tool_version`: header names ignore case, spaces and hyphens."""
    return "_".join(name.strip().casefold().replace("-", " ").replace("_", " ").split())


def looks_like_header(line: str) -> bool:
    """True when `line` (the first line of a file) is a header row of this format."""
    names = {column_key(cell) for cell in line.split(",")}
    return all(name in names for name in REQUIRED)


def parse_generic_csv(data: bytes, filename: str = "") -> ErasureReport:
    """Read a generic erasure CSV. Raises ErasureParseError naming every problem's row and column."""
    if not isinstance(data, bytes | bytearray):
        raise ErasureParseError("Expected the file's bytes.")
    if len(data) > MAX_BYTES:
        raise ErasureParseError(
            f"This file is {len(data) // (1024 * 1024)} MiB; an erasure CSV should be far smaller."
        )
    text = _decode(bytes(data))
    records = _records(text)
    if not records or not any(cell.strip() for cell in records[0]):
        raise ErasureParseError("This CSV is empty: it has no header row.")
    header = records[0]
    columns = _columns(header)
    warnings: list[str] = []
    unknown = [name.strip() for name in header if name.strip() and column_key(name) not in COLUMNS]
    if unknown:
        shown = ", ".join(f"'{name[:40]}'" for name in unknown[:10])
        warnings.append(f"Columns Rehome does not use were ignored: {shown}.")

    problems: list[str] = []
    drives: list[DriveResult] = []
    rows: list[dict[str, str]] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            problems.append(
                f"row {number}: {len(record)} values, but the header names {len(header)} columns."
            )
            continue
        row = {
            name: record[index].strip() for name, index in columns.items() if index < len(record)
        }
        nul = [name for name, value in row.items() if "\x00" in value]
        if nul:
            # PostgreSQL cannot store a NUL in text, and no real value holds one.
            problems.append(f"row {number}, column '{nul[0]}': contains a NUL character.")
            continue
        drive = _drive(row, number, problems)
        if drive is not None:
            drives.append(drive)
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ErasureParseError(_problems_message(problems))
    if not drives:
        raise ErasureParseError("This CSV has a header row but no drives below it.")
    return _report(filename, rows, drives, warnings)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise ErasureParseError(
            f"row {row}: this CSV is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again."
        ) from None


def _records(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    if ";" in first and "," not in first:
        raise ErasureParseError(
            "row 1: this CSV uses ';' between values; Rehome expects commas (','). "
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise ErasureParseError(f"This CSV has more than {MAX_ROWS} drives.")
    except csv.Error as error:
        raise ErasureParseError(
            f"row {len(records) + 1}: this is not valid CSV ({error})."
        ) from None
    return records


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        key = column_key(name)
        if key not in COLUMNS:
            continue
        if key in columns:
            problems.append(
                f"row 1: column '{key}' appears twice (columns {columns[key] + 1} and {index + 1})."
            )
        columns[key] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        problems.append(
            f"row 1: the header has no {names} column (required: {', '.join(REQUIRED)})."
        )
    if problems:
        raise ErasureParseError(_problems_message(problems))
    return columns


def _problems_message(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    more = " (and perhaps more)" if len(problems) >= MAX_PROBLEMS else ""
    return f"This CSV has {len(problems)} problems{more}:\n" + "\n".join(problems)


def _whole(row: dict[str, str], name: str, number: int, problems: list[str]) -> int | None:
    value = row.get(name, "")
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) <= 20 and int(value) <= LARGEST:
        return int(value)
    problems.append(
        f"row {number}, column '{name}': '{value[:40]}' is not a whole number of 0 or more."
    )
    return None


def _time(row: dict[str, str], name: str, number: int, problems: list[str]) -> str | None:
    value = row.get(name, "")
    if not value:
        return None
    moment = local_time(value)
    if moment is None:
        problems.append(
            f"row {number}, column '{name}': '{value[:40]}' is not a date and time "
            "like 2026-11-21T10:06:41."
        )
    return moment


def _drive(row: dict[str, str], number: int, problems: list[str]) -> DriveResult | None:
    before = len(problems)
    for name in REQUIRED:
        if not row.get(name):
            problems.append(f"row {number}, column '{name}': empty, but this column is required.")
    status_text = row.get("status", "")
    status = STATUS_WORDS.get(status_text.casefold())
    if status_text and status is None:
        problems.append(
            f"row {number}, column 'status': '{status_text[:40]}' is not one of "
            "erased, failed, aborted."
        )
    size_text = row.get("size_bytes", "")
    size = None
    if size_text.isascii() and size_text.isdigit():
        size = _whole(row, "size_bytes", number, problems)
    elif size_text:
        size = size_in_bytes(size_text)
        if size is None:
            problems.append(
                f"row {number}, column 'size_bytes': '{size_text[:40]}' is not a size like "
                "500107862016 or 500 GB."
            )
    rounds = _whole(row, "rounds", number, problems)
    if rounds == 0:
        problems.append(f"row {number}, column 'rounds': must be 1 or more.")
    drive = DriveResult(
        device=row.get("device", ""),
        model=row.get("model", ""),
        serial=row.get("serial", ""),
        serial_anonymised=looks_masked(row.get("serial", "")),
        size_bytes=size,
        status=status or "failed",
        pass_errors=_whole(row, "pass_errors", number, problems),
        verify_errors=_whole(row, "verify_errors", number, problems),
        sync_errors=_whole(row, "sync_errors", number, problems),
        started_at=_time(row, "started_at", number, problems),
        finished_at=_time(row, "finished_at", number, problems),
        method=row.get("method") or None,
    )
    if drive.started_at and drive.finished_at and drive.finished_at < drive.started_at:
        problems.append(f"row {number}, column 'finished_at': earlier than started_at.")
    verify = row.get("verify", "").casefold()
    if drive.status != "erased" or (drive.verify_errors or 0) > 0 or verify in VERIFY_OFF:
        drive.verified = False
    elif verify:
        drive.verified = True
    return drive if len(problems) == before else None


def _joined(values: list[str]) -> str:
    unique: list[str] = []
    for value in values:
        if value and value not in unique:
            unique.append(value)
    return "; ".join(unique)


def _report(
    filename: str, rows: list[dict[str, str]], drives: list[DriveResult], warnings: list[str]
) -> ErasureReport:
    software = _joined(
        [f"{row.get('tool', '')} {row.get('tool_version', '')}".strip() for row in rows]
    )
    round_counts = {int(row["rounds"]) for row in rows if row.get("rounds")}
    if len(round_counts) > 1:
        warnings.append("The rows give different numbers of rounds.")
    starts = [drive.started_at for drive in drives if drive.started_at]
    ends = [drive.finished_at for drive in drives if drive.finished_at]
    return ErasureReport(
        file=filename,
        tool="generic",
        tool_version=software,
        method=_joined([row.get("method", "") for row in rows]),
        verify=_joined([row.get("verify", "") for row in rows]) or "unknown",
        rounds=round_counts.pop() if len(round_counts) == 1 else None,
        started_at=min(starts) if starts else None,
        finished_at=max(ends) if ends else None,
        outcome=outcome_of([drive.status for drive in drives]),
        drives=drives,
        prng=None,
        operator=_joined([row.get("operator", "") for row in rows]) or None,
        warnings=warnings,
    )
