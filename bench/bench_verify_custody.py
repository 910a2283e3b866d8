"""How fast `verify_custody` recomputes the custody ledger, against hashing the same bytes.

Builds a ledger of BENCH_EVENTS custody events (default 1,000,000: a tenth as many devices with
ten events each) in a throw-away SQLite database, and in a throw-away PostgreSQL database when
one answers on 127.0.0.1:5432. The chains are genuine (hashed exactly as `custody.ledger.build`
hashes), written with executemany / COPY rather than the ORM so that set-up takes seconds,
with one checkpoint over them all and AFTER_CHECKPOINT events since (written as the services
write them), as a live ledger checkpointed nightly has.

Then it times, best of BENCH_REPEAT runs (default 3):
  * `custody.ledger.verify()` end to end, which is what `manage.py verify_custody` runs, taking
    turns with the baseline: plain `hashlib.sha256(message).hexdigest()` over
    `custody_chain.message(row)` for every row, the messages computed before the clock starts;
  * where verification's time goes, each piece alone: reading the rows from the database as
    verification's parts read them (each in a forked process, one part after another),
    checking them already in memory (`verify_text_rows`, the core `verify_rows` runs on what
    the database hands it, which also checks each chain's end against its device; and, for
    comparison, `verify_rows` over ordinary rows), and the checkpoint's Merkle root.
The target is verification end to end within 3x the baseline; the output says whether it is met.

A ledger checkpointed nightly has a checkpoint for every night kept, and verification checks each
one's root against the chains as they stood then. So it also times the roots of CHECKPOINTS
checkpoints spread through the ledger (default 12) as verification works them out, back from
the heads its pass found (each reading again only the heads of devices with events after it),
against working each out afresh from every event up to it, and checks that both give the same
roots.
"""

import gc
import hashlib
import multiprocessing
import sys
import time

from bench import _custody

TARGET = 3.0
EVENTS_PER_DEVICE = 10
CHECKPOINTS = 12
AFTER_CHECKPOINT = 1_000  # events since the last (nightly) checkpoint, as a live ledger has


def main() -> None:
    events = _custody.env_int("BENCH_EVENTS", 1_000_000)
    print(f"   {events:,} events; verification best of {_custody.env_int('BENCH_REPEAT', 3)}")
    _custody.run_per_backend("bench.bench_verify_custody")


# ---------------------------------------------------------------------------------------------
# In the worker process, against the throw-away database.


def _text_rows_in_memory():
    """The text rows and device rows verify() reads, read into memory in one process."""
    from custody import ledger

    source = ledger.iter_event_rows()
    with source.parts(1) as parts, parts[0].read() as (batches, walk):
        batches = [list(batch) for batch in batches]
        devices = list(walk._rows)
        if walk._current is not None:
            devices.insert(0, walk._current)
    return batches, devices


def _check_in_memory(batches, device_rows):
    from lib import custody_chain

    return custody_chain.verify_text_rows(batches, custody_chain.DeviceWalk(device_rows))


def _read_part(part) -> float:
    """Seconds to read one part's text rows and devices, checking nothing."""
    started = time.perf_counter()
    with part.read() as (batches, walk):
        for batch in batches:
            for _ in batch:
                pass
        walk.finish()
    return time.perf_counter() - started


def _in_fork(func, *args):
    """func(*args) in a forked process, as verify() runs each part when it splits the ledger."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=lambda: sender.send(func(*args)), daemon=True)
    process.start()
    sender.close()
    try:
        return receiver.recv()
    finally:
        process.join()


def _read_only(workers: int) -> float:
    """Seconds to read every text row as verify()'s parts read them, one part after another.

    Parts read in processes of their own, with connections of their own (on SQLite through
    APSW), so each is timed in a forked process; a ledger in one part is read in this one.
    """
    from custody import ledger

    with ledger.iter_event_rows().parts(workers) as parts:
        if len(parts) == 1:
            return _read_part(parts[0])
        return sum(_in_fork(_read_part, part) for part in parts)


def _events_since_checkpoint(world, count: int) -> int:
    """A correction on each of `count` devices spread through the ledger, written as the
    services write events (numbered and hashed by custody.ledger.build), in one transaction."""
    from django.db import transaction

    from custody import ledger
    from custody.models import CustodyEvent
    from devices.models import Device

    with transaction.atomic():
        ids = Device.objects.order_by("pk").values_list("pk", flat=True)
        step = max(1, ids.count() // count)
        devices = list(Device.objects.filter(pk__in=list(ids[::step][:count])))
        spec = ledger.EventSpec(kind="correction", payload={"note": "Asset tag reprinted"})
        events = [
            ledger.build(device, spec, actor=world.technician, organisation=world.itad_org)
            for device in devices
        ]
        CustodyEvent.objects.bulk_create(events)
        Device.objects.bulk_update(devices, ["ledger_seq", "ledger_head"])
    return len(events)


def worker(vendor: str) -> None:
    _custody.setup_worker()
    from django.db import connection

    from custody import ledger
    from lib import custody_chain

    assert connection.vendor == vendor, (connection.vendor, vendor)
    requested = _custody.env_int("BENCH_EVENTS", 1_000_000)
    repeat = _custody.env_int("BENCH_REPEAT", 3)
    devices = max(1, requested // EVENTS_PER_DEVICE)
    world = _custody.make_world()
    started = time.perf_counter()
    built = _custody.build_ledger(world, devices, EVENTS_PER_DEVICE)
    # A live ledger has a checkpoint, and events since: verify() checks the checkpoint's root
    # against the heads as they stood then.
    ledger.checkpoint_create()
    after = _events_since_checkpoint(world, min(AFTER_CHECKPOINT, devices))
    total = built + after
    print(
        f"   built {built:,} events on {devices:,} devices, a checkpoint over them and "
        f"{after:,} events since, in {time.perf_counter() - started:.1f} s"
    )

    # The bytes every event hashes, for the baseline (computed before any clock starts).
    messages = [custody_chain.message(row[1:14]) for row in ledger.iter_event_rows()]
    gc.collect()

    def end_to_end():
        connection.close()  # as `manage.py verify_custody` starts: a fresh connection
        return ledger.verify()

    def baseline():
        sha = hashlib.sha256
        for data in messages:
            sha(data).hexdigest()

    # Verification and baseline taken turn about, so a busy machine slows both alike.
    verify_s = hash_s = float("inf")
    for _ in range(repeat):
        seconds, result = _custody.best_of(1, end_to_end)
        verify_s = min(verify_s, seconds)
        hash_s = min(hash_s, _custody.best_of(1, baseline)[0])
        if not result.intact or result.events != total or result.checkpoints != 1:
            print(f"   NOT INTACT: {result.as_dict()}")
            raise SystemExit(1)

    # Where the time goes, one piece at a time, in one process.
    # How many processes verify() uses: it splits only a large ledger, and only where it forks.
    workers = custody_chain.PARALLEL_WORKERS if custody_chain._can_fork() else 1
    read_s = min(_read_only(workers) for _ in range(repeat))
    text_s, text = _custody.best_of(repeat, _check_in_memory, *_text_rows_in_memory())
    rows = list(ledger.iter_event_rows())
    plain_s, plain = _custody.best_of(repeat, custody_chain.verify_rows, rows)
    del rows
    heads_s, _ = _custody.best_of(repeat, custody_chain.heads_root, plain.heads)
    source = custody_chain.verify_rows(ledger.iter_event_rows())
    same = (source.events, source.devices, source.heads, source.first_break) == (
        plain.events,
        plain.devices,
        plain.heads,
        plain.first_break,
    ) and (text.events, text.heads) == (plain.events, plain.heads)
    with ledger.iter_event_rows().parts(workers) as parts:
        processes = len(parts)
    ratio = verify_s / hash_s

    def line(label, seconds):
        print(f"   {label:<60} {seconds:6.2f} s  {total / seconds:>10,.0f} events/s")

    plural = "process" if processes == 1 else "processes"
    line(f"verify_custody end to end ({processes} {plural}, intact)", verify_s)
    print("   where the time goes (each in one process, or its parts one after another):")
    line(f"  reading the events as verify_custody's {processes} {plural} read them", read_s)
    line("  checking them and each chain's end, in memory (verify_text_rows)", text_s)
    line("  the checkpoint's Merkle root over every chain head", heads_s)
    line("  for comparison: verify_rows over ordinary rows in memory", plain_s)
    size = sum(map(len, messages)) / total
    line(f"baseline: sha256().hexdigest() of the same {size:.0f}-byte messages", hash_s)
    verdict = "within" if ratio <= TARGET else "NOT within"
    print(
        f"   ratio, end to end / baseline: {ratio:.2f}x, {verdict} the {TARGET:.0f}x target"
        f"; reports of every path agree: {'yes' if same else 'NO'}"
    )
    if ratio > TARGET:
        print(
            f"   the {TARGET:.0f}x target is missed: reading the rows costs "
            f"{read_s / hash_s:.1f}x the baseline, checking them {text_s / hash_s:.1f}x and the "
            f"checkpoint's root {heads_s / hash_s:.1f}x"
            + (f"; {processes} processes share the first two" if processes > 1 else "")
        )
    _nightly_checkpoints(_custody.env_int("BENCH_CHECKPOINTS", CHECKPOINTS), plain.head_leaves())


def _nightly_checkpoints(count: int, leaves) -> None:
    """The roots of `count` checkpoints spread through the ledger, both ways (one pass each):
    worked back from `leaves`, the heads a verification pass found, and afresh."""
    from django.db import connection

    from custody import ledger
    from lib import custody_chain

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM custody_custodyevent")
        low, high = cursor.fetchone()
    cuts = [low + (high - low) * k // count for k in range(1, count + 1)]

    def incrementally():
        roots = ledger._RootsAt(leaves, upto=high).roots(cuts)
        return [roots[cut] for cut in cuts]

    def afresh():
        return [custody_chain.heads_root(ledger._heads_at(cut)) for cut in cuts]

    incremental_s, incremental = _custody.best_of(1, incrementally)
    afresh_s, fresh = _custody.best_of(1, afresh)
    agree = "yes" if incremental == fresh else "NO"
    print(
        f"   the roots of {count} checkpoints spread through the ledger, as verify_custody checks"
        f" them: {incremental_s:.2f} s; worked out afresh for each: {afresh_s:.2f} s"
        f" ({afresh_s / incremental_s:.1f}x); the same roots: {agree}"
    )


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2])
    else:
        main()
