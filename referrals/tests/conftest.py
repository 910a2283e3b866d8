import pytest

from referrals import services
from referrals.models import Connectivity, ConsentBy, ConsentPurpose


def make_needs(area, **overrides) -> services.Needs:
    values = {
        "reference": "LCH-0001",
        "area": area,
        "device_type": "laptop",
        "connectivity": Connectivity.NEEDS_SIM,
        "eligibility": ["low_income"],
        "consent_by": ConsentBy.PERSON,
        "consent_purposes": [ConsentPurpose.REFERRAL, ConsentPurpose.AGGREGATE],
        "skills": ["getting_started"],
    }
    values.update(overrides)
    return services.Needs(**values)


@pytest.fixture
def refer(personas, areas):
    """Make a referral for Ladywood Community Hub (Alice), with any needs overridden."""
    counter = {"n": 0}

    def make(vcse=None, actor=None, area="Birmingham", **overrides):
        counter["n"] += 1
        overrides.setdefault("reference", f"LCH-{counter['n']:04d}")
        return services.referral_create(
            vcse=vcse or personas.ladywood,
            actor=actor or personas.alice,
            needs=make_needs(areas[area], **overrides),
        )

    return make


@pytest.fixture
def allocated(lab, refer, personas):
    """A waiting referral and a ready laptop allocated to it by the coordinator."""
    referral = refer()
    device = lab.device(state="ready")
    referral = services.allocate(
        referral, device, actor=personas.coordinator, organisation=personas.wmca
    )
    return referral, device
