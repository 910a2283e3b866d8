"""A council's report: the figures of its areas only, its local partners' activity, suppression,
the web page and the PDF, and who may open it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import make_user
from impact import reports
from impact.selectors import Period
from organisations.services import membership_create, organisation_create

from .test_snapshot import SECRET_NOTE, SECRET_REFERENCE, YEAR, figures  # noqa: F401

THIS_YEAR = Period.year(YEAR)


def birmingham_report(people):
    council = people.birmingham_council
    return reports.council_report(council, list(council.areas_served.all()), THIS_YEAR)


def test_the_report_counts_only_the_councils_areas(figures):  # noqa: F811
    report = birmingham_report(figures)
    tables = {table.key: table for table in report.tables}
    assert [row[0] for row in tables["areas"].body] == ["Birmingham"]
    headline = {row[0]: row[1] for row in tables["headline"].body}
    # Devices count where they came from (every one from Birmingham); people where they live.
    assert headline["Devices received"] == 9
    assert headline["Devices rehomed"] == 8
    assert headline["People supported"] == 6
    demand = {row[0]: row[1] for row in tables["demand"].body}
    assert demand["People referred in the period"] == 7
    assert demand["People waiting for a device now"] == "fewer than 5"
    outcomes = {row[0]: row[1] for row in tables["outcomes"].body}
    assert outcomes["Follow-ups recorded"] == 5


def test_local_partners_activity_comes_from_what_each_did_in_the_areas(figures):  # noqa: F811
    report = birmingham_report(figures)
    local = next(t for t in report.tables if t.key == "local_partners")
    rows = {row[0]: row[1:] for row in local.body}
    # Received, erased, refurbished, recycled; referred, supported, followed up.
    assert rows["Forge Tech Reuse"] == [9, 8, 8, 1, 0, 0, 0]
    assert rows["Ladywood Community Hub"] == [0, 0, 0, 0, 7, 6, 5]
    assert "Tipton Together" not in rows  # serves Sandwell, and did nothing in Birmingham
    donors = next(t for t in report.tables if t.key == "donors")
    assert donors.body == [["Midland Mutual", 9, 9]]


def test_a_council_with_small_numbers_sees_them_suppressed(figures, areas):  # noqa: F811
    coventry = organisation_create(
        region=figures.region,
        name="Coventry City Council",
        kinds=["local_authority"],
        areas_served=[areas["Coventry"]],
    )
    report = reports.council_report(coventry, [areas["Coventry"]], THIS_YEAR)
    headline = {row[0]: row[1] for row in report.tables[0].body}
    assert headline["People supported"] == "fewer than 5"
    assert headline["Devices rehomed"] == 0  # the tablets came from Birmingham
    assert "Kilograms of CO2e avoided" in headline
    text = reports.render_csv(report)
    assert "fewer than 5" in text
    assert ",2\r\n" not in text.split("Table,By council")[1].split("Table,")[0]


def test_the_council_officer_opens_the_report_and_downloads_the_pdf(figures, client):  # noqa: F811
    client.force_login(figures.council_officer)
    page = client.get(reverse("impact:council_report"), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Council report: Birmingham" in html
    assert "Ladywood Community Hub" in html
    assert SECRET_REFERENCE not in html
    assert SECRET_NOTE not in html
    response = client.get(reverse("impact:council_report_pdf"), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Council report: Birmingham" in text
    assert "Method version 1" in text
    assert "Forge Tech Reuse" in text
    assert "Coventry" not in text  # no other area, not even on the map
    assert SECRET_REFERENCE not in text


def test_a_council_officer_sees_only_their_own_areas_whatever_they_ask(
    figures,  # noqa: F811
    areas,
    client,
):
    sandwell = organisation_create(
        region=figures.region,
        name="Sandwell Council",
        kinds=["local_authority"],
        areas_served=[areas["Sandwell"]],
    )
    officer = make_user("sandwell@example.org", "Sam Sandwell")
    membership_create(user=officer, organisation=sandwell, role="council_officer")
    client.force_login(officer)
    page = client.get(reverse("impact:council_report"), {"council": "birmingham-city-council"})
    html = page.content.decode()
    assert "Council report: Sandwell" in html
    assert "Council report: Birmingham" not in html
    assert "Ladywood Community Hub" not in html


def test_the_coordinator_chooses_a_council(figures, client):  # noqa: F811
    client.force_login(figures.coordinator)
    listing = client.get(reverse("impact:council_report"))
    assert "Birmingham City Council" in listing.content.decode()
    slug = figures.birmingham_council.slug
    page = client.get(reverse("impact:council_report"), {"council": slug})
    assert "Council report: Birmingham" in page.content.decode()
    pdf = client.get(reverse("impact:council_report_pdf"), {"council": slug})
    assert pdf.status_code == 200
    assert client.get(reverse("impact:council_report"), {"council": "nope"}).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "charlie", "donor", "technician"])
def test_others_cannot_open_a_council_report(personas, client, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("impact:council_report")).status_code == 403
    assert client.get(reverse("impact:council_report_pdf")).status_code == 403
