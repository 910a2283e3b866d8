"""A business registers to donate, pledges, uploads and fixes its asset list, and sees it received."""

import datetime
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import totp_code
from donations.models import DonorRegistration
from donations.services import registration_approve
from organisations.services import accreditation_add
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
    visit,
)

DONOR_EMAIL = "it@acme-widgets.example"
NEW_PASSWORD = "a-long-donor-passphrase"


def _csv(name: str, rows: list[tuple[str, str]]) -> dict:
    lines = [
        "Serial,Kit,Make,Model",
        *(f"{serial},{kit},Dell,Latitude 5490" for serial, kit in rows),
    ]
    return {"name": name, "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def test_new_donor_registers_pledges_uploads_and_sees_the_batch_received(page: Page, people):
    # The partner holds Cyber Essentials Plus as well as ADISA, so it may take a standard batch.
    accreditation_add(
        organisation=people.itad_org,
        scheme="cyber_essentials_plus",
        number="CEP-1",
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
    )

    # 1. An anonymous visitor registers their organisation.
    visit(page, "/donate/", "Donate devices")
    page.get_by_role("link", name="Register to donate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register to donate devices")
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Acme Widgets")
    page.get_by_label("Birmingham").check()
    page.get_by_label("Your name").fill("Wendy Widget")
    page.get_by_label("Your work email address").fill(DONOR_EMAIL)
    page.get_by_role("button", name="Send registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration sent")
    assert_accessible(page)

    # 2. The coordinator approves it; the invitation email's link sets up the donor's account.
    mail.outbox.clear()
    registration = DonorRegistration.objects.get(contact_email=DONOR_EMAIL)
    registration_approve(registration, actor=people.coordinator)
    (invitation,) = [m for m in mail.outbox if m.to == [DONOR_EMAIL]]
    accept_path = re.search(r"https?://[^/\s]+(/\S+)", invitation.body).group(1)
    visit(page, accept_path, "Join Acme Widgets")
    page.get_by_label("Your name").fill("Wendy Widget")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect_home(page, "Welcome, Wendy")

    # 3. The donor pledges devices and lands on the new batch.
    page.get_by_role("link", name="Pledge devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pledge devices")
    assert_accessible(page)
    page.get_by_label("Area the devices are in").select_option(label="Birmingham")
    page.get_by_label("Collection sites").fill("Acme House, 1 Colmore Row, Birmingham B3 2BJ")
    page.get_by_label("Earliest collection date").fill(timezone.localdate().isoformat())
    page.get_by_label("Laptops").fill("3")
    page.get_by_label("Standard: ordinary business data").check()
    page.get_by_label("Contact name for the collection").fill("Wendy Widget")
    page.get_by_label("Contact email").fill(DONOR_EMAIL)
    page.get_by_role("button", name="Pledge", exact=True).click()
    page.wait_for_url(re.compile(r"/batches/B-[^/]+/$"))
    expect(page.get_by_text("recorded. Next, upload your asset list.")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    batch_path = f"/batches/{reference}/"
    assert_accessible(page)

    # 4. The first file has an unrecognised "Kit" column and a serial on two rows.
    page.get_by_label("Asset list (CSV or XLSX)").set_input_files(
        _csv("assets.csv", [("SN-A1", "Laptop"), ("SN-A2", "Laptop"), ("SN-A1", "Laptop")])
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("assets.csv")
    kit = page.get_by_role("row", name=re.compile(r"^Kit"))
    expect(kit.get_by_text("Not recognised")).to_be_visible()
    problems = page.get_by_role("table", name="Problems")
    duplicate = problems.get_by_role("row").filter(has_text="Serial number SN-A1 is also on row 2.")
    expect(duplicate.get_by_role("cell")).to_have_text(
        ["4", "Serial", "Serial number SN-A1 is also on row 2."]
    )
    assert_accessible(page)

    page.get_by_label("Kit", exact=True).select_option(label="Device type")
    page.get_by_role("button", name="Save columns and check again").click()
    expect(page.get_by_text("Columns saved and the file checked again.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 problem to fix before importing")).to_be_visible()
    expect(problems).to_contain_text("Serial number SN-A1 is also on row 2.")
    expect(page.get_by_text("Not recognised")).to_have_count(0)
    assert_accessible(page)

    # The corrected file, uploaded from the batch page: the Kit answer is remembered.
    page.get_by_role("link", name=f"Back to batch {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    assert_accessible(page)
    page.get_by_label("Asset list (CSV or XLSX)").set_input_files(
        _csv("assets-fixed.csv", [("SN-A1", "Laptop"), ("SN-A2", "Laptop"), ("SN-A3", "Laptop")])
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("assets-fixed.csv")
    expect(page.get_by_role("table", name="Problems")).to_have_count(0)
    expect(page.get_by_text("Not recognised")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Import 3 devices").click()
    expect(page.get_by_text(f"Imported 3 devices into {reference}.")).to_be_visible()
    expect(page.get_by_text("3 devices expected, imported from")).to_be_visible()
    assert_accessible(page)

    # 5. The donor chooses the partner and books the collection.
    page.get_by_role("link", name="Choose a partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a partner")
    assert_accessible(page)
    page.get_by_label("Forge Tech Reuse").check()
    page.get_by_label("Collection date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Why this partner?").fill("Nearest to our office")
    page.get_by_role("button", name="Choose this partner").click()
    expect(page.get_by_text(f"Forge Tech Reuse will collect {reference}.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Book the collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book the collection")
    assert_accessible(page)
    # The date is filled in: the form's own initial date reaches the browser as 04/05/2026,
    # which an <input type=date> cannot show, so it would be sent empty.
    page.get_by_label("Collection date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Request collection").click()
    expect(page.get_by_text("Collection requested from Forge Tech Reuse.")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Requested")).to_be_visible()
    assert_accessible(page)

    # The technician confirms the collection and receives the devices by serial number.
    page.context.clear_cookies()
    sign_in_with_password(page, people.technician.email)
    give_authenticator_code(page, totp_code())
    expect_home(page, "Welcome, Tariq")
    visit(page, "/collections/", "Collections")
    page.get_by_role("button", name=f"Confirm collection of {reference}").click()
    expect(page.get_by_text(f"Collection of {reference} confirmed.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Receive {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Receive batch {reference}")
    assert_accessible(page)
    page.get_by_label("Serial numbers, asset tags or IMEIs").fill("SN-A1\nSN-A2\nSN-A3")
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator("#scan-results .govuk-tag", has_text="Received")).to_have_count(3)
    expect(page.get_by_text("3 of 3 on the manifest received; 0 not on it.")).to_be_visible()
    assert_accessible(page)

    # The donor sees the batch collected and every device received.
    page.context.clear_cookies()
    sign_in_with_password(page, DONOR_EMAIL, NEW_PASSWORD)
    expect_home(page, "Welcome, Wendy")
    visit(page, batch_path, reference)
    expect(page.locator(".govuk-tag", has_text="Collected")).to_be_visible()
    expect(
        page.get_by_text("3 of 3 expected received; 0 missing; 0 not on the list.")
    ).to_be_visible()
