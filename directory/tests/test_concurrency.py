"""Two people at the same moment: row locks keep one proposal waiting per entry and let a
proposal be decided once."""

import pytest
from django.core.exceptions import ValidationError

from directory import services
from directory.models import RevisionStatus, Service, ServiceRevision
from tests.concurrency import race

from .conftest import make_entry

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_coordinators_deciding_one_proposal_at_once_decide_it_once(personas, areas):
    revision = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=make_entry(areas)
    )

    def approve():
        return services.revision_approve(
            ServiceRevision.objects.get(pk=revision.pk), actor=personas.coordinator
        )

    def reject():
        return services.revision_reject(
            ServiceRevision.objects.get(pk=revision.pk), actor=personas.coordinator, reason="No."
        )

    outcomes = race(refusals=(ValidationError,), workers=[approve, reject])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    revision.refresh_from_db()
    published = Service.objects.count()
    assert (revision.status, published) in {
        (RevisionStatus.APPROVED, 1),
        (RevisionStatus.REJECTED, 0),
    }


def test_two_changes_proposed_at_once_leave_one_waiting(publish, personas, areas):
    live = publish()

    def propose(name, actor):
        return lambda: services.service_propose(
            organisation=personas.ladywood,
            actor=actor,
            entry=make_entry(areas, name=name),
            service=Service.objects.get(pk=live.pk),
        )

    outcomes = race(workers=[propose("One", personas.alice), propose("Two", personas.bob)])
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert ServiceRevision.objects.pending().count() == 1
    assert ServiceRevision.objects.filter(status=RevisionStatus.SUPERSEDED).count() == 1
