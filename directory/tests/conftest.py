import datetime

import pytest
from django.utils import timezone

from directory import services
from directory.models import Service, ServiceKind


def make_entry(areas, **overrides) -> services.Entry:
    values = {
        "name": "Ladywood Repair Café",
        "kind": ServiceKind.REPAIR_CAFE,
        "description": "Volunteers mend laptops and phones with you.",
        "area_codes": [areas["Birmingham"].code],
        "audiences": ["everyone"],
        "eligibility": "Anyone living in Birmingham.",
        "how_to_access": "Just turn up with the broken device.",
        "opening_times": "First Saturday of the month, 10am to 1pm",
        "address": "Ladywood Community Hub, Birmingham B16 8AA",
        "contact_email": "repair@ladywood.example",
        "contact_phone": "0121 000 0001",
        "website": "https://ladywood.example/repair",
    }
    values.update(overrides)
    return services.Entry(**values)


@pytest.fixture
def publish(personas, areas):
    """Put an entry live the way the app does: proposed by its organisation, approved by the
    coordinator. Returns the published Service."""

    def make(organisation=None, actor=None, reviewed_days_ago=0, **overrides) -> Service:
        revision = services.service_propose(
            organisation=organisation or personas.ladywood,
            actor=actor or personas.alice,
            entry=make_entry(areas, **overrides),
        )
        service = services.revision_approve(revision, actor=personas.coordinator)
        if reviewed_days_ago:
            moment = timezone.now() - datetime.timedelta(days=reviewed_days_ago)
            Service.objects.filter(pk=service.pk).update(reviewed_at=moment)
            service.refresh_from_db()
        return service

    return make
