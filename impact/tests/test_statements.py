"""A donor's impact statement: its figures, certificates and suppression, the web page and the
PDF, and who may open it."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import make_user
from impact import reports
from impact.selectors import Period
from organisations.services import membership_create, organisation_create

from .test_snapshot import SECRET_NOTE, SECRET_REFERENCE, YEAR, expected_co2e, figures  # noqa: F401

THIS_YEAR = Period.year(YEAR)


def statement_url(donor, name="impact:donor_statement"):
    return reverse(name, args=[donor.slug])


def test_the_statement_counts_the_donors_devices_exactly(figures):  # noqa: F811
    report = reports.donor_statement(figures.donor_org, THIS_YEAR)
    tables = {table.key: table for table in report.tables}
    summary = {row[0]: row[1] for row in tables["headline"].body}
    assert summary["Devices given"] == 9
    assert summary["Devices received by the partner"] == 9
    assert summary["Devices erased to a recognised standard"] == 8
    assert summary["Devices rehomed with a person"] == 8
    assert summary["Devices recycled"] == 1
    assert summary["People supported"] == 8
    assert summary["Kilograms of CO2e avoided"] == expected_co2e(figures.region)
    assert tables["certificates"].body == [["B-2026-0001", "RH-CERT-B-2026-0001", 8]]
    people = {row[0]: row[1] for row in tables["areas"].body}
    # Coventry's 2 people are hidden, and so is Birmingham's 6 (else 8 - 6 gives them away).
    assert people == {"Birmingham": "not shown", "Coventry": "fewer than 5"}
    assert tables["areas"].footer[1] == 8
    assert report.method.version == "1"


def test_a_date_range_counts_only_what_happened_in_it(figures):  # noqa: F811
    last_year = Period.between(datetime.date(YEAR - 1, 1, 1), datetime.date(YEAR - 1, 12, 31))
    report = reports.donor_statement(figures.donor_org, last_year)
    summary = {row[0]: row[1] for row in report.tables[0].body}
    assert summary["Devices given"] == 0
    assert report.tables[1].body == []


def test_another_donor_has_nothing_of_this_donors(figures, personas):  # noqa: F811
    other = organisation_create(
        region=personas.region, name="Other Donor", kinds=["donor"], areas_served=[]
    )
    report = reports.donor_statement(other, THIS_YEAR)
    summary = {row[0]: row[1] for row in report.tables[0].body}
    assert summary["Devices given"] == 0
    assert summary["People supported"] == 0


def test_the_donor_opens_its_statement_and_downloads_the_pdf(figures, client):  # noqa: F811
    client.force_login(figures.donor)
    page = client.get(statement_url(figures.donor_org), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Impact statement: Midland Mutual" in html
    assert "RH-CERT-B-2026-0001" in html
    assert "IT Reuse for Good Charter" in html
    assert SECRET_REFERENCE not in html
    assert SECRET_NOTE not in html
    response = client.get(statement_url(figures.donor_org, "impact:donor_statement_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "RH-CERT-B-2026-0001" in text
    assert "Method version 1" in text
    assert f"{expected_co2e(figures.region):,}" in text
    assert "Impact factors: The Restart Project, CC BY-SA 4.0" in text
    assert SECRET_REFERENCE not in text


def test_a_date_range_is_chosen_on_the_page(figures, client):  # noqa: F811
    client.force_login(figures.donor)
    page = client.get(
        statement_url(figures.donor_org), {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    )
    assert page.status_code == 200
    assert f"1 January {YEAR} to 31 December {YEAR}" in page.content.decode()
    bad = client.get(statement_url(figures.donor_org), {"start": f"{YEAR}-05-01"})
    assert "Give both dates of the range" in bad.content.decode()


def test_the_coordinator_can_open_any_donors_statement(figures, client):  # noqa: F811
    client.force_login(figures.coordinator)
    assert client.get(statement_url(figures.donor_org)).status_code == 200
    pdf = client.get(statement_url(figures.donor_org, "impact:donor_statement_pdf"))
    assert pdf.status_code == 200


@pytest.mark.parametrize("name", ["impact:donor_statement", "impact:donor_statement_pdf"])
def test_another_donor_cannot_open_this_donors_statement(personas, client, name):
    other = organisation_create(
        region=personas.region, name="Other Donor", kinds=["donor"], areas_served=[]
    )
    rival = make_user("rival.donor@example.org", "Rita Rival")
    membership_create(user=rival, organisation=other, role="donor_contact")
    client.force_login(rival)
    assert client.get(statement_url(personas.donor_org, name)).status_code == 404
    assert client.get(statement_url(other, name)).status_code == 200


@pytest.mark.parametrize("persona", ["charlie", "alice", "council_officer", "technician"])
def test_outsiders_cannot_open_a_donors_statement(personas, client, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(statement_url(personas.donor_org)).status_code == 403
    pdf = client.get(statement_url(personas.donor_org, "impact:donor_statement_pdf"))
    assert pdf.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(personas, client):
    response = client.get(statement_url(personas.donor_org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_period_is_whole_months_since_figures_are_counted_by_month():
    import datetime

    from impact.report_views import WHOLE_MONTHS, PeriodForm

    part = PeriodForm({"start": "2026-03-15", "end": "2026-03-20"})
    assert not part.is_valid()
    assert part.non_field_errors() == [WHOLE_MONTHS]
    whole = PeriodForm({"start": "2026-02-01", "end": "2026-04-30"})
    assert whole.is_valid()
    period = whole.cleaned_data["period"]
    assert (period.start, period.end) == (datetime.date(2026, 2, 1), datetime.date(2026, 4, 30))
