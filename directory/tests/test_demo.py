"""The demo's directory: every kind of entry, one stale, one change waiting for approval."""

from demo.services import demo_seed
from directory.models import Service, ServiceKind, ServiceRevision


def test_the_demo_directory_has_every_kind_one_stale_entry_and_one_change_waiting(db):
    demo_seed()

    assert set(Service.objects.published().values_list("kind", flat=True)) == set(
        ServiceKind.values
    )
    assert list(Service.objects.stale().values_list("name", flat=True)) == [
        "Brierley Hill Repair Café"
    ]
    (waiting,) = ServiceRevision.objects.pending()
    assert waiting.service.name == "Digital champions at Ladywood Community Hub"
    assert "Saturdays" in waiting.data["opening_times"]
    assert "Saturdays" not in waiting.service.opening_times
    assert (
        not Service.objects.published()
        .filter(audiences=None)
        .exclude(kind=ServiceKind.DEVICE_REFERRAL)
        .exists()
    )
