"""The custody ledger: append-only in the database, and tamper-evident when that is bypassed."""

import io
import json
import os
import sqlite3

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from custody import ledger
from custody.models import Checkpoint, CustodyEvent
from devices import services
from devices.models import Device
from lib import custody_chain


def _events(device):
    return list(CustodyEvent.objects.filter(device=device).order_by("seq"))


def _sql(statement, params=()):
    with ledger.unlocked(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify():
    return ledger.verify()


@pytest.fixture
def history(lab):
    """Two devices with a few events each."""
    first = lab.device()
    second = lab.device()
    for device in (first, second):
        services.device_transition(
            device, "receive", actor=lab.people.technician, organisation=lab.people.itad_org
        )
    return first, second


def test_each_event_extends_its_device_chain(history):
    first, _ = history
    events = _events(first)
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.kind for e in events] == ["registered", "handover_confirmed", "transition"]
    assert events[0].prev_hash == custody_chain.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    first.refresh_from_db()
    assert (first.ledger_seq, first.ledger_head) == (3, events[2].hash)
    assert _verify().intact


@pytest.mark.django_db(transaction=True)
def test_database_refuses_update_and_delete(history):
    event = _events(history[0])[0]
    for statement in (
        "UPDATE custody_custodyevent SET payload = '{}' WHERE id = %s",
        "DELETE FROM custody_custodyevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        CustodyEvent.objects.filter(pk=event.pk).update(kind="correction")
    assert CustodyEvent.objects.filter(pk=event.pk, kind="registered").exists()


def test_database_refuses_rewriting_checkpoints(history):
    checkpoint = ledger.checkpoint_create()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Checkpoint.objects.filter(pk=checkpoint.pk).update(root="0" * 64)


def test_an_edited_row_is_caught(history):
    first, _ = history
    event = _events(first)[1]
    _sql("UPDATE custody_custodyevent SET payload = %s WHERE id = %s", ['{"x":1}', event.pk])
    result = _verify()
    assert not result.intact
    problem = result.problems[0]
    assert (problem["device"], problem["seq"], problem["event_id"]) == (str(first.uid), 2, event.pk)
    assert "edited" in problem["message"]


def test_an_edited_actor_is_caught(history):
    first, _ = history
    event = _events(first)[2]
    _sql(
        "UPDATE custody_custodyevent SET actor_id = %s WHERE id = %s",
        [history[0].donor.memberships.first().user_id, event.pk],
    )
    assert _verify().problems[0]["seq"] == 3


def test_a_deleted_row_is_caught(history):
    first, _ = history
    event = _events(first)[1]
    _sql("DELETE FROM custody_custodyevent WHERE id = %s", [event.pk])
    problem = _verify().problems[0]
    assert problem["device"] == str(first.uid)
    assert "sequence number 3 where 2 was expected" in problem["message"]


def test_a_deleted_last_row_is_caught(history):
    first, _ = history
    event = _events(first)[-1]
    _sql("DELETE FROM custody_custodyevent WHERE id = %s", [event.pk])
    problem = _verify().problems[0]
    assert problem["device"] == str(first.uid)
    assert "deleted from its end" in problem["message"]


def test_reordered_events_are_caught(history):
    first, _ = history
    a, b = _events(first)[1:3]
    _sql("UPDATE custody_custodyevent SET seq = 99 WHERE id = %s", [a.pk])
    _sql("UPDATE custody_custodyevent SET seq = 2 WHERE id = %s", [b.pk])
    _sql("UPDATE custody_custodyevent SET seq = 3 WHERE id = %s", [a.pk])
    problem = _verify().problems[0]
    assert (problem["device"], problem["seq"]) == (str(first.uid), 2)


def test_a_chain_spliced_from_another_device_is_caught(history):
    """Move the second device's later events onto the first, renumbered to fit."""
    first, second = history
    _sql("DELETE FROM custody_custodyevent WHERE device_id = %s AND seq > 1", [first.pk])
    for event in _events(second)[1:]:
        _sql("UPDATE custody_custodyevent SET device_id = %s WHERE id = %s", [first.pk, event.pk])
    problem = _verify().problems[0]
    assert problem["device"] in {str(first.uid), str(second.uid)}
    # The first device's chain now carries events hashed for another device.
    spliced = [p for p in [problem] if p["device"] == str(first.uid)]
    assert spliced, problem
    assert spliced[0]["seq"] == 2


def test_a_consistently_rewritten_chain_is_caught_by_the_checkpoint(history):
    """Someone rewrites an event and recomputes every later hash (and the device's head): the
    chains add up again, but the published checkpoint root no longer matches them."""
    first, _ = history
    ledger.checkpoint_create()
    _rewrite_from_second_event(first)
    result = _verify()
    assert not result.intact
    assert result.problems[0]["kind"] == "checkpoint"
    assert "rewritten" in result.problems[0]["message"]


def _rewrite_from_second_event(device):
    """Forge the device's second event and recompute every hash after it, and its head."""
    events = _events(device)
    previous = events[0].hash
    for event in events[1:]:
        payload = '{"forged":true}' if event.seq == 2 else event.payload
        row = (
            str(device.uid),
            event.seq,
            ledger.to_microseconds(event.occurred_at),
            event.kind,
            event.transition,
            event.actor_id,
            event.actor_organisation_id,
            event.from_state,
            event.to_state,
            event.from_custodian_id,
            event.to_custodian_id,
            payload,
            previous,
        )
        digest = custody_chain.event_hash(row)
        _sql(
            "UPDATE custody_custodyevent SET payload = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [payload, previous, digest, event.pk],
        )
        previous = digest
    _sql("UPDATE devices_device SET ledger_head = %s WHERE id = %s", [previous, device.pk])


def _receive(lab):
    device = lab.device()
    services.device_transition(
        device, "receive", actor=lab.people.technician, organisation=lab.people.itad_org
    )


def _correct(device):
    """One more event on the device's chain."""
    device.refresh_from_db()
    ledger.append(device, ledger.EventSpec(kind="correction"), actor=None, organisation=None)
    device.save(update_fields=["ledger_seq", "ledger_head"])


def test_every_checkpoint_is_checked_against_the_heads_as_they_stood_then(history, lab):
    """Checkpoints between which devices came and chains grew, the last not covering the
    newest events: each one's root comes out of the chains as they are now."""
    first, second = history
    ledger.checkpoint_create()
    _receive(lab)
    _correct(first)
    ledger.checkpoint_create()
    ledger.checkpoint_create()  # nothing happened since: the same heads
    _receive(lab)
    _correct(second)
    _correct(first)
    ledger.checkpoint_create()
    _receive(lab)  # after the last checkpoint
    _correct(second)
    result = _verify()
    assert result.intact, result.problems
    assert result.checkpoints == 4


def test_an_older_checkpoint_catches_a_rewrite_a_later_one_vouched_for(history, lab):
    """History rewritten between two checkpoints: the later one was made over the forgery and
    agrees with it; the earlier one, as it stood then, does not."""
    first, _ = history
    earlier = ledger.checkpoint_create()
    _rewrite_from_second_event(first)
    ledger.checkpoint_create()
    _receive(lab)  # newer events than either checkpoint
    result = _verify()
    assert not result.intact
    problem = result.problems[0]
    assert (problem["kind"], problem["checkpoint"]) == ("checkpoint", earlier.pk)
    assert "rewritten" in problem["message"]


def test_roots_worked_back_from_the_heads_now_match_roots_worked_out_afresh(history, lab):
    """Devices arriving and chains growing between the cuts, in any order of cuts, repeated or
    not, and events newer than them all."""
    cuts = [CustodyEvent.objects.order_by("-pk").first().pk]
    _receive(lab)
    _correct(history[0])
    cuts.append(CustodyEvent.objects.order_by("-pk").first().pk)
    _receive(lab)
    cuts.append(CustodyEvent.objects.order_by("-pk").first().pk)
    _correct(history[1])
    now = custody_chain.verify_rows(list(ledger.iter_event_rows()))
    newest = CustodyEvent.objects.order_by("-pk").first().pk
    asked = [cuts[1], cuts[0], cuts[2], cuts[1], newest]
    roots = ledger._RootsAt(now.head_leaves(), upto=newest).roots(asked)
    assert roots == {cut: custody_chain.heads_root(ledger._heads_at(cut)) for cut in asked}
    assert roots[newest] == now.root()
    assert len(set(roots.values())) == 4  # every cut saw different heads


def test_checkpoints_chain_and_verify(history, lab):
    first = ledger.checkpoint_create()
    services.device_transition(
        lab.device(), "receive", actor=lab.people.technician, organisation=lab.people.itad_org
    )
    second = ledger.checkpoint_create()
    assert second.previous == first.hash
    assert second.events == first.events + 3
    assert second.devices == first.devices + 1
    assert _verify().intact
    assert _verify().checkpoints == 2


def test_a_forged_checkpoint_is_caught(history):
    checkpoint = ledger.checkpoint_create()
    _sql("UPDATE custody_checkpoint SET root = %s WHERE id = %s", ["f" * 64, checkpoint.pk])
    result = _verify()
    assert result.problems[0]["kind"] == "checkpoint"


def test_verify_custody_command_exit_status_and_json(history):
    out = io.StringIO()
    call_command("verify_custody", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["intact"] is True
    assert report["events"] == 6
    assert report["devices"] == 2

    first, _ = history
    _sql(
        "UPDATE custody_custodyevent SET to_state = 'ready' WHERE device_id = %s AND seq = 3",
        [first.pk],
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_custody", "--json", stdout=out)
    assert exit_info.value.code == 1
    report = json.loads(out.getvalue())
    assert report["intact"] is False
    assert report["problems"][0]["device"] == str(first.uid)
    assert report["problems"][0]["seq"] == 3

    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_custody", stdout=io.StringIO(), stderr=err)
    assert f"device {first.uid}, event 3" in err.getvalue()


def test_custody_checkpoint_command_prints_the_root(history):
    out = io.StringIO()
    call_command("custody_checkpoint", stdout=out)
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.root in out.getvalue()
    assert checkpoint.events == 6


def test_empty_ledger_verifies(db):
    assert _verify().intact
    assert Device.objects.count() == 0


def test_a_device_whose_whole_chain_was_deleted_is_caught(history):
    first, _ = history
    _sql("DELETE FROM custody_custodyevent WHERE device_id = %s", [first.pk])
    problem = _verify().problems[0]
    assert (problem["device"], problem["seq"], problem["event_id"]) == (str(first.uid), 1, None)
    assert "ends at event 0 but the device's last recorded event is 3" in problem["message"]


def test_the_last_device_losing_its_chain_is_caught(history):
    """The devices after the last event are walked too."""
    _, second = history
    _sql("DELETE FROM custody_custodyevent WHERE device_id = %s", [second.pk])
    problem = _verify().problems[0]
    assert problem["device"] == str(second.uid)
    assert "deleted from its end" in problem["message"]


@pytest.fixture
def split_in_two(monkeypatch):
    """Verification splits even a small ledger into two processes."""
    monkeypatch.setattr(ledger, "PARALLEL_MIN_EVENTS", 1)
    monkeypatch.setattr(custody_chain, "PARALLEL_WORKERS", 2)
    monkeypatch.setattr(custody_chain, "_can_fork", lambda: True)


@pytest.mark.django_db(transaction=True)
def test_verification_in_two_processes_agrees_with_one(lab, split_in_two):
    devices = [lab.device() for _ in range(6)]
    with ledger.iter_event_rows().parts(2) as parts:
        assert len(parts) == 2
    result = _verify()
    assert result.intact, result.problems
    assert (result.events, result.devices) == (6, 6)

    # A row edited in the second part is named with its device, event and row id.
    last = devices[-1]
    event = _events(last)[0]
    _sql("UPDATE custody_custodyevent SET kind = 'correction' WHERE id = %s", [event.pk])
    problem = _verify().problems[0]
    assert (problem["device"], problem["seq"], problem["event_id"]) == (str(last.uid), 1, event.pk)
    assert "edited" in problem["message"]


@pytest.mark.django_db(transaction=True)
def test_in_two_processes_the_checkpoint_root_and_chain_ends_are_checked(lab, split_in_two):
    """The parts hand back their chain heads as Merkle leaves, and each part checks its own
    devices' recorded chain ends (on PostgreSQL over a second connection, beside the stream)."""
    devices = [lab.device() for _ in range(6)]
    for device in devices:
        services.device_transition(
            device, "receive", actor=lab.people.technician, organisation=lab.people.itad_org
        )
    ledger.checkpoint_create()
    result = _verify()
    assert result.intact, result.problems
    assert result.events == CustodyEvent.objects.count() > 6
    assert (result.devices, result.checkpoints) == (6, 1)

    # The root of a checkpoint that vouched for other heads no longer comes out.
    _sql("UPDATE custody_checkpoint SET root = %s", ["f" * 64])
    problem = _verify().problems[0]
    assert problem["kind"] == "checkpoint"

    # The last event of a device in the second part, deleted: its chain ends early.
    _sql("DELETE FROM custody_checkpoint")
    last = devices[-1]
    events = _events(last)
    _sql("DELETE FROM custody_custodyevent WHERE id = %s", [events[-1].pk])
    problem = _verify().problems[0]
    assert (problem["device"], problem["seq"]) == (str(last.uid), len(events))
    assert "deleted from its end" in problem["message"]


def test_heads_kept_as_merkle_leaves_are_the_leaves_of_the_heads(history, lab):
    """A part hands back each chain head as its Merkle leaf, hashed as it reads, in uid order:
    the leaves `leaf_hash` gives for the heads a plain pass keeps."""
    history_devices = [*history, lab.device()]  # the last with a chain of one event
    with ledger.iter_event_rows().parts(1) as parts:
        with parts[0].read() as (batches, walk):
            as_heads = custody_chain.verify_text_rows(batches, walk)
        with parts[0].read() as (batches, walk):
            as_leaves = custody_chain.verify_text_rows(batches, walk, as_leaves=True)
    assert as_leaves.intact
    assert (as_leaves.heads, len(as_heads.heads)) == (None, len(history_devices))
    assert as_leaves.leaves == custody_chain.head_leaves(as_heads.heads)
    assert as_leaves.root() == as_heads.root() == ledger.checkpoint_create().root

    # A break leaves no leaves: no root is worked out over chains that do not add up.
    _sql(
        "UPDATE custody_custodyevent SET kind = 'correction' WHERE id = %s",
        [_events(history[1])[1].pk],
    )
    with ledger.iter_event_rows().parts(1) as parts, parts[0].read() as (batches, walk):
        broken = custody_chain.verify_text_rows(batches, walk, as_leaves=True)
    assert (broken.intact, broken.leaves) == (False, None)


@pytest.fixture
def on_a_file(monkeypatch, tmp_path):
    """Copies the test database (in memory) to a file, as a deployment's SQLite database is,
    for connections opened from then on; this process's own connection stays where it is."""

    def copy():
        path = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
        return path

    return copy


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_part_with_a_connection_of_its_own_reads_a_database_file_through_apsw(history, on_a_file):
    """What APSW hands over is what the sqlite3 module hands over, and checks out the same."""
    first, second = history
    with ledger.iter_event_rows().parts(1) as parts, parts[0].read() as (batches, walk):
        expected_rows = [tuple(row) for batch in batches for row in batch]
        expected_devices = [walk.find(device.pk) for device in (first, second)]

    on_a_file()
    part = ledger._EventRows(batch_size=1000)
    part.pid = None  # as in a forked process: it reads with a connection of its own
    with part.read() as (batches, walk):
        rows = [tuple(row) for batch in batches for row in batch]
        devices = [walk.find(device.pk) for device in (first, second)]
        through_apsw = isinstance(batches, list) and ledger._is_apsw(batches[0].connection)
    assert through_apsw
    assert rows == expected_rows
    assert len(rows) == 6
    assert all(isinstance(value, bytes) for value in rows[0][2:])
    assert devices == expected_devices
    assert devices[0][0] == str(first.uid)

    with part.read() as (batches, walk):
        report = custody_chain.verify_text_rows(batches, walk)
    assert (report.intact, report.events, report.devices) == (True, 6, 2)
    assert report.heads[str(second.uid)] == (3, Device.objects.get(pk=second.pk).ledger_head)


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_both_sqlite_renderings_of_the_hashed_text_agree(history, on_a_file):
    """SQLite from 3.44 renders the text with concat_ws, before it with printf: the same bytes,
    nullable ids (empty) included, on the SQLite APSW carries (which has both)."""
    import apsw

    first, _ = history
    _correct(first)  # an event whose nullable ids are all empty, beside the history's own
    raw = apsw.Connection(str(on_a_file()), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        assert ledger._text_dialect("sqlite", raw) == "sqlite-concat_ws"
        rendered = {
            dialect: list(raw.execute(ledger._TEXT_EVENTS_SQL[dialect].format(where="")))
            for dialect in ("sqlite", "sqlite-concat_ws")
        }
    finally:
        raw.close()
    assert rendered["sqlite"] == rendered["sqlite-concat_ws"]
    assert len(rendered["sqlite"]) == 7
    assert any(b"\n\n\n" in text for *_, text in rendered["sqlite"])
    events = CustodyEvent.objects.filter(device=first).order_by("seq")
    expected = [
        custody_chain.message((str(first.uid), *row[2:14]))
        for row in ledger.iter_event_rows()
        if row[1] == str(first.uid)
    ]
    prefix = f"{custody_chain.SCHEME}\n{first.uid}\n".encode()
    texts = [prefix + text for key, *_, text in rendered["sqlite"] if key == first.pk]
    assert texts == expected
    assert len(texts) == events.count() == 4


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_in_two_processes_a_database_file_is_read_through_apsw(
    lab, split_in_two, on_a_file, monkeypatch
):
    """Each part's process reads the file with APSW; none fails over to this process."""
    parent = os.getpid()
    check = custody_chain._verify_part

    def in_a_child_through_apsw(part, *arguments):
        assert os.getpid() != parent, "a part was checked here: its own process failed"
        raw = part._connect()
        try:
            assert ledger._is_apsw(raw)
        finally:
            raw.close()
        return check(part, *arguments)

    monkeypatch.setattr(custody_chain, "_verify_part", in_a_child_through_apsw)
    devices = [lab.device() for _ in range(6)]
    ledger.checkpoint_create()
    on_a_file()
    result = _verify()
    assert result.intact, result.problems
    assert (result.events, result.devices, result.checkpoints) == (6, 6, 1)

    # A row edited in the second part: caught there, and named with its row id.
    last = devices[-1]
    event = _events(last)[0]
    _sql("UPDATE custody_custodyevent SET payload = '{}' WHERE id = %s", [event.pk])
    on_a_file()
    problem = _verify().problems[0]
    assert (problem["device"], problem["seq"], problem["event_id"]) == (str(last.uid), 1, event.pk)
    assert "edited" in problem["message"]


def test_history_loaded_later_carries_the_times_it_happened_and_still_verifies(lab):
    import datetime

    from django.utils import timezone

    then = timezone.now() - datetime.timedelta(days=200)
    with ledger.dated(then):
        device = lab.device()
        services.device_transition(
            device, "receive", actor=lab.people.technician, organisation=lab.people.itad_org
        )
    events = _events(device)
    assert {e.occurred_at for e in events} == {then}
    assert len(events) >= 2
    device.refresh_from_db()
    assert device.state_changed_at == then
    # Outside the block, the present again.
    assert timezone.now() - ledger.now() < datetime.timedelta(seconds=5)
    assert _verify().intact
