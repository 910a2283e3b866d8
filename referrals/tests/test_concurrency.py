"""Two workers at the same moment: row locks keep a device, a referral and a SIM used once."""

import pytest
from django.core.exceptions import ValidationError

from custody.ledger import verify
from devices.lifecycle import State as DeviceState
from devices.models import Device
from devices.services import TransitionRefused, handover_start
from referrals import services
from referrals.models import Handover, Referral, State
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_one_device_allocated_to_two_referrals_at_once_goes_to_one(lab, refer, personas):
    first, second = refer(), refer()
    device = lab.device(state="ready")

    def allocate(referral):
        return lambda: services.allocate(
            Referral.objects.get(pk=referral.pk),
            Device.objects.get(pk=device.pk),
            actor=personas.coordinator,
            organisation=personas.wmca,
        )

    outcomes = race(
        refusals=(ValidationError, TransitionRefused), workers=[allocate(first), allocate(second)]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert Referral.objects.filter(state=State.ALLOCATED, device=device).count() == 1
    assert Referral.objects.filter(state=State.WAITING).count() == 1
    device.refresh_from_db()
    assert device.state == DeviceState.ALLOCATED
    assert verify().intact


def test_the_last_sim_goes_to_one_of_two_handovers_at_once(lab, refer, personas):
    sims = services.sim_batch_add(
        vcse=personas.ladywood,
        actor=personas.alice,
        network="Three",
        data_gb=None,
        months=3,
        quantity=1,
    )
    pairs = []
    for _ in range(2):
        referral = refer()
        device = lab.device(state="ready")
        services.allocate(referral, device, actor=personas.coordinator, organisation=personas.wmca)
        device.refresh_from_db()
        handover_start(
            device, personas.ladywood, actor=personas.technician, organisation=personas.itad_org
        )
        pairs.append((referral, device))

    def hand_over(referral, device, user):
        return lambda: services.handover_complete(
            Referral.objects.get(pk=referral.pk),
            actor=user,
            organisation=personas.ladywood,
            bundle=services.Bundle(
                device=Device.objects.get(pk=device.pk), terms_agreed=True, sim_batch=sims
            ),
        )

    outcomes = race(
        refusals=(ValidationError, TransitionRefused),
        workers=[hand_over(*pairs[0], personas.alice), hand_over(*pairs[1], personas.bob)],
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert "No SIMs are left" in str(next(error for kind, error in outcomes if kind == "refused"))
    assert Handover.objects.filter(sim_batch=sims).count() == 1
    assert services.sims_left(sims) == 0
    assert verify().intact
