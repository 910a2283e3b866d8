"""Tallies under concurrent writes (PostgreSQL): two handovers at once, each adding to the same
region, donor and month rows, are both counted, and neither transaction deadlocks."""

import pytest

from impact import tally
from impact.selectors import Period, Scope, measure_counts
from lib import impact
from referrals import services as referrals
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_handovers_are_both_counted(lab, refer, personas):
    from devices.services import handover_start

    ready = []
    for n in range(2):
        referral = refer(reference=f"LCH-RACE-{n}", connectivity="has_connection")
        device = lab.device(state="ready")
        referral = referrals.allocate(
            referral, device, actor=personas.coordinator, organisation=personas.wmca
        )
        device.refresh_from_db()
        handover_start(
            device, personas.ladywood, actor=personas.technician, organisation=personas.itad_org
        )
        device.refresh_from_db()
        ready.append((referral, device))

    def hand_over(referral, device):
        return lambda: referrals.handover_complete(
            referral,
            actor=personas.alice,
            organisation=personas.ladywood,
            bundle=referrals.Bundle(device=device, terms_agreed=True),
        )

    outcomes = race([hand_over(*pair) for pair in ready])
    assert [status for status, _ in outcomes] == ["ok", "ok"]
    year = Period.year(ready[0][0].referred_at.year)
    counts = measure_counts(Scope.of_region(personas.region), year)
    assert counts[impact.PEOPLE_SUPPORTED] == 2
    assert counts[impact.REHOMED] == 2
    assert tally.check() == []
