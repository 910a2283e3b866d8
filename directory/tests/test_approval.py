"""Organisations keep their own entries; nothing goes live until the coordinator approves it,
and the live version stays visible while a change waits."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory import services
from directory.models import RevisionStatus, Service, ServiceRevision, ServiceStatus

from .conftest import make_entry

FORM = {
    "name": "Ladywood Repair Café",
    "kind": "repair_cafe",
    "description": "Volunteers mend laptops and phones with you.",
    "areas": ["E08000025"],
    "audiences": ["everyone"],
    "eligibility": "",
    "how_to_access": "Just turn up.",
    "opening_times": "Saturdays",
    "address": "",
    "contact_email": "repair@ladywood.example",
    "contact_phone": "",
    "website": "",
}


def test_a_member_proposes_a_new_entry_which_waits_for_the_coordinator(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("directory:new"), FORM, follow=True)
    assert "the coordinator will check it" in response.content.decode()
    revision = ServiceRevision.objects.get()
    assert revision.organisation == personas.ladywood
    assert revision.is_new_entry
    assert not Service.objects.exists()


def test_the_entry_form_reports_every_problem(client, personas):
    client.force_login(personas.alice)
    bad = {
        **FORM,
        "name": "",
        "areas": ["E99999999"],
        "contact_email": "not-an-address",
        "contact_phone": "call me",
        "website": "not a website",
    }
    response = client.post(reverse("directory:new"), bad)
    content = response.content.decode()
    assert "There is a problem" in content
    form = response.context["form"]
    assert set(form.errors) >= {"name", "areas", "contact_email", "contact_phone", "website"}
    assert not ServiceRevision.objects.exists()


def test_an_entry_needs_a_way_to_get_in_touch(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("directory:new"), {**FORM, "contact_email": ""})
    assert services.NEEDS_CONTACT in response.content.decode()
    assert not ServiceRevision.objects.exists()


def test_the_coordinator_approves_and_the_entry_goes_live(client, personas, areas):
    revision = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=make_entry(areas)
    )
    client.force_login(personas.coordinator)
    page = client.get(reverse("directory:revision", kwargs={"pk": revision.pk}))
    assert "Ladywood Repair Café" in page.content.decode()
    response = client.post(
        reverse("directory:decide", kwargs={"pk": revision.pk}), {"decision": "approve"}
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.status == ServiceStatus.PUBLISHED
    assert service.organisation == personas.ladywood
    assert service.audience_values == ["everyone"]
    assert [a.name for a in service.areas.all()] == ["Birmingham"]
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by, revision.service) == (
        RevisionStatus.APPROVED,
        personas.coordinator,
        service,
    )


def test_the_live_version_stays_until_a_change_is_approved(client, publish, personas, areas):
    live = publish()
    client.force_login(personas.alice)
    client.post(
        reverse("directory:edit", kwargs={"pk": live.pk}),
        {**FORM, "opening_times": "Sundays instead"},
    )
    revision = ServiceRevision.objects.pending().get()
    live.refresh_from_db()
    assert live.opening_times == "First Saturday of the month, 10am to 1pm"
    assert "Sundays instead" not in client.get(live.get_absolute_url()).content.decode()

    client.force_login(personas.coordinator)
    page = client.get(reverse("directory:revision", kwargs={"pk": revision.pk})).content.decode()
    assert "Sundays instead" in page
    assert "First Saturday of the month" in page
    client.post(reverse("directory:decide", kwargs={"pk": revision.pk}), {"decision": "approve"})
    live.refresh_from_db()
    assert live.opening_times == "Sundays instead"


def test_a_newer_proposal_replaces_one_still_waiting(publish, personas, areas):
    live = publish()
    first = services.service_propose(
        organisation=personas.ladywood,
        actor=personas.alice,
        entry=make_entry(areas, name="First idea"),
        service=live,
    )
    second = services.service_propose(
        organisation=personas.ladywood,
        actor=personas.bob,
        entry=make_entry(areas, name="Second idea"),
        service=live,
    )
    first.refresh_from_db()
    assert first.status == RevisionStatus.SUPERSEDED
    assert list(ServiceRevision.objects.pending()) == [second]
    with pytest.raises(ValidationError, match="already been decided"):
        services.revision_approve(first, actor=personas.coordinator)


def test_rejecting_needs_a_reason_and_tells_the_organisation(
    client, personas, areas, django_capture_on_commit_callbacks
):
    revision = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=make_entry(areas)
    )
    client.force_login(personas.coordinator)
    url = reverse("directory:decide", kwargs={"pk": revision.pk})
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Say why the change is not approved." in response.content.decode()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "The café has moved; give the address."})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.REJECTED
    assert not Service.objects.exists()
    (message,) = mail.outbox
    assert "alice@example.org" in message.to
    assert "bob@example.org" in message.to
    assert "The café has moved" in message.body
    client.force_login(personas.alice)
    manage = client.get(reverse("directory:manage")).content.decode()
    assert "The café has moved" in manage


def test_a_member_who_is_not_an_admin_cannot_withdraw_an_entry(client, publish, personas):
    service = publish()
    client.force_login(personas.bob)
    response = client.post(reverse("directory:withdraw", kwargs={"pk": service.pk}))
    assert response.status_code == 403
    client.force_login(personas.alice)
    client.post(reverse("directory:withdraw", kwargs={"pk": service.pk}))
    service.refresh_from_db()
    assert service.status == ServiceStatus.WITHDRAWN


def test_another_organisations_worker_cannot_change_confirm_or_withdraw_an_entry(
    client, publish, personas
):
    service = publish()
    client.force_login(personas.charlie)
    for name in ("edit", "confirm", "withdraw"):
        url = reverse(f"directory:{name}", kwargs={"pk": service.pk})
        assert client.post(url, FORM).status_code == 404, name
    assert not ServiceRevision.objects.pending().exists()


def test_the_service_refuses_a_change_from_an_organisation_that_does_not_own_the_entry(
    publish, personas, areas
):
    service = publish()
    with pytest.raises(ValidationError, match="Only the entry's organisation"):
        services.service_propose(
            organisation=personas.tipton,
            actor=personas.charlie,
            entry=make_entry(areas),
            service=service,
        )


def test_only_the_coordinator_sees_the_approval_queue_and_decides(client, personas, areas):
    revision = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=make_entry(areas)
    )
    for outsider in (personas.alice, personas.charlie, personas.council_officer):
        client.force_login(outsider)
        assert client.get(reverse("directory:review")).status_code == 403
        assert (
            client.get(reverse("directory:revision", kwargs={"pk": revision.pk})).status_code == 403
        )
        decide = reverse("directory:decide", kwargs={"pk": revision.pk})
        assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(personas.coordinator)
    queue = client.get(reverse("directory:review")).content.decode()
    assert "Ladywood Repair Café" in queue
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PENDING


def test_a_donor_has_no_directory_entries_page(client, personas):
    client.force_login(personas.donor)
    assert client.get(reverse("directory:manage")).status_code == 403
    assert client.get(reverse("directory:new")).status_code == 403


def test_approval_checks_the_rules_again(personas, areas):
    revision = services.service_propose(
        organisation=personas.ladywood, actor=personas.alice, entry=make_entry(areas)
    )
    ServiceRevision.objects.filter(pk=revision.pk).update(
        data={**revision.data, "area_codes": ["E99999999"]}
    )
    revision.refresh_from_db()
    with pytest.raises(ValidationError, match="not in the region"):
        services.revision_approve(revision, actor=personas.coordinator)
