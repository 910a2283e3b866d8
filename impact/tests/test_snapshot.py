"""The annual regional snapshot: exact figures on known data, the same numbers in HTML, PDF and
CSV, small numbers suppressed, no personal data, publishing (which freezes the method version),
the command and the coordinator's pages."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from impact import reports, services
from impact.models import MethodFrozen, MethodVersion, PublishedReport
from impact.tests.dashboard_data import recycle_desktop
from referrals import services as referrals
from referrals.models import Confidence, StillUsing

YEAR = timezone.localdate().year
SECRET_REFERENCE = "SECRET-REF-9"
SECRET_NOTE = "Needs it for her college course"


@pytest.fixture
def year_over(monkeypatch):
    """It is January next year: the year the figures were made in is over and can be published."""
    import datetime

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(YEAR + 1, 1, 15))


@pytest.fixture
def figures(lab, rehome, refer, personas, areas):
    """Six medium laptops rehomed in Birmingham (five followed up), two tablets rehomed in
    Coventry, a desktop recycled, and one person waiting in Birmingham with a note."""
    handed = [rehome("Birmingham")[0] for _ in range(6)]
    rehome("Coventry", device_type="tablet")
    rehome("Coventry", device_type="tablet")
    recycle_desktop(lab, personas, weight_kg=Decimal("9.5"))
    refer(area="Birmingham", reference=SECRET_REFERENCE, notes=SECRET_NOTE)
    for referral in handed[:5]:
        referrals.follow_up_record(
            referral,
            actor=personas.alice,
            organisation=personas.ladywood,
            outcome=referrals.Outcome(still_using=StillUsing.YES, confidence=Confidence.MUCH_MORE),
        )
    return personas


def expected_co2e(region) -> Decimal:
    method = MethodVersion.objects.current(region)
    factors = {f.category: f for f in method.factors.all()}

    def kg(category, n):
        value = factors[category].embodied_kg_co2e * method.displacement * n
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    return kg("laptop_medium", 6) + kg("tablet", 2)


def tables_of(text: str) -> dict[str, list[list[str]]]:
    """The CSV's tables by caption: each a list of rows, header first."""
    tables: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(io.StringIO(text)):
        if not row:
            current = None
        elif row[0] == "Table":
            current = tables[row[1]] = []
        elif current is not None:
            current.append(row)
    return tables


def value(table: list[list[str]], label: str, column: int = 1) -> str:
    return next(row[column] for row in table if row[0] == label)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_snapshot_counts_every_figure_exactly(figures):
    report = reports.snapshot(figures.region, YEAR)
    tables = {table.key: table for table in report.tables}
    headline = {row[0]: row[1] for row in tables["headline"].body}
    assert headline["Devices received"] == 9
    assert headline["Devices erased to a standard"] == 8
    assert headline["Devices rehomed"] == 8
    assert headline["People supported"] == 8
    assert headline["Devices recycled"] == 1
    assert headline["Data SIMs given"] == 0
    assert headline["Kilograms of CO2e avoided"] == expected_co2e(figures.region)
    pipeline = {row[0]: row[1] for row in tables["pipeline"].body}
    assert pipeline["Given by donors"] == 9
    assert pipeline["Refurbished"] == 8
    assert pipeline["With partners now, not yet handed over"] == 0
    supply = {row[0]: row[1] for row in tables["supply"].body}
    assert supply["Donors whose devices were given or received"] == 1
    partners = tables["partners"].body
    assert partners == [
        [
            "Forge Tech Reuse",
            9,
            8,
            8,
            1,
            partners[0][5],
        ]
    ]
    assert "ADISA ICT Asset Recovery Standard ADISA-1" in partners[0][5]
    types = {row[0]: row[1:] for row in tables["device_types"].body}
    assert types["Laptop"] == [6, 6, 6, "not shown", 0]  # or 8 - 6 gives tablets away
    assert types["Tablet"] == [2, 2, 2, "fewer than 5", 0]
    assert types["Desktop"] == [1, 1, 0, 0, 1]
    outcomes = {row[0]: row[1:] for row in tables["outcomes"].body}
    assert outcomes["Follow-ups recorded"] == [5, None]
    assert outcomes["Still using their device"] == [5, Decimal(100)]
    demand = {row[0]: row[1] for row in tables["demand"].body}
    assert demand["People referred in the period"] == 9
    assert demand["People waiting for a device now"] == "fewer than 5"
    assert report.method.version == "1"


def test_small_numbers_are_suppressed_so_no_hidden_count_can_be_worked_out(figures):
    report = reports.snapshot(figures.region, YEAR)
    tables = {table.key: table for table in report.tables}
    areas = {row[0]: row for row in tables["areas"].body}
    people = tables["areas"].header.index("People supported")
    # Coventry's 2 are hidden; Birmingham's 6 too, or 8 - 6 would give Coventry's away.
    assert areas["Coventry"][people] == "fewer than 5"
    assert areas["Birmingham"][people] == "not shown"
    assert tables["areas"].footer[people] == 8
    rate = tables["areas"].header.index("People supported per 10,000 residents offline")
    assert areas["Coventry"][rate] == "not shown"  # or the rate would give the count away
    assert (
        areas["Birmingham"][
            tables["areas"].header.index("Devices received from donors in the area")
        ]
        == 9
    )
    environment = {row[0]: row for row in tables["environmental"].body}
    tablets = next(row for label, row in environment.items() if label.startswith("Tablet"))
    assert tablets[1:] == ["fewer than 5", "not shown", "not shown"]
    assert tables["environmental"].footer[1] == 8
    assert tables["environmental"].footer[3] == expected_co2e(figures.region)
    section = next(s for s in report.sections if s.id == "areas")
    shading = {area.name: section.map_values[area.code] for area in report.areas}
    assert (shading["Birmingham"], shading["Coventry"], shading["Dudley"]) == (None, None, 0)


def test_the_csv_holds_every_table_with_the_same_totals_as_the_html_and_the_pdf(figures):
    report = reports.snapshot(figures.region, YEAR)
    text = reports.render_csv(report)
    html = reports.render_html(report)
    pdf = pdf_text(reports.render_report_pdf(report))
    tables = tables_of(text)
    assert {table.caption for table in report.tables} == set(tables)
    headline = tables["Headline figures"]
    co2e = value(headline, "Kilograms of CO2e avoided")
    assert Decimal(co2e) == expected_co2e(figures.region)
    shown_co2e = f"{Decimal(co2e):,}"
    assert shown_co2e in html
    assert shown_co2e in pdf
    areas = tables["By council"]
    total = areas[-1]
    assert total[0] == "All areas"
    assert total[areas[0].index("Devices received from donors in the area")] == "9"
    assert total[areas[0].index("People supported")] == "8"
    for label in ("Devices received", "Devices rehomed", "People supported"):
        assert value(headline, label) in ("9", "8")
        assert (
            f'{label}</th><td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{value(headline, label)}</td>" in html
        )
        assert f"{label} {value(headline, label)}" in pdf
    assert "Method version 1" in pdf
    assert "Impact factors: The Restart Project, CC BY-SA 4.0" in pdf
    assert "Impact factors: The Restart Project, CC BY-SA 4.0" in text
    assert "Contents" in pdf
    assert "Page 1 of" in pdf


def test_the_pdf_is_a4_and_tagged(figures):
    content = reports.render_report_pdf(reports.snapshot(figures.region, YEAR))
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert len(reader.pages) > 1


def test_no_public_output_holds_a_referral_reference_or_note(figures):
    report = reports.snapshot(figures.region, YEAR)
    outputs = [
        reports.render_html(report),
        reports.render_csv(report),
        pdf_text(reports.render_report_pdf(report)),
    ]
    referral_refs = [f"LCH-{n:04d}" for n in range(1, 10)]
    for output in outputs:
        assert SECRET_REFERENCE not in output
        assert SECRET_NOTE not in output
        assert not any(ref in output for ref in referral_refs)


def test_csv_cells_cannot_run_as_formulas(figures):
    reports.snapshot_case_studies_save(
        region=figures.region, year=YEAR, text='=HYPERLINK("http://x")', actor=figures.coordinator
    )
    text = reports.render_csv(reports.snapshot(figures.region, YEAR, case_study_text="=1+1"))
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'=1+1"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_publishing_stores_the_files_and_freezes_the_method_version(figures, year_over):
    reports.snapshot_case_studies_save(
        region=figures.region,
        year=YEAR,
        text="Ladywood's laptop library opened in March.",
        actor=figures.coordinator,
    )
    published = reports.snapshot_publish(
        region=figures.region, year=YEAR, actor=figures.coordinator
    )
    assert published.published_at is not None
    assert published.published_by == figures.coordinator
    assert published.method.version == "1"
    assert published.figures["method_version"] == "1"
    assert published.figures["tables"]["headline"]["rows"][0] == ["Devices received", 9]
    assert "Ladywood's laptop library opened in March." in published.csv
    assert bytes(published.pdf).startswith(b"%PDF")
    assert "Ladywood&#x27;s laptop library" in published.html
    method = MethodVersion.objects.get(pk=published.method_id)
    assert method.is_frozen
    with pytest.raises(MethodFrozen):
        method.save()
    with pytest.raises(MethodFrozen):
        method.factors.first().save()
    with pytest.raises(ValidationError):
        services.method_version_update(
            method, actor=figures.coordinator, change=services.change_from(method)
        )
    with pytest.raises(ValidationError, match="cannot be published again"):
        reports.snapshot_publish(region=figures.region, year=YEAR, actor=figures.coordinator)


def test_the_published_files_are_served_as_stored_not_recounted(figures, year_over, client, lab):
    published = reports.snapshot_publish(
        region=figures.region, year=YEAR, actor=figures.coordinator
    )
    lab.device(state="received")  # counted afresh, the snapshot would now say 10 received
    listing = client.get(reverse("impact:reports"))
    assert listing.status_code == 200
    assert str(YEAR) in listing.content.decode()
    for fmt in reports.FORMATS:
        response = client.get(reverse("impact:report_download", args=[published.pk, fmt]))
        assert response.status_code == 200
        assert response.content == reports.published_file(published, fmt)
    text = client.get(reverse("impact:report_download", args=[published.pk, "csv"])).content
    assert value(tables_of(text.decode())["Headline figures"], "Devices received") == "9"


def test_a_draft_or_an_unknown_format_is_not_served(figures, year_over, client):
    draft = reports.snapshot_case_studies_save(
        region=figures.region, year=YEAR, text="Draft", actor=figures.coordinator
    )
    assert client.get(reverse("impact:report_download", args=[draft.pk, "csv"])).status_code == 404
    published = reports.snapshot_publish(
        region=figures.region, year=YEAR, actor=figures.coordinator
    )
    assert published.pk == draft.pk
    response = client.get(reverse("impact:report_download", args=[published.pk, "docx"]))
    assert response.status_code == 404


def test_case_study_text_with_personal_data_is_refused(figures):
    with pytest.raises(ValidationError) as caught:
        reports.snapshot_case_studies_save(
            region=figures.region,
            year=YEAR,
            text="Call Jo on 07700 900123",
            actor=figures.coordinator,
        )
    assert "case_studies" in caught.value.message_dict


def test_the_librarys_case_studies_are_used_when_there_are_some(figures, monkeypatch):
    study = reports.CaseStudy("Laptops for carers", "How Tipton lent laptops.", "http://x/l/")
    monkeypatch.setattr(reports, "case_studies_for", lambda region, year: [study])
    report = reports.snapshot(figures.region, YEAR, case_study_text="Ignored text")
    section = next(s for s in report.sections if s.id == "case-studies")
    assert section.case_studies == [study]
    assert "Ignored text" not in reports.render_csv(report)
    assert "Laptops for carers" in reports.render_html(report)


# ---------------------------------------------------------------------------------------------
# The command.


@pytest.mark.parametrize("fmt", reports.FORMATS)
def test_the_command_writes_each_format(figures, tmp_path, fmt):
    path = tmp_path / f"snapshot.{fmt}"
    call_command("snapshot_report", year=str(YEAR), format=fmt, output=str(path))
    content = path.read_bytes()
    if fmt == "pdf":
        assert "Method version 1" in pdf_text(content)
    else:
        assert b"Impact factors: The Restart Project" in content


def test_the_command_writes_a_published_year_as_it_was_published(figures, year_over, tmp_path, lab):
    published = reports.snapshot_publish(
        region=figures.region, year=YEAR, actor=figures.coordinator
    )
    lab.device(state="received")  # a later record, which a recount would include
    path = tmp_path / "published.csv"
    call_command("snapshot_report", year=str(YEAR), format="csv", output=str(path))
    assert path.read_bytes() == published.csv.encode()


@pytest.mark.parametrize(
    ("year", "fmt", "output", "message"),
    [
        ("twenty", "pdf", "out.pdf", "--year must be a year"),
        (str(YEAR + 1), "pdf", "out.pdf", "has not started yet"),
        ("1999", "csv", "out.csv", "Give a year from 2000"),
        (str(YEAR), "docx", "out.docx", "--format must be one of html, pdf, csv"),
        (str(YEAR), "csv", "missing/out.csv", "does not exist"),
        (str(YEAR), "csv", ".", "is a folder"),
    ],
)
def test_the_command_refuses_bad_arguments_clearly(region, tmp_path, year, fmt, output, message):
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_report", year=year, format=fmt, output=str(tmp_path / output))


# ---------------------------------------------------------------------------------------------
# The coordinator's pages.


def test_the_coordinator_previews_saves_case_studies_downloads_and_publishes(
    figures, year_over, client
):
    client.force_login(figures.coordinator)
    page = client.get(reverse("impact:snapshot"), {"year": YEAR})
    assert page.status_code == 200
    assert "Annual snapshot" in page.content.decode()
    response = client.post(
        reverse("impact:snapshot"), {"year": YEAR, "case_studies": "A good year in Dudley."}
    )
    assert response.status_code == 302
    for fmt in reports.FORMATS:
        download = client.get(reverse("impact:snapshot_download", args=[YEAR, fmt]))
        assert download.status_code == 200
        assert download["Content-Type"] == reports.CONTENT_TYPES[fmt]
    csv_text = client.get(reverse("impact:snapshot_download", args=[YEAR, "csv"]))
    assert "A good year in Dudley." in csv_text.content.decode()
    response = client.post(reverse("impact:snapshot_publish"), {"year": YEAR})
    assert response.status_code == 302
    published = PublishedReport.objects.get(published_at__isnull=False)
    assert published.case_studies == "A good year in Dudley."
    assert published.period_start == datetime.date(YEAR, 1, 1)


@pytest.mark.parametrize("persona", ["council_officer", "alice", "charlie", "donor", "technician"])
def test_only_the_coordinator_may_preview_download_or_publish(figures, client, persona):
    client.force_login(getattr(figures, persona))
    assert client.get(reverse("impact:snapshot")).status_code == 403
    download = client.get(reverse("impact:snapshot_download", args=[YEAR, "csv"]))
    assert download.status_code == 403
    assert client.post(reverse("impact:snapshot_publish"), {"year": YEAR}).status_code == 403
    assert not PublishedReport.objects.exists()


def test_a_year_that_is_not_over_cannot_be_published(figures):
    with pytest.raises(ValidationError, match="is not over yet"):
        reports.snapshot_publish(region=figures.region, year=YEAR, actor=figures.coordinator)
    assert not reports.published_snapshot(figures.region, YEAR)


def test_the_snapshots_csv_totals_equal_the_public_dashboards_for_the_same_year(figures):
    from impact import dashboard

    tables = tables_of(reports.render_csv(reports.snapshot(figures.region, YEAR)))
    board = dashboard.dashboard(figures.region, year=YEAR)
    on_board = {
        (table, row, column): value
        for table, row, _, column, _, value in dashboard.csv_rows(board)
        if table != "about"
    }
    headline = tables["Headline figures"]
    for measure, label in (
        ("received", "Devices received"),
        ("rehomed", "Devices rehomed"),
        ("people", "People supported"),
    ):
        assert value(headline, label) == str(on_board["headline", measure, "this_year"])
    areas = tables["By council"]
    people = areas[0].index("People supported")
    assert areas[-1][people] == str(on_board["areas", "total", "people"])
