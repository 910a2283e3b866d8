"""How fast the impact figures render with a million devices, against recounting them.

For each backend (a throw-away SQLite file, and a throw-away PostgreSQL database when one
answers), in a fresh process:
  * loads the demo region (`demo_seed`, scale 1), BENCH_IMPACT_REFERRALS referrals (default
    200,000) with `demo.referrals`' bulk loader, and BENCH_IMPACT_DEVICES devices (default
    1,000,000, about five custody events each, over five years) with `demo.volume`'s, the data
    `seed_demo --scale 6` makes; then recounts the impact tallies (`tally.rebuild()`), as
    `demo_seed` does; each step's time is reported;
  * times BENCH_IMPACT_RUNS (default 10, after 2 to warm up) of each, reporting the median:
      - the public dashboard, /impact/, as it opens (all time) and for the last complete year
        (GET with the Django test Client: the whole request, no network);
      - the annual snapshot for that year as HTML (`impact.reports.snapshot` and
        `render_html`: every figure read and the document rendered);
    and one PDF of the snapshot (`render_report_pdf`, WeasyPrint);
  * times the baseline in the same run: the same figures counted from the records instead of
    the tallies, `tally.recount()` (a GROUP BY over every custody event joined to its device,
    and over handovers, follow-ups and referrals), which is what a page would cost without
    them; and the consistency check, `tally.check()` (that recount compared with the tallies);
  * times what the hot-spot fixes save, the same way: the dashboard with the tallies' covering
    indexes dropped, the devices in progress counted without the (region, state) index, and a
    past day's waiting list without the referrals' covering index;
  * for one more dashboard request (all time), captures its queries and names the slowest three, run
    again alone with their rows fetched, so a missed target says where the time goes.
Targets (issue 7): dashboard and HTML snapshot median at most 500 ms each, the PDF at most 10 s.
"""

import contextlib
import statistics
import sys
import time

from bench import _custody

TARGET_MS = 500.0
PDF_TARGET_S = 10.0
WARM_UP = 2


def main() -> None:
    devices = _custody.env_int("BENCH_IMPACT_DEVICES", 1_000_000)
    referrals = _custody.env_int("BENCH_IMPACT_REFERRALS", 200_000)
    runs = _custody.env_int("BENCH_IMPACT_RUNS", 10)
    print(
        f"   {devices:,} devices (about five custody events each), {referrals:,} referrals; "
        f"median of {runs} runs after {WARM_UP} to warm up"
    )
    _custody.run_per_backend("bench.bench_impact")


# ---------------------------------------------------------------------------------------------
# In the worker process, against the throw-away database.


def _load(devices: int, referrals: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.referrals import seed_referral_volume
    from demo.services import demo_seed
    from demo.volume import seed_device_volume, summary
    from impact import tally
    from referrals.models import Referral
    from regions.models import Region

    today = timezone.localdate()
    started = time.perf_counter()
    demo_seed(today=today)
    region = Region.objects.get()
    seeded = time.perf_counter()
    with transaction.atomic():
        seed_referral_volume(
            region=region,
            total=max(0, referrals - Referral.objects.count()),
            ladywood=min(5_000, referrals // 40),
            today=today,
        )
    referred = time.perf_counter()
    with transaction.atomic():
        added, events = seed_device_volume(region=region, total=devices, today=today)
    loaded = time.perf_counter()
    rows = tally.rebuild()
    rebuilt = time.perf_counter()
    if connection.vendor == "postgresql":
        # As a long-lived database keeps its tables: analysed, and the visibility map set so
        # index-only scans work as they would in production.
        with connection.cursor() as cursor:
            for table in (
                "impact_tally",
                "devices_device",
                "custody_custodyevent",
                "referrals_referral",
                "referrals_handover",
                "referrals_followup",
            ):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    states = ", ".join(f"{state} {n:,}" for state, n in sorted(summary(region).items()))
    print(
        f"   set-up: the demo region in {seeded - started:.1f} s; "
        f"{Referral.objects.count():,} referrals in {referred - seeded:.1f} s; "
        f"{added:,} devices and {events:,} custody events in {loaded - referred:.1f} s "
        f"({events / max(loaded - referred, 1e-9):,.0f} events/s, hashed and inserted); "
        f"the tallies rebuilt ({rows:,} rows) in {rebuilt - loaded:.1f} s"
    )
    print(f"   the devices by state: {states}")
    return region, today


def _timed(func, runs: int) -> list[float]:
    """Milliseconds for each of `runs` calls (after WARM_UP untimed ones)."""
    for _ in range(WARM_UP):
        func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from impact import reports, selectors, tally

    assert connection.vendor == vendor, (connection.vendor, vendor)
    # Production serves static files from a manifest that `collectstatic` writes; nothing has
    # been collected here, so pages name them as DEBUG does (a lookup either way).
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()
    devices = _custody.env_int("BENCH_IMPACT_DEVICES", 1_000_000)
    referrals = _custody.env_int("BENCH_IMPACT_REFERRALS", 200_000)
    runs = _custody.env_int("BENCH_IMPACT_RUNS", 10)
    region, today = _load(devices, referrals)
    year = today.year - 1
    client = Client()

    def dashboard(url: str):
        def get():
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise SystemExit(f"   {url} answered {response.status_code}")

        return get

    def snapshot_html():
        reports.render_html(reports.snapshot(region, year, today=today))

    def line(label: str, ms: float, target: str = "") -> None:
        print(f"   {label:<64} {ms:9.1f} ms{target}")

    def verdict(ms: float, target_ms: float) -> str:
        return f"  target {target_ms:,.0f} ms {'met' if ms <= target_ms else 'NOT met'}"

    figures = {
        "dashboard /impact/, all time (median)": _timed(dashboard("/impact/"), runs),
        f"dashboard /impact/?period={year} (median)": _timed(
            dashboard(f"/impact/?period={year}"), runs
        ),
        f"snapshot {year}, HTML (median)": _timed(snapshot_html, runs),
    }
    for label, times in figures.items():
        median = statistics.median(times)
        line(label, median, verdict(median, TARGET_MS))
    started = time.perf_counter()
    pdf = reports.render_report_pdf(reports.snapshot(region, year, today=today))
    pdf_ms = (time.perf_counter() - started) * 1000
    line(
        f"snapshot {year}, PDF (one, {len(pdf) // 1024:,} KiB)",
        pdf_ms,
        verdict(pdf_ms, PDF_TARGET_S * 1000),
    )

    started = time.perf_counter()
    recounted = tally.recount()
    line(
        f"baseline: every figure recounted from the records ({len(recounted):,} tallies)",
        (time.perf_counter() - started) * 1000,
    )
    # What this hot-spot fixes save, measured the same way: the dashboard with the
    # tallies' covering indexes (impact migration 0003) dropped, then made again; and the
    # devices in progress counted without the devices' (region, state) index (devices 0005).
    with _without(("impact_tally_subject", "impact_tally_measure")):
        without = statistics.median(_timed(dashboard("/impact/"), runs))
    line("baseline: dashboard, all time, without the covering indexes", without)
    scope = selectors.Scope.of_region(region)
    in_progress = lambda: selectors._in_progress(scope)  # noqa: E731
    line(
        "devices in progress (the (region, state) index)",
        statistics.median(_timed(in_progress, runs)),
    )
    with _without(("devices_dev_region__dc2e44_idx",)):
        line(
            "baseline: the same count without that index",
            statistics.median(_timed(in_progress, runs)),
        )
    # A past year's waiting list, as it stood on its last day, with and without the referrals'
    # covering index (referrals 0004).
    from referrals.selectors import waiting_on

    area_ids = list(region.areas.values_list("pk", flat=True))
    last_day = today.replace(year=today.year - 1, month=12, day=31)
    waiting = lambda: waiting_on(area_ids, last_day)  # noqa: E731
    line(
        "the waiting list on a past day (the covering index)",
        statistics.median(_timed(waiting, runs)),
    )
    with _without(("referral_waiting_on",)):
        line(
            "baseline: the same without that index",
            statistics.median(_timed(waiting, runs)),
        )

    started = time.perf_counter()
    problems = tally.check()
    line(
        f"the consistency check, tally.check(): {len(problems)} difference(s)",
        (time.perf_counter() - started) * 1000,
    )

    with CaptureQueriesContext(connection) as captured:
        dashboard("/impact/")()
    selects = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().startswith("SELECT"):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                selects.append(((time.perf_counter() - started) * 1000, sql))
    print(
        f"   where the dashboard's time goes: {len(captured.captured_queries)} queries, the "
        f"SELECTs {sum(ms for ms, _ in selects):.1f} ms in all; the slowest three:"
    )
    for ms, sql in sorted(selects, reverse=True)[:3]:
        print(f"     {ms:7.1f} ms: {_short(sql)}")


@contextlib.contextmanager
def _without(indexes: tuple[str, ...]):
    """Drop `indexes` for the block, then make them again from their own definitions."""
    from django.db import connection

    catalogue = (
        "SELECT indexdef FROM pg_indexes WHERE indexname = %s"
        if connection.vendor == "postgresql"
        else "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s"
    )
    with connection.cursor() as cursor:
        definitions = []
        for name in indexes:
            cursor.execute(catalogue, [name])
            definitions.append(cursor.fetchone()[0])
        for name in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for definition in definitions:
                cursor.execute(definition)
            cursor.execute("ANALYZE impact_tally")


def _short(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2])
    else:
        main()
