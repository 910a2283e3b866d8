"""Two requests changing the same device at the same moment: row locks keep its chain whole."""

import threading

import pytest
from django.db import connection

from custody.ledger import verify
from custody.models import CustodyEvent
from devices import services
from devices.lifecycle import State
from devices.models import Device
from devices.services import TransitionRefused

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            outcomes.append(("ok", work()))
        except TransitionRefused as refused:
            outcomes.append(("refused", refused.reasons))
        finally:
            connection.close()  # this thread's own connection, so the test database can be dropped

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_technicians_receiving_the_same_device_at_once(lab):
    device = lab.device()
    people = lab.people

    def receive():
        return services.device_transition(
            Device.objects.get(pk=device.pk),
            "receive",
            actor=people.technician,
            organisation=people.itad_org,
        )

    outcomes = _race([receive, receive])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    device.refresh_from_db()
    assert device.state == State.RECEIVED
    assert CustodyEvent.objects.filter(device=device).count() == 3
    assert verify().intact


def test_overlapping_bulk_applies_use_each_device_once(lab):
    devices = [lab.device() for _ in range(20)]
    people = lab.people
    ids = [d.pk for d in devices]

    def apply(selection):
        return lambda: services.bulk_apply(
            selection, "receive", actor=people.technician, organisation=people.itad_org
        )

    # The two runs overlap on devices 5 to 14; one wins, the other changes nothing at all.
    outcomes = _race([apply(ids[:15]), apply(list(reversed(ids[5:])))])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"]
    received = Device.objects.filter(state=State.RECEIVED).count()
    assert received == 15  # exactly the winner's devices, whichever run it was
    assert verify().intact
    for device in Device.objects.filter(state=State.RECEIVED):
        assert CustodyEvent.objects.filter(device=device).count() == 3
