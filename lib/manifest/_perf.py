"""Time the manifest import on 100,000-row files: `python -m lib.manifest._perf [rows]`.

Targets (docs/manifest-import.md): a CSV read, recognised and validated in at most 1.0 s, an
XLSX in at most 2.5 s, peak memory well under 300 MB. Each file is timed in a fresh process so
that one file's memory does not count against the next; best of three runs.
"""

import resource
import subprocess
import sys
import tempfile
import time

from lib.manifest import parse_manifest
from lib.manifest.samples import FLAVOURS, generate_rows, to_csv_bytes, to_xlsx_bytes

TARGETS = {"csv": 1.0, "xlsx": 2.5}


def measure(path: str, kind: str) -> None:
    with open(path, "rb") as file:
        data = file.read()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        result = parse_manifest(data, f"devices.{kind}")
        best = min(best, time.perf_counter() - started)
        assert result.ok, result.errors[:3]
        del result
    print(f"  {kind:4} {len(data) / 1e6:5.1f} MB  {best:5.2f} s", end="")
    print(f" ({'ok' if best <= TARGETS[kind] else 'SLOW'})  peak {peak_mb():4.0f} MB")


def peak_mb() -> float:
    """This process's peak resident memory. ru_maxrss would include the parent's, inherited
    across fork and exec; /proc's high-water mark starts afresh with the program."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start this process's memory high-water mark afresh (Linux 4.0 and later); False where
    it cannot, and `peak_mb` then covers everything before too."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def main(rows: int) -> None:
    for flavour in FLAVOURS:
        headers, cells = generate_rows(rows, seed=2026, flavour=flavour)
        print(f"{flavour}: {rows:,} rows x {len(headers)} columns")
        with tempfile.TemporaryDirectory() as folder:
            for kind, write in (("csv", to_csv_bytes), ("xlsx", to_xlsx_bytes)):
                path = f"{folder}/devices.{kind}"
                with open(path, "wb") as file:
                    file.write(write(headers, cells))
                command = [sys.executable, "-m", "lib.manifest._perf", "--measure", path, kind]
                subprocess.run(command, check=True)  # noqa: S603 (our own module)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
