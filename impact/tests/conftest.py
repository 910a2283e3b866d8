"""Building known data sets for impact figures, through the real services only."""

import pytest

from devices.services import handover_start
from referrals import services as referrals
from referrals.tests.conftest import allocated, make_needs, refer


@pytest.fixture
def rehome(lab, refer, personas):
    """Take a new device from donation to a person in `area`: register, receive, erase,
    assess, refurbish, make ready, allocate, send to Ladywood and hand over. Returns the
    referral (handed over) and the device."""

    def make(area="Birmingham", *, device_type="laptop", sim=None, social_tariff=True, **device):
        connectivity = "needs_sim" if sim or social_tariff else "has_connection"
        referral = refer(area=area, device_type=device_type, connectivity=connectivity)
        item = lab.device(state="ready", device_type=device_type, **device)
        referral = referrals.allocate(
            referral, item, actor=personas.coordinator, organisation=personas.wmca
        )
        item.refresh_from_db()
        handover_start(
            item, personas.ladywood, actor=personas.technician, organisation=personas.itad_org
        )
        item.refresh_from_db()
        referrals.handover_complete(
            referral,
            actor=personas.alice,
            organisation=personas.ladywood,
            bundle=referrals.Bundle(
                device=item,
                terms_agreed=True,
                sim_batch=sim,
                social_tariff_signposted=social_tariff,
            ),
        )
        referral.refresh_from_db()
        item.refresh_from_db()
        return referral, item

    return make


__all__ = ["allocated", "make_needs", "refer", "rehome"]
