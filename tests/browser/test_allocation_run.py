"""The coordinator previews an allocation run, removes one match with a reason and commits the
rest; the VCSE whose referral got a device sees it, and why."""

import re

from django.template.defaultfilters import floatformat
from django.utils import timezone
from playwright.sync_api import Page, expect

from allocation.models import AllocationRun, Match
from conftest import totp_code
from devices.lifecycle import State as DeviceState
from devices.models import Device
from referrals import services as referral_services
from referrals.models import Referral
from referrals.models import State as ReferralState
from referrals.tests.conftest import make_needs
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
)

KEPT = "LCH-0001"  # Ladywood's referral whose match is committed
HELD_BACK = "LCH-0002"  # Ladywood's referral whose match the coordinator removes
TIPTON = "TT-0001"
REASON = "Kept back for the digital inclusion pilot"


def _menu(page: Page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def _summary(page: Page, heading: str, key: str):
    """The value beside `key` in the summary list that follows the h2 `heading`."""
    row = page.locator(f"h2:text-is('{heading}') + dl .govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator("dd")


def _match_card(page: Page, device: Device):
    """The match's summary card, found by the device named in its title."""
    title = page.get_by_role("heading", level=3, name=re.compile(re.escape(str(device))))
    return page.locator(".govuk-summary-card").filter(has=title)


def _area_row(page: Page, area: str):
    return (
        page.get_by_role("table", name="By area")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=area, exact=True))
    )


def _sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Old IT, connected people")
    assert_accessible(page)


def test_coordinator_removes_one_match_commits_and_the_vcse_sees_the_result(
    page: Page, people, lab, areas
):
    # 1. Three ready laptops donated in Birmingham; two people waiting there (Ladywood), one in
    # Sandwell (Tipton Together).
    year = timezone.localdate().year - 1
    devices = [lab.device(state="ready", year=year) for _ in range(3)]

    def refer(vcse, actor, reference, area):
        return referral_services.referral_create(
            vcse=vcse, actor=actor, needs=make_needs(areas[area], reference=reference)
        )

    kept = refer(people.ladywood, people.alice, KEPT, "Birmingham")
    held_back = refer(people.ladywood, people.alice, HELD_BACK, "Birmingham")
    tipton = refer(people.tipton, people.charlie, TIPTON, "Sandwell")

    # 2. The coordinator previews a run.
    sign_in_with_password(page, people.coordinator.email)
    give_authenticator_code(page, totp_code())
    expect_home(page, "Regional overview")
    _menu(page, "Allocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation")
    expect(page.get_by_text("3 ready devices not yet allocated.")).to_be_visible()
    expect(page.get_by_text("No runs yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Preview a run").click()

    expect(page.locator("h1 .govuk-tag")).to_have_text("Previewed")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Allocation run of")
    run = AllocationRun.objects.get()
    expect(page.get_by_text("3 ready devices and 3 people waiting;")).to_be_visible()
    for area, waiting, allocated in (("Birmingham", "2", "2"), ("Sandwell", "1", "1")):
        figures = run.by_area[areas[area].code]
        cells = _area_row(page, area).get_by_role("cell")
        expect(cells.nth(0)).to_have_text(waiting)
        expect(cells.nth(1)).to_have_text(allocated)
        expect(cells.nth(2)).to_have_text("100%")
        expect(cells.nth(4)).to_have_text(floatformat(figures["weighted_fill_rate"], 3))
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(3)
    matches = {m.referral.reference: m for m in Match.objects.select_related("referral", "device")}
    assert set(matches) == {KEPT, HELD_BACK, TIPTON}
    assert {m.device_id for m in matches.values()} == {d.pk for d in devices}
    for reference, vcse, area in (
        (KEPT, "Ladywood Community Hub", "Birmingham"),
        (HELD_BACK, "Ladywood Community Hub", "Birmingham"),
        (TIPTON, "Tipton Together", "Sandwell"),
    ):
        match = matches[reference]
        card = _match_card(page, match.device)
        expect(card.get_by_role("heading", level=3)).to_have_text(
            f"Match {match.pk}: {match.device} for a person referred by {vcse} ({area})"
        )
        expect(card.locator(".govuk-tag")).to_have_text("Proposed")
        expect(card.get_by_text(match.summary, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Commit 3 matches")).to_be_visible()
    assert_accessible(page)

    # 3. She removes the match for LCH-0002, with a reason, and commits the other two.
    removed = matches[HELD_BACK]
    card = _match_card(page, removed.device)
    card.get_by_label(f"Reason to remove match {removed.pk}").fill(REASON)
    card.get_by_role("button", name=f"Remove match {removed.pk}").click()
    expect(page.get_by_text(f"Removed {removed.device} from the run.")).to_be_visible()
    card = _match_card(page, removed.device)
    expect(card.locator(".govuk-tag")).to_have_text("Removed by the coordinator")
    expect(card.get_by_text(f"Note: {REASON}")).to_be_visible()
    expect(card.get_by_role("button")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Commit 2 matches").click()
    expect(page.get_by_text("2 devices allocated.")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Committed")
    expect(page.get_by_role("button", name=re.compile(r"^Commit"))).to_have_count(0)
    for reference in (KEPT, TIPTON):
        expect(_match_card(page, matches[reference].device).locator(".govuk-tag")).to_have_text(
            "Allocated"
        )
    expect(_match_card(page, removed.device).locator(".govuk-tag")).to_have_text(
        "Removed by the coordinator"
    )
    ledger = page.get_by_role("table", name="Allocation ledger for this run")
    rows = ledger.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(3)
    who = str(people.coordinator)
    expected = [("Removed from a preview", removed.device, REASON)]
    expected += sorted(
        (("Allocated", matches[r].device, "") for r in (KEPT, TIPTON)), key=lambda e: e[1].pk
    )
    for row, (what, device, why) in zip((rows.nth(i) for i in range(3)), expected, strict=True):
        cells = row.get_by_role("cell")
        expect(cells.nth(1)).to_have_text(what)
        expect(cells.nth(2)).to_have_text(str(device))
        expect(cells.nth(3)).to_have_text(who)
        expect(cells.nth(4)).to_have_text(why)
    assert_accessible(page)
    _sign_out(page)

    # 4. Alice sees which of Ladywood's referrals got a device, and why.
    sign_in_with_password(page, people.alice.email)
    expect_home(page, "Welcome, Alice")
    _menu(page, "Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    waiting = page.get_by_role("table", name="Waiting")
    expect(waiting.get_by_role("link", name=HELD_BACK, exact=True)).to_be_visible()
    expect(waiting.get_by_role("link", name=KEPT, exact=True)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Device allocated \(1\)")).click()
    expect(page.get_by_role("table", name="Device allocated")).to_be_visible()
    allocated_table = page.get_by_role("table", name="Device allocated")
    expect(allocated_table.get_by_role("link", name=HELD_BACK, exact=True)).to_have_count(0)
    assert_accessible(page)
    allocated_table.get_by_role("link", name=KEPT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(KEPT)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Device allocated")
    value = _summary(page, "Needs", "Device allocated")
    expect(value).to_contain_text(str(matches[KEPT].device))
    expect(value.get_by_text(f"Why: {matches[KEPT].summary}", exact=True)).to_be_visible()
    assert_accessible(page)

    _menu(page, "Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    assert_accessible(page)
    page.get_by_role("table", name="Waiting").get_by_role("link", name=HELD_BACK).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(HELD_BACK)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Waiting")
    expect(page.get_by_text("Why:")).to_have_count(0)
    assert_accessible(page)

    # 5. The database agrees: two allocated, the removed match's device still ready.
    assert set(Referral.objects.filter(state=ReferralState.ALLOCATED)) == {kept, tipton}
    held_back.refresh_from_db()
    assert (held_back.state, held_back.device_id) == (ReferralState.WAITING, None)
    allocated_devices = Device.objects.filter(state=DeviceState.ALLOCATED)
    assert set(allocated_devices) == {matches[KEPT].device, matches[TIPTON].device}
    removed.device.refresh_from_db()
    assert removed.device.state == DeviceState.READY
    kept.refresh_from_db()
    tipton.refresh_from_db()
    assert kept.device_id == matches[KEPT].device_id
    assert tipton.device_id == matches[TIPTON].device_id
