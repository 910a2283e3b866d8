"""The custody ledger's hashing, in plain Python: canonical serialisation, chains and Merkle roots.

An event's hash is SHA-256 over a canonical serialisation of every field it records, including
its device's public id, its sequence number and the hash of the event before it. Editing any
field, deleting or reordering events, or moving an event to another device's chain changes a
hash that the next event (and the next checkpoint) depends on.

Version 1 serialisation: the fields below, in this order, each as text, joined with "\\n".
Integers are decimal, absent values are empty, the time is whole microseconds since the Unix
epoch (UTC) and the payload is canonical JSON (sorted keys, no spaces, UTF-8). JSON escapes
newlines, and the other fields are codes or numbers, so "\\n" cannot occur inside a field.
"""

import abc
import contextlib
import hashlib
import json
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lib.gc_pause import paused_gc

GENESIS = "0" * 64
SCHEME = "rehome-custody-v1"
_sha256 = hashlib.sha256

# Positions in an event row, as `iter_rows` and `verify_rows` take it.
FIELDS = (
    "device_uid",
    "seq",
    "occurred_us",
    "kind",
    "transition",
    "actor_id",
    "actor_organisation_id",
    "from_state",
    "to_state",
    "from_custodian_id",
    "to_custodian_id",
    "payload",
    "prev_hash",
)

# The custody event table's columns in the order bulk loaders insert them (the demo's volume,
# the benchmarks): the fields above as stored, with the device's row id and the event's hash.
EVENT_COLUMNS = (
    "device_id",
    "seq",
    "occurred_at",
    *FIELDS[3:],
    "hash",
)


def canonical_payload(payload: dict) -> str:
    """Canonical JSON for an event's payload. Floats are refused: store decimals as text."""
    _refuse_floats(payload)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _refuse_floats(value) -> None:
    if isinstance(value, float):
        raise TypeError("Custody payloads hold no floats (their text form is not canonical).")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("Custody payload keys must be text.")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)
    elif not (value is None or isinstance(value, str | int | bool)):
        raise TypeError(f"Custody payloads hold text, numbers, lists and objects, not {value!r}.")


def _text(value) -> str:
    return "" if value is None else str(value)


def message(row: tuple) -> bytes:
    """The exact bytes hashed for one event row (fields in FIELDS order)."""
    return "\n".join(
        (
            SCHEME,
            row[0],
            str(row[1]),
            str(row[2]),
            row[3],
            row[4],
            _text(row[5]),
            _text(row[6]),
            row[7],
            row[8],
            _text(row[9]),
            _text(row[10]),
            row[11],
            row[12],
        )
    ).encode()


def event_hash(row: tuple) -> str:
    return _sha256(message(row)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place a chain stops adding up."""

    device_uid: str
    seq: int | None
    event_id: int | None
    problem: str

    def describe(self) -> str:
        where = f"device {self.device_uid}"
        if self.seq is not None:
            where += f", event {self.seq}"
        if self.event_id is not None:
            where += f" (row id {self.event_id})"
        return f"{where}: {self.problem}"


@dataclass
class ChainReport:
    events: int = 0
    devices: int = 0
    heads: dict[str, tuple[int, str]] | None = None  # device uid → (last seq, last hash)
    first_break: Break | None = None
    # The heads' Merkle leaves in uid order, when the parts that read the rows worked them out
    # (in parallel) so that the root costs only the tree; None: the root comes from `heads`.
    leaves: list[tuple[str, bytes]] | None = None

    @property
    def intact(self) -> bool:
        return self.first_break is None

    def head_leaves(self) -> list[tuple[str, bytes]]:
        """(device uid, Merkle leaf) for every chain head, in uid order."""
        return self.leaves if self.leaves is not None else head_leaves(self.heads or {})

    def root(self) -> str:
        """The Merkle root over every chain head, as `heads_root(self.heads)` gives it."""
        return merkle_root(leaf for _, leaf in self.head_leaves())


def verify_rows(
    rows: Iterable[tuple], *, keep_heads: bool = True, as_leaves: bool = False
) -> ChainReport:
    """Recompute every chain from rows of (event_id, *FIELDS, stored_hash).

    Rows must come ordered by device, then sequence number. Stops at the first break: a hash
    that does not match the event's fields, a previous-hash that does not match the event
    before it, or a sequence number out of step (a deleted, inserted or reordered event).

    A `RowSource` (what `custody.ledger.iter_event_rows` returns) is read in bulk instead, and
    a large one in up to `PARALLEL_WORKERS` processes at once; the report is the same. With
    `as_leaves`, the processes reading it hand back each head as its Merkle leaf only (less
    to send, and the leaves hashed in parallel): `report.root()` works, `report.heads` is None.
    """
    if isinstance(rows, RowSource):
        # A million rows' tuples and each chain's head, and no cycles among them (the parts'
        # processes inherit the pause): the collector would only slow the reading by a tenth.
        with paused_gc():
            return _verify_source(rows, keep_heads=keep_heads, as_leaves=as_leaves)
    report = ChainReport(heads={} if keep_heads else None)
    sha = _sha256
    scheme = SCHEME
    current_device = None
    expected_seq = 1
    previous = GENESIS
    heads = report.heads
    events = 0
    devices = 0
    for row in rows:
        (
            event_id,
            device_uid,
            seq,
            occurred_us,
            kind,
            transition,
            actor_id,
            actor_org_id,
            from_state,
            to_state,
            from_custodian,
            to_custodian,
            payload,
            prev_hash,
            stored_hash,
        ) = row
        if device_uid != current_device:
            if current_device is not None and heads is not None:
                heads[current_device] = (expected_seq - 1, previous)
            current_device = device_uid
            devices += 1
            expected_seq = 1
            previous = GENESIS
        events += 1
        if seq != expected_seq:
            problem = (
                f"sequence number {seq} where {expected_seq} was expected "
                "(an event is missing, duplicated or out of order)"
            )
            report.first_break = Break(device_uid, seq, event_id, problem)
            break
        if prev_hash != previous:
            report.first_break = Break(
                device_uid,
                seq,
                event_id,
                "its previous-hash does not match the event before it "
                "(an event before it was removed, edited or moved from another chain)",
            )
            break
        computed = sha(
            (
                f"{scheme}\n{device_uid}\n{seq}\n{occurred_us}\n{kind}\n{transition}\n"
                f"{'' if actor_id is None else actor_id}\n"
                f"{'' if actor_org_id is None else actor_org_id}\n{from_state}\n{to_state}\n"
                f"{'' if from_custodian is None else from_custodian}\n"
                f"{'' if to_custodian is None else to_custodian}\n{payload}\n{prev_hash}"
            ).encode()
        ).hexdigest()
        if computed != stored_hash:
            report.first_break = Break(
                device_uid,
                seq,
                event_id,
                "its stored hash does not match its contents (the row was edited)",
            )
            break
        previous = stored_hash
        expected_seq += 1
    if report.first_break is None and current_device is not None and heads is not None:
        heads[current_device] = (expected_seq - 1, previous)
    report.events = events
    report.devices = devices
    return report


# ---------------------------------------------------------------------------------------------
# Verifying rows read in bulk, in parallel.
#
# Reading a million rows into Python costs more than hashing them, and every value read costs
# an object, so a database hands rows to `verify_rows` as *text rows* of four values:
#
#     (device_key, seq, stored_hash, text)
#
# where `text` is FIELDS[1:] (sequence number to previous hash) joined with "\n" as UTF-8 bytes,
# integers in decimal and absent values empty: the message is then the device's prefix and one
# concatenation, and the previous hash is the end of the text. `device_key` is the source's own
# id for the device; a `DeviceWalk` over the source's devices, in key order, gives each key's
# public id and the chain head the device recorded, so the same pass checks that no chain lost
# its last events. Chains are independent, so a source split into consecutive ranges of devices
# can be checked in several processes, and the reports joined in device order are the report
# of one pass over them all.

# Processes checking one source at once (the database server needs CPU too, so not one a core).
PARALLEL_WORKERS = max(1, min(2, os.cpu_count() or 1))
_SCHEME_BYTES = SCHEME.encode()
_GENESIS_BYTES = GENESIS.encode()


class DeviceWalk:
    """The devices of a source, walked in ascending key order alongside its event rows.

    `rows` gives (key, uid, recorded_seq, recorded_head) in ascending key order: the device's
    public id as the hash renders it and the last event it recorded, its hash in bytes (0 and
    GENESIS before any). `find(key)` answers for keys asked in ascending order; a device passed
    over on the way had no events, so if it recorded any, its whole chain is gone: the first
    such device is kept as `emptied`.
    """

    def __init__(self, rows: Iterable[tuple]):
        self._rows = iter(rows)
        self._current = next(self._rows, None)
        self.emptied: tuple[str, int] | None = None

    def find(self, key) -> tuple | None:
        """(uid, recorded_seq, recorded_head) for `key`, or None if no device has it."""
        current = self._current
        while current is not None and current[0] < key:
            self._passed(current)
            current = self._current = next(self._rows, None)
        if current is None or current[0] != key:
            return None
        self._current = next(self._rows, None)
        return current[1:]

    def finish(self) -> None:
        """Walk past the devices after the last key asked for."""
        while self._current is not None:
            self._passed(self._current)
            self._current = next(self._rows, None)

    def _passed(self, row: tuple) -> None:
        if self.emptied is None and row[2]:
            self.emptied = (row[1], row[2])


def _ended_early(uid: str, found_seq: int, recorded_seq: int) -> Break:
    return Break(
        uid,
        found_seq + 1,
        None,
        f"the chain ends at event {found_seq} but the device's last recorded event is "
        f"{recorded_seq} (events were deleted from its end)",
    )


class RowPart(abc.ABC):
    """A consecutive range of devices' event rows: a `RowSource` or one part of one."""

    @abc.abstractmethod
    def read(self) -> contextlib.AbstractContextManager[tuple[Iterable[Sequence], DeviceWalk]]:
        """A context giving (batches of text rows in device order, a walk over its devices)."""


class RowSource(RowPart):
    """Event rows that a database can hand over in bulk (see above).

    Iterating a source gives ordinary rows, so it stands wherever rows do; `verify_rows` uses
    `parts(n)` instead: a context giving up to n parts over consecutive ranges of devices, in
    device order, which a process forked while it is open can read (with a connection of its
    own: it must leave any it inherited alone).
    """

    @abc.abstractmethod
    def __iter__(self) -> Iterator[tuple]: ...

    @abc.abstractmethod
    def parts(self, n: int) -> contextlib.AbstractContextManager[list[RowPart]]: ...


def verify_text_rows(
    batches: Iterable[Sequence],
    devices: DeviceWalk,
    *,
    keep_heads: bool = True,
    as_leaves: bool = False,
) -> ChainReport:
    """`verify_rows` for batches of text rows, and each chain's end against its device's record.

    The same checks in the same order as `verify_rows`; a break carries no row id (the caller
    can find it from the device and sequence number). With `as_leaves`, each chain's head is
    kept as its Merkle leaf (`report.leaves`, in uid order) rather than in `report.heads`.
    """
    report = ChainReport(heads={} if keep_heads and not as_leaves else None)
    heads = report.heads
    leaves: list[tuple[str, bytes]] | None = [] if as_leaves else None
    uid_bytes = b""
    sha = _sha256
    genesis = _GENESIS_BYTES
    scheme = _SCHEME_BYTES
    find = devices.find
    current_key = current_uid = None
    recorded_seq = 0
    recorded_head = genesis
    hashing = sha().copy
    expected_seq = 1
    previous = genesis
    events = 0
    devices_seen = 0
    brk = None
    for batch in batches:
        for key, seq, stored, text in batch:
            if key != current_key or current_uid is None:
                if current_uid is not None:
                    events += expected_seq - 1
                    if (expected_seq - 1, previous) != (recorded_seq, recorded_head):
                        brk = _ended_early(current_uid, expected_seq - 1, recorded_seq)
                        break
                    if leaves is not None:
                        leaves.append((current_uid, _leaf(uid_bytes, expected_seq - 1, previous)))
                    elif heads is not None:
                        heads[current_uid] = (expected_seq - 1, previous.decode())
                found = find(key)
                if devices.emptied is not None:
                    brk = _ended_early(devices.emptied[0], 0, devices.emptied[1])
                    break
                if found is None:
                    current_key = key
                    current_uid = None
                    continue
                current_uid, recorded_seq, recorded_head = found
                current_key = key
                uid_bytes = current_uid.encode()
                hashing = sha(b"%s\n%s\n" % (scheme, uid_bytes)).copy
                devices_seen += 1
                expected_seq = 1
                previous = genesis
            # The usual case first; a failing event is then told apart below. The hash starts
            # from a copy of one that has taken the device's prefix (cheaper than joining it on).
            if seq == expected_seq and text.endswith(previous):
                digest = hashing()
                digest.update(text)
                if digest.hexdigest().encode() == stored:
                    previous = stored
                    expected_seq += 1
                    continue
            if seq != expected_seq:
                problem = (
                    f"sequence number {seq} where {expected_seq} was expected "
                    "(an event is missing, duplicated or out of order)"
                )
            elif not text.endswith(previous):
                problem = (
                    "its previous-hash does not match the event before it "
                    "(an event before it was removed, edited or moved from another chain)"
                )
            else:
                problem = "its stored hash does not match its contents (the row was edited)"
            brk = Break(current_uid, seq, None, problem)
            events += expected_seq  # the chain's events up to this one
            break
        else:
            continue
        break
    if brk is None and current_uid is not None:
        events += expected_seq - 1
        if (expected_seq - 1, previous) != (recorded_seq, recorded_head):
            brk = _ended_early(current_uid, expected_seq - 1, recorded_seq)
        elif leaves is not None:
            leaves.append((current_uid, _leaf(uid_bytes, expected_seq - 1, previous)))
        elif heads is not None:
            heads[current_uid] = (expected_seq - 1, previous.decode())
    if brk is None:
        devices.finish()
        if devices.emptied is not None:
            brk = _ended_early(devices.emptied[0], 0, devices.emptied[1])
    report.first_break = brk
    report.events = events
    report.devices = devices_seen
    if leaves is not None and brk is None:
        leaves.sort()  # into the tree's order
        report.leaves = leaves
    return report


def _verify_part(part: RowPart, keep_heads: bool, as_leaves: bool) -> ChainReport:
    with part.read() as (batches, devices):
        return verify_text_rows(batches, devices, keep_heads=keep_heads, as_leaves=as_leaves)


def _verify_in_child(part: RowPart, sender, keep_heads: bool, as_leaves: bool) -> None:
    """A forked process: check one part and send its report (None if it could not)."""
    try:
        report = _verify_part(part, keep_heads, as_leaves)
    except BaseException:
        report = None
    sender.send(report)
    sender.close()


def _can_fork() -> bool:
    # Forking copies only the calling thread; a process with others (a threaded server) could
    # fork while one of them holds a lock, so verification there runs in one process. So it
    # does on macOS, where system libraries are not safe to use in a forked child.
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _verify_source(source: RowSource, *, keep_heads: bool, as_leaves: bool) -> ChainReport:
    workers = PARALLEL_WORKERS if _can_fork() else 1
    with source.parts(workers) as parts:
        if len(parts) == 1:
            return _verify_part(parts[0], keep_heads, as_leaves)
        # Every part in a process of its own, this one only waiting: a forked process reads
        # with connections of its own, which can be faster than this process's (see ledger).
        context = multiprocessing.get_context("fork")
        children = []
        reports = []
        try:
            for part in parts:
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(
                    target=_verify_in_child, args=(part, sender, keep_heads, as_leaves), daemon=True
                )
                process.start()
                sender.close()
                children.append((part, process, receiver))
            for _, _, receiver in children:
                try:
                    reports.append(receiver.recv())
                except EOFError:
                    reports.append(None)
            # A part whose process failed is checked here instead (its process first ended).
            for i, (part, process, _) in enumerate(children):
                if reports[i] is None:
                    process.join()
                    reports[i] = _verify_part(part, keep_heads, as_leaves)
        finally:
            for _, process, receiver in children:
                receiver.close()
                if process.is_alive():
                    process.terminate()
                process.join()
    return _joined(reports, keep_heads, as_leaves)


def _joined(reports: list[ChainReport], keep_heads: bool, as_leaves: bool) -> ChainReport:
    """The reports of consecutive ranges of devices, as one pass over them all would report."""
    joined = ChainReport(heads={} if keep_heads and not as_leaves else None)
    leaves: list[tuple[str, bytes]] | None = [] if as_leaves else None
    for report in reports:
        joined.events += report.events
        joined.devices += report.devices
        if joined.heads is not None and report.heads:
            joined.heads.update(report.heads)
        if leaves is not None:
            leaves = None if report.leaves is None else leaves + report.leaves
        if report.first_break is not None:
            joined.first_break = report.first_break
            break
    if joined.first_break is None and leaves is not None:
        leaves.sort()  # sorted runs, one a part: the sort only merges them
        joined.leaves = leaves
    return joined


# ---------------------------------------------------------------------------------------------
# Merkle roots over chain heads.


def leaf_hash(device_uid: str, seq: int, head_hash: str) -> bytes:
    return _leaf(device_uid.encode(), seq, head_hash.encode())


def _leaf(device_uid: bytes, seq: int, head_hash: bytes) -> bytes:
    """`leaf_hash` for a uid and head already in bytes (as verification reads them)."""
    return _sha256(b"\x00%s\n%d\n%s" % (device_uid, seq, head_hash)).digest()


def merkle_root(leaves: Iterable[bytes]) -> str:
    """The root of a binary Merkle tree (an odd node is carried up unchanged).

    Leaves must be given in a fixed order (by device id). The empty tree's root is the hash of
    nothing, so an empty ledger still has a well-defined root.
    """
    level = list(leaves)
    if not level:
        return _sha256(b"").hexdigest()
    while len(level) > 1:
        paired: list[bytes] = []
        for i in range(0, len(level) - 1, 2):
            paired.append(_sha256(b"\x01" + level[i] + level[i + 1]).digest())
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def head_leaves(heads: dict[str, tuple[int, str]]) -> list[tuple[str, bytes]]:
    """(device uid, Merkle leaf) for each chain head, in uid order: the order of the tree."""
    return [(uid, leaf_hash(uid, seq, head)) for uid, (seq, head) in sorted(heads.items())]


def heads_root(heads: dict[str, tuple[int, str]]) -> str:
    return merkle_root(leaf for _, leaf in head_leaves(heads))


def checkpoint_hash(
    *, previous: str, root: str, last_event_id: int, events: int, devices: int, created_us: int
) -> str:
    """A checkpoint's own hash, chaining it to the checkpoint before it."""
    text = f"rehome-checkpoint-v1\n{previous}\n{root}\n{last_event_id}\n{events}\n{devices}\n{created_us}"
    return _sha256(text.encode()).hexdigest()
