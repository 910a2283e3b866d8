"""A donor signs in, opens its impact statement from its home page and downloads the PDF."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from impact.tests.conftest import rehome  # noqa: F401 (fixture)
from referrals.tests.conftest import refer  # noqa: F401 (fixture)
from tests.browser.helpers import assert_accessible, expect_home, sign_in_with_password


@pytest.fixture
def donated(people, lab, rehome):  # noqa: F811
    """Two of Midland Mutual's laptops erased, refurbished and handed to people in Birmingham."""
    rehome("Birmingham")
    rehome("Birmingham")
    return people


def test_a_donor_opens_its_statement_and_downloads_the_pdf(page: Page, donated):
    sign_in_with_password(page, donated.donor.email)
    expect_home(page, "Welcome, Dana")

    page.get_by_role("link", name="Your impact statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact statement: Midland Mutual")
    assert_accessible(page)
    summary = page.get_by_role("table", name="Your donation in figures")
    expect(summary.get_by_role("row", name="Devices given 2")).to_be_visible()
    expect(page.get_by_role("cell", name="RH-CERT-B-2026-0001")).to_be_visible()
    people = page.get_by_role("table", name="People supported, by the area they live in")
    expect(people.get_by_role("row", name="Birmingham fewer than 5")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this statement as a PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("midland-mutual-impact-")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Impact statement: Midland Mutual" in text
    assert "RH-CERT-B-2026-0001" in text
    assert "Method version 1" in text
