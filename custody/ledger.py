"""Writing to, checkpointing and verifying the custody ledger.

`append()` is the only way events are written. Callers hold the device row lock (the device
services take it with select_for_update), so each device's sequence numbers and previous
hashes follow one another even when two requests act on the same device.
"""

import contextlib
import contextvars
import dataclasses
import datetime
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from custody.fields import to_microseconds
from custody.models import Checkpoint, CustodyEvent
from lib import custody_chain


@dataclass(frozen=True)
class EventSpec:
    """What one event records, before it is numbered and hashed."""

    kind: str
    transition: str = ""
    from_state: str = ""
    to_state: str = ""
    from_custodian_id: int | None = None
    to_custodian_id: int | None = None
    payload: dict | None = None


_dated: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "custody_dated", default=None
)


@contextlib.contextmanager
def dated(at: datetime.datetime):
    """Events built inside are dated `at` rather than now: for loading history that happened
    earlier (the demo's past year), never for live actions, which are dated as they happen.
    The hash covers the time either way, so a dated event is as tamper-evident as any."""
    token = _dated.set(at)
    try:
        yield
    finally:
        _dated.reset(token)


def now() -> datetime.datetime:
    """The time the custody records being written now carry: the present, or inside `dated`
    the time given there."""
    return _dated.get() or timezone.now()


def build(device, spec: EventSpec, *, actor, organisation, at=None) -> CustodyEvent:
    """Number and hash the next event of `device`'s chain (not saved), advancing its head."""
    at = at or now()
    seq = device.ledger_seq + 1
    payload = custody_chain.canonical_payload(spec.payload or {})
    row = (
        str(device.uid),
        seq,
        to_microseconds(at),
        spec.kind,
        spec.transition,
        actor.pk if actor else None,
        organisation.pk if organisation else None,
        spec.from_state,
        spec.to_state,
        spec.from_custodian_id,
        spec.to_custodian_id,
        payload,
        device.ledger_head,
    )
    digest = custody_chain.event_hash(row)
    event = CustodyEvent(
        device=device,
        seq=seq,
        occurred_at=at,
        kind=spec.kind,
        transition=spec.transition,
        actor=actor,
        actor_organisation=organisation,
        from_state=spec.from_state,
        to_state=spec.to_state,
        from_custodian_id=spec.from_custodian_id,
        to_custodian_id=spec.to_custodian_id,
        payload=payload,
        prev_hash=device.ledger_head,
        hash=digest,
    )
    device.ledger_seq = seq
    device.ledger_head = digest
    return event


def append(device, spec: EventSpec, *, actor, organisation, at=None) -> CustodyEvent:
    """Write one event; the caller saves the device (its ledger head moved) in the same transaction."""
    event = build(device, spec, actor=actor, organisation=organisation, at=at)
    event.save(force_insert=True)
    return event


# ---------------------------------------------------------------------------------------------
# Maintenance: the only deliberate way past the append-only triggers.


@contextlib.contextmanager
def unlocked(using=None):
    """Let this database connection update or delete custody rows (flush uses it).

    The unlock is local to the connection: other connections still hit the triggers.
    """
    from django.db import connections

    conn = connections[using or "default"]
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        conn.rehome_custody_unlocked = True
    else:
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config('rehome.custody_unlocked', 'on', false)")
    try:
        yield
    finally:
        if conn.vendor == "sqlite":
            conn.rehome_custody_unlocked = False
        elif conn.connection is not None:
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config('rehome.custody_unlocked', '', false)")


# ---------------------------------------------------------------------------------------------
# Reading chains back for verification, without the ORM's per-row cost.

# A device's uid as the dashed text the hash uses, rendered by the database (SQLite stores 32 hex
# digits, PostgreSQL a uuid), for every query that hands uids to the chains or the Merkle tree.
_UID_SQL = {
    "sqlite": (
        "substr(d.uid, 1, 8) || '-' || substr(d.uid, 9, 4) || '-' || substr(d.uid, 13, 4)"
        " || '-' || substr(d.uid, 17, 4) || '-' || substr(d.uid, 21)"
    ),
    "postgresql": "CAST(d.uid AS TEXT)",
}


def _uid_sql() -> str:
    return _UID_SQL[connection.vendor]


_EVENTS_SQL = """
SELECT e.id, {uid}, e.seq, e.occurred_at, e.kind, e.transition, e.actor_id,
       e.actor_organisation_id, e.from_state, e.to_state, e.from_custodian_id,
       e.to_custodian_id, e.payload, e.prev_hash, e.hash
FROM custody_custodyevent e JOIN devices_device d ON d.id = e.device_id
ORDER BY e.device_id, e.seq
"""


def iter_event_rows(batch_size: int = 20_000) -> Iterator[tuple]:
    """Every event as (id, device uid, *fields, hash), ordered by device then sequence.

    What it returns is also a `custody_chain.RowSource`, which `verify_rows` reads in bulk (and,
    for a large ledger, in several processes) rather than one tuple at a time.
    """
    return _EventRows(batch_size)


def _plain_event_rows(batch_size: int) -> Iterator[tuple]:
    events_sql = _EVENTS_SQL.format(uid=_uid_sql())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            cursor = connection.connection.cursor(name="rehome_verify_custody")
            cursor.itersize = batch_size
            cursor.execute(events_sql)
        else:
            cursor = connection.connection.cursor()
            cursor.execute(events_sql)
        try:
            while rows := cursor.fetchmany(batch_size):
                yield from rows
        finally:
            cursor.close()


# The same events as text rows (see custody_chain.verify_text_rows): the device, the sequence
# number, the stored hash and one text, the hashed fields after the device's uid rendered and
# joined by the database (FIELDS order, the previous hash last). Few values cost less to read.
_TEXT_EVENTS_SQL = {
    # SQLite 3.44 and later: concat_ws renders integers in decimal, as printf does (below), in
    # less time, but skips NULLs, so the nullable ids go in as ''. Cast to BLOB, the texts
    # arrive as the UTF-8 bytes that are hashed, from either driver.
    "sqlite-concat_ws": """
SELECT e.device_id, e.seq, CAST(e.hash AS BLOB),
       CAST(concat_ws(char(10), e.seq, e.occurred_at, e.kind, e.transition,
                      ifnull(e.actor_id, ''), ifnull(e.actor_organisation_id, ''), e.from_state,
                      e.to_state, ifnull(e.from_custodian_id, ''), ifnull(e.to_custodian_id, ''),
                      e.payload, e.prev_hash)
            AS BLOB)
FROM custody_custodyevent e {where}
ORDER BY e.device_id, e.seq
""",
    # Before 3.44: printf's %s renders an integer in decimal and NULL as nothing; the format
    # holds newlines.
    "sqlite": """
SELECT e.device_id, e.seq, CAST(e.hash AS BLOB),
       CAST(printf('%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s', e.seq, e.occurred_at,
                   e.kind, e.transition, e.actor_id, e.actor_organisation_id, e.from_state,
                   e.to_state, e.from_custodian_id, e.to_custodian_id, e.payload, e.prev_hash)
            AS BLOB)
FROM custody_custodyevent e {where}
ORDER BY e.device_id, e.seq
""",
    # concat_ws renders integers in decimal but skips NULLs, so the nullable ids go in as text.
    "postgresql": """
SELECT e.device_id, e.seq, e.hash,
       concat_ws(chr(10), e.seq, e.occurred_at, e.kind, e.transition,
                 coalesce(CAST(e.actor_id AS TEXT), ''),
                 coalesce(CAST(e.actor_organisation_id AS TEXT), ''), e.from_state, e.to_state,
                 coalesce(CAST(e.from_custodian_id AS TEXT), ''),
                 coalesce(CAST(e.to_custodian_id AS TEXT), ''), e.payload, e.prev_hash)
FROM custody_custodyevent e {where}
ORDER BY e.device_id, e.seq
""",
}
# The devices of a part, as custody_chain.DeviceWalk takes them: the uid as the hash renders it
# (_UID_SQL) and the recorded head as bytes, both rendered by the database rather than converted
# device by device in Python.
_DEVICES_SQL = (
    "SELECT d.id, {uid}, d.ledger_seq, {head} FROM devices_device d {where} ORDER BY d.id"
)
_HEAD_BYTES_SQL = {
    "sqlite": "CAST(d.ledger_head AS BLOB)",
    "postgresql": "convert_to(d.ledger_head, 'UTF8')",
}
# Below this many events, verification reads in one process (starting others costs more).
PARALLEL_MIN_EVENTS = 100_000
# Rows a PostgreSQL part receives at a time when it streams its events.
STREAM_CHUNK = 2_000


class _EventRows(custody_chain.RowSource):
    """The ledger's events for verify_rows. Iterating gives ordinary rows."""

    def __init__(self, batch_size: int, low: int | None = None, high: int | None = None):
        self.batch_size = batch_size
        self.low = low  # device ids from `low` (inclusive) to `high` (exclusive); None: no bound
        self.high = high
        self.snapshot = None  # PostgreSQL: the exported snapshot every part reads
        self.pid = os.getpid()  # the process whose Django connection may read this part
        self._rows = None

    # As an iterator of ordinary rows it is the generator it replaces.
    def __iter__(self) -> Iterator[tuple]:
        return self

    def __next__(self) -> tuple:
        if self._rows is None:
            self._rows = _plain_event_rows(self.batch_size)
        return next(self._rows)

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()

    @contextlib.contextmanager
    def parts(self, n: int):
        """The ledger in up to n parts by device id, each readable in a forked process.

        Several parts only for a large ledger, and only outside any transaction (other
        connections could not see its uncommitted rows). On PostgreSQL every part (even a lone
        one, outside a transaction) reads one snapshot, exported from a transaction held open
        meanwhile, on connections of its own, so it can stream its events. On SQLite the
        process must hold no lock when it forks (SQLite keeps its lock bookkeeping per process,
        and a fork copies it), so each part reads in a read transaction of its own: each
        device's chain is read whole in one of them, which is all its verification needs.
        """
        vendor = connection.vendor
        bounds = []
        if n > 1 and not connection.in_atomic_block and vendor in ("sqlite", "postgresql"):
            with connection.cursor() as cursor:
                # Ids can skip numbers, so SQLite, which splits by position, counts the rows
                # (an index scan); PostgreSQL's highest id is estimate enough for its sample.
                counting = "count(*)" if vendor == "sqlite" else "max(id)"
                cursor.execute(f"SELECT {counting} FROM custody_custodyevent")  # noqa: S608
                estimate = cursor.fetchone()[0] or 0
                if estimate >= PARALLEL_MIN_EVENTS:
                    bounds = _split_points(cursor, vendor, n, estimate)
        if not bounds and (vendor != "postgresql" or connection.in_atomic_block):
            with transaction.atomic():
                yield [self]
            return
        parts = [
            _EventRows(self.batch_size, low, high)
            for low, high in itertools.pairwise([None, *bounds, None])
        ]
        if vendor == "sqlite":
            yield parts
            return
        # PostgreSQL outside a transaction, even in one part: it streams its events (below).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            for part in parts:
                part.snapshot = snapshot
            yield parts

    def _connect(self):
        """A connection of this part's own, reading what the splitting transaction sees."""
        params = connection.get_connection_params()
        if connection.vendor == "postgresql":
            import psycopg
            from psycopg import sql

            raw = psycopg.connect(**params)
            raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            raw.read_only = True
            if self.snapshot:
                snapshot = sql.Literal(self.snapshot)
                raw.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
        elif not connection.is_in_memory_db():
            # A forked part reads the file with APSW and the SQLite it carries: it hands rows
            # to Python in half the time the sqlite3 module takes. (A second SQLite library in
            # the process that opened the file first could drop that one's POSIX locks when it
            # closes the file, so only a forked process, holding no locks, uses it.)
            import apsw

            flags = apsw.SQLITE_OPEN_READONLY | (apsw.SQLITE_OPEN_URI if params.get("uri") else 0)
            raw = apsw.Connection(params["database"], flags=flags)
            raw.execute("BEGIN")  # one read transaction for both statements
        else:
            raw = connection.get_new_connection(params)
            raw.isolation_level = None
            raw.execute("BEGIN")
        return raw

    @contextlib.contextmanager
    def read(self):
        vendor = connection.vendor
        where, params = self._where("?" if vendor == "sqlite" else "%s")
        devices_sql = _DEVICES_SQL.format(
            uid=_uid_sql(), head=_HEAD_BYTES_SQL[vendor], where=where.format(column="d.id")
        )
        with contextlib.ExitStack() as stack:
            if self.snapshot is not None or os.getpid() != self.pid:
                raw = self._connect()
                stack.callback(raw.close)
            else:
                connection.ensure_connection()
                raw = connection.connection
            events_sql = _TEXT_EVENTS_SQL[_text_dialect(vendor, raw)].format(
                where=where.format(column="e.device_id")
            )
            if vendor == "postgresql" and self.snapshot is not None:
                yield self._streamed(raw, stack, events_sql, devices_sql, params)
                return
            if _is_apsw(raw):
                # APSW's cursors are iterators of rows, and several may run at once.
                devices = raw.execute(devices_sql, params)
                events = raw.execute(events_sql, params)
                yield [events], custody_chain.DeviceWalk(devices)
                return
            if vendor == "postgresql":
                events = raw.cursor(name="rehome_verify_custody", binary=True)
                _load_text_as_bytes(events)
                devices = raw.cursor(name="rehome_verify_custody_devices")
            else:
                events = raw.cursor()
                devices = raw.cursor()
            stack.callback(devices.close)
            stack.callback(events.close)
            events.execute(events_sql, params)
            devices.execute(devices_sql, params)
            walk = custody_chain.DeviceWalk(_rows(devices, 10_000))
            yield _batches(events, self.batch_size), walk

    def _streamed(self, raw, stack, events_sql, devices_sql, params):
        """PostgreSQL, for a part reading the exported snapshot on connections of its own.

        The events stream in chunks (libpq's chunked rows): the server renders rows while this
        process checks those before them, and spends less than it does answering a cursor's
        FETCH after FETCH. Nothing else can run on a connection while it streams, so the
        devices come from a second connection reading the same snapshot.
        """
        import psycopg

        device_raw = self._connect()
        stack.callback(device_raw.close)
        devices = device_raw.cursor(name="rehome_verify_custody_devices")
        devices.execute(devices_sql, params)
        walk = custody_chain.DeviceWalk(_rows(devices, 10_000))
        # A plain cursor (Django's connections make client-side binding ones, which cannot
        # receive binary rows).
        events = psycopg.Cursor(raw)
        _load_text_as_bytes(events)
        # Chunks need libpq 17 (psycopg's binary wheels carry it); before, rows come one by one.
        # Closing the connection ends a stream that verification left unfinished.
        size = STREAM_CHUNK if psycopg.pq.version() >= 170000 else 1
        return [events.stream(events_sql, params, binary=True, size=size)], walk

    def _where(self, placeholder: str) -> tuple[str, list[int]]:
        clauses, params = [], []
        if self.low is not None:
            clauses.append("{column} >= " + placeholder)
            params.append(self.low)
        if self.high is not None:
            clauses.append("{column} < " + placeholder)
            params.append(self.high)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _is_apsw(raw) -> bool:
    return type(raw).__module__ == "apsw"


def _text_dialect(vendor: str, raw) -> str:
    """Which of _TEXT_EVENTS_SQL the connection runs: concat_ws where its SQLite has it."""
    if vendor != "sqlite":
        return vendor
    if _is_apsw(raw):
        import apsw

        version = apsw.sqlite_lib_version()
    else:
        import sqlite3

        version = sqlite3.sqlite_version
    numbers = tuple(int(part) for part in version.split(".")[:2])
    return "sqlite-concat_ws" if numbers >= (3, 44) else "sqlite"


def _load_text_as_bytes(cursor) -> None:
    """Text as the UTF-8 bytes that are hashed, without decoding and encoding it again."""
    from psycopg.types.string import ByteaBinaryLoader

    cursor.adapters.register_loader("text", ByteaBinaryLoader)
    cursor.adapters.register_loader("varchar", ByteaBinaryLoader)


def _batches(cursor, size: int) -> Iterator[list]:
    while rows := cursor.fetchmany(size):
        yield rows


def _rows(cursor, size: int) -> Iterator[tuple]:
    for batch in _batches(cursor, size):
        yield from batch


def _split_points(cursor, vendor: str, n: int, estimate: int) -> list[int]:
    """Device ids that cut the events into n runs of about the same length, in order."""
    points = []
    if vendor == "postgresql":
        # A sample of the table's pages is enough to balance the work.
        percent = min(100.0, 100.0 * 50_000 / estimate)
        cursor.execute(
            "SELECT percentile_disc(%s) WITHIN GROUP (ORDER BY device_id) "
            "FROM custody_custodyevent TABLESAMPLE SYSTEM (%s)",
            [[k / n for k in range(1, n)], percent],
        )
        points = cursor.fetchone()[0] or []
    else:
        for k in range(1, n):
            cursor.execute(
                "SELECT device_id FROM custody_custodyevent ORDER BY device_id LIMIT 1 OFFSET %s",
                [estimate * k // n],
            )
            row = cursor.fetchone()
            if row:
                points.append(row[0])
    # Repeats would make empty parts.
    return sorted({p for p in points if p is not None})


def _heads_at(last_event_id: int) -> dict[str, tuple[int, str]]:
    """Each device's chain head as of a checkpoint: its last event with id ≤ last_event_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {_uid_sql()}, e.seq, e.hash FROM custody_custodyevent e
            JOIN devices_device d ON d.id = e.device_id
            WHERE e.id IN (SELECT max(id) FROM custody_custodyevent
                           WHERE id <= %s GROUP BY device_id)
            """,  # noqa: S608 (the uid expression is a constant)
            [last_event_id],
        )
        return {uid: (seq, digest) for uid, seq, digest in cursor.fetchall()}


def _heads_before(cut: int, upto: int) -> dict[str, tuple[int, str] | None]:
    """The devices with events after id `cut` (up to `upto`), each with its chain head as of
    `cut` (None if it had no events then).

    A device's events take ids in the order of its chain (each is appended under the device's
    row lock), so its head then is the event before the first of those: only the events after
    the cut are read, and one event a device.
    """
    with connection.cursor() as cursor:
        # Scalar subqueries, which the planner keeps as one index lookup a moved device (as a
        # join, PostgreSQL hashes the whole event table when it expects many).
        cursor.execute(
            f"""
            SELECT (SELECT {_uid_sql()} FROM devices_device d WHERE d.id = moved.device_id),
                   moved.first_seq - 1,
                   (SELECT e.hash FROM custody_custodyevent e
                    WHERE e.device_id = moved.device_id AND e.seq = moved.first_seq - 1)
            FROM (SELECT device_id, min(seq) AS first_seq FROM custody_custodyevent
                  WHERE id > %s AND id <= %s GROUP BY device_id) moved
            """,  # noqa: S608 (the uid expression is a constant)
            [cut, upto],
        )
        return {
            uid: None if digest is None else (seq, digest) for uid, seq, digest in cursor.fetchall()
        }


class _RootsAt:
    """The Merkle roots of the chain heads as they stood at checkpoints, worked back from the
    heads a verification pass found.

    A device with no events after a checkpoint has the same head then as now, so a checkpoint's
    root needs only the heads of the devices with events after it, read again as they stood then.
    The checkpoints are taken newest first, each from the one after it: the usual case, a few
    events since the last checkpoint, costs reading those few devices' heads, and a year of
    nightly checkpoints one read of the events since the oldest and a tree a checkpoint.

    `leaves` are the pass's (uid, leaf) in uid order; `upto` is an event id no lower than any
    the pass read (events appended since are among those after a checkpoint, and read again).
    """

    def __init__(self, leaves: list[tuple[str, bytes]], upto: int):
        self.order = [uid for uid, _ in leaves]
        self.leaves = dict(leaves)
        self.upto = upto

    def roots(self, cuts: Iterable[int]) -> dict[int, str]:
        """The root as of each cut (a checkpoint's last event id)."""
        found = {}
        for cut in sorted(set(cuts), reverse=True):
            if cut < self.upto:
                for uid, head in _heads_before(cut, self.upto).items():
                    if head is None:
                        self.leaves.pop(uid, None)  # it came after the cut
                    else:
                        self.leaves[uid] = custody_chain.leaf_hash(uid, *head)
                self.upto = cut
            leaves = self.leaves
            found[cut] = custody_chain.merkle_root(leaves[u] for u in self.order if u in leaves)
        return found


# ---------------------------------------------------------------------------------------------
# Checkpoints.


@transaction.atomic
def checkpoint_create() -> Checkpoint:
    """Hash every chain head into one Merkle root and store it, chained to the last checkpoint.

    On PostgreSQL the event table is locked against inserts for the moment it takes, so the
    events with id up to the checkpoint's last id are exactly those it covers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE custody_custodyevent IN SHARE MODE")
            cursor.execute("LOCK TABLE custody_checkpoint IN EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM custody_custodyevent")
        last_event_id, events = cursor.fetchone()
    heads = _heads_at(last_event_id)
    root = custody_chain.heads_root(heads)
    previous = Checkpoint.objects.order_by("-pk").values_list("hash", flat=True).first()
    previous = previous or custody_chain.GENESIS
    now = timezone.now()
    return Checkpoint.objects.create(
        created_at=now,
        last_event_id=last_event_id,
        events=events,
        devices=len(heads),
        root=root,
        previous=previous,
        hash=custody_chain.checkpoint_hash(
            previous=previous,
            root=root,
            last_event_id=last_event_id,
            events=events,
            devices=len(heads),
            created_us=to_microseconds(now),
        ),
    )


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-pk").first()


def checkpoint_covering(events: Iterable[CustodyEvent]) -> Checkpoint | None:
    """The earliest checkpoint whose root vouches for all of these events, if one exists yet."""
    last_id = max((e.pk for e in events), default=None)
    if last_id is None:
        return None
    return Checkpoint.objects.filter(last_event_id__gte=last_id).order_by("pk").first()


# ---------------------------------------------------------------------------------------------
# Verification.


@dataclass
class Verification:
    events: int
    devices: int
    checkpoints: int
    problems: list[dict]

    @property
    def intact(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "intact": self.intact,
            "events": self.events,
            "devices": self.devices,
            "checkpoints": self.checkpoints,
            "problems": self.problems,
        }


def verify(rows: Iterable[tuple] | None = None) -> Verification:
    """Recompute every chain, then every checkpoint's root and the chain of checkpoints.

    Reports the first broken device and event. Checkpoints are only meaningful over intact
    chains, so they are checked when the chains add up.
    """
    source = iter_event_rows() if rows is None else rows
    # The checkpoints as they stand before the pass: one made after it could cover events the
    # pass did not read.
    checkpoints = list(Checkpoint.objects.order_by("pk"))
    # Rows read in bulk have each chain's end checked against its device in the same pass and
    # come back with each head as its Merkle leaf, all the checkpoints' roots need; other rows
    # keep their heads, which _verify_heads checks.
    bulk = isinstance(source, custody_chain.RowSource)
    report = custody_chain.verify_rows(
        source, keep_heads=not bulk, as_leaves=bulk and bool(checkpoints)
    )
    problems: list[dict] = []
    if report.first_break is not None:
        brk = _with_event_id(report.first_break)
        problems.append(
            {
                "kind": "chain",
                "device": brk.device_uid,
                "seq": brk.seq,
                "event_id": brk.event_id,
                "message": brk.describe(),
            }
        )
    if report.first_break is None and not bulk:
        problems.extend(_verify_heads(report))
    if not problems:
        problems.extend(_verify_checkpoints(checkpoints, report))
    return Verification(
        events=report.events,
        devices=report.devices,
        checkpoints=len(checkpoints),
        problems=problems,
    )


def _with_event_id(brk: custody_chain.Break) -> custody_chain.Break:
    """The break with the row id of its event, when the event exists (bulk reads skip ids)."""
    if brk.event_id is not None or brk.seq is None:
        return brk
    event_id = (
        CustodyEvent.objects.filter(device__uid=brk.device_uid, seq=brk.seq)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return dataclasses.replace(brk, event_id=event_id)


def _verify_heads(report) -> list[dict]:
    """Each device remembers the head of its chain; a chain that ends early lost its last events."""
    from devices.models import Device

    heads = report.heads or {}
    for uid, seq, head in (
        Device.objects.filter(ledger_seq__gt=0)
        .values_list("uid", "ledger_seq", "ledger_head")
        .order_by("pk")
        .iterator(chunk_size=10_000)
    ):
        uid = str(uid)
        found_seq, found_head = heads.get(uid, (0, custody_chain.GENESIS))
        if (found_seq, found_head) != (seq, head):
            return [
                {
                    "kind": "chain",
                    "device": uid,
                    "seq": found_seq + 1,
                    "event_id": None,
                    "message": (
                        f"device {uid}, event {found_seq + 1}: the chain ends at event "
                        f"{found_seq} but the device's last recorded event is {seq} "
                        "(events were deleted from its end)"
                    ),
                }
            ]
    return []


def _verify_checkpoints(checkpoints: list[Checkpoint], report) -> list[dict]:
    problems = []
    previous = custody_chain.GENESIS
    roots = _RootsAt(report.head_leaves(), upto=_max_event_id()).roots(
        checkpoint.last_event_id for checkpoint in checkpoints
    )
    for checkpoint in checkpoints:
        expected_hash = custody_chain.checkpoint_hash(
            previous=checkpoint.previous,
            root=checkpoint.root,
            last_event_id=checkpoint.last_event_id,
            events=checkpoint.events,
            devices=checkpoint.devices,
            created_us=to_microseconds(checkpoint.created_at),
        )
        where = f"checkpoint {checkpoint.pk} ({checkpoint.created_at:%Y-%m-%d %H:%M:%S} UTC)"
        if checkpoint.previous != previous:
            problems.append(
                {
                    "kind": "checkpoint",
                    "checkpoint": checkpoint.pk,
                    "message": f"{where}: does not follow the checkpoint before it",
                }
            )
            break
        if expected_hash != checkpoint.hash:
            problems.append(
                {
                    "kind": "checkpoint",
                    "checkpoint": checkpoint.pk,
                    "message": f"{where}: its own hash does not match its contents",
                }
            )
            break
        if roots[checkpoint.last_event_id] != checkpoint.root:
            problems.append(
                {
                    "kind": "checkpoint",
                    "checkpoint": checkpoint.pk,
                    "message": (
                        f"{where}: the chains as they are now do not produce its root; "
                        "history it vouched for has been rewritten"
                    ),
                }
            )
            break
        previous = checkpoint.hash
    return problems


def _max_event_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM custody_custodyevent")
        return cursor.fetchone()[0]
