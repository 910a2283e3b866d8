"""The good-practice library in a browser: a visitor browses, filters and reads a case study; a
VCSE worker writes a page and submits it for review."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import totp_code
from library import services
from library.models import Page as LibraryPage
from library.models import Status
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
    visit,
)

BODY = """## What we did

Every branch library took donated laptops at the counter.

## What we learned

- Seal each device in a bag in front of the donor.
- Collect on a timetable.

<script>document.title = "hacked"</script>
"""


def _publish(people, areas, *, organisation, actor, title, kind, themes, area, body=BODY):
    page = services.page_create(
        organisation=organisation,
        actor=actor,
        draft=services.Draft(
            kind=kind,
            title=title,
            summary=f"{title}: what worked.",
            body=body,
            themes=themes,
            areas=[areas[area]],
            outcomes="418 devices donated\n9 libraries taking part",
        ),
    )
    services.page_submit(page, actor=actor, organisation=organisation)
    return services.page_publish(page, actor=people.coordinator, organisation=people.wmca)


@pytest.fixture
def shelf(people, areas):
    _publish(
        people,
        areas,
        organisation=people.ladywood,
        actor=people.alice,
        title="Lending shelves",
        kind="case_study",
        themes=["device_donation"],
        area="Birmingham",
    )
    _publish(
        people,
        areas,
        organisation=people.tipton,
        actor=people.charlie,
        title="Social tariffs at handover",
        kind="case_study",
        themes=["connectivity"],
        area="Sandwell",
        body="We ask about broadband at every handover.",
    )
    _publish(
        people,
        areas,
        organisation=people.wmca,
        actor=people.coordinator,
        title="Running a donation drive at work",
        kind="guidance",
        themes=["device_donation"],
        area="Birmingham",
    )
    return people


def _results(page: Page):
    return page.get_by_role("list", name="Library pages").get_by_role("heading", level=2)


def test_a_visitor_browses_filters_and_reads_a_case_study(page: Page, shelf):
    visit(page, "/library/", "Good practice library")
    expect(_results(page)).to_have_count(3)

    page.get_by_label("Kind").select_option(label="Case study")
    page.get_by_label("Theme").select_option(label="Device donation")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"kind=case_study"))
    expect(page.get_by_role("status")).to_have_text("1 page matches your filters")
    assert_accessible(page)
    expect(_results(page)).to_have_text(["Lending shelves"])

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/library/$"))
    assert_accessible(page)
    page.get_by_label("Search").fill("broadband")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=broadband"))
    assert_accessible(page)
    expect(_results(page)).to_have_text(["Social tariffs at handover"])

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/library/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Lending shelves").click()
    page.wait_for_url(re.compile(r"/library/lending-shelves/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lending shelves")
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="What we learned", level=2)).to_be_visible()
    expect(main.get_by_text("Seal each device in a bag in front of the donor.")).to_be_visible()
    expect(main.get_by_text("418", exact=True)).to_be_visible()
    # The script was written as text, shown as text, and never ran.
    expect(main.get_by_text('<script>document.title = "hacked"</script>')).to_be_visible()
    assert page.title() != "hacked"


def test_a_vcse_worker_writes_a_page_and_submits_it_for_review(page: Page, people):
    sign_in_with_password(page, people.alice.email)
    expect_home(page, "Welcome, Alice")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Library pages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Library pages")
    assert_accessible(page)
    page.get_by_role("link", name="Write a page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a library page")
    assert_accessible(page)

    page.get_by_role("group", name="What kind of page").get_by_label("Case study").check()
    page.get_by_label("Title").fill("Thursday drop-in")
    page.get_by_label("Summary").fill("Digital champions at every handover.")
    page.get_by_label("The page").fill("## Why\n\nEmail jo@example.org to join.")
    page.get_by_role("group", name="Themes").get_by_label("Digital skills").check()
    page.get_by_role("group", name="Areas it is about (optional)").get_by_label(
        "Birmingham"
    ).check()
    page.get_by_role("button", name="Save draft").click()

    # The e-mail address is refused, and nothing is saved.
    expect(page.locator(".govuk-error-summary")).to_contain_text("looks like an e-mail address")
    assert_accessible(page)
    assert not LibraryPage.objects.exists()
    page.get_by_label("The page").fill("## Why\n\nPeople left with laptops they could not use.")
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url(re.compile(r"/workspace/library/thursday-drop-in/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thursday drop-in")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In review")
    assert_accessible(page)
    assert LibraryPage.objects.get().status == Status.IN_REVIEW


def test_the_coordinator_sends_a_page_back_then_publishes_it(page: Page, people, areas):
    draft = services.page_create(
        organisation=people.ladywood,
        actor=people.alice,
        draft=services.Draft(
            kind="guidance",
            title="Setting up a donated laptop",
            summary="The first hour with a new owner.",
            body="## Steps\n\nSwitch it on together.",
            themes=["digital_skills"],
        ),
    )
    services.page_submit(draft, actor=people.alice, organisation=people.ladywood)
    sign_in_with_password(page, people.coordinator.email)
    give_authenticator_code(page, totp_code())
    expect_home(page, "Regional overview")

    visit(page, "/workspace/library/review/", "Review library pages")
    page.get_by_role("link", name="Setting up a donated laptop").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In review")
    assert_accessible(page)
    page.get_by_role("link", name="Send back with a comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Send “Setting up a donated laptop” back"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send back").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This field is required")
    assert_accessible(page)
    page.get_by_label("What should change").fill("Say how long the first session takes.")
    page.get_by_role("button", name="Send back").click()

    # A draft again, the page is Ladywood's alone: the coordinator is back at the queue.
    page.wait_for_url(re.compile(r"/workspace/library/review/$"))
    expect(page.get_by_text("No page is waiting for review.")).to_be_visible()
    assert_accessible(page)
    comment = draft.events.get(action="sent_back")
    assert comment.comment == "Say how long the first session takes."
    assert comment.actor == people.coordinator

    # Alice's team resubmits it; the coordinator publishes it.
    services.page_submit(draft, actor=people.alice, organisation=people.ladywood)
    page.reload()
    assert_accessible(page)
    page.get_by_role("link", name="Setting up a donated laptop").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In review")
    expect(
        page.get_by_role("cell", name="Sent back: Say how long the first session takes.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Published")
    assert_accessible(page)
    page.get_by_role("link", name="See the public page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Setting up a donated laptop")
    assert_accessible(page)
