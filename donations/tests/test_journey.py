"""The donor journey's services: registration, pledges, partner matching, collections, receipt
against the manifest, reconciliation and the milestone emails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Invitation
from devices.lifecycle import State
from devices.models import Device
from donations import manifests, matching, services
from donations.models import (
    Collection,
    CollectionStatus,
    DonorRegistration,
    ManifestItem,
    PartnerChoice,
    PledgeStatus,
    RegistrationStatus,
)
from organisations.services import accreditation_add, organisation_create

TODAY = timezone.localdate()
SOON = TODAY + datetime.timedelta(days=7)

MANIFEST = (
    b"Asset Tag,Serial,Manufacturer,Model,Category\r\n"
    b"MM-1,SER-0001,Lenovo,ThinkPad T480,Laptops\r\n"
    b"MM-2,SER-0002,Lenovo,ThinkPad T480,Laptops\r\n"
    b"MM-3,SER-0003,Apple,iPad Air,Tablets\r\n"
)


@pytest.fixture
def donation(personas, areas, django_capture_on_commit_callbacks):
    """A pledge from the personas' donor, with a partner able to take it."""
    accreditation_add(
        organisation=personas.itad_org,
        scheme="cyber_essentials_plus",
        number="CEP-1",
        expires_on=TODAY + datetime.timedelta(days=300),
    )
    pledge = services.pledge_create(
        donor=personas.donor_org,
        actor=personas.donor,
        area=areas["Birmingham"],
        sites="Midland Mutual House, 1 Colmore Row, Birmingham B3 2BJ",
        earliest_collection=TODAY,
        counts={"laptop": 2, "tablet": 1},
        sensitivity="standard",
        contact_name="Facilities desk",
        contact_email="facilities@midland-mutual.example",
    )
    return pledge, pledge.batches.get()


def _import(batch, content=MANIFEST, actor=None):
    result, _, manifest = manifests.import_file(batch, content, "assets.csv", actor=actor)
    assert result.ok, result.as_dict()
    return manifest


def _collected(batch, personas):
    services.partner_choose(
        batch,
        personas.itad_org,
        reason="Serves Birmingham",
        collection_date=SOON,
        actor=personas.donor,
    )
    collection = services.collection_book(
        batch, date=SOON, site="Colmore Row", actor=personas.donor
    )
    services.collection_confirm(
        collection, actor=personas.technician, organisation=personas.itad_org
    )
    return collection


# --- Registration ---------------------------------------------------------------------------


def test_a_registration_becomes_a_donor_with_an_invited_admin(personas, areas, mailoutbox):
    registration = services.registration_submit(
        region=personas.region,
        areas=[areas["Coventry"]],
        organisation_name="Coventry Building Supplies",
        contact_name="Priya Patel",
        contact_email="it@cbs.example",
    )
    organisation = services.registration_approve(registration, actor=personas.coordinator)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert organisation.is_donor
    assert list(organisation.areas_served.all()) == [areas["Coventry"]]
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.is_admin) == (
        "it@cbs.example",
        "donor_contact",
        True,
    )
    with pytest.raises(ValidationError, match="already been decided"):
        services.registration_approve(registration, actor=personas.coordinator)


def test_declining_needs_a_reason_and_tells_the_organisation(
    personas, areas, django_capture_on_commit_callbacks
):
    registration = services.registration_submit(
        region=personas.region,
        areas=[areas["Coventry"]],
        organisation_name="Not Really Ltd",
        contact_name="Sam",
        contact_email="sam@notreally.example",
    )
    with pytest.raises(ValidationError):
        services.registration_decline(registration, actor=personas.coordinator, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decline(
            registration, actor=personas.coordinator, note="We only take devices from employers."
        )
    assert DonorRegistration.objects.get().status == RegistrationStatus.DECLINED
    assert any("only take devices" in m.body for m in mail.outbox)


# --- Pledges --------------------------------------------------------------------------------


def test_a_pledge_gets_references_lines_and_its_first_batch(donation):
    pledge, batch = donation
    assert pledge.reference == f"P-{TODAY.year}-0001"
    assert batch.reference.startswith(f"B-{TODAY.year}-")
    assert pledge.expected_total == 3
    assert batch.site == "Midland Mutual House, 1 Colmore Row, Birmingham B3 2BJ"


def test_a_pledge_refuses_past_dates_unknown_types_and_no_devices(personas, areas):
    common = {
        "donor": personas.donor_org,
        "actor": personas.donor,
        "area": areas["Birmingham"],
        "sites": "HQ",
        "sensitivity": "standard",
        "contact_name": "Desk",
        "contact_email": "desk@example.org",
    }
    with pytest.raises(ValidationError, match="today or a later date"):
        services.pledge_create(
            earliest_collection=TODAY - datetime.timedelta(days=1), counts={"laptop": 1}, **common
        )
    with pytest.raises(ValidationError, match="toaster"):
        services.pledge_create(earliest_collection=TODAY, counts={"toaster": 1}, **common)
    with pytest.raises(ValidationError, match="at least one type"):
        services.pledge_create(earliest_collection=TODAY, counts={"laptop": 0}, **common)


def test_withdrawing_a_pledge_cancels_its_collections(donation, personas):
    pledge, batch = donation
    collection = _collected(batch, personas)
    services.pledge_withdraw(pledge, actor=personas.donor, reason="Refresh postponed")
    pledge.refresh_from_db()
    collection.refresh_from_db()
    assert pledge.status == PledgeStatus.WITHDRAWN
    assert collection.status == CollectionStatus.CANCELLED


# --- Partner matching -----------------------------------------------------------------------


def test_only_partners_serving_the_area_with_valid_accreditations_are_eligible(
    donation, personas, areas
):
    _, batch = donation
    elsewhere = organisation_create(
        region=personas.region, name="Dudley Data", kinds=["itad"], areas_served=[areas["Dudley"]]
    )
    for scheme in ("adisa", "cyber_essentials_plus"):
        accreditation_add(
            organisation=elsewhere,
            scheme=scheme,
            number=f"DD-{scheme}",
            expires_on=TODAY + datetime.timedelta(days=300),
        )
    unaccredited = organisation_create(
        region=personas.region, name="Brum Bits", kinds=["itad"], areas_served=[areas["Birmingham"]]
    )
    offered = {e.partner.name: e for e in matching.partners_for(batch, SOON)}
    assert offered["Forge Tech Reuse"].eligible
    assert offered["Dudley Data"].reasons == ["does not serve Birmingham."]
    assert len(offered[unaccredited.name].reasons) == 2
    with pytest.raises(ValidationError, match="does not serve Birmingham"):
        services.partner_choose(
            batch, elsewhere, reason="Cheapest", collection_date=SOON, actor=personas.donor
        )


def test_an_accreditation_expiring_before_the_collection_blocks_the_partner(donation, personas):
    _, batch = donation
    personas.itad_org.accreditations.filter(scheme="adisa").update(
        expires_on=SOON - datetime.timedelta(days=1)
    )
    eligibility = matching.assess(personas.itad_org, batch, SOON)
    assert not eligibility.eligible
    assert "expired on" in eligibility.reasons[0]
    # Still fine for a collection before it lapses, with a warning that it lapses soon.
    early = matching.assess(personas.itad_org, batch, TODAY)
    assert early.eligible
    assert early.expiring


def test_a_partner_whose_accreditation_has_lapsed_or_not_begun_cannot_be_chosen(donation, personas):
    _, batch = donation
    adisa = personas.itad_org.accreditations.filter(scheme="adisa")
    adisa.update(expires_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="expired on"):
        services.partner_choose(
            batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
        )
    # Renewed, but the new certificate only starts after the collection date.
    adisa.update(
        valid_from=SOON + datetime.timedelta(days=1), expires_on=SOON + datetime.timedelta(days=400)
    )
    assert not matching.assess(personas.itad_org, batch, SOON).eligible
    with pytest.raises(ValidationError):
        services.partner_choose(
            batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
        )
    batch.refresh_from_db()
    assert batch.partner is None
    assert not PartnerChoice.objects.exists()


def test_higher_sensitivity_needs_more_accreditations(donation, personas):
    pledge, batch = donation
    pledge.sensitivity = "high"
    pledge.save()
    batch.refresh_from_db()
    eligibility = matching.assess(personas.itad_org, batch, SOON)
    assert eligibility.reasons == ["ISO/IEC 27001 information security: none held."]


def test_the_choice_and_its_reason_are_recorded(donation, personas):
    _, batch = donation
    with pytest.raises(ValidationError, match="Say why"):
        services.partner_choose(
            batch, personas.itad_org, reason="", collection_date=SOON, actor=personas.donor
        )
    services.partner_choose(
        batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
    )
    batch.refresh_from_db()
    choice = PartnerChoice.objects.get()
    assert (batch.partner, batch.partner_reason) == (personas.itad_org, "Nearest")
    assert choice.eligible == ["Forge Tech Reuse"]


# --- Collections ----------------------------------------------------------------------------


def test_a_collection_is_booked_confirmed_by_the_partner_and_the_donor_told(
    donation, personas, django_capture_on_commit_callbacks, mailoutbox
):
    _, batch = donation
    with pytest.raises(ValidationError, match="Choose the partner"):
        services.collection_book(batch, date=SOON, site="HQ", actor=personas.donor)
    services.partner_choose(
        batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
    )
    collection = services.collection_book(batch, date=SOON, site="HQ", actor=personas.donor)
    with pytest.raises(ValidationError, match="already has a collection"):
        services.collection_book(batch, date=SOON, site="HQ", actor=personas.donor)
    with pytest.raises(ValidationError, match="Only the collecting partner"):
        services.collection_confirm(
            collection, actor=personas.donor, organisation=personas.donor_org
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.collection_confirm(
            collection, actor=personas.technician, organisation=personas.itad_org
        )
    assert Collection.objects.get().status == CollectionStatus.CONFIRMED
    confirmed = [m for m in mail.outbox if m.subject.startswith("Collection confirmed")]
    assert confirmed
    assert "donor@example.org" in confirmed[0].to
    assert "facilities@midland-mutual.example" in confirmed[0].to


def test_a_collection_date_after_an_accreditation_lapses_is_refused(donation, personas):
    _, batch = donation
    services.partner_choose(
        batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
    )
    personas.itad_org.accreditations.filter(scheme="adisa").update(expires_on=SOON)
    later = SOON + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot collect on that date"):
        services.collection_book(batch, date=later, site="HQ", actor=personas.donor)


# --- Receipt and reconciliation -------------------------------------------------------------


def test_receiving_against_the_manifest_registers_received_devices(donation, personas):
    _, batch = donation
    _import(batch)
    _collected(batch, personas)
    report = services.receive_scan(
        batch,
        ["SER-0001", "mm-2", "SER-0001", "NOT-ON-LIST"],
        actor=personas.technician,
        organisation=personas.itad_org,
    )
    outcomes = [(o.identifier, o.outcome) for o in report.outcomes]
    assert outcomes == [
        ("SER-0001", "received"),
        ("mm-2", "received"),
        ("NOT-ON-LIST", "unexpected"),
    ]
    device = Device.objects.get(serial_number="SER-0001")
    assert (device.state, device.custodian, device.batch) == (
        State.RECEIVED,
        personas.itad_org,
        batch,
    )
    assert ManifestItem.objects.get(row=2).device == device
    # Scanning again says so and creates nothing.
    again = services.receive_scan(
        batch, ["SER-0001"], actor=personas.technician, organisation=personas.itad_org
    )
    assert again.outcomes[0].outcome == "already"
    assert Device.objects.filter(batch=batch).count() == 2


def test_reconciliation_shows_received_missing_and_unexpected(
    donation, personas, django_capture_on_commit_callbacks, mailoutbox
):
    _, batch = donation
    _import(batch)
    _collected(batch, personas)
    services.receive_scan(
        batch,
        ["SER-0001", "SER-0002", "EXTRA-9"],
        actor=personas.technician,
        organisation=personas.itad_org,
        unexpected_type="laptop",
    )
    summary = services.reconciliation(batch)
    assert [i.serial_number for i in summary.received] == ["SER-0001", "SER-0002"]
    assert [i.serial_number for i in summary.missing] == ["SER-0003"]
    assert [d.serial_number for d in summary.unexpected] == ["EXTRA-9"]
    with django_capture_on_commit_callbacks(execute=True):
        services.receiving_close(batch, actor=personas.technician, organisation=personas.itad_org)
    received = [m for m in mail.outbox if m.subject.startswith("Batch received")]
    assert received
    assert "Missing: 1" in received[0].body
    assert "Not on your list: 1" in received[0].body
    with pytest.raises(ValidationError, match="Receiving was closed"):
        services.receive_scan(
            batch, ["SER-0003"], actor=personas.technician, organisation=personas.itad_org
        )


def test_only_the_partner_receives_and_only_after_a_confirmed_collection(lab, donation, personas):
    _, batch = donation
    _import(batch)
    with pytest.raises(ValidationError, match="Only the batch's partner"):
        services.receive_scan(
            batch, ["SER-0001"], actor=lab.rival_technician, organisation=lab.rival_itad
        )
    services.partner_choose(
        batch, personas.itad_org, reason="Nearest", collection_date=SOON, actor=personas.donor
    )
    with pytest.raises(ValidationError, match="no confirmed collection"):
        services.receive_scan(
            batch, ["SER-0001"], actor=personas.technician, organisation=personas.itad_org
        )


def test_the_certificate_ready_email_goes_when_no_device_holds_data(
    donation, personas, django_capture_on_commit_callbacks, mailoutbox
):
    from demo.erasure_logs import nwipe_log
    from devices.services import DriveSpec, drive_add
    from erasure.services import import_evidence

    _, batch = donation
    _import(batch, b"Serial,Category\nSER-0001,Laptop\n")
    _collected(batch, personas)
    services.receive_scan(
        batch, ["SER-0001"], actor=personas.technician, organisation=personas.itad_org
    )
    tech, itad = personas.technician, personas.itad_org
    drive_add(Device.objects.get(), DriveSpec(serial="DRIVE-CERT-1"), actor=tech, organisation=itad)
    with django_capture_on_commit_callbacks(execute=True):
        services.receiving_close(batch, actor=tech, organisation=itad)
    assert not [m for m in mail.outbox if "certificate ready" in m.subject.lower()]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_evidence(
            nwipe_log(["DRIVE-CERT-1"]), "wipe.log", organisation=itad, actor=tech
        )
    assert result.moved, result.as_dict()
    batch.refresh_from_db()
    assert batch.certificate_ready_at is not None
    assert [m for m in mail.outbox if "certificate ready" in m.subject.lower()]


def test_the_manifest_cannot_change_once_devices_are_received(donation, personas):
    _, batch = donation
    _import(batch)
    _collected(batch, personas)
    services.receive_scan(
        batch, ["SER-0001"], actor=personas.technician, organisation=personas.itad_org
    )
    with pytest.raises(ValidationError, match="no longer change"):
        manifests.import_file(batch, MANIFEST, "again.csv")


def test_identifiers_rehome_already_holds_are_reported_however_they_are_written(
    donation, personas, areas
):
    """Serial numbers are known from any device or other batch's manifest, compared without
    case, spaces or dashes; asset tags only from the same donor, whose numbering they are."""
    from devices.services import device_register
    from donations.models import Batch

    _, batch = donation
    earlier = Batch.objects.create(
        region=personas.region, reference="B-2025-0007", donor=personas.donor_org, area=batch.area
    )
    _import(earlier, b"Asset Tag,Serial,Category\r\nMM-7,OLD-0001,Laptops\r\n")
    rival = organisation_create(
        region=personas.region, name="Other Employer", kinds=["donor"], areas_served=[batch.area]
    )
    theirs = Batch.objects.create(
        region=personas.region, reference="B-2025-0008", donor=rival, area=batch.area
    )
    _import(theirs, b"Asset Tag,Serial,Category\r\nMM-8,RIV-0001,Laptops\r\n")
    device_register(
        region=personas.region,
        device_type="laptop",
        actor=personas.technician,
        organisation=personas.itad_org,
        donor=rival,
        serial_number="5cg 1234-x",
        state=State.RECEIVED,
    )
    content = (
        b"Asset Tag,Serial,Category\r\n"
        b"MM-7,NEW-0001,Laptops\r\n"  # the donor's own tag, in its earlier batch
        b"MM-8,NEW-0002,Laptops\r\n"  # another donor's tag: not the same device
        b"MM-9,5CG1234X,Laptops\r\n"  # a device Rehome holds, written differently
        b"MM-10,old 0001,Laptops\r\n"  # in the earlier batch's manifest
    )
    result, _, manifest = manifests.import_file(batch, content, "assets.csv")
    assert manifest is None
    problems = [(e.row, e.column) for e in result.errors]
    assert problems == [(2, "Asset Tag"), (4, "Serial"), (5, "Serial")]
    assert all("already" in e.message for e in result.errors)
    assert result.as_dict()["duplicates_existing"] == 3
    assert not ManifestItem.objects.filter(batch=batch).exists()


def test_identifiers_with_quotes_backslashes_and_accents_are_found_when_known(
    donation, personas, areas
):
    """The file's keys go to the database in one parameter (a JSON array on SQLite, an array on
    PostgreSQL): characters JSON escapes, and letters beyond ASCII, must arrive unchanged."""
    from donations.models import Batch

    _, batch = donation
    earlier = Batch.objects.create(
        region=personas.region, reference="B-2025-0007", donor=personas.donor_org, area=batch.area
    )
    known = ['QU"OTE-1', "BACK\\SLASH-2", "ÉCOLE-3", "日本-4", "SLASH/5", "EMOJI-😀-6"]
    rows = "".join(
        f'MM-{n},"{serial.replace(chr(34), chr(34) * 2)}",Laptops\r\n'
        for n, serial in enumerate(known)
    )
    _import(earlier, ("Asset Tag,Serial,Category\r\n" + rows).encode())
    # The same serials again, with thousands of new ones around them.
    fresh = [f"NEW-{n:05d}" for n in range(6_000)]
    again = [*fresh[:3_000], *known, *fresh[3_000:]]
    lines = "".join(
        f'X-{n},"{serial.replace(chr(34), chr(34) * 2)}",Laptops\r\n'
        for n, serial in enumerate(again)
    )
    result, _, manifest = manifests.import_file(
        batch, ("Asset Tag,Serial,Category\r\n" + lines).encode(), "assets.csv"
    )
    assert manifest is None
    flagged = sorted(e.row for e in result.errors)
    assert flagged == [3_002 + n for n in range(len(known))]
    assert all(e.column == "Serial" and "already" in e.message for e in result.errors)


def test_a_nul_character_in_a_workbook_cell_is_reported_not_a_crash(donation, personas):
    """Excel writes a NUL as "_x0000_" (as xlsxwriter does here); PostgreSQL stores one neither
    in text nor in JSON, so the reader takes it out and the cell is an error the donor can fix."""
    from lib.manifest import messages
    from lib.manifest.samples import to_xlsx_bytes

    _, batch = donation
    workbook = to_xlsx_bytes(
        ["Asset Tag", "Serial", "Category"],
        [["MM-1", "AB\x00C", "Laptops"], ["MM-2", "DEF-2", "Laptops"]],
    )

    result, _, manifest = manifests.import_file(batch, workbook, "assets.xlsx")
    upload = manifests.manifest_upload(
        batch, filename="assets.xlsx", content=workbook, actor=personas.donor
    )

    assert manifest is None
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Serial", messages.NUL_CHARACTER)
    ]
    assert not ManifestItem.objects.filter(batch=batch).exists()
    upload.refresh_from_db()
    assert upload.status == "checked"
    assert upload.report["errors"] == [
        {"row": 2, "column": "Serial", "message": messages.NUL_CHARACTER}
    ]


# A donor's whole estate: 100,000 devices, the last rows the ones that go wrong.
ESTATE_ROWS = 100_000


@pytest.fixture(scope="module")
def estate():
    from lib.manifest import samples

    return samples.generate_rows(ESTATE_ROWS, seed=11, flavour="snipe-it")


def _committed_items(batch):
    return sorted(ManifestItem.objects.filter(batch=batch).values_list("row", "serial_number"))


def test_an_error_at_row_99999_of_100000_stores_nothing(donation, estate):
    from lib.manifest import messages, samples

    _, batch = donation
    _import(batch)  # the batch's manifest so far, which must survive
    before = _committed_items(batch)
    headers, rows = estate
    serial = headers.index("Serial")
    rows = [list(row) for row in rows]
    rows[99_997][serial] = rows[0][serial]  # spreadsheet row 99,999 repeats row 2's serial

    result, _, manifest = manifests.import_file(
        batch, samples.to_csv_bytes(headers, rows), "estate.csv"
    )

    assert manifest is None
    assert [(e.row, e.column) for e in result.errors] == [(99_999, "Serial")]
    assert result.errors[0].message == messages.DUPLICATE.format(
        label="Serial number", value=rows[0][serial].upper(), row=2
    )
    assert _committed_items(batch) == before


def test_a_database_failure_at_row_99999_of_100000_leaves_nothing_behind(
    donation, estate, monkeypatch
):
    """The items go to the database as they are made (executemany on SQLite, COPY on
    PostgreSQL): 99,997 are written when row 99,999 fails, and all of them must go."""
    from django.db import DatabaseError

    from donations.models import Manifest
    from lib.manifest import samples

    _, batch = donation
    _import(batch)
    before = _committed_items(batch)
    manifests_before = list(Manifest.objects.filter(batch=batch).values_list("pk", "status"))
    insert = manifests._insert
    written = []

    def failing_at_row_99999(table, columns, rows):
        def until_the_failure():
            for row in rows:
                if row[1] == 99_999:  # (batch, row, …): the spreadsheet row
                    raise DatabaseError("could not extend file: No space left on device")
                written.append(row[1])
                yield row

        return insert(table, columns, until_the_failure())

    monkeypatch.setattr(manifests, "_insert", failing_at_row_99999)
    content = samples.to_csv_bytes(*estate)

    with pytest.raises(DatabaseError, match="No space left"):
        manifests.import_file(batch, content, "estate.csv")

    assert len(written) == 99_997  # rows 2 to 99,998 went to the database first
    assert _committed_items(batch) == before
    assert list(Manifest.objects.filter(batch=batch).values_list("pk", "status")) == (
        manifests_before
    )


def test_what_the_database_columns_hold_bounds_what_the_import_accepts():
    """Validation's limits are the columns' own, so a value that passes is one the database
    stores (PostgreSQL refuses a longer one with an error, not a cut)."""
    from devices.models import Device
    from donations.models import ColumnMapping
    from lib.manifest import FIELD_MAX_CHARS, values

    for field, most in FIELD_MAX_CHARS.items():
        assert ManifestItem._meta.get_field(field).max_length == most
        if field != "notes":
            assert Device._meta.get_field(field).max_length == most
    for field in ("serial_number", "asset_tag", "serial_key", "asset_tag_key"):
        assert ManifestItem._meta.get_field(field).max_length >= values.MAX_IDENTIFIER
    assert ColumnMapping._meta.get_field("header").max_length == manifests.HEADER_KEY_CHARS


def test_a_model_too_long_to_store_is_an_error_and_a_long_header_can_be_mapped(donation, personas):
    from donations.models import ColumnMapping, ManifestStatus

    _, batch = donation
    long_header = "Where the device was last seen by the facilities team " * 6  # 330 characters
    other_long = long_header + "(second site)"
    content = (
        f'Serial,Category,Model,"{long_header}","{other_long}"\r\n'
        f"A-1,Laptops,{'X' * 121},Birmingham,Coventry\r\n"
        "A-2,Laptops,ThinkPad T480,Dudley,Walsall\r\n"
    ).encode()

    result, _, manifest = manifests.import_file(batch, content, "assets.csv")

    assert manifest is None
    assert [(e.row, e.column) for e in result.errors] == [(2, "Model")]

    upload = manifests.manifest_upload(
        batch, filename="assets.csv", content=content, actor=personas.donor
    )
    manifests.manifest_remap(
        upload,
        overrides={long_header.strip(): "notes", other_long.strip(): None},
        default_type="",
        actor=personas.donor,
    )
    upload.refresh_from_db()
    assert upload.status == ManifestStatus.CHECKED
    remembered = dict(ColumnMapping.objects.values_list("header", "field"))
    assert sorted(remembered.values()) == ["", "notes"]
    assert all(len(key) <= manifests.HEADER_KEY_CHARS for key in remembered)
    assert manifests.remembered_mapping(batch)[manifests.header_key(long_header)] == "notes"


def test_mapping_two_columns_to_one_field_names_both(donation, personas):
    _, batch = donation
    upload = manifests.manifest_upload(
        batch,
        filename="m.csv",
        content=b"Serial,Kit ID,Box\r\nA-1,K-1,B-1\r\n",
        actor=personas.donor,
    )

    with pytest.raises(ValidationError) as caught:
        manifests.manifest_remap(
            upload,
            overrides={"Kit ID": "asset_tag", "Box": "asset_tag"},
            default_type="laptop",
            actor=personas.donor,
        )

    assert caught.value.messages == [
        "The columns 'Kit ID' and 'Box' are both mapped to Asset tag; choose one."
    ]


# Up to 130 characters: past what a make, model or processor column holds.
_FUZZ_CELLS = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=130
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.lists(_FUZZ_CELLS, min_size=3, max_size=3), min_size=1, max_size=8),
    headers=st.lists(
        st.sampled_from(["Serial", "Asset Tag", "IMEI", "Type", "Make", "Model", "RAM", "Notes"])
        | _FUZZ_CELLS,
        min_size=3,
        max_size=3,
    ),
)
def test_any_table_imports_or_is_refused_never_a_crash_in_the_database(donation, headers, rows):
    """Through the app and its database, not only the library: whatever a table holds, the
    import stores it whole or reports what is wrong."""
    from lib.manifest import ManifestError
    from lib.manifest.samples import to_csv_bytes

    _, batch = donation
    try:
        result, _, manifest = manifests.import_file(batch, to_csv_bytes(headers, rows), "fuzz.csv")
    except ManifestError as error:  # the file as a whole cannot be read: said in a sentence
        refusal = str(error)
        assert refusal
        return
    stored = ManifestItem.objects.filter(batch=batch).count()
    if manifest is None:
        assert result.errors or not result.items
    else:
        assert stored == len(result.items)
