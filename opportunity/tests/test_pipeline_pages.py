"""The coordinator's pipeline pages: uploading a list of employers (checked whole, added whole or
not at all), each employer's page, and expected against actual devices."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lib import opportunity as estimator
from lib.manifest.samples import to_xlsx_bytes
from opportunity import services, views
from opportunity.models import Prospect, Stage

UPLOAD = reverse("opportunity:upload")
PIPELINE = reverse("opportunity:pipeline")
GOOD = b"name,employees,sector,devices_per_employee\nAcme Foundry,1000,Manufacturing,\nBrum Bank,2000,Finance,1.5\n"


def _upload(client, content: bytes, name="employers.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def _signed(page: str) -> str:
    return re.search(r'name="employers" value="([^"]+)"', page).group(1)


def test_the_coordinator_checks_a_list_then_adds_it_whole(client, personas):
    client.force_login(personas.coordinator)
    page = _upload(client, GOOD).content.decode()
    assert "Expected devices per employer" in page
    assert "Acme Foundry" in page
    assert "Brum Bank" in page
    # 1000 * 1.2 * 0.456 = 547; 2000 * 1.5 * 0.456 = 1,368; together 1,915.
    assert "<strong>1,915</strong>" in page
    assert "Add 2 employers to the pipeline" in page
    assert not Prospect.objects.exists()  # checking writes nothing

    response = client.post(UPLOAD, {"employers": _signed(page)}, follow=True)
    assert "2 employers added to the pipeline, 0 updated." in response.content.decode()
    bank = Prospect.objects.get(name="Brum Bank")
    assert (bank.employees, bank.sector, bank.devices_per_employee) == (2000, "Finance", 1.5)
    assert bank.stage == Stage.PROSPECT
    assert bank.region == personas.region


def test_a_list_with_problems_names_each_by_row_and_column_and_adds_nothing(client, personas):
    client.force_login(personas.coordinator)
    data = to_xlsx_bytes(
        ["name", "employees", "share_released"],
        [["Acme", -5, 0.4], ["", 100, 2], ["Bolt", 50, None]],
        sheet="Employers",
    )
    page = _upload(client, data, "employers.xlsx").content.decode()
    assert "3 problems in employers.xlsx" in page
    assert "Nothing was added." in page
    rows = re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">(\d+)</td>'
        r'<td class="govuk-table__cell">([^<]+)</td><td class="govuk-table__cell">([^<]+)</td>',
        page,
    )
    assert rows == [
        ("2", "employees", estimator.NEGATIVE.format(label="Employees")),
        ("3", "name", estimator.NO_NAME),
        (
            "3",
            "share_released",
            estimator.SHARE_RANGE.format(label="Share released"),
        ),
    ]
    assert 'name="employers"' not in page
    assert not Prospect.objects.exists()


def test_a_file_that_cannot_be_read_is_explained(client, personas):
    client.force_login(personas.coordinator)
    page = _upload(client, b"%PDF-1.7", "employers.pdf").content.decode()
    assert "This is a PDF document." in page
    assert not Prospect.objects.exists()


def test_a_file_too_large_is_refused_unread(client, personas):
    client.force_login(personas.coordinator)
    page = _upload(client, b"x" * (estimator.LIMITS.max_bytes + 1)).content.decode()
    assert views.TOO_BIG in page
    assert not Prospect.objects.exists()


def test_a_tampered_list_is_refused(client, personas):
    client.force_login(personas.coordinator)
    signed = _signed(_upload(client, GOOD).content.decode())
    response = client.post(UPLOAD, {"employers": signed[:-2] + "xx"}, follow=True)
    assert "The checked list is out of date; upload the file again." in response.content.decode()
    assert not Prospect.objects.exists()


def test_the_coordinator_owns_an_employer_and_moves_it_on(client, personas, prospect):
    client.force_login(personas.coordinator)
    response = client.post(
        prospect.get_absolute_url(),
        {
            "owner": personas.coordinator.pk,
            "next_step": "Call the IT director",
            "next_step_on": "2026-12-01",
            "organisation": "",
        },
        follow=True,
    )
    assert "Acme Foundry is updated." in response.content.decode()
    move = reverse("opportunity:move", kwargs={"pk": prospect.pk})
    response = client.post(move, {"stage": "contacted"}, follow=True)
    page = response.content.decode()
    assert "Acme Foundry is now at the stage “Contacted”." in page
    assert "Prospect to Contacted" in page  # the history
    response = client.post(move, {"stage": "pledged"}, follow=True)
    assert services.NEEDS_ORGANISATION in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.stage == Stage.CONTACTED


def test_a_linked_employer_shows_expected_against_actual_devices(client, personas, prospect, lab):
    lab.device(state="received")
    lab.device(state="received")
    lab.device(state="pledged")  # not yet arrived: not counted
    services.prospect_update(
        prospect,
        actor=personas.coordinator,
        owner=None,
        next_step="",
        next_step_on=None,
        organisation=personas.donor_org,
    )
    client.force_login(personas.coordinator)
    for url in (PIPELINE, prospect.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Expected and actual devices" in page
        assert "547 expected, 2 received" in page  # the chart's description
        assert (
            '<td class="govuk-table__cell govuk-table__cell--numeric">547</td>'
            '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>'
        ) in page


def test_the_pipeline_filters_by_stage(client, personas, add_prospect):
    add_prospect("Acme")
    bolt = add_prospect("Bolt")
    Prospect.objects.filter(pk=bolt.pk).update(stage=Stage.CONTACTED)
    client.force_login(personas.coordinator)
    page = client.get(PIPELINE, {"stage": "contacted"}).content.decode()
    assert ">Bolt</a>" in page
    assert ">Acme</a>" not in page
    assert "Contacted (1)" in page
    assert "All (2)" in page


@pytest.mark.parametrize("who", ["alice", "charlie", "donor", "council_officer", "technician"])
def test_only_the_coordinator_opens_the_pipeline(client, personas, prospect, who):
    client.force_login(getattr(personas, who))
    for url in (PIPELINE, UPLOAD, prospect.get_absolute_url()):
        assert client.get(url).status_code == 403
    move = reverse("opportunity:move", kwargs={"pk": prospect.pk})
    assert client.post(move, {"stage": "contacted"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, prospect):
    response = client.get(PIPELINE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_regions_coordinator_cannot_open_an_employer(client, personas, prospect, settings):
    from conftest import make_user
    from organisations.services import membership_create, organisation_create
    from regions.models import Region

    settings.REHOME_REGION = personas.region.slug
    other = Region.objects.create(name="Elsewhere", slug="elsewhere", authority="Elsewhere CA")
    body = organisation_create(region=other, name="Elsewhere CA", kinds=["regional_body"])
    user = make_user("other@example.org", "Otto Other", totp=True)
    membership_create(user=user, organisation=body, role="coordinator")
    client.force_login(user)
    assert client.get(prospect.get_absolute_url()).status_code == 404
    assert ">Acme Foundry<" not in client.get(PIPELINE).content.decode()
