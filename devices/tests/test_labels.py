import pytest
import weasyprint

from devices.labels import LABELS_PER_SHEET, labels_html, labels_pdf, qr_svg

BASE_URL = "https://rehome.example"


@pytest.fixture
def rendered_pdfs(monkeypatch):
    """Every WeasyPrint document written to PDF during the test."""
    documents = []
    write_pdf = weasyprint.document.Document.write_pdf

    def spy(self, *args, **kwargs):
        documents.append(self)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", spy)
    return documents


SVG = "{http://www.w3.org/2000/svg}"


def qr_codes_in(document) -> list:
    """The SVG images laid out on the document's pages."""
    return [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "element_tag", None) == f"{SVG}svg"
    ]


def test_each_label_has_a_qr_code_of_the_device_page(lab):
    devices = [lab.device(), lab.device()]
    html = labels_html(devices, base_url=BASE_URL)
    assert html.count("<svg") == 2
    for device in devices:
        page = f"{BASE_URL}/devices/{device.uid}/"
        assert device.get_absolute_url() == f"/devices/{device.uid}/"
        assert qr_svg(page) in html
        assert device.asset_tag in html
        assert device.serial_number in html
        assert str(device.uid)[:8] in html


def test_a_device_without_an_asset_tag_is_labelled_by_its_serial(lab):
    device = lab.device(asset_tag="", serial_number="PF-3XK2Q")
    html = labels_html([device], base_url=BASE_URL)
    assert '<p class="heading">PF-3XK2Q</p>' in html


def test_labels_fill_a_new_sheet_after_twenty_four(lab, rendered_pdfs):
    devices = [lab.device() for _ in range(LABELS_PER_SHEET + 1)]
    pdf = labels_pdf(devices, base_url=BASE_URL)
    assert pdf.startswith(b"%PDF")
    document = rendered_pdfs[-1]
    assert len(document.pages) == 2
    assert len(qr_codes_in(document)) == LABELS_PER_SHEET + 1


def test_the_batch_labels_have_one_qr_code_per_device(
    client, personas, lab, rendered_pdfs, settings
):
    settings.SITE_URL = BASE_URL
    devices = [lab.device(), lab.device(state="received"), lab.device()]
    client.force_login(personas.technician)
    response = client.get(f"/batches/{lab.batch.reference}/labels.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    codes = qr_codes_in(rendered_pdfs[-1])
    assert len(codes) == len(devices)
    titles = {code.element.find(f"{SVG}title").text for code in codes}
    assert titles == {f"QR code of {BASE_URL}{d.get_absolute_url()}" for d in devices}
