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

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

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

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_rows(rows: Iterable[tuple], *, keep_heads: bool = True) -> ChainReport:
    """Recompute every chain from rows of (event_id, *FIELDS, stored_hash).

    Rows must come ordered by device, then sequence number. Stops at the first break: a hash
    that does not match the event's fields, a previous-hash that does not match the event
    before it, or a sequence number out of step (a deleted, inserted or reordered event).
    """
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
# Merkle roots over chain heads.


def leaf_hash(device_uid: str, seq: int, head_hash: str) -> bytes:
    return _sha256(f"\x00{device_uid}\n{seq}\n{head_hash}".encode()).digest()


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


def heads_root(heads: dict[str, tuple[int, str]]) -> str:
    return merkle_root(leaf_hash(uid, seq, h) for uid, (seq, h) in sorted(heads.items()))


def checkpoint_hash(
    *, previous: str, root: str, last_event_id: int, events: int, devices: int, created_us: int
) -> str:
    """A checkpoint's own hash, chaining it to the checkpoint before it."""
    text = f"rehome-checkpoint-v1\n{previous}\n{root}\n{last_event_id}\n{events}\n{devices}\n{created_us}"
    return _sha256(text.encode()).hexdigest()
