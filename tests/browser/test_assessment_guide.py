"""A VCSE worker with a donated device walks through the public assessment guide, with and
without JavaScript, and the coordinator's rules are there for anyone to read."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessment.selectors import default_rules
from assessment.services import ruleset_create
from tests.browser.helpers import assert_accessible, visit


@pytest.fixture
def visitor(page, transactional_db, region):
    return page


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    if _JAVASCRIPT.get(page, True):  # axe-core runs in the page, so it needs JavaScript
        assert_accessible(page)


_JAVASCRIPT: dict[Page, bool] = {}


def _choose(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _walk_to_the_verdict(page: Page) -> None:
    page.goto("/assess-a-device/")
    _heading(page, "Assess a donated device")
    page.get_by_role("button", name="Start now").click()

    _heading(page, "About the device")
    _continue(page)  # nothing answered yet: the guide says what is missing
    expect(page.locator(".govuk-error-summary")).to_contain_text("This field is required.")
    _heading(page, "About the device")
    _choose(page, "What kind of device is it?", "Laptop (including a Chromebook or MacBook)")
    page.get_by_label("Make (optional)").fill("Lenovo")
    page.get_by_label("Model (optional)").fill("ThinkPad T480")
    page.get_by_label("Year it was made (optional)").fill("2019")
    _choose(page, "Does it switch on and start up?", "Yes")
    _continue(page)

    _heading(page, "What is inside it")
    page.get_by_label("Processor (optional)").fill("Intel Core i5-8250U")
    page.get_by_label("Memory (RAM) in GB (optional)").fill("8")
    page.get_by_label("Storage size in GB (optional)").fill("256")
    _choose(page, "What kind of storage does it have?", "Solid-state drive (SSD)")
    _continue(page)

    _heading(page, "Its condition")
    _choose(
        page,
        "How is the battery?",
        "Good: lasts most of a day (80% of its original capacity or more)",
    )
    _choose(page, "How is the screen?", "It is cracked, but it works")
    _choose(page, "Do the keyboard, touchpad and touch screen work?", "Yes, all of them")
    _continue(page)

    _heading(page, "Software and locks")
    _choose(page, "Which operating system does it run?", "Windows 10")
    _choose(page, "Does it still get security updates?", "No")
    page.get_by_role("group", name="Is it locked to anyone?").get_by_label("None of these").check()
    _continue(page)

    _heading(page, "The data on it")
    _choose(
        page,
        "Has the data on it been wiped to a recognised standard?",
        "No: the donor's data may still be on it",
    )
    _continue(page)

    _heading(page, "Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        "Intel Core i5-8250U (read as Intel Core, 8th generation)"
    )
    page.get_by_role("link", name="Change how is the screen?").click()
    _heading(page, "Its condition")
    _choose(page, "How is the screen?", "It works and is not cracked")
    _continue(page)
    _heading(page, "Check your answers")
    page.get_by_role("button", name="Get the verdict").click()


def test_a_vcse_walks_through_the_guide_to_a_verdict(visitor):
    page = visitor
    _walk_to_the_verdict(page)
    _heading(page, "Refurbish it before giving it")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Windows 10's ended on 14 October 2025")
    expect(main).not_to_contain_text("cracked")
    expect(main.get_by_role("heading", name="Operating system to install")).to_be_visible()
    expect(main).to_contain_text("Windows 11")
    expect(main).to_contain_text("NIST SP 800-88")
    main.get_by_role("link", name="Find an accredited partner in the region").click()
    page.wait_for_url(re.compile(r"/donate/$"))
    _heading(page, "Donate devices")


def test_the_guide_works_without_javascript(chromium, live_server, transactional_db, region):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _JAVASCRIPT[page] = False
    try:
        _walk_to_the_verdict(page)
        _heading(page, "Refurbish it before giving it")
    finally:
        _JAVASCRIPT.pop(page)
        context.close()


def test_anyone_can_read_the_rules_and_their_versions(visitor):
    page = visitor
    ruleset_create(rules=default_rules(), note="Saved again, unchanged", actor=None)
    visit(page, "/assessment-rules/", "Device assessment rules")
    table = page.get_by_role("table", name="Verdict rules")
    expect(table).to_contain_text(
        "device type is tablet or smartphone and age years is more than 6"
    )
    expect(page.get_by_role("main")).to_contain_text("This is version 2")
    page.get_by_role("link", name="Version 1", exact=True).click()
    _heading(page, "Version 1")
