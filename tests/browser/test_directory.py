"""The network directory in a browser: a visitor searches it and opens an entry; an
organisation proposes a change that the coordinator approves before it goes live."""

import re

from playwright.sync_api import Page, expect

from conftest import totp_code
from directory import services
from directory.models import ServiceKind
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
    visit,
)

REPAIR_CAFE = "Ladywood Repair Café"


def _publish(people, areas, name, kind, area, **extra):
    entry = services.Entry(
        name=name,
        kind=kind,
        description=extra.pop("description", "Volunteers mend laptops and phones with you."),
        area_codes=[areas[area].code],
        audiences=["everyone"],
        contact_email="hello@ladywood.example",
        **extra,
    )
    organisation = people.ladywood if area == "Birmingham" else people.tipton
    actor = people.alice if area == "Birmingham" else people.charlie
    revision = services.service_propose(organisation=organisation, actor=actor, entry=entry)
    return services.revision_approve(revision, actor=people.coordinator)


def _menu(page: Page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def test_a_visitor_searches_the_directory_and_opens_an_entry(page: Page, people, areas):
    _publish(
        people,
        areas,
        REPAIR_CAFE,
        ServiceKind.REPAIR_CAFE,
        "Birmingham",
        opening_times="First Saturday of the month, 10am to 1pm",
        how_to_access="Just turn up with the broken device.",
    )
    _publish(people, areas, "Tipton Tech Drop-in", ServiceKind.DROP_IN, "Sandwell")

    visit(page, "/", "Old IT, connected people")
    page.get_by_role("main").get_by_role("link", name="directory", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory")
    expect(page.get_by_role("heading", name="2 results")).to_be_visible()
    expect(page.locator("svg.rehome-map")).to_be_visible()
    assert_accessible(page)

    search = page.get_by_role("search", name="Search the directory")
    search.get_by_label("Keyword").fill("laptops")
    search.get_by_label("Area").select_option(label="Birmingham")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result in Birmingham")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/directory/\?.*area=birmingham"))
    table = page.get_by_role("table", name="Directory results by area")
    birmingham = table.get_by_role("row").filter(has=page.get_by_role("link", name="Birmingham"))
    expect(birmingham.get_by_role("cell")).to_have_text("1")
    assert_accessible(page)

    page.get_by_role("link", name=REPAIR_CAFE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REPAIR_CAFE)
    expect(page.get_by_text("First Saturday of the month, 10am to 1pm")).to_be_visible()
    expect(page.get_by_text("Just turn up with the broken device.")).to_be_visible()
    expect(page.get_by_role("link", name="hello@ladywood.example")).to_be_visible()
    assert_accessible(page)


def test_a_donor_finds_an_accredited_partner_from_the_donate_page(page: Page, people):
    visit(page, "/donate/", "Donate devices")
    page.get_by_role("link", name="Find an accredited partner by area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an accredited partner")
    assert_accessible(page)
    page.get_by_label("Area").select_option(label="Solihull")
    page.get_by_role("button", name="Show partners").click()
    expect(page.get_by_role("heading", level=2, name="Solihull")).to_be_visible()
    table = page.get_by_role("table", name="Accreditations of Forge Tech Reuse (Solihull)")
    expect(table).to_contain_text("ADISA-1")
    assert_accessible(page)


def test_an_organisation_proposes_a_change_that_goes_live_once_approved(page: Page, people, areas):
    service = _publish(
        people,
        areas,
        REPAIR_CAFE,
        ServiceKind.REPAIR_CAFE,
        "Birmingham",
        opening_times="First Saturday of the month",
    )

    sign_in_with_password(page, people.alice.email)
    expect_home(page, "Welcome, Alice")
    _menu(page, "Directory entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your directory entries")
    assert_accessible(page)
    page.get_by_role("link", name=f"Change {REPAIR_CAFE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change {REPAIR_CAFE}")
    assert_accessible(page)
    page.get_by_label("Opening times (optional)").fill("Every Saturday, 10am to 1pm")
    page.get_by_label("E-mail (optional)").fill("")
    page.get_by_role("button", name="Send for approval").click()
    # No way to get in touch: refused, with the reason in the error summary.
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least one way to get in touch")
    assert_accessible(page)
    page.get_by_label("E-mail (optional)").fill("repair@ladywood.example")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("the coordinator will check it")).to_be_visible()
    expect(page.get_by_text("Change waiting")).to_be_visible()
    assert_accessible(page)

    # The public still sees the live version.
    visit(page, service.get_absolute_url(), REPAIR_CAFE)
    expect(page.get_by_text("First Saturday of the month")).to_be_visible()
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))
    assert_accessible(page)

    sign_in_with_password(page, people.coordinator.email)
    give_authenticator_code(page, totp_code())
    expect_home(page, "Regional overview")
    _menu(page, "Directory approvals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory approvals")
    assert_accessible(page)
    page.get_by_role("link", name=REPAIR_CAFE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check {REPAIR_CAFE}")
    changes = page.get_by_role("table", name="What would change")
    expect(changes).to_contain_text("Every Saturday, 10am to 1pm")
    assert_accessible(page)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text(f"Approved: {REPAIR_CAFE} is live in the directory.")).to_be_visible()
    assert_accessible(page)

    visit(page, service.get_absolute_url(), REPAIR_CAFE)
    expect(page.get_by_text("Every Saturday, 10am to 1pm")).to_be_visible()
