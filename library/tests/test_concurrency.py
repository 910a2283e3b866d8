"""A publish and a send-back of the same page at the same moment: the row lock lets one win."""

import pytest
from django.core.exceptions import ValidationError

from library import services
from library.models import Action, Page, Status
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_page_is_either_published_or_sent_back_never_both(personas, in_review):
    coordinator = {"actor": personas.coordinator, "organisation": personas.wmca}

    def publish():
        return services.page_publish(Page.objects.get(pk=in_review.pk), **coordinator)

    def send_back():
        page = Page.objects.get(pk=in_review.pk)
        return services.page_send_back(page, comment="Not yet.", **coordinator)

    outcomes = race(refusals=(ValidationError,), workers=[publish, send_back])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    in_review.refresh_from_db()
    decisions = in_review.events.filter(action__in=[Action.PUBLISHED, Action.SENT_BACK])
    assert decisions.count() == 1
    expected = Status.PUBLISHED if decisions.get().action == Action.PUBLISHED else Status.DRAFT
    assert in_review.status == expected
