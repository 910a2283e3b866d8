"""The public impact dashboard in a browser: the map and its table, choosing a period, and
downloading the figures as CSV."""

import csv
import datetime
import io
import re

import pytest
from playwright.sync_api import expect

from impact.models import Grain, Tally
from lib import impact
from lib.suppression import FEWER_THAN
from tests.browser.helpers import assert_accessible, visit

THIS_YEAR = datetime.date.today().year


@pytest.fixture
def figures(people, areas):
    """Counts for this year and two years ago, as the services would have tallied them."""
    this_month = datetime.date.today().replace(day=1)
    rows = [
        (this_month, "Birmingham", impact.PEOPLE_SUPPORTED, 12),
        (this_month, "Coventry", impact.PEOPLE_SUPPORTED, 3),
        (this_month, "Birmingham", impact.REHOMED, 15),
        (this_month, "Birmingham", impact.RECEIVED, 40),
        (datetime.date(THIS_YEAR - 2, 5, 1), "Dudley", impact.RECEIVED, 9),
    ]
    for month, area, measure, count in rows:
        Tally.objects.create(
            grain=Grain.REGION,
            subject_id=people.region.pk,
            month=month,
            area_id=areas[area].pk,
            device_type="laptop",
            category=impact.LAPTOP_MEDIUM,
            measure=measure,
            count=count,
        )
    return people


def test_a_visitor_sees_the_map_and_table_changes_period_and_downloads_the_csv(page, figures):
    visit(page, "/impact/", "Our impact")
    main = page.get_by_role("main")
    expect(main.get_by_role("img", name=re.compile("^People supported by area"))).to_be_visible()
    areas = page.get_by_role("table", name=re.compile("^By council"))
    expect(areas.locator("tbody tr")).to_have_count(7 + 1)
    coventry = areas.get_by_role("row", name=re.compile("^Coventry"))
    expect(coventry).to_contain_text(FEWER_THAN)
    expect(areas.get_by_role("row", name=re.compile("^All areas"))).to_contain_text("15")

    page.get_by_label("Show figures for").select_option(str(THIS_YEAR - 2))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"Showing figures for {THIS_YEAR - 2}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"period={THIS_YEAR - 2}"))
    pipeline = page.get_by_role("table", name="From donation to people")
    expect(pipeline.get_by_role("row", name=re.compile("^Received by partners"))).to_contain_text(
        "9"
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures as CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"west-midlands-impact-{THIS_YEAR - 2}.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert rows[0]["section"] == "about"
    received = next(r for r in rows if r["section"] == "pipeline" and r["row"] == "received")
    assert received["value"] == "9"


def test_the_method_page_is_accessible(page, figures):
    visit(page, "/impact/", "Our impact")
    page.get_by_role("link", name="published method").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we work out our impact")
    assert_accessible(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1")
    assert_accessible(page)
