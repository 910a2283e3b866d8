"""Two requests changing the same device at the same moment: row locks keep its chain whole."""

import pytest

from custody.ledger import verify
from custody.models import CustodyEvent
from devices import services
from devices.lifecycle import State
from devices.models import Device
from devices.services import TransitionRefused
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


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

    outcomes = race(refusals=(TransitionRefused,), workers=[receive, receive])
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
    outcomes = race(
        refusals=(TransitionRefused,), workers=[apply(ids[:15]), apply(list(reversed(ids[5:])))]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"]
    received = Device.objects.filter(state=State.RECEIVED).count()
    assert received == 15  # exactly the winner's devices, whichever run it was
    assert verify().intact
    for device in Device.objects.filter(state=State.RECEIVED):
        assert CustodyEvent.objects.filter(device=device).count() == 3
