"""A VCSE worker refers a person, sees them on the waiting list, and hands over the bundle."""

import datetime
import re

from django.conf import settings
from django.utils import dateformat, timezone
from playwright.sync_api import Page, expect

from custody.models import CustodyEvent
from devices.lifecycle import State as DeviceState
from devices.services import handover_start
from directory.models import Service, ServiceKind, ServiceStatus
from referrals import services as referral_services
from referrals.models import Handover, Referral
from referrals.models import State as ReferralState
from tests.browser.helpers import assert_accessible, expect_home, sign_in_with_password

REFERENCE = "LCH-0142"
COURSE = "Computer Basics at Ladywood Library"
NO_ESTIMATE = "No estimate yet: none reached this area in the last 90 days"


def _menu(page: Page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def _summary(page: Page, heading: str, key: str):
    """The value beside `key` in the summary list that follows the h2 `heading`."""
    row = page.locator(f"h2:text-is('{heading}') + dl .govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator("dd")


def test_vcse_worker_refers_someone_and_hands_over_the_bundle(page: Page, people, lab, areas):
    sign_in_with_password(page, people.alice.email)
    expect_home(page, "Welcome, Alice")

    # 1. Alice refers a person known only by her own reference.
    _menu(page, "Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    assert_accessible(page)
    page.get_by_role("link", name="Refer someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer someone")
    assert_accessible(page)
    page.get_by_label("Your reference for this person").fill(REFERENCE)
    page.get_by_label("Where they live").select_option(label="Birmingham")
    page.get_by_role("group", name="Why they are eligible").get_by_label("Low income").check()
    page.get_by_role("group", name="Device they need").get_by_label("Laptop").check()
    page.get_by_label("Needs a data SIM").check()
    page.get_by_label("Getting started with the device").check()
    page.get_by_label("The person themselves").check()
    page.get_by_label("Be referred for a device, data and skills support").check()
    page.get_by_label("Be counted, without being identified, in published figures").check()
    page.get_by_label("Notes (optional)").fill("Call 07700 900123 after 5 to arrange a time.")
    page.get_by_role("button", name="Refer", exact=True).click()

    # The phone number is refused; nothing is saved and the answers are kept.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This looks like a phone number.")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_notes")
    expect(page).to_have_title(re.compile(r"^Error: Refer someone"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer someone")
    expect(page.get_by_label("Your reference for this person")).to_have_value(REFERENCE)
    expect(page.get_by_label("Needs a data SIM")).to_be_checked()
    assert_accessible(page)
    assert not Referral.objects.exists()

    page.get_by_label("Notes (optional)").fill("")
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_text(f"{REFERENCE} is on the waiting list.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Waiting")
    expect(page.get_by_text("Number 1 in the queue for laptops in Birmingham.")).to_be_visible()
    expect(page.get_by_text(f"Likely wait: {NO_ESTIMATE}.")).to_be_visible()
    assert_accessible(page)
    referral = Referral.objects.get(vcse=people.ladywood, reference=REFERENCE)
    assert referral.notes == ""

    # 2. The waiting list shows the person's place and likely wait.
    _menu(page, "Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    row = page.get_by_role("table", name="Waiting").get_by_role("row").filter(has_text=REFERENCE)
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(REFERENCE)
    expect(cells.nth(1)).to_have_text("Birmingham")
    expect(cells.nth(2)).to_have_text("Laptop, data SIM, skills")
    expect(cells.nth(5)).to_have_text("1")
    expect(cells.nth(6)).to_have_text(NO_ESTIMATE)
    assert_accessible(page)

    # 3. Behind the scenes: the coordinator allocates a ready laptop and the partner sends it to
    # Ladywood; a skills course is published in the directory for Birmingham.
    device = lab.device(state="ready")
    assert device.custodian_id == people.itad_org.pk
    referral_services.allocate(referral, device, actor=people.coordinator, organisation=people.wmca)
    device.refresh_from_db()
    handover_start(device, people.ladywood, actor=people.technician, organisation=people.itad_org)
    course = Service.objects.create(
        region=people.region,
        name=COURSE,
        kind=ServiceKind.COURSE,
        description="Six weekly sessions for people new to computers.",
        status=ServiceStatus.PUBLISHED,
    )
    course.areas.set([areas["Birmingham"]])

    # Alice records the data SIMs her hub received.
    _menu(page, "SIM stock").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data SIMs")
    expect(page.get_by_text("No SIMs recorded yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mobile network").fill("Vodafone")
    page.get_by_label("Data per month (GB)").fill("20")
    page.get_by_label("Months of data").fill("6")
    page.get_by_label("How many SIMs").fill("10")
    page.get_by_label("Where they came from (optional)").fill("National Databank")
    page.get_by_role("button", name="Add to stock").click()
    expect(page.get_by_text("The SIMs are added to your stock.")).to_be_visible()
    stock = (
        page.get_by_role("table", name="Your stock")
        .get_by_role("row")
        .filter(has_text="Vodafone, 20 GB a month, 6 months")
    )
    expect(stock.get_by_role("cell").nth(4)).to_have_text("10")
    assert_accessible(page)

    # 4. The device is on its way to Ladywood: Alice confirms she has it, then hands it over.
    _menu(page, "Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Device allocated")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    assert_accessible(page)
    page.get_by_role("link", name=REFERENCE, exact=True).click()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Device allocated")
    expect(_summary(page, "Needs", "Device allocated")).to_have_text(
        f"{device} (on its way to you)"
    )
    assert_accessible(page)
    page.get_by_role("button", name="We have received the device: ready to collect").click()
    expect(page.get_by_text("The bundle is ready for them to collect.")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Ready to collect")
    expect(_summary(page, "Needs", "Device allocated")).to_have_text(f"{device} (with you)")
    assert_accessible(page)

    page.get_by_role("link", name="Hand over", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand over the bundle")
    assert_accessible(page)
    page.get_by_label("Scan or type the device's serial number or asset tag").fill(
        device.serial_number
    )
    page.get_by_label("Data SIM given").select_option(
        label="Vodafone, 20 GB a month, 6 months (10 left)"
    )
    page.get_by_role("group", name="Skills support booked or referred to").get_by_label(
        COURSE
    ).check()
    page.get_by_label(re.compile(r"^They agreed to the terms")).check()
    page.get_by_role("button", name="Record the handover").click()

    expect(
        page.get_by_text(
            f"Handed over. We will remind you to follow up with {REFERENCE} in about three months."
        )
    ).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Handed over")
    expect(page.get_by_role("heading", name="Bundle handed over")).to_be_visible()
    bundle = "Bundle handed over"
    expect(_summary(page, bundle, "Device")).to_have_text(str(device))
    expect(_summary(page, bundle, "Connectivity")).to_have_text(
        "Data SIM: Vodafone, 20 GB a month, 6 months"
    )
    expect(_summary(page, bundle, "Skills support")).to_have_text(COURSE)
    handover = Handover.objects.get(referral=referral)
    expect(_summary(page, bundle, "Follow-up due")).to_have_text(
        dateformat.format(handover.follow_up_due, "j M Y")
    )
    expect(page.get_by_role("link", name="Record follow-up")).to_be_visible()
    assert_accessible(page)

    # 5. The database agrees: the referral is handed over and the device left all custody.
    referral.refresh_from_db()
    device.refresh_from_db()
    assert referral.state == ReferralState.HANDED_OVER
    assert (device.state, device.custodian_id, device.in_transit_to_id) == (
        DeviceState.HANDED_OVER,
        None,
        None,
    )
    assert handover.device_id == device.pk
    assert handover.sim_batch.network == "Vodafone"
    assert list(handover.skills_offers.all()) == [course]
    assert handover.follow_up_due == timezone.localdate(
        handover.handed_over_at
    ) + datetime.timedelta(days=settings.REHOME_FOLLOW_UP_DAYS)
    event = CustodyEvent.objects.get(device=device, transition="hand_over")
    assert (event.actor, event.actor_organisation) == (people.alice, people.ladywood)
    assert (event.from_custodian, event.to_custodian) == (people.ladywood, None)
