import re
from decimal import Decimal

import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from weasyprint.formatting_structure import boxes

from custody.ledger import checkpoint_create
from demo.erasure_logs import nwipe_log
from devices import services
from donations import certificates
from erasure.models import ErasureRecord
from erasure.services import evidence_assign, import_evidence


def certificate_url(batch, pdf=False):
    return f"/batches/{batch.reference}/certificate{'.pdf' if pdf else '/'}"


def erased_table(content: str) -> str:
    match = re.search(r'<table[^>]*id="erased".*?</table>', content, re.S)
    return match.group(0) if match else ""


def not_covered_table(content: str) -> str:
    match = re.search(r'<table[^>]*id="not-covered".*?</table>', content, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def rendered_pdfs(monkeypatch):
    """Every WeasyPrint document written to PDF during the test (pypdf is not installed, so the
    text is read from WeasyPrint's own layout of the very document it writes)."""
    documents = []
    write_pdf = weasyprint.document.Document.write_pdf

    def spy(self, *args, **kwargs):
        documents.append(self)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", spy)
    return documents


def text_of(document) -> str:
    # Joined without spaces so that a serial broken across two lines still reads whole.
    return "".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    )


def recycle(device, personas, *, media_destroyed=True):
    return services.recycling_record(
        device,
        actor=personas.technician,
        organisation=personas.itad_org,
        recycler="Green WEEE Ltd",
        reference="WTN-0042",
        weight_kg=Decimal("2.10"),
        media_destroyed=media_destroyed,
    )


@pytest.mark.parametrize("who", ["donor", "technician", "coordinator"])
def test_the_donor_partner_and_coordinator_can_open_the_certificate(
    client, personas, lab, rendered_pdfs, who
):
    device = lab.device(state="ready")
    client.force_login(getattr(personas, who))

    page = client.get(certificate_url(lab.batch))
    assert page.status_code == 200
    assert device.serial_number in page.content.decode()

    response = client.get(certificate_url(lab.batch, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="RH-CERT-B-2026-0001.pdf"'
    text = text_of(rendered_pdfs[-1])
    assert device.serial_number in text
    assert "RH-CERT-B-2026-0001" in text


def test_the_pdf_has_a_title_a_language_and_numbered_pages(client, personas, lab, rendered_pdfs):
    lab.device(state="ready")
    client.force_login(personas.donor)
    client.get(certificate_url(lab.batch, pdf=True))
    document = rendered_pdfs[-1]
    assert document.metadata.title == "Data-destruction certificate RH-CERT-B-2026-0001"
    assert document.metadata.lang == "en-GB"
    pages = len(document.pages)
    assert f"Page 1 of {pages}" in text_of(document)


def test_it_lists_an_erased_device_with_the_evidence_for_each_drive(client, personas, lab):
    device = lab.device(state="ready")
    record = ErasureRecord.objects.select_related("evidence", "drive").get(drive__device=device)
    client.force_login(personas.donor)
    table = erased_table(client.get(certificate_url(lab.batch)).content.decode())
    assert device.asset_tag in table
    assert device.serial_number in table
    assert record.drive.serial in table
    assert "Fill With Zeros" in table
    assert "NIST SP 800-88 Clear" in table
    assert "nwipe" in table
    assert record.evidence.sha256 in table
    assert "Tariq Tech" in table  # the operator


def test_recycled_and_unprocessed_devices_are_listed_apart_and_never_as_erased(
    client, personas, lab
):
    erased = lab.device(state="ready")
    pledged = lab.device()
    received = lab.device(state="received")
    recycled = lab.device(state="received")
    recycle(recycled, personas)
    client.force_login(personas.donor)
    content = client.get(certificate_url(lab.batch)).content.decode()
    erased_rows, others = erased_table(content), not_covered_table(content)

    assert erased.serial_number in erased_rows
    for device in (pledged, received, recycled):
        assert device.serial_number not in erased_rows
        assert device.serial_number in others
    assert certificates.RECYCLED_MEDIA_DESTROYED in others
    assert "WTN-0042" in others
    assert certificates.AWAITING_ERASURE in others
    assert certificates.NOT_RECEIVED_DETAIL in others
    assert certificates.RECEIVED_DETAIL in others


def test_anonymised_evidence_keeps_a_device_out_of_the_erased_table(client, personas, lab):
    device = lab.device(state="received")
    result = import_evidence(
        nwipe_log([d.serial for d in device.drives.all()], quiet=True),
        "quiet.log",
        organisation=personas.itad_org,
        actor=personas.technician,
    )
    evidence_assign(
        result.evidence, 0, device, organisation=personas.itad_org, actor=personas.technician
    )
    # Nobody can put it in the erased state by hand either: corrections obey the guards.
    with pytest.raises((ValidationError, services.TransitionRefused)):
        services.correction_record(
            device,
            actor=personas.coordinator,
            organisation=personas.wmca,
            to_state="erased",
            reason="Trying to force it through.",
        )
    client.force_login(personas.donor)
    content = client.get(certificate_url(lab.batch)).content.decode()
    assert device.serial_number not in erased_table(content)
    others = not_covered_table(content)
    assert device.serial_number in others
    assert "anonymised" in others


def test_a_physically_destroyed_drive_is_shown_as_destroyed(client, personas, lab):
    device = lab.device(state="received")
    drive = device.drives.get()
    services.media_destroy(
        drive,
        method="shred",
        reference="DESTR-7",
        actor=personas.technician,
        organisation=personas.itad_org,
    )
    services.device_transition(
        device, "erase", actor=personas.technician, organisation=personas.itad_org
    )
    client.force_login(personas.donor)
    table = erased_table(client.get(certificate_url(lab.batch)).content.decode())
    assert drive.serial in table
    assert "Physically destroyed: shredded, reference DESTR-7" in table
    assert "Tariq Tech" in table


def test_it_says_when_no_checkpoint_covers_the_batch_yet(client, personas, lab):
    lab.device(state="ready")
    client.force_login(personas.donor)
    content = client.get(certificate_url(lab.batch)).content.decode()
    assert certificates.NO_CHECKPOINT in content
    assert "manage.py custody_checkpoint" in content

    checkpoint = checkpoint_create()
    content = client.get(certificate_url(lab.batch)).content.decode()
    assert certificates.NO_CHECKPOINT not in content
    assert f"Custody checkpoint {checkpoint.pk}" in content
    assert checkpoint.root in content

    lab.device()  # an event newer than the checkpoint
    content = client.get(certificate_url(lab.batch)).content.decode()
    assert certificates.NO_CHECKPOINT in content
    assert "newer than the last checkpoint" in content


def test_the_certificate_query_count_does_not_grow_with_the_batch(client, personas, lab):
    lab.device(state="ready")
    client.force_login(personas.coordinator)
    client.get(certificate_url(lab.batch))
    with CaptureQueriesContext(connection) as one_device:
        client.get(certificate_url(lab.batch))
    lab.device(state="ready", drives=2)
    recycle(lab.device(state="received"), personas)
    lab.device()
    with CaptureQueriesContext(connection) as four_devices:
        response = client.get(certificate_url(lab.batch))
    assert response.status_code == 200
    assert len(four_devices) == len(one_device)
