"""How fast a 100,000-row manifest is validated and stored, against parsing and inserting alone.

For each backend (a throw-away SQLite file, and a throw-away PostgreSQL database when one
answers), in a fresh process:
  * generates a realistic BENCH_MANIFEST_ROWS-row asset export (default 100,000; a Snipe-IT
    style CSV and the same rows as XLSX);
  * times `donations.manifests.import_file` end to end (read, recognise, normalise, validate
    against the identifiers the platform already holds, and store the items in one
    transaction), best of BENCH_REPEAT runs (default 3), the items removed between runs;
  * says how the time splits: reading the file, recognising and validating, storing;
  * times the baseline in the same run: the same CSV parsed with the csv module and its rows
    inserted into the same table with a plain executemany (SQLite) or COPY (PostgreSQL) and
    committed, as the import commits;
  * prints the process's peak memory (its high-water mark, so it covers everything before it).
Targets: at most 5 s for each file, a ratio to the baseline of at most 3, peak memory at most
500 MB. The output says whether each is met.
"""

import csv
import gc
import io
import resource
import sys

from bench import _custody

TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0
TARGET_MB = 500


def main() -> None:
    rows = _custody.env_int("BENCH_MANIFEST_ROWS", 100_000)
    print(f"   {rows:,} rows; best of {_custody.env_int('BENCH_REPEAT', 3)}")
    _custody.run_per_backend("bench.bench_manifest_import")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.db import connection, transaction

    from donations import manifests
    from donations.models import ManifestItem
    from lib import manifest as manifest_lib
    from lib.manifest import samples

    assert connection.vendor == vendor, (connection.vendor, vendor)
    count = _custody.env_int("BENCH_MANIFEST_ROWS", 100_000)
    repeat = _custody.env_int("BENCH_REPEAT", 3)
    world = _custody.make_world()
    batch = world.batch
    headers, rows = samples.generate_rows(count, seed=2026, flavour="snipe-it")
    files = {
        "CSV": (samples.to_csv_bytes(headers, rows), "assets.csv"),
        "XLSX": (samples.to_xlsx_bytes(headers, rows), "assets.xlsx"),
    }
    del rows
    gc.collect()
    for label, (content, _) in files.items():
        print(f"   {label}: {len(content) / 1e6:.1f} MB")

    def clear():
        ManifestItem.objects.filter(batch=batch).delete()

    def import_once(content, name):
        result, _, manifest = manifests.import_file(batch, content, name)
        assert manifest is not None, result.as_dict()["errors"][:3]
        return result

    def read_only(content, name):
        return manifest_lib.read_table(content, name, manifests.LIMITS)

    def parse_only(content, name):
        return manifests.parse(batch, content, name)

    csv_content = files["CSV"][0]
    # The baseline's rows need a manifest to belong to, as the import's do.
    from donations.models import Manifest

    holder = Manifest.objects.create(
        batch=batch, filename="baseline", content=b"", sha256="", size=0
    ).pk

    def baseline():
        text = csv_content.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        items = [
            (
                batch.pk,
                holder,
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
            for n, r in enumerate(reader, start=2)
        ]
        with transaction.atomic():  # committed, as the import's rows are
            _baseline_insert(connection, items)

    base_s = float("inf")
    results = {}
    for _ in range(repeat):
        base_s = min(base_s, _custody.best_of(1, baseline)[0])
        ManifestItem.objects.filter(manifest_id=holder).delete()
    for label, (content, name) in files.items():
        best = float("inf")
        for _ in range(repeat):
            clear()
            gc.collect()
            seconds, result = _custody.best_of(1, import_once, content, name)
            best = min(best, seconds)
        stored = ManifestItem.objects.filter(batch=batch).count()
        read_s, _ = _custody.best_of(repeat, read_only, content, name)
        parse_s, _ = _custody.best_of(repeat, parse_only, content, name)
        results[label] = (best, read_s, parse_s, stored, result, _peak_mb())

    print(
        f"   baseline: csv module + {'COPY' if vendor == 'postgresql' else 'executemany'}"
        f" of the same CSV rows: {base_s:.2f} s"
    )
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
            f"peak memory so far {peak:.0f} MB, {ok_mem} {TARGET_MB} MB"
        )
        if result.errors:
            print(f"     NOTE: {len(result.errors)} problems reported")


def _baseline_insert(connection, items):
    columns = [
        "batch_id",
        "manifest_id",
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
    else:
        main()
