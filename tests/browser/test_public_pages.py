"""The public site, as an anonymous visitor sees it in a browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, visit

DOORS = [
    ("Donate devices", "/donate/", "Donate devices"),
    ("Get help", "/get-help/", "Get help getting online"),
    ("See our impact", "/impact/", "Our impact"),
]


@pytest.fixture
def visitor(page, region):
    """An anonymous visitor, with the West Midlands region loaded."""
    return page


def test_the_home_page_offers_three_doors(visitor):
    page = visitor
    for name, path, heading in DOORS:
        visit(page, "/", "Old IT, connected people")
        page.get_by_role("main").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(re.compile(re.escape(path) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)


def test_the_region_page_shows_a_map_and_a_table_of_the_seven_areas(visitor):
    page = visitor
    visit(page, "/region/", "About West Midlands")
    expect(page.locator("svg[role=img]")).to_be_visible()
    table = page.get_by_role("table", name="The areas in numbers")
    expect(table.locator("tbody tr")).to_have_count(7)
    expect(table.get_by_role("rowheader", name=re.compile("^Birmingham"))).to_be_visible()


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/accessibility/", "Accessibility statement"), ("/privacy/", "Privacy notice")],
    ids=["accessibility statement", "privacy notice"],
)
def test_the_statement_pages_are_accessible(visitor, path, heading):
    visit(visitor, path, heading)


def test_pressing_tab_first_focuses_the_skip_link(visitor):
    page = visitor
    visit(page, "/", "Old IT, connected people")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
