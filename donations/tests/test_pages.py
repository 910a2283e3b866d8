"""The donor journey's pages, their API and the import command: what each user sees and may do."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api.services import api_token_create
from conftest import make_user
from donations import services
from donations.models import (
    CollectionStatus,
    ColumnMapping,
    DonorRegistration,
    Manifest,
    ManifestItem,
    ManifestStatus,
)
from organisations.services import accreditation_add, membership_create, organisation_create

TODAY = timezone.localdate()

MANIFEST_WITH_PROBLEMS = (
    b"Asset #,S/N,Make,Model,Kit,Condition\r\n"
    b"BG-1,SN-0001,Dell,Latitude 5490,laptop,good\r\n"
    b",,Dell,Latitude 5490,laptop,good\r\n"
    b"BG-3,SN-0001,Dell,Latitude 5490,laptop,fair\r\n"
)


@pytest.fixture
def pledged(personas, areas):
    accreditation_add(
        organisation=personas.itad_org,
        scheme="cyber_essentials_plus",
        number="CEP-PAGES",
        expires_on=TODAY + datetime.timedelta(days=200),
    )
    pledge = services.pledge_create(
        donor=personas.donor_org,
        actor=personas.donor,
        area=areas["Birmingham"],
        sites="HQ, 1 Colmore Row",
        earliest_collection=TODAY,
        counts={"laptop": 3},
        sensitivity="standard",
        contact_name="Desk",
        contact_email="desk@example.org",
    )
    return pledge, pledge.batches.get()


@pytest.fixture
def other_donor(personas, areas):
    org = organisation_create(
        region=personas.region, name="Other Donor plc", kinds=["donor"], areas_served=[]
    )
    user = make_user("other-donor@example.org", "Olly Other")
    membership_create(user=user, organisation=org, role="donor_contact", is_admin=True)
    return user


def _upload(client, batch, content, name="assets.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        reverse("donations:manifest_upload", args=[batch.reference]), {"file": upload}
    )


def _being_imported(batch, content, name="m.csv"):
    """An upload the worker is importing."""
    return Manifest.objects.create(
        batch=batch,
        filename=name,
        content=content,
        size=len(content),
        sha256="x",
        status=ManifestStatus.COMMITTING,
    )


def _before_the_locked_commit(monkeypatch, happening):
    """Make `happening()` run after the worker's check, just before the import's transaction."""
    from donations import manifests

    commit = manifests._commit

    def first(*args):
        happening()
        return commit(*args)

    monkeypatch.setattr(manifests, "_commit", first)


def _api_upload(client, batch, content, secret, name="assets.csv"):
    """POST a file to the batch's manifest endpoint with an API token."""
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        reverse("api:manifest_upload", kwargs={"reference": batch.reference}),
        {"file": upload},
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_the_public_can_register_to_donate(client, personas, areas):
    response = client.get(reverse("public:donate"))
    assert reverse("donations:register") in response.content.decode()
    response = client.post(
        reverse("donations:register"),
        {
            "organisation_name": "Solihull Widgets",
            "areas": [areas["Solihull"].pk],
            "contact_name": "Sue",
            "contact_email": "sue@widgets.example",
        },
    )
    assert response.status_code == 200
    assert "Registration sent" in response.content.decode()
    assert DonorRegistration.objects.get().organisation_name == "Solihull Widgets"


def test_a_registration_with_mistakes_says_what_is_wrong(client, personas):
    response = client.post(reverse("donations:register"), {"organisation_name": "X"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose" in body or "required" in body
    assert not DonorRegistration.objects.exists()


def test_the_coordinator_approves_a_registration_from_the_list(client, personas, areas):
    registration = services.registration_submit(
        region=personas.region,
        areas=[areas["Dudley"]],
        organisation_name="Dudley Foundry",
        contact_name="Dev",
        contact_email="dev@foundry.example",
    )
    client.force_login(personas.coordinator)
    assert "Dudley Foundry" in client.get(reverse("donations:registrations")).content.decode()
    client.post(
        reverse("donations:registration_decide", args=[registration.pk]), {"decision": "approve"}
    )
    registration.refresh_from_db()
    assert registration.organisation.is_donor


def test_a_donor_pledges_from_the_form(client, personas, areas):
    client.force_login(personas.donor)
    response = client.post(
        reverse("donations:pledge_new"),
        {
            "area": areas["Birmingham"].pk,
            "sites": "HQ",
            "earliest_collection": TODAY.isoformat(),
            "count_laptop": "12",
            "count_smartphone": "3",
            "sensitivity": "personal",
            "contact_name": "Desk",
            "contact_email": "desk@example.org",
        },
    )
    assert response.status_code == 302
    pledge = personas.donor_org.pledges.get()
    assert pledge.expected_total == 15
    assert response["Location"] == reverse(
        "donations:detail", args=[pledge.batches.get().reference]
    )


def test_upload_with_an_unknown_column_and_errors_then_map_fix_and_import(
    client, personas, pledged
):
    _, batch = pledged
    client.force_login(personas.donor)
    response = _upload(client, batch, MANIFEST_WITH_PROBLEMS)
    manifest = Manifest.objects.get()
    assert response["Location"] == reverse(
        "donations:manifest", args=[batch.reference, manifest.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Not recognised" in page  # "Kit" and "Condition"
    report = manifest.report if manifest.report else {}
    assert manifest.status == ManifestStatus.CHECKED
    rows = {(e["row"], e["column"]) for e in report["errors"]}
    assert any(r == 3 for r, _ in rows)  # no serial number, IMEI or asset tag on row 3
    assert (4, "S/N") in rows  # SN-0001 again on row 4
    # The problems download as CSV.
    problems = client.get(
        reverse("donations:manifest_problems", args=[batch.reference, manifest.pk])
    )
    assert problems["Content-Type"].startswith("text/csv")
    assert b"Row,Column,Problem" in problems.content
    # Import is refused while problems remain.
    client.post(reverse("donations:manifest_commit", args=[batch.reference, manifest.pk]))
    assert not ManifestItem.objects.exists()
    # Map "Kit" to the device type, ignore "Condition"; the answer is remembered for the donor.
    headers = report["headers"]
    data = {f"column_{i}": (manifest.columns.get(h) or "") for i, h in enumerate(headers)}
    data[f"column_{headers.index('Kit')}"] = "device_type"
    client.post(reverse("donations:manifest_map", args=[batch.reference, manifest.pk]), data)
    assert ColumnMapping.objects.filter(donor=personas.donor_org, field="device_type").exists()
    # Fix the file and upload it again: the remembered mapping applies without asking.
    fixed = (
        b"Asset #,S/N,Make,Model,Kit,Condition\r\n"
        b"BG-1,SN-0001,Dell,Latitude 5490,laptop,good\r\n"
        b"BG-2,SN-0002,Dell,Latitude 5490,laptop,good\r\n"
        b"BG-3,SN-0003,Dell,Latitude 5490,laptop,fair\r\n"
    )
    _upload(client, batch, fixed, "assets-fixed.csv")
    again = Manifest.objects.exclude(pk=manifest.pk).get()
    assert again.errors == []
    assert again.columns["Kit"] == "device_type"
    response = client.post(reverse("donations:manifest_commit", args=[batch.reference, again.pk]))
    again.refresh_from_db()
    assert again.status == ManifestStatus.COMMITTED
    assert bytes(again.content) == b""  # the donor's file is not kept once imported
    assert list(ManifestItem.objects.values_list("serial_number", flat=True).order_by("row")) == [
        "SN-0001",
        "SN-0002",
        "SN-0003",
    ]


def test_another_donor_cannot_see_the_pledge_batch_or_manifest(
    client, personas, pledged, other_donor
):
    pledge, batch = pledged
    client.force_login(personas.donor)
    _upload(client, batch, b"Serial,Type\nX-1,laptop\n")
    manifest = Manifest.objects.get()
    client.force_login(other_donor)
    for url in (
        reverse("donations:pledge", args=[pledge.reference]),
        reverse("donations:detail", args=[batch.reference]),
        reverse("donations:manifest", args=[batch.reference, manifest.pk]),
        reverse("donations:manifest_problems", args=[batch.reference, manifest.pk]),
        reverse("donations:partner", args=[batch.reference]),
        reverse("donations:reconciliation_csv", args=[batch.reference]),
    ):
        assert client.get(url).status_code == 404, url
    assert pledge.reference not in client.get(reverse("donations:pledges")).content.decode()
    response = _upload(client, batch, b"Serial,Type\nX-2,laptop\n")
    assert response.status_code == 404
    assert Manifest.objects.count() == 1


def test_the_partner_page_offers_only_eligible_partners_with_reasons(
    client, personas, pledged, areas
):
    _, batch = pledged
    organisation_create(
        region=personas.region, name="Far Away Data", kinds=["itad"], areas_served=[areas["Dudley"]]
    )
    client.force_login(personas.donor)
    page = client.get(reverse("donations:partner", args=[batch.reference])).content.decode()
    assert "Far Away Data" in page
    assert "does not serve Birmingham." in page
    response = client.post(
        reverse("donations:partner", args=[batch.reference]),
        {
            "partner": personas.itad_org.pk,
            "collection_date": TODAY.isoformat(),
            "reason": "Closest to HQ",
        },
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.partner == personas.itad_org


def test_the_itad_confirms_receives_and_reconciles(client, personas, pledged):
    from donations import manifests

    _, batch = pledged
    manifests.import_file(batch, b"Serial,Type\nR-1,laptop\nR-2,laptop\n", "m.csv")
    services.partner_choose(
        batch, personas.itad_org, reason="Near", collection_date=TODAY, actor=personas.donor
    )
    collection = services.collection_book(batch, date=TODAY, site="HQ", actor=personas.donor)
    client.force_login(personas.technician)
    page = client.get(reverse("donations:collections")).content.decode()
    assert batch.reference in page
    client.post(reverse("donations:collection_act", args=[collection.pk, "confirm"]))
    response = client.post(
        reverse("donations:receive", args=[batch.reference]),
        {"identifiers": "R-1\nZZ-9", "unexpected_type": ""},
    )
    body = response.content.decode()
    assert "Received" in body
    assert "Not on the manifest" in body
    client.post(reverse("donations:receiving_close", args=[batch.reference]))
    page = client.get(reverse("donations:reconciliation", args=[batch.reference])).content.decode()
    assert "R-2" in page  # missing
    client.force_login(personas.donor)
    report = client.get(reverse("donations:reconciliation_csv", args=[batch.reference]))
    assert b"missing" in report.content


def test_api_reads_a_batch_and_imports_a_manifest_all_or_nothing(client, personas, pledged):
    _, batch = pledged
    _, secret = api_token_create(membership=personas.membership(personas.donor), name="Assets")
    auth = {"Authorization": f"Bearer {secret}"}
    url = reverse("api:manifest_upload", kwargs={"reference": batch.reference})
    bad = io.BytesIO(b"Serial,Type\nA-1,laptop\nA-1,laptop\n")
    bad.name = "bad.csv"
    response = client.post(url, {"file": bad}, headers=auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3
    assert not ManifestItem.objects.exists()
    good = io.BytesIO(b"Serial,Type\nA-1,laptop\nA-2,tablet\n")
    good.name = "good.csv"
    response = client.post(url, {"file": good}, headers=auth)
    assert response.status_code == 201, response.content
    detail = client.get(
        reverse("api:batch_detail", kwargs={"reference": batch.reference}), headers=auth
    ).json()
    assert detail["expected_devices"] == 2
    _, outsider = api_token_create(membership=personas.membership(personas.charlie), name="No")
    another = io.BytesIO(b"Serial,Type\nA-3,laptop\n")
    another.name = "another.csv"
    refused = client.post(url, {"file": another}, headers={"Authorization": f"Bearer {outsider}"})
    assert refused.status_code == 404
    assert ManifestItem.objects.count() == 2
    refused = client.get(
        reverse("api:batch_detail", kwargs={"reference": batch.reference}),
        headers={"Authorization": f"Bearer {outsider}"},
    )
    assert refused.status_code == 404


def test_import_manifest_command_json_and_exit_status(personas, pledged, tmp_path):
    _, batch = pledged
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Serial,Type\nB-1,laptop\nB-1,toaster\n")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_manifest", str(bad), "--donor", personas.donor_org.slug, "--json", stdout=out
        )
    assert exit_.value.code == 2
    report = json.loads(out.getvalue())
    assert set(report) >= {
        "rows",
        "accepted",
        "errors",
        "duplicates_in_file",
        "duplicates_existing",
        "columns",
        "detected_format",
    }
    assert report["columns"] == {"Serial": "serial_number", "Type": "device_type"}
    assert {e["row"] for e in report["errors"]} == {3}
    assert not ManifestItem.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(b"Serial,Type\nB-1,laptop\nB-2,desktop\n")
    out = io.StringIO()
    call_command(
        "import_manifest",
        str(good),
        "--donor",
        personas.donor_org.slug,
        "--batch",
        batch.reference,
        "--dry-run",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["accepted"] == 2
    assert not ManifestItem.objects.exists()
    call_command("import_manifest", str(good), "--donor", personas.donor_org.slug, stdout=out)
    assert ManifestItem.objects.filter(batch=batch).count() == 2


def test_suggested_dates_reach_the_browser_date_picker():
    """An <input type=date> only shows ISO dates; a UK-formatted value would show as empty."""
    from donations.forms import CollectionForm

    html = str(CollectionForm(initial={"date": datetime.date(2026, 5, 4), "site": "HQ"})["date"])
    assert 'type="date"' in html
    assert 'value="2026-05-04"' in html


def test_a_problem_on_the_last_of_many_rows_leaves_nothing_behind(personas, pledged):
    from donations import manifests

    _, batch = pledged
    lines = [b"Serial,Type"] + [b"S-%05d,laptop" % n for n in range(1, 3000)] + [b"S-00001,laptop"]
    result, _, manifest = manifests.import_file(batch, b"\n".join(lines) + b"\n", "big.csv")
    assert manifest is None
    assert [(e.row, e.column) for e in result.errors] == [(3001, "Serial")]
    assert not ManifestItem.objects.exists()
    assert not Manifest.objects.exists()


def test_an_unreadable_upload_gets_a_clear_message_over_the_api(client, personas, pledged):
    _, batch = pledged
    _, secret = api_token_create(membership=personas.membership(personas.donor), name="Assets")
    response = _api_upload(
        client, batch, b"PK\x03\x04 not really a workbook", secret, name="assets.xlsx"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["row"] is None
    assert error["message"]
    assert not ManifestItem.objects.exists()


def test_a_large_file_is_checked_and_imported_in_the_background(
    client, personas, pledged, django_capture_on_commit_callbacks
):
    """Over the inline limit the upload returns at once; the worker checks it, the page shows
    progress, and the import also runs as a task (tasks run in-process in tests)."""
    from donations import manifests

    _, batch = pledged
    lines = [b"Serial,Type,Make,Model"] + [
        b"BG-%06d,laptop,Dell,Latitude 5490 with a long model description" % n
        for n in range(1, 12_000)
    ]
    content = b"\r\n".join(lines) + b"\r\n"
    assert len(content) > manifests.INLINE_BYTES
    client.force_login(personas.donor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(client, batch, content, name="large.csv")
    assert callbacks, "the check was queued for the worker, not done in the request"
    manifest = Manifest.objects.get(batch=batch)
    assert manifest.status == ManifestStatus.CHECKED
    assert manifest.report["rows"] == 11_999
    assert not manifest.report["errors"]
    page = client.get(response.url if response.status_code == 302 else manifest_url(manifest))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        manifests.manifest_commit(manifest, actor=personas.donor)
    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.COMMITTED
    assert manifest.content == b""  # the donor's file is not kept once imported
    assert ManifestItem.objects.filter(batch=batch).count() == 11_999


def manifest_url(manifest):
    return reverse(
        "donations:manifest", kwargs={"reference": manifest.batch.reference, "pk": manifest.pk}
    )


def test_receiving_reopens_until_the_certificate_and_collections_can_be_cancelled(
    personas, pledged
):
    from django.core.exceptions import ValidationError

    _pledge, batch = pledged
    today = timezone.localdate()
    services.partner_choose(
        batch, personas.itad_org, reason="Near", collection_date=today, actor=personas.donor
    )
    collection = services.collection_book(batch, date=today, site="HQ", actor=personas.donor)
    with pytest.raises(ValidationError, match="reason"):
        services.collection_cancel(
            collection, actor=personas.donor, organisation=personas.donor_org, reason=" "
        )
    with pytest.raises(ValidationError):
        services.collection_cancel(
            collection, actor=personas.charlie, organisation=personas.tipton, reason="No"
        )
    services.collection_cancel(
        collection, actor=personas.donor, organisation=personas.donor_org, reason="Site closed"
    )
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.CANCELLED
    again = services.collection_book(batch, date=today, site="HQ", actor=personas.donor)
    services.collection_confirm(again, actor=personas.technician, organisation=personas.itad_org)
    services.receive_scan(
        batch,
        ["NOT-LISTED-1"],
        actor=personas.technician,
        organisation=personas.itad_org,
        unexpected_type="laptop",
    )
    services.receiving_close(batch, actor=personas.technician, organisation=personas.itad_org)
    batch.refresh_from_db()
    assert batch.receiving_closed_at is not None
    with pytest.raises(ValidationError, match="partner"):
        services.receiving_reopen(batch, actor=personas.donor, organisation=personas.donor_org)
    services.receiving_reopen(batch, actor=personas.technician, organisation=personas.itad_org)
    batch.refresh_from_db()
    assert batch.receiving_closed_at is None


def test_the_problems_and_reconciliation_downloads_neutralise_spreadsheet_formulas(
    client, personas, pledged
):
    import csv

    from donations import manifests

    _, batch = pledged
    client.force_login(personas.donor)
    # "@S/N" is still the serial column; its name and a model would run if opened as formulas.
    _upload(client, batch, b"@S/N,Type,Model\r\n=1+1,laptop,=2+2\r\n=1+1,laptop,x\r\n")
    manifest = Manifest.objects.get()
    problems = client.get(
        reverse("donations:manifest_problems", args=[batch.reference, manifest.pk])
    ).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(problems)) for cell in row]
    assert "'@S/N" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]

    manifests.import_file(batch, b"Serial,Type,Model\r\nR-1,laptop,=HYPERLINK(1)\r\n", "m.csv")
    report = client.get(reverse("donations:reconciliation_csv", args=[batch.reference]))
    cells = [cell for row in csv.reader(io.StringIO(report.content.decode())) for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_a_column_naming_people_is_never_imported_whatever_is_chosen(client, personas, pledged):
    from django.core.exceptions import ValidationError

    from donations import manifests

    _, batch = pledged
    client.force_login(personas.donor)
    content = b"Serial,Type,Primary user UPN\r\nP-1,laptop,jo.bloggs@example.org\r\n"
    _upload(client, batch, content)
    manifest = Manifest.objects.get()
    page = client.get(manifest_url(manifest)).content.decode()
    assert "Not imported: it names people" in page
    headers = manifest.report["headers"]
    data = {f"column_{i}": (manifest.columns.get(h) or "") for i, h in enumerate(headers)}
    data[f"column_{headers.index('Primary user UPN')}"] = "notes"

    response = client.post(
        reverse("donations:manifest_map", args=[batch.reference, manifest.pk]), data, follow=True
    )

    assert "Nothing was saved. Primary user UPN:" in response.content.decode()
    assert not ColumnMapping.objects.filter(field="notes").exists()
    with pytest.raises(ValidationError, match="names people"):
        manifests.manifest_remap(
            manifest,
            overrides={"Primary user UPN": "notes"},
            default_type="",
            actor=personas.donor,
        )
    # A choice remembered from before this rule, or sent by another client, is not applied.
    ColumnMapping.objects.create(
        donor=personas.donor_org, header=manifests.header_key("Primary user UPN"), field="notes"
    )
    result, _, imported = manifests.import_file(batch, content, "again.csv")
    assert imported is not None
    assert result.columns["Primary user UPN"] is None
    assert list(ManifestItem.objects.values_list("notes", flat=True)) == [""]


def test_a_background_check_or_import_that_fails_says_so_and_imports_nothing(
    personas, pledged, monkeypatch
):
    from django.db import DatabaseError

    from donations import manifests, tasks

    _, batch = pledged
    manifest = manifests.manifest_upload(
        batch, filename="m.csv", content=b"Serial,Type\nT-1,laptop\n", actor=personas.donor
    )
    Manifest.objects.filter(pk=manifest.pk).update(status=ManifestStatus.COMMITTING)

    def full_disk(*args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(manifests, "store", full_disk)
    with pytest.raises(DatabaseError):
        tasks.commit_manifest.call(manifest.pk)
    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.CHECKED
    assert [e["message"] for e in manifest.report["errors"]] == [tasks.IMPORT_FAILED]
    assert not ManifestItem.objects.exists()

    Manifest.objects.filter(pk=manifest.pk).update(status=ManifestStatus.CHECKING)
    monkeypatch.setattr(manifests, "parse", full_disk)
    with pytest.raises(DatabaseError):
        tasks.check_manifest.call(manifest.pk)
    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.FAILED
    assert [e["message"] for e in manifest.report["errors"]] == [tasks.CHECK_FAILED]


def test_a_file_over_20_mb_is_refused_with_a_clear_message_on_the_page_and_over_the_api(
    client, personas, pledged
):
    from donations import manifests

    _, batch = pledged
    line = b"BIG-0000000001,laptop,Dell,Latitude 5490 with a long model description\r\n"
    content = b"Serial,Type,Make,Model\r\n" + line * (manifests.LIMITS.max_bytes // len(line) + 1)
    assert len(content) > manifests.LIMITS.max_bytes
    client.force_login(personas.donor)

    response = _upload(client, batch, content, name="estate.csv")

    page = client.get(response["Location"]).content.decode()
    assert "The file is larger than 20 MB; split it into smaller files." in page
    _, secret = api_token_create(membership=personas.membership(personas.donor), name="Assets")
    response = _api_upload(client, batch, content, secret, name="estate.csv")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The file is larger than 20 MB; split it."
    assert not Manifest.objects.exists()


def test_another_donors_api_token_sees_none_of_the_batch(client, personas, pledged, other_donor):
    _, batch = pledged
    _, secret = api_token_create(membership=other_donor.memberships.get(), name="Theirs")
    auth = {"Authorization": f"Bearer {secret}"}

    listed = client.get(reverse("api:batch_list"), headers=auth)
    detail = client.get(
        reverse("api:batch_detail", kwargs={"reference": batch.reference}), headers=auth
    )
    posted = _api_upload(client, batch, b"Serial,Type\nX-1,laptop\n", secret)

    assert listed.status_code == 200
    assert batch.reference not in json.dumps(listed.json())
    assert (detail.status_code, posted.status_code) == (404, 404)
    assert not Manifest.objects.exists()
    mine = client.get(
        reverse("api:batch_list"),
        headers={
            "Authorization": "Bearer "
            + api_token_create(membership=personas.membership(personas.donor), name="Mine")[1]
        },
    )
    assert batch.reference in json.dumps(mine.json())


def test_before_importing_the_donor_sees_the_first_rows_as_they_will_be_imported(
    client, personas, pledged
):
    _, batch = pledged
    client.force_login(personas.donor)
    rows = b"".join(b"c02 xg%d,Laptops,HEWLETT-PACKARD,EliteBook 840\r\n" % n for n in range(25))
    response = _upload(client, batch, b"S/N,Category,Manufacturer,Model\r\n" + rows)

    page = client.get(response["Location"]).content.decode()

    assert "The first 20 devices as they will be imported" in page
    assert "C02XG0" in page  # the serial as Rehome keeps it: upper case, no spaces
    assert "HP EliteBook 840" in page
    assert "C02XG20" not in page
    assert not ManifestItem.objects.exists()


def test_the_coordinator_sees_every_pledge_in_the_pipeline_at_its_least_advanced_batch(
    client, personas, pledged, other_donor
):
    pledge, first = pledged
    second = services.batch_add(pledge, site="Depot, Tyseley")
    services.partner_choose(
        first, personas.itad_org, reason="Near", collection_date=TODAY, actor=personas.donor
    )
    services.partner_choose(
        second, personas.itad_org, reason="Near", collection_date=TODAY, actor=personas.donor
    )
    Batch = type(first)
    Batch.objects.filter(pk=first.pk).update(receiving_closed_at=timezone.now())
    theirs = services.pledge_create(
        donor=other_donor.memberships.get().organisation,
        actor=other_donor,
        area=pledge.area,
        sites="Their HQ",
        earliest_collection=TODAY,
        counts={"tablet": 5},
        sensitivity="standard",
        contact_name="Their desk",
        contact_email="their-desk@example.org",
    )
    client.force_login(personas.coordinator)

    page = client.get(reverse("donations:pledges")).content.decode()

    assert pledge.reference in page
    assert theirs.reference in page
    assert "Partner chosen; 1 of 2 batches received" in page
    client.force_login(personas.donor)
    assert theirs.reference not in client.get(reverse("donations:pledges")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_background_check_and_import_show_their_progress_as_they_go(
    client, personas, pledged, monkeypatch
):
    """Outside a transaction, as the worker runs them, the check and the import write how far
    they have come where the page reads it; the page says reading, checking or storing."""
    from donations import manifests
    from lib.manifest.read import PROGRESS_EVERY

    _, batch = pledged
    count = PROGRESS_EVERY * 2 + 10
    content = b"Serial,Type,Make\r\n" + b"".join(
        b"PR-%06d,laptop,Dell\r\n" % n for n in range(count)
    )
    manifest = Manifest.objects.create(
        batch=batch, filename="estate.csv", content=content, size=len(content), sha256="x"
    )
    seen = []
    show = manifests.Progress._show

    def watched(self, done, total):
        show(self, done, total)
        stored = Manifest.objects.values_list("rows_done", "rows_total").get(pk=self.pk)
        if stored == (done, total):  # written where another connection (the page) sees it
            seen.append(stored)

    monkeypatch.setattr(manifests.Progress, "_show", watched)

    manifests.manifest_check(manifest)

    reading = [done for done, total in seen if total == 0]
    checking = [done for done, total in seen if total == count]
    assert reading == [PROGRESS_EVERY, PROGRESS_EVERY * 2]
    assert checking == sorted(checking)
    assert checking
    assert checking[-1] < count
    manifest.refresh_from_db()
    assert (manifest.status, manifest.rows_done, manifest.rows_total) == ("checked", count, count)

    seen.clear()
    Manifest.objects.filter(pk=manifest.pk).update(status=ManifestStatus.COMMITTING)
    manifest.refresh_from_db()
    manifests.commit_now(manifest, actor=personas.donor)

    assert seen[-1] == (count, count)  # storing, once every row was checked
    assert any(total == count and done < count for done, total in seen)
    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.COMMITTED
    assert ManifestItem.objects.filter(batch=batch).count() == count

    # What the page says at each step.
    client.force_login(personas.donor)
    url = manifest_url(manifest)
    for status, done, total, says in (
        ("checking", PROGRESS_EVERY, 0, f"Reading estate.csv…</strong> {PROGRESS_EVERY} rows"),
        ("checking", count // 2, count, f"Checking {count} rows of estate.csv…</strong> 50% done"),
        ("committing", count // 4, count, "before importing them…</strong> 25% done"),
        ("committing", count, count, f"Importing {count} rows from estate.csv…"),
    ):
        Manifest.objects.filter(pk=manifest.pk).update(
            status=status, rows_done=done, rows_total=total
        )
        assert says in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_identifier_imported_elsewhere_while_the_worker_checked_stops_the_import(
    personas, pledged, monkeypatch
):
    """The worker checks the file before its transaction; a serial another batch imported in
    between is found under the locks, and nothing is imported."""
    from donations import manifests

    pledge, batch = pledged
    manifest = _being_imported(batch, b"Serial,Type\r\nMW-1,laptop\r\nMW-2,laptop\r\n")
    other = services.batch_add(pledge, site="Depot")
    _before_the_locked_commit(
        monkeypatch,
        lambda: manifests.import_file(other, b"Serial,Type\r\nMW-2,laptop\r\n", "other.csv"),
    )

    manifests.commit_now(manifest, actor=personas.donor)

    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.CHECKED
    assert [(e["row"], e["column"]) for e in manifest.report["errors"]] == [(3, "Serial")]
    assert "already known" in manifest.report["errors"][0]["message"]
    assert not ManifestItem.objects.filter(batch=batch).exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_discarded_while_the_worker_checked_it_is_not_imported(
    personas, pledged, monkeypatch
):
    from django.core.exceptions import ValidationError

    from donations import manifests

    _, batch = pledged
    manifest = _being_imported(batch, b"Serial,Type\r\nDW-1,laptop\r\nDW-2,laptop\r\n")
    _before_the_locked_commit(
        monkeypatch, lambda: manifests.manifest_discard(manifest, actor=personas.donor)
    )

    with pytest.raises(ValidationError, match="replaced or discarded meanwhile"):
        manifests.commit_now(manifest, actor=personas.donor)

    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.DISCARDED
    assert not ManifestItem.objects.filter(batch=batch).exists()


@pytest.mark.django_db(transaction=True)
def test_columns_remapped_while_the_file_was_checked_are_checked_again(
    personas, pledged, monkeypatch
):
    from donations import manifests

    _, batch = pledged
    content = b"Serial,Type,Make\r\nRM-1,laptop,Dell\r\n"
    manifest = manifests.manifest_upload(
        batch, filename="m.csv", content=content, actor=personas.donor
    )
    _before_the_locked_commit(
        monkeypatch,
        lambda: Manifest.objects.filter(pk=manifest.pk).update(overrides={"Make": None}),
    )

    manifests.manifest_commit(manifest, actor=personas.donor)

    assert list(ManifestItem.objects.filter(batch=batch).values_list("make", flat=True)) == [""]
