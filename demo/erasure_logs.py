"""nwipe logs in the exact shape nwipe 0.33/0.34 writes them, for the demo and the tests.

The demo region needs erasure evidence for devices that never met a real wiping bench; these
logs follow the line formats of the real logs in tests/lib/erasure_samples/ (same options
block, "Found" lines, summary tables and closing line), so they go through the same parser.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class LogDrive:
    serial: str
    model: str = "Samsung SSD 860 EVO 256GB"
    size_bytes: int = 256_060_514_304
    bus: str = "ATA"
    failed: bool = False


def _size(n: int) -> str:
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if n >= scale:
            return f"{n // scale:>3} {unit}"
    return f"{n:>3} B"


def nwipe_log(
    drives: list[str] | list[LogDrive],
    *,
    started: datetime.datetime | None = None,
    method: str = "Fill With Zeros",
    verify: str = "1 (last pass)",
    quiet: bool = False,
) -> bytes:
    """One nwipe run over `drives` (serials or LogDrive), erased unless marked failed."""
    items = [d if isinstance(d, LogDrive) else LogDrive(serial=d) for d in drives]
    t0 = started or datetime.datetime(2026, 11, 2, 9, 30, 0)
    t1 = t0 + datetime.timedelta(minutes=42)
    stamp0 = f"[{t0:%Y/%m/%d %H:%M:%S}]"
    stamp1 = f"[{t1:%Y/%m/%d %H:%M:%S}]"
    names = [f"sd{chr(ord('a') + i)}" for i in range(len(items))]
    shown = ["XXXXXXXXXXXXXXX" if quiet else d.serial for d in items]
    lines = []
    for name, drive, serial in zip(names, items, shown, strict=True):
        lines.append(
            f"{stamp0}  notice: Found /dev/{name}, {drive.bus}, {drive.model}, "
            f"{_size(drive.size_bytes)}, S/N={serial}"
        )
    lines += [
        f"{stamp0}  notice: Opened entropy source '/dev/urandom'.",
        f"{stamp0}  notice: Program options are set as follows...",
        f"{stamp0}  notice:   autonuke = 1 (on)",
        f"{stamp0}  notice:   autopoweroff = 0 (off)",
        f"{stamp0}  notice:   do not wait for a key before exiting",
        f"{stamp0}  notice:   do not show GUI interface",
        f"{stamp0}  notice:   banner   = nwipe 0.34",
        f"{stamp0}  notice:   prng     = Isaac64",
        f"{stamp0}  notice:   method   = {method}",
        f"{stamp0}  notice:   quiet    = {1 if quiet else 0}",
        f"{stamp0}  notice:   rounds   = 1",
        f"{stamp0}  notice:   sync     = 100000",
        f"{stamp0}  notice:   verify   = {verify}",
    ]
    for name, drive, serial in zip(names, items, shown, strict=True):
        lines += [
            f"{stamp0}  notice: /dev/{name} has serial number {serial}",
            f"{stamp0}  notice: /dev/{name}, sect/blk/dev 512/4096/{drive.size_bytes}",
            f"{stamp0}  notice: Invoking method '{method}' on /dev/{name}",
            f"{stamp0}  notice: Starting round 1 of 1 on /dev/{name}",
        ]
    for name, drive in zip(names, items, strict=True):
        lines.append(f"{stamp1}  notice: {drive.size_bytes} bytes written to /dev/{name}")
        if drive.failed:
            lines.append(f"{stamp1}   error: 2048 verification errors on '/dev/{name}'.")
        else:
            lines.append(f"{stamp1}  notice: [SUCCESS] Verified that /dev/{name} is empty.")
    bar = "*" * 80
    lines += [
        "",
        "******************************** Error Summary *********************************",
        "!   Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors",
        "-" * 80,
    ]
    for name, drive in zip(names, items, strict=True):
        flag = "!" if drive.failed else " "
        errors = 2048 if drive.failed else 0
        lines.append(f"{flag}{name:>9} | {0:>11} | {errors:>20} | {0:>20}")
    lines += [
        bar,
        "",
        "********************************* Drive Status *********************************",
        "!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number",
        "-" * 80,
    ]
    for name, drive, serial in zip(names, items, shown, strict=True):
        flag = "!" if drive.failed else " "
        status = "-FAILED-" if drive.failed else " Erased "
        lines.append(
            f"{flag}{name:>9} |{status}| 101 MB/s | 00:42:00 | {drive.model[:17]}/{serial[:9]}"
        )
    lines += ["-" * 80, f"{stamp1} Total Throughput 101 MB/s, {method}, 1R+B+VL", bar, ""]
    if any(d.failed for d in items):
        lines.append(
            f"{stamp1}    info: Nwipe exited with errors, check the log & summary table for "
            "individual drive status."
        )
    else:
        lines.append(
            f"{stamp1}    info: Nwipe successfully completed. See summary table for details."
        )
    return ("\n".join(lines) + "\n").encode()
