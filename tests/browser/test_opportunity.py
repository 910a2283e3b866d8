"""The opportunity estimator in a browser: without htmx the form reloads the page, with it htmx
swaps only the form and results; and the coordinator's pipeline with expected against
actual devices. Every page passes axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import totp_code
from opportunity import services
from opportunity.models import Prospect
from tests.browser.helpers import (
    assert_accessible,
    expect_home,
    give_authenticator_code,
    sign_in_with_password,
    visit,
)

HEADING = "Estimate the devices employers could give"


def _fill(page: Page, **values: str) -> None:
    labels = {
        "employees": "Employees",
        "years": "Years",
        "refresh_years": "Refresh cycle (years)",
    }
    for name, value in values.items():
        page.get_by_label(labels[name], exact=True).fill(value)
    page.get_by_role("button", name="Estimate").click()


def _results(page: Page):
    return page.get_by_role("table", name="The estimate in numbers")


def _central(page: Page):
    return (
        _results(page)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="Central", exact=True))
    )


@pytest.fixture
def without_htmx(page, region):
    """The page as a browser that never gets htmx (blocked, failed or switched off) sees it."""
    page.route(re.compile(r"/htmx[^/]*\.js$"), lambda route: route.abort())
    return page


def test_the_estimator_works_without_htmx(without_htmx):
    page = without_htmx
    visit(page, "/opportunity/", HEADING)
    expect(_central(page)).to_contain_text("131,328")
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "undefined"
    page.evaluate("window.stillTheSamePage = true")
    _fill(page, employees="1000", years="8")
    page.wait_for_url(re.compile(r"/opportunity/\?.*employees=1000"))
    assert_accessible(page)
    assert page.evaluate("window.stillTheSamePage") is None  # a new page, from the server
    expect(
        page.get_by_role("heading", level=2, name="1,000 employees over 8 years")
    ).to_be_visible()
    expect(_central(page)).to_contain_text("1,094")  # 1000 * 1.2 * (8 / 4) * 0.456
    _fill(page, employees="-3", refresh_years="0")
    page.wait_for_url(re.compile(r"employees=-3"))
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Employees cannot be negative.")
    expect(summary).to_contain_text("Refresh cycle (years) must be more than 0.")


def test_with_javascript_only_the_results_change(page, region):
    visit(page, "/opportunity/", HEADING)
    page.evaluate("window.stillTheSamePage = true")
    _fill(page, employees="240000", years="2")
    expect(
        page.get_by_role("heading", level=2, name="240,000 employees over 2 years")
    ).to_be_visible()
    expect(_central(page)).to_contain_text("65,664")
    expect(page.locator("#estimate-status")).to_have_text(
        re.compile("^Estimate updated: about 65,664")
    )
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place, no reload
    expect(page).to_have_url(re.compile(r"employees=240000"))  # and the address can be shared
    assert_accessible(page)
    _fill(page, employees="abc")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Employees must be a number.")
    expect(page.locator("#estimate-status")).to_contain_text("There is a problem")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_accessible(page)


def _upload(page: Page, content: str) -> None:
    page.get_by_label("List of employers (CSV or XLSX)").set_input_files(
        files=[{"name": "employers.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_the_coordinator_uploads_employers_and_sees_expected_against_actual(page, people, lab):
    lab.device(state="received")
    sign_in_with_password(page, people.coordinator.email)
    give_authenticator_code(page, totp_code())
    expect_home(page, "Regional overview")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Employers to engage"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Employers to engage")
    assert_accessible(page)
    page.get_by_role("link", name="Upload a list of employers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a list of employers")
    assert_accessible(page)

    _upload(page, "name,employees,sector\nMidland Mutual,-3200,Finance\n")
    problems = page.get_by_role("table", name="Problems")
    expect(problems).to_contain_text("Employees cannot be negative.")
    assert_accessible(page)
    assert not Prospect.objects.exists()

    _upload(page, "name,employees,sector\nMidland Mutual,3200,Finance\nCanal Co,800,Logistics\n")
    expect(page.get_by_role("table", name="Expected devices per employer")).to_contain_text("1,751")
    assert_accessible(page)
    page.get_by_role("button", name="Add 2 employers to the pipeline").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 employers added")
    assert_accessible(page)

    services.prospect_update(
        Prospect.objects.get(name="Midland Mutual"),
        actor=people.coordinator,
        owner=people.coordinator,
        next_step="Ask about the charter",
        next_step_on=None,
        organisation=people.donor_org,
    )
    page.reload()
    assert_accessible(page)
    table = page.get_by_role("table", name="Expected and actual devices per employer")
    expect(table.get_by_role("row").filter(has_text="Midland Mutual")).to_contain_text("1,751")
    page.get_by_role("link", name="Midland Mutual", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Midland Mutual")
    assert_accessible(page)
    page.get_by_role("button", name="Move to contacted").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Contacted")
    assert_accessible(page)
