"""Shared set-up for the custody benchmarks: throw-away databases, a small world, fast loading.

Each benchmark runs its measurement in a fresh Python process per database backend, with
`DATABASE_URL` pointing at a throw-away database (a temporary SQLite file, or a uniquely named
PostgreSQL database that is dropped afterwards), so the project's own `rehome.sqlite3` and any
configured database are never touched. Not a benchmark itself (no `bench_` prefix) and not a
test module, so neither `python -m bench` nor pytest runs it.
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lib.custody_chain import EVENT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WORKER_FLAG = "--worker"
CHUNK = 1000  # devices that move through each step together, as a bulk action would move them


# ---------------------------------------------------------------------------------------------
# The parent side: one throw-away database and one worker process per backend.


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def throwaway_sqlite() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="rehome-bench-")
    try:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"rehome_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run_per_backend(module: str) -> None:
    """Run `python -m module --worker VENDOR` against a throw-away database of each backend."""
    backends = [("SQLite", "sqlite", throwaway_sqlite)]
    if postgres_available():
        backends.append(("PostgreSQL", "postgresql", throwaway_postgres))
    else:
        print(f"   PostgreSQL: skipped (nothing answers at {_redacted(POSTGRES_ADMIN_URL)})")
    for label, vendor, database in backends:
        print(f"-- {label}", flush=True)
        with database() as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "rehome.settings",
                # DEBUG off, as in production: Django keeps no log of every query.
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "PYTHONUNBUFFERED": "1",
            }
            command = [sys.executable, "-m", module, WORKER_FLAG, vendor]
            completed = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
            if completed.returncode:
                print(f"   {label}: the benchmark failed (exit status {completed.returncode})")


def _redacted(url: str) -> str:
    return url.split("@")[-1]


def is_worker(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[1] == WORKER_FLAG


# ---------------------------------------------------------------------------------------------
# The worker side: Django against the throw-away database.


def setup_worker() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # as `make run` and a deployment do
    print(f"   migrated the throw-away database in {time.perf_counter() - started:.1f} s")


@dataclass
class World:
    region: object
    donor_org: object
    itad_org: object
    vcse_org: object
    donor: object
    technician: object
    vcse_worker: object
    batch: object


def make_world() -> World:
    """A region, a donor, an ITAD and a VCSE with one user each, and a batch the ITAD processes."""
    from accounts.models import User
    from donations.models import Batch
    from lib.region_pack import read_region_pack
    from organisations.services import membership_create, organisation_create
    from regions.models import Area
    from regions.packs import DEFAULT_PACK
    from regions.services import region_load

    region = region_load(pack=read_region_pack(DEFAULT_PACK))
    areas = list(Area.objects.filter(region=region).order_by("pk"))

    def org(name, kind):
        return organisation_create(region=region, name=name, kinds=[kind], areas_served=areas)

    donor_org = org("Bench Donor plc", "donor")
    itad_org = org("Bench Reuse Ltd", "itad")
    vcse_org = org("Bench Community Hub", "vcse")

    def user(email, name, organisation, role):
        person = User.objects.create_user(email=email, password=None, full_name=name)
        membership_create(user=person, organisation=organisation, role=role)
        return person

    donor = user("donor@bench.example", "Dana Donor", donor_org, "donor_contact")
    technician = user("tech@bench.example", "Tariq Tech", itad_org, "itad_technician")
    vcse_worker = user("vcse@bench.example", "Val Worker", vcse_org, "vcse_worker")
    batch = Batch.objects.create(
        region=region,
        reference="B-BENCH-0001",
        donor=donor_org,
        partner=itad_org,
        area=areas[0],
    )
    return World(region, donor_org, itad_org, vcse_org, donor, technician, vcse_worker, batch)


def insert_devices(world: World, heads: Iterable[tuple[uuid.UUID, int, str]]) -> dict[str, int]:
    """Insert pledged devices in the world's batch, one SSD each, with the given chain heads
    (uid, ledger_seq, ledger_head), in one statement per table. Returns {uid text: device id}.

    The fast path for set-up only: the values are those `device_register` would store, taken
    field by field from a model instance so they follow the model, but without its per-row work.
    """
    from django.db import connection
    from django.utils import timezone

    from devices.models import Device, Drive

    template = Device(
        region=world.region,
        device_type="laptop",
        donor=world.donor_org,
        batch=world.batch,
        area_of_origin=world.batch.area,
        custodian=world.donor_org,
        partner=world.itad_org,
        state="pledged",
        make="Lenovo",
        model="ThinkPad T480",
        year=2019,
        ram_gb=8,
        storage_gb=256,
        state_changed_at=timezone.now(),
        created_at=timezone.now(),
    )
    fields = [f for f in Device._meta.concrete_fields if not f.primary_key]
    names = [f.column for f in fields]
    base = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    uid_field = Device._meta.get_field("uid")
    rows = []
    for n, (uid, seq, head) in enumerate(heads, start=1):
        values = dict(base)
        values["uid"] = uid_field.get_db_prep_save(uid, connection)
        values["serial_number"] = f"SN-{n:07d}"
        values["asset_tag"] = f"BM-{n:07d}"
        values["ledger_seq"] = seq
        values["ledger_head"] = head
        rows.append(tuple(values[f.attname] for f in fields))
    with bulk_load(Device._meta.db_table):
        insert_rows(Device._meta.db_table, names, rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT uid, id FROM devices_device")
            ids = {str(uid_field.to_python(uid)): pk for uid, pk in cursor.fetchall()}
        drive_fields = [f for f in Drive._meta.concrete_fields if not f.primary_key]
        drive = Drive(kind="ssd", model="Samsung SSD", is_data_bearing=True)
        drive_base = {
            f.attname: f.get_db_prep_save(getattr(drive, f.attname), connection)
            for f in drive_fields
        }
        drive_rows = []
        for n, pk in enumerate(sorted(ids.values()), start=1):
            values = dict(drive_base, device_id=pk, serial=f"DRIVE-{n:07d}")
            drive_rows.append(tuple(values[f.attname] for f in drive_fields))
        insert_rows(Drive._meta.db_table, [f.column for f in drive_fields], drive_rows)
    return ids


def _steps(world):
    """Ten events a device meets on its way from a donor to a community hub, in order."""
    donor, itad, vcse = world.donor_org.pk, world.itad_org.pk, world.vcse_org.pk
    people = {donor: world.donor.pk, itad: world.technician.pk, vcse: world.vcse_worker.pk}
    evidence = hashlib.sha256(b"bench erasure log").hexdigest()
    # (kind, transition, from_state, to_state, from_custodian, to_custodian, acting org, payload)
    return [
        ("registered", "", "", "pledged", None, donor, donor, None),
        ("handover_confirmed", "", "pledged", "pledged", donor, itad, itad, "{}"),
        ("transition", "receive", "pledged", "received", itad, itad, itad, "{}"),
        ("evidence", "", "received", "received", itad, itad, itad, None),
        (
            "transition",
            "erase",
            "received",
            "erased",
            itad,
            itad,
            itad,
            f'{{"evidence":"{evidence}"}}',
        ),
        (
            "transition",
            "assess",
            "erased",
            "assessed",
            itad,
            itad,
            itad,
            '{"battery_health_pct":85,"grade":"B","outcome":"refurbish","powers_on":true,'
            '"suggested_outcome":"refurbish"}',
        ),
        (
            "transition",
            "refurbish",
            "assessed",
            "refurbished",
            itad,
            itad,
            itad,
            '{"activation_lock_removed":true,"management_removed":true,'
            '"operating_system":"windows_11","os_version":""}',
        ),
        ("transition", "make_ready", "refurbished", "ready", itad, itad, itad, "{}"),
        ("handover_sent", "", "ready", "ready", itad, vcse, itad, '{"note":"Weekly delivery"}'),
        ("handover_confirmed", "", "ready", "ready", itad, vcse, vcse, "{}"),
    ], people


def build_ledger(world, devices: int, per_device: int) -> int:
    """Genuine chains for `devices` devices, inserted as a bulk action would interleave them.

    Each event is hashed as `custody.ledger.build` hashes it: SHA-256 over the bytes
    `custody_chain.message()` gives for its fields (built here with one join per event; the
    first events are checked against `message()` itself, and `verify()` checks them all).
    """
    import json

    from custody.fields import to_microseconds
    from custody.models import CustodyEvent
    from lib.custody_chain import GENESIS, SCHEME, message

    def canonical(payload: dict) -> str:  # custody_chain.canonical_payload (these hold no floats)
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    started = time.perf_counter()
    steps, people = _steps(world)
    uids = [str(uuid.uuid4()) for _ in range(devices)]
    clock = to_microseconds(world.batch.created_at) - devices * per_device * 1000
    sha = hashlib.sha256
    heads = [GENESIS] * devices
    # Insertion order: per chunk of devices, step by step, so ids interleave across devices.
    events: list[tuple] = []
    append = events.append
    for first in range(0, devices, CHUNK):
        chunk = range(first, min(first + CHUNK, devices))
        for k in range(per_device):
            kind, transition, from_state, to_state, from_c, to_c, org, payload = steps[
                k % len(steps)
            ]
            seq = k + 1
            actor = people[org]
            texts = (
                str(seq),
                kind,
                transition,
                str(actor),
                str(org),
                from_state,
                to_state,
                "" if from_c is None else str(from_c),
                "" if to_c is None else str(to_c),
            )
            for d in chunk:
                n = d + 1
                if payload is not None:
                    text = payload
                elif kind == "registered":
                    text = canonical(
                        {
                            "type": "laptop",
                            "make": "Lenovo",
                            "model": "ThinkPad T480",
                            "serial_number": f"SN-{n:07d}",
                            "imei": "",
                            "asset_tag": f"BM-{n:07d}",
                            "drives": [f"DRIVE-{n:07d}"],
                            "batch": world.batch.reference,
                        }
                    )
                else:
                    text = canonical(
                        {
                            "evidence": {
                                "sha256": sha(f"log {n}".encode()).hexdigest(),
                                "file": f"SN-{n:07d}.log",
                                "tool": "nwipe",
                            },
                            "drives": [
                                {
                                    "serial": f"DRIVE-{n:07d}",
                                    "status": "passed",
                                    "verified": True,
                                    "passes": 1,
                                }
                            ],
                        }
                    )
                clock += 1000
                previous = heads[d]
                data = "\n".join(
                    (SCHEME, uids[d], texts[0], str(clock), *texts[1:], text, previous)
                ).encode()
                digest = sha(data).hexdigest()
                heads[d] = digest
                row = (d, seq, clock, kind, transition, actor, org, from_state, to_state)
                append((*row, from_c, to_c, text, previous, digest))
                if len(events) <= 100:
                    assert data == message((uids[d], *row[1:], from_c, to_c, text, previous))
    generated = time.perf_counter()
    ids = insert_devices(
        world, [(uuid.UUID(uid), per_device, head) for uid, head in zip(uids, heads, strict=True)]
    )
    device_ids = [ids[uid] for uid in uids]
    devices_done = time.perf_counter()
    table = CustodyEvent._meta.db_table
    with bulk_load(table):
        insert_rows(table, EVENT_COLUMNS, ((device_ids[e[0]], *e[1:]) for e in events))
    print(
        f"   set-up: hashed {len(events):,} events in {generated - started:.1f} s, inserted "
        f"{devices:,} devices in {devices_done - generated:.1f} s, the events in "
        f"{time.perf_counter() - devices_done:.1f} s"
    )
    return len(events)


def insert_rows(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """Bulk insert on the raw connection: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    columns = list(columns)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" * len(columns))
        cursor = raw.cursor()
        try:
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (model tables)
            cursor.executemany(statement, rows)
        finally:
            cursor.close()


@contextlib.contextmanager
def bulk_load(table: str) -> Iterator[None]:
    """Load `table` the way a restore does: its plain indexes (and, on PostgreSQL, its foreign
    keys) are dropped for the load and created again afterwards, from their own definitions, so
    the schema ends exactly as migrations left it (and foreign keys are checked once, in bulk)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _ in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            foreign_keys = []
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        if connection.vendor == "sqlite":
            # Room for the unique indexes that stay (random keys), so the load is not I/O-bound.
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        with transaction.atomic():
            yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            # Leave the table as a long-lived database keeps it (vacuumed and analysed, the WAL
            # checkpointed), so no background maintenance runs during the measurements.
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def best_of(repeat: int, func, *args) -> tuple[float, object]:
    """The fastest of `repeat` timed calls, and the last call's result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").replace("_", "")
    return int(value) if value else default
