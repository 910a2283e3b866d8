"""Entries nobody has confirmed for twelve months are flagged to the coordinator and to the
organisation that keeps them; "confirm still correct" clears the flag for another year."""

import datetime

from django.urls import reverse
from django.utils import timezone

from directory.models import Service


def test_an_entry_unchecked_for_a_year_is_stale_and_a_recent_one_is_not(publish):
    old = publish(name="Old café", reviewed_days_ago=400)
    publish(name="New café", reviewed_days_ago=300)
    assert list(Service.objects.stale()) == [old]
    assert old.is_stale()


def test_the_coordinator_sees_stale_entries_in_the_approval_queue(client, publish, personas):
    publish(name="Old café", reviewed_days_ago=400)
    publish(name="New café")
    client.force_login(personas.coordinator)
    response = client.get(reverse("directory:review"))
    assert [s.name for s in response.context["stale"]] == ["Old café"]


def test_the_organisation_is_warned_about_its_stale_entries(client, publish, personas):
    publish(name="Old café", reviewed_days_ago=400)
    client.force_login(personas.bob)
    content = client.get(reverse("directory:manage")).content.decode()
    assert "1 entry has not been checked for over a year" in content
    assert "Needs checking" in content
    client.force_login(personas.charlie)
    assert "Old café" not in client.get(reverse("directory:manage")).content.decode()


def test_confirming_an_entry_still_correct_refreshes_when_it_was_reviewed(
    client, publish, personas
):
    service = publish(name="Old café", reviewed_days_ago=400)
    client.force_login(personas.bob)
    before = timezone.now()
    response = client.post(reverse("directory:confirm", kwargs={"pk": service.pk}), follow=True)
    assert "Old café is marked as still correct" in response.content.decode()
    service.refresh_from_db()
    assert service.reviewed_at >= before
    assert not Service.objects.stale().exists()


def test_the_coordinator_can_confirm_any_entry_in_the_region(client, publish, personas):
    service = publish(name="Old café", reviewed_days_ago=400)
    client.force_login(personas.coordinator)
    response = client.post(reverse("directory:confirm", kwargs={"pk": service.pk}))
    assert response.url == reverse("directory:review")
    service.refresh_from_db()
    assert timezone.now() - service.reviewed_at < datetime.timedelta(minutes=1)


def test_an_outsider_cannot_confirm_another_organisations_entry(client, publish, personas):
    service = publish(name="Old café", reviewed_days_ago=400)
    client.force_login(personas.charlie)
    response = client.post(reverse("directory:confirm", kwargs={"pk": service.pk}))
    assert response.status_code == 404
    assert Service.objects.stale().get() == service


def test_approving_a_change_counts_as_a_review(publish, personas, areas):
    from directory import services

    from .conftest import make_entry

    service = publish(reviewed_days_ago=400)
    revision = services.service_propose(
        organisation=personas.ladywood,
        actor=personas.alice,
        entry=make_entry(areas, opening_times="Every Saturday"),
        service=service,
    )
    services.revision_approve(revision, actor=personas.coordinator)
    assert not Service.objects.stale().exists()


def test_the_public_see_that_an_entry_has_not_been_checked_for_a_year(client, publish):
    old = publish(name="Old café", reviewed_days_ago=400)
    publish(name="New café")
    results = client.get(reverse("directory:search")).content.decode()
    assert results.count("Not checked for over a year") == 1
    assert "Not checked for over a year" in client.get(old.get_absolute_url()).content.decode()
