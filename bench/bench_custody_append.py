"""How fast a bulk action appends custody events, against inserting the same rows plainly.

Registers BENCH_DEVICES pledged devices (default 10,000) per round in a throw-away SQLite
database, and in a throw-away PostgreSQL database when one answers on 127.0.0.1:5432. Set-up
takes the fast path: rows as `device_register` would store them (with a genuine "registered"
event each), written with executemany / COPY.

Then, for BENCH_REPEAT rounds (default 3) on fresh devices, it times
`devices.services.bulk_apply(ids, "receive", ...)` as the batch's ITAD: it locks and re-checks
every device and appends two events to each chain (handover confirmed, then received) in one
transaction. The baseline, in the same run, is a plain executemany INSERT of as many rows of
precomputed values into the same table in one transaction: no hashing, no ORM, no checks.
"""

import cProfile
import pstats
import secrets
import sys
import time

from bench import _custody


def main() -> None:
    devices = _custody.env_int("BENCH_DEVICES", 10_000)
    rounds = _custody.env_int("BENCH_REPEAT", 3)
    print(f"   bulk_apply 'receive' on {devices:,} devices; best of {rounds} rounds")
    _custody.run_per_backend("bench.bench_custody_append")


# ---------------------------------------------------------------------------------------------
# In the worker process, against the throw-away database.

# Where a profiled round spends its time (cumulative), by the steps of bulk_apply.
STEPS = (
    ("devices/services.py", "_lock", "lock and load the devices (select_for_update, prefetch)"),
    ("devices/services.py", "_reasons", "re-check each device (may_act_on, lifecycle guards)"),
    ("custody/ledger.py", "build", "number and hash the events (ledger.build)"),
    ("devices/services.py", "_save", "write events and devices (_save)"),
    ("django/db/models/query.py", "bulk_create", "  of which the events' bulk_create"),
    ("django/db/backends/utils.py", "executemany", "  of which the devices' UPDATE"),
)


def _baseline_rows(device_ids: list[int], world, first_seq: int) -> list[tuple]:
    """Two rows per device, values fixed in advance: what bulk_apply writes, minus the work."""
    now_us = time.time_ns() // 1000
    itad, donor, tech = world.itad_org.pk, world.donor_org.pk, world.technician.pk
    rows = []
    for device_id in device_ids:
        for seq, kind, transition, from_state, to_state, from_c in (
            (first_seq, "handover_confirmed", "", "pledged", "pledged", donor),
            (first_seq + 1, "transition", "receive", "pledged", "received", itad),
        ):
            rows.append(
                (
                    device_id,
                    seq,
                    now_us,
                    kind,
                    transition,
                    tech,
                    itad,
                    from_state,
                    to_state,
                    from_c,
                    itad,
                    "{}",
                    secrets.token_hex(32),
                    secrets.token_hex(32),
                )
            )
    return rows


def _plain_insert(rows: list[tuple]) -> None:
    from django.db import connection, transaction

    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    statement = (
        f"INSERT INTO custody_custodyevent ({', '.join(_custody.EVENT_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join([placeholder] * len(_custody.EVENT_COLUMNS))})"
    )
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            import psycopg

            # psycopg's own cursor (Django's binds client-side): executemany is pipelined.
            cursor = psycopg.Cursor(raw)
        else:
            cursor = raw.cursor()
        try:
            cursor.executemany(statement, rows)
        finally:
            cursor.close()


def _multirow_insert(rows: list[tuple], per_statement: int = 2000) -> None:
    """The same rows as INSERT ... VALUES (...), (...) statements, as bulk_create writes them."""
    from django.db import connection, transaction

    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    one = f"({', '.join([placeholder] * len(_custody.EVENT_COLUMNS))})"
    head = f"INSERT INTO custody_custodyevent ({', '.join(_custody.EVENT_COLUMNS)}) VALUES "  # noqa: S608
    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                values = [value for row in chunk for value in row]
                cursor.execute(head + ", ".join([one] * len(chunk)), values)
        finally:
            cursor.close()


def _where_time_goes(profile: cProfile.Profile) -> list[tuple[str, float]]:
    stats = pstats.Stats(profile).stats
    total = max(entry[3] for entry in stats.values())
    found = []
    for filename, name, label in STEPS:
        cumulative = sum(
            entry[3]
            for (path, _, function), entry in stats.items()
            if function == name and path.endswith(filename)
        )
        found.append((label, cumulative / total))
    return found


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.db import connection

    from custody import ledger
    from custody.models import CustodyEvent
    from devices import services
    from devices.models import Device

    assert connection.vendor == vendor, (connection.vendor, vendor)
    per_round = _custody.env_int("BENCH_DEVICES", 10_000)
    rounds = max(1, _custody.env_int("BENCH_REPEAT", 3))
    world = _custody.make_world()
    # One set of devices per timed round, one for a profiled round, one for the baseline.
    _custody.build_ledger(world, per_round * (rounds + 2), 1)
    ids = list(Device.objects.order_by("pk").values_list("pk", flat=True))
    sets = [ids[i * per_round : (i + 1) * per_round] for i in range(rounds + 2)]

    def apply(device_ids):
        services.bulk_apply(
            device_ids, "receive", actor=world.technician, organisation=world.itad_org
        )

    times = []
    before = CustodyEvent.objects.count()
    for device_ids in sets[:rounds]:
        connection.close()  # each round starts as a request would: a fresh connection
        times.append(_custody.best_of(1, apply, device_ids)[0])
    events = (CustodyEvent.objects.count() - before) // rounds
    connection.close()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.runcall(apply, sets[rounds])
    profiled = time.perf_counter() - started
    result = ledger.verify()
    if not result.intact:
        print(f"   NOT INTACT after bulk_apply: {result.problems[0]['message']}")
        raise SystemExit(1)

    # Baseline: the same number of rows, precomputed, into the same table. Its rows are not
    # chains (nothing is verified after this); rounds use fresh sequence numbers.
    baseline = []
    for number in range(rounds):
        rows = _baseline_rows(sets[rounds + 1], world, first_seq=2 + 2 * number)[:events]
        connection.close()
        baseline.append(_custody.best_of(1, _plain_insert, rows)[0])

    multirow = []
    for number in range(rounds):
        first_seq = 2 + 2 * (rounds + number)
        rows = _baseline_rows(sets[rounds + 1], world, first_seq=first_seq)[:events]
        connection.close()
        multirow.append(_custody.best_of(1, _multirow_insert, rows)[0])

    best = min(times)
    plain = min(baseline)
    bulk = min(multirow)
    print(
        f"   {per_round:,} devices, {events:,} events per bulk_apply (one transaction); "
        "the ledger verifies intact afterwards"
    )
    print(
        f"   bulk_apply 'receive', best of {rounds}          {best:6.2f} s  "
        f"{events / best:>9,.0f} events/s  (rounds: {', '.join(f'{t:.2f}' for t in times)} s)"
    )
    print(
        f"   baseline: plain executemany INSERT  {plain:6.2f} s  {events / plain:>9,.0f} "
        f"rows/s    (rounds: {', '.join(f'{t:.2f}' for t in baseline)} s)"
    )
    print(f"   bulk_apply takes {best / plain:.1f}x the plain insert of its rows")
    print(
        f"   for reference, multi-row INSERTs   {bulk:6.2f} s  {events / bulk:>9,.0f} "
        f"rows/s    (2,000 rows a statement, as bulk_create writes them)"
    )
    print(f"   where the time goes, from one more round under cProfile ({profiled:.2f} s):")
    for label, share in _where_time_goes(profile):
        print(f"     {label:<60} {share:4.0%}")


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2])
    else:
        main()
