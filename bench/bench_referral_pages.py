"""How fast the referral pages answer with a region's worth of referrals, against a plain page.

For each backend (a throw-away SQLite file, and a throw-away PostgreSQL database when one
answers), in a fresh process:
  * loads the demo region (`demo_seed`, scale 1) and then, with `demo.referrals`' bulk loader,
    referrals until there are BENCH_REFERRALS in all (default 200,000), BENCH_VCSE_REFERRALS of
    them (default 5,000) Ladywood Community Hub's, in the state mix `seed_demo --scale 2` uses
    (mostly waiting; about a fifth handed over, with devices, handovers and follow-ups);
  * signs in with the Django test Client, as the demo's VCSE worker (Ladywood Community Hub
    active) and as the demo's Birmingham council officer, and times BENCH_REQUESTS requests
    (default 25, after 3 to warm up) of each page, in turns, reporting the median and the 90th
    percentile of the server's answer (the whole request through the test Client, no network):
      - the VCSE's waiting list, /referrals/ (the first page of 50, with each person's place in
        their area's queue and a likely wait);
      - the council officer's demand page, /demand/ (Birmingham's aggregates, which the page
        keeps for five minutes); and, separately, the same page with its cache cleared before
        each request, the price the first visitor after those minutes pays;
  * times the baseline in the same run, in the same turns: /home/, the workspace home, for the
    same two people: the floor of any signed-in page (session, memberships, base template);
  * for one more request of each page, captures its queries (CaptureQueriesContext; the same
    count on the list's second page shows it does not grow with the rows shown), runs each
    SELECT again alone with its rows fetched, and names the slowest three with their time (on
    PostgreSQL, with the part spent compiling them, JIT), so a missed target says where the
    time goes.
Target: each page's median at most 200 ms. The output says whether it is met.
"""

import statistics
import sys
import time

from bench import _custody

TARGET_MS = 200.0
WARM_UP = 3


def main() -> None:
    total = _custody.env_int("BENCH_REFERRALS", 200_000)
    one = _custody.env_int("BENCH_VCSE_REFERRALS", 5_000)
    requests = _custody.env_int("BENCH_REQUESTS", 25)
    print(
        f"   {total:,} referrals, {one:,} of them one VCSE's; median of {requests} requests "
        f"after {WARM_UP} to warm up"
    )
    _custody.run_per_backend("bench.bench_referral_pages")


# ---------------------------------------------------------------------------------------------
# In the worker process, against the throw-away database.


def _load(total: int, one: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.referrals import seed_referral_volume
    from demo.services import demo_seed
    from referrals.models import Referral
    from regions.models import Region

    started = time.perf_counter()
    demo_seed()
    seeded = time.perf_counter()
    region = Region.objects.get()
    hub = Referral.objects.filter(vcse__name="Ladywood Community Hub").count()
    with transaction.atomic():
        added = seed_referral_volume(
            region=region,
            total=max(0, total - Referral.objects.count()),
            ladywood=max(0, one - hub),
            today=timezone.localdate(),
        )
    loaded = time.perf_counter()
    if connection.vendor == "postgresql":
        # As a long-lived database keeps its tables (the load analysed them; this also sets the
        # visibility map, so index-only scans work as they would in production).
        with connection.cursor() as cursor:
            for table in (
                "referrals_referral",
                "referrals_referralevent",
                "referrals_handover",
                "referrals_followup",
                "devices_device",
            ):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(
        f"   set-up: the demo region in {seeded - started:.1f} s, {added:,} more referrals "
        f"loaded in bulk in {loaded - seeded:.1f} s; {Referral.objects.count():,} in all, "
        f"{Referral.objects.filter(vcse__name='Ladywood Community Hub').count():,} "
        "Ladywood Community Hub's"
    )


def _client(email: str, organisation: str):
    from django.test import Client

    from organisations.memberships import SESSION_KEY
    from organisations.models import Membership

    membership = Membership.objects.select_related("user").get(
        user__email=email, organisation__name=organisation
    )
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def _get(client, url: str) -> float:
    """Milliseconds for one request (HTTPS, as production redirects plain HTTP)."""
    started = time.perf_counter()
    response = client.get(url, secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"   {url} answered {response.status_code}")
    return elapsed


def _queries(client, url: str) -> list[str]:
    """The SQL of one request's queries, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    return [q["sql"] for q in captured.captured_queries]


def _query_ms(sql: str) -> float:
    """Milliseconds for one query run alone with all its rows fetched: the captured times stop
    at execute(), before SQLite has computed most rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def _jit_ms(sql: str) -> float:
    """Milliseconds PostgreSQL spends compiling the query (JIT) before running it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return plan.get("JIT", {}).get("Timing", {}).get("Total", 0.0)


def _short(sql: str, width: int = 160) -> str:
    """The query from its top-level FROM on (its columns left out), cut to `width`."""
    sql = " ".join(sql.split())
    depth = 0
    for n, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", n):
            subqueries = sql[:n].count("(SELECT")
            columns = (
                f"… {subqueries} subquer{'y' if subqueries == 1 else 'ies'} …"
                if subqueries
                else "…"
            )
            sql = f"SELECT {columns}{sql[n:]}"
            break
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    assert connection.vendor == vendor, (connection.vendor, vendor)
    # Production serves static files from a manifest that `collectstatic` writes; nothing has
    # been collected here, so pages name them as DEBUG does (a lookup either way).
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()
    total = _custody.env_int("BENCH_REFERRALS", 200_000)
    one = _custody.env_int("BENCH_VCSE_REFERRALS", 5_000)
    requests = _custody.env_int("BENCH_REQUESTS", 25)
    _load(total, one)
    vcse = _client("vcse@rehome.example", "Ladywood Community Hub")
    council = _client("council@rehome.example", "Birmingham City Council")
    pages = [
        ("waiting list /referrals/ (VCSE worker, Ladywood)", vcse, "/referrals/"),
        ("demand /demand/ (council officer, Birmingham)", council, "/demand/"),
    ]
    baselines = [
        ("baseline: /home/ as the VCSE worker", vcse, "/home/"),
        ("baseline: /home/ as the council officer", council, "/home/"),
    ]
    timings: dict[str, list[float]] = {label: [] for label, _, _ in pages + baselines}
    for _ in range(WARM_UP):
        for _, client, url in pages + baselines:
            _get(client, url)
    # Pages and baselines take turns, so a busy machine slows both alike.
    for _ in range(requests):
        for label, client, url in pages + baselines:
            timings[label].append(_get(client, url))

    def line(label: str, values: list[float], extra: str = "") -> None:
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else median
        print(f"   {label:<52} median {median:7.1f} ms  p90 {p90:7.1f} ms{extra}")

    for label, _, _ in pages:
        median = statistics.median(timings[label])
        verdict = "met" if median <= TARGET_MS else "NOT met"
        line(label, timings[label], f"  target {TARGET_MS:.0f} ms {verdict}")
    for label, _, _ in baselines:
        line(label, timings[label])
    # The demand figures are cached for a few minutes; the first visitor after that pays this.
    from django.core.cache import cache

    cold = []
    for _ in range(max(3, requests // 5)):
        cache.clear()
        cold.append(_get(council, "/demand/"))
    line("demand /demand/ with its figures recounted (cold)", cold)
    print("   where the time goes: each page's queries (one more request, captured), the")
    print("   SELECTs then run again one by one with their rows fetched; the slowest three:")
    for _, client, url in pages:
        queries = _queries(client, url)
        selects = [(_query_ms(sql), sql) for sql in queries if sql.lstrip().startswith("SELECT")]
        print(
            f"     {url}: {len(queries)} queries, the SELECTs "
            f"{sum(ms for ms, _ in selects):.1f} ms in all"
        )
        for ms, sql in sorted(selects, reverse=True)[:3]:
            jit = f" (JIT compilation {_jit_ms(sql):.1f} ms)" if vendor == "postgresql" else ""
            print(f"       {ms:6.1f} ms{jit}: {_short(sql)}")
    print(
        f"     /referrals/?page=2: {len(_queries(vcse, '/referrals/?page=2'))} queries "
        "(as many for the next 50 rows: no query per row)"
    )


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2])
    else:
        main()
