"""How fast a 100,000-row manifest is validated and stored, against parsing and inserting alone.

First a separate process writes a realistic BENCH_MANIFEST_ROWS-row asset export (default
100,000; a Snipe-IT style CSV and the same rows as XLSX) to a temporary folder, so that making
the files counts against no import's memory. Then, for each backend (a throw-away SQLite file,
and a throw-away PostgreSQL database when one answers), in a fresh process:
  * times `donations.manifests.import_file` end to end (read, recognise, normalise, validate
    against the identifiers the platform already holds, and store the items in one
    transaction), best of BENCH_REPEAT runs (default 3), the items removed between runs;
  * says how the time splits: reading the file, recognising and validating, storing, each
    piece timed in the state the import starts from (the batch's items removed);
  * times the baseline in the same run, taking turns with the imports (so a machine that
    slows part way through slows both alike): the same CSV parsed with the csv module and its
    rows inserted into the same table with a plain executemany (SQLite) or COPY (PostgreSQL)
    and committed, as the import commits; and, for comparison only, the same for the XLSX read
    by python-calamine alone;
  * prints the process's peak memory while it imports each file: the high-water mark of the
    whole process (Django, the database driver, the file's bytes and everything the import
    holds), reset before each import where Linux allows it, the highest of its runs.
Targets: at most 5 s for each file, a ratio to the baseline of at most 3, peak memory at most
500 MB. The output says whether each is met.
"""

import csv
import gc
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import python_calamine

from bench import _custody
from lib.manifest._perf import peak_mb, reset_peak

TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0
TARGET_MB = 500
FILES = (("CSV", "assets.csv"), ("XLSX", "assets.xlsx"))
GENERATE_FLAG = "--generate"


def main() -> None:
    rows = _custody.env_int("BENCH_MANIFEST_ROWS", 100_000)
    print(f"   {rows:,} rows; best of {_custody.env_int('BENCH_REPEAT', 3)}")
    with tempfile.TemporaryDirectory(prefix="rehome-bench-manifest-") as folder:
        command = [sys.executable, "-m", "bench.bench_manifest_import", GENERATE_FLAG, folder]
        subprocess.run(command, cwd=_custody.ROOT, check=True)  # noqa: S603 (our own module)
        os.environ["BENCH_MANIFEST_DIR"] = folder
        try:
            _custody.run_per_backend("bench.bench_manifest_import")
        finally:
            del os.environ["BENCH_MANIFEST_DIR"]


def generate(folder: str) -> None:
    """Write the export as CSV and as XLSX into `folder` (in a process of its own)."""
    from lib.manifest import samples

    count = _custody.env_int("BENCH_MANIFEST_ROWS", 100_000)
    headers, rows = samples.generate_rows(count, seed=2026, flavour="snipe-it")
    Path(folder, "assets.csv").write_bytes(samples.to_csv_bytes(headers, rows))
    Path(folder, "assets.xlsx").write_bytes(samples.to_xlsx_bytes(headers, rows))


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.db import connection, transaction

    from donations import manifests
    from donations.models import ManifestItem
    from lib import manifest as manifest_lib

    assert connection.vendor == vendor, (connection.vendor, vendor)
    count = _custody.env_int("BENCH_MANIFEST_ROWS", 100_000)
    repeat = _custody.env_int("BENCH_REPEAT", 3)
    world = _custody.make_world()
    batch = world.batch
    folder = Path(os.environ["BENCH_MANIFEST_DIR"])
    files = {label: ((folder / name).read_bytes(), name) for label, name in FILES}
    for label, (content, _) in files.items():
        print(f"   {label}: {len(content) / 1e6:.1f} MB, {count:,} rows")

    def clear():
        ManifestItem.objects.filter(batch=batch).delete()
        if vendor == "postgresql":
            # Not timed. Removed rows stay in PostgreSQL's indexes until a vacuum, and the next
            # run would insert the very same identifiers beside them, which no donor's first
            # upload meets; a vacuum puts the table back as the first run found it.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM donations_manifestitem")

    def import_once(content, name):
        result, _, manifest = manifests.import_file(batch, content, name)
        assert manifest is not None, result.as_dict()["errors"][:3]
        return result

    def read_only(content, name):
        return manifest_lib.read_table(content, name, manifests.LIMITS)

    def parse_only(content, name):
        return manifests.parse(batch, content, name)

    csv_content = files["CSV"][0]
    xlsx_content = files["XLSX"][0]

    def baseline(rows):
        """The rows as the items the import stores, inserted and committed."""
        with transaction.atomic():  # committed, as the import's rows are
            _baseline_insert(connection, _baseline_items(batch.pk, rows))

    def csv_baseline():
        text = csv_content.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        baseline(reader)

    def xlsx_baseline():
        workbook = python_calamine.CalamineWorkbook.from_object(io.BytesIO(xlsx_content))
        rows = workbook.get_sheet_by_index(0).iter_rows()
        next(rows)
        baseline(rows)

    inserting = "COPY" if vendor == "postgresql" else "executemany"
    # Baselines and imports take turns, so a machine that slows down (or speeds up) part way
    # through slows both alike. Each import's peak is its own: the mark is reset before it.
    base_s = xlsx_base_s = float("inf")
    best = dict.fromkeys(files, float("inf"))
    peaks = dict.fromkeys(files, 0.0)
    last: dict[str, object] = {}
    stored: dict[str, int] = {}
    resets = True
    for _ in range(repeat):
        clear()  # the baseline starts from the same state as the import
        base_s = min(base_s, _custody.best_of(1, csv_baseline)[0])
        clear()
        xlsx_base_s = min(xlsx_base_s, _custody.best_of(1, xlsx_baseline)[0])
        for label, (content, name) in files.items():
            clear()
            gc.collect()
            resets = reset_peak() and resets
            seconds, last[label] = _custody.best_of(1, import_once, content, name)
            peaks[label] = max(peaks[label], peak_mb())
            best[label] = min(best[label], seconds)
            stored[label] = ManifestItem.objects.filter(batch=batch).count()
    results = {}
    for label, (content, name) in files.items():
        # The pieces, each timed from where the import starts: no items in the batch.
        clear()
        read_s, _ = _custody.best_of(repeat, read_only, content, name)
        parse_s, _ = _custody.best_of(repeat, parse_only, content, name)
        results[label] = (best[label], read_s, parse_s, stored[label], last[label], peaks[label])

    print(f"   baseline: csv module + {inserting} of the same CSV rows: {base_s:.2f} s")
    for label, (best, read_s, parse_s, stored, result, peak) in results.items():
        ratio = best / base_s
        store_s = max(0.0, best - parse_s)
        ok_time = "within" if best <= TARGET_SECONDS else "NOT within"
        ok_ratio = "within" if ratio <= TARGET_RATIO else "NOT within"
        ok_mem = "within" if peak <= TARGET_MB else "NOT within"
        print(
            f"   {label}: {best:.2f} s for {stored:,} rows validated and stored "
            f"({stored / best:,.0f} rows/s), {ok_time} {TARGET_SECONDS:.0f} s; "
            f"{ratio:.2f}x the baseline, {ok_ratio} {TARGET_RATIO:.0f}x"
        )
        print(
            f"     split: read {read_s:.2f} s, recognise + normalise + validate "
            f"{max(0.0, parse_s - read_s):.2f} s, store {store_s:.2f} s; "
            f"peak memory {'while importing it' if resets else 'so far'} {peak:.0f} MB, "
            f"{ok_mem} {TARGET_MB} MB"
        )
        if label == "XLSX":
            print(
                f"     for comparison, the same XLSX read by python-calamine alone (none of the "
                f"checks before it) + {inserting}: "
                f"{xlsx_base_s:.2f} s, {best / xlsx_base_s:.2f}x"
            )
        if result.errors:
            print(f"     NOTE: {len(result.errors)} problems reported")


def _baseline_items(batch_id, rows) -> list[tuple]:
    """Rows of the export (asset tag, name, serial, model, …, manufacturer) as stored items."""
    return [
        (
            batch_id,
            n,
            r[2],
            r[0],
            "",
            "laptop",
            r[6],
            r[3],
            "",
            None,
            None,
            None,
            None,
            "",
            r[2],
            r[0],
        )
        for n, r in enumerate(rows, start=2)
    ]


def _baseline_insert(connection, items):
    columns = [
        "batch_id",
        "row",
        "serial_number",
        "asset_tag",
        "imei",
        "device_type",
        "make",
        "model",
        "cpu",
        "ram_gb",
        "storage_gb",
        "year",
        "screen_inches",
        "notes",
        "serial_key",
        "asset_tag_key",
    ]
    _custody.insert_rows("donations_manifestitem", columns, items)


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2])
    elif sys.argv[1:2] == [GENERATE_FLAG]:
        generate(sys.argv[2])
    else:
        main()
