"""The reports: the annual regional snapshot, a donor's impact statement and a council report.

Each report is built once, from `impact.selectors` only, into sections of `impact.tables`
tables (already suppressed where they show counts of people): the tables the public dashboard
shows come from the same builders there, and the tables only a report has (outcomes, factors,
trends, partners, certificates...) are built here. Each report is rendered three ways from those
same tables: the HTML document, the PDF (WeasyPrint renders that HTML) and the CSV (every table,
labelled). So a total in the CSV is, by construction, the total on the page and in the PDF.

Publishing a snapshot stores its figures, its three files and its method version; the public list
serves those stored files, never a recount, and the method version can no longer change.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from impact import selectors, tables
from impact.models import MethodVersion, PublishedReport, ReportKind
from impact.selectors import Period, ReportFigures, Scope, shown
from impact.tables import (
    DEVICES,
    KG_CO2E,
    KG_KEPT,
    Cell,
    Column,
    Row,
    Table,
    areas_table,
    counts_table,
    csv_document,
    demand_table,
    device_types_table,
    environmental_cells,
    environmental_table,
    figure_text,
    headline_table,
    is_hidden,
    months_table,
    pipeline_table,
    quarters_table,
)
from lib import impact
from lib.personal_data import personal_data_errors
from lib.suppression import NOT_SHOWN
from regions.models import Region
from rehome.pdf import render_pdf

FORMATS = ("html", "pdf", "csv")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}
FIRST_YEAR = 2000  # Period.all_time starts here: no record is older
ALREADY_PUBLISHED = "The {year} snapshot was published on {day}; it cannot be published again."
NOT_YET_ENDED = "The year {year} has not started yet, so there is nothing to report."
NO_METHOD = "{region} has no adopted impact method: adopt one before reporting."
NOT_OVER = (
    "The year {year} is not over yet: its snapshot can be previewed, and published from 1 January."
)


@dataclass
class Chart:
    kind: str  # "bar" or "column"
    caption: str
    rows: list[tuple[str, Cell]]


@dataclass
class CaseStudy:
    title: str
    summary: str
    url: str


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    map_values: dict[str, int | Decimal | None] | None = None
    map_caption: str = ""
    case_studies: list[CaseStudy] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    region: Region
    period: Period
    method: MethodVersion
    figures: ReportFigures
    sections: list[Section]
    generated_at: datetime.datetime
    filename: str
    subject_id: int = 0
    intro: list[str] = field(default_factory=list)
    case_study_text: str = ""

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    @property
    def attribution(self) -> list[str]:
        return tables.attribution(self.region)

    @property
    def areas(self):
        return [row.area for row in self.figures.areas]


# ---------------------------------------------------------------------------------------------
# The tables only the reports show (the rest come from `impact.tables`).


PERIOD = "period"  # the key of a report headline's one column


def report_headline(f: ReportFigures, measures=selectors.HEADLINE) -> Table:
    """The headline of the report's period."""
    return headline_table([(Column(PERIOD, f.period.label), f.totals)], f.method, measures)


def outcomes_table(f: ReportFigures) -> Table:
    follow_ups = f.totals[impact.FOLLOW_UPS]
    rows: list[list[Cell]] = []
    for measure, label in selectors.OUTCOMES:
        count = shown(measure, f.totals[measure])
        share = None
        # Shares of what follow-ups found (a social tariff is signposted at handover instead).
        asked = measure in (impact.STILL_USING, impact.MORE_CONFIDENT)
        if asked and not is_hidden(count) and follow_ups >= 5:
            share = Decimal(f.totals[measure] * 100 / follow_ups).quantize(Decimal("1"))
        rows.append([label, count, share])
    return Table.of_grid(
        "outcomes",
        "Outcomes from follow-ups",
        ["Outcome", "People", "Share of follow-ups (%)"],
        rows,
    )


def factors_table(f: ReportFigures) -> Table:
    rows = [
        [factor.label, factor.embodied_kg_co2e, factor.weight_kg]
        for category in impact.CATEGORIES
        if (factor := f.method.factors.get(category))
    ]
    return Table.of_grid(
        "factors",
        f"Factors of method version {f.method.version} (displacement {f.method.displacement})",
        ["Category", "Embodied footprint (kg CO2e)", "Weight (kg)"],
        rows,
    )


def trends_table(f: ReportFigures) -> Table:
    previous = f.previous or impact.MeasureCounts()
    label_now, label_before = f.period.label, f.period.previous_year().label
    rows = []
    for measure, label in selectors.HEADLINE:
        now, before = shown(measure, f.totals[measure]), shown(measure, previous[measure])
        change = None if is_hidden(now) or is_hidden(before) else now - before
        rows.append([label, now, before, change])
    env_now = environmental_cells(f.environmental)[KG_CO2E]
    env_before = (
        environmental_cells(f.previous_environmental)[KG_CO2E] if f.previous_environmental else None
    )
    change = (
        env_now - env_before
        if isinstance(env_now, Decimal) and isinstance(env_before, Decimal)
        else None
    )
    rows.append(["Kilograms of CO2e avoided", env_now, env_before, change])
    return Table.of_grid(
        "trends",
        f"{label_now} compared with {label_before}",
        ["Figure", label_now, label_before, "Change"],
        rows,
    )


def notes_table(f: ReportFigures, extra: list[str] = ()) -> Table:
    notes = [*f.notes, *extra] or ["No data-quality problems were found for this period."]
    return Table.of_grid("notes", "Data-quality notes", ["Note"], [[note] for note in notes])


def about_table(report_region: Region, method: MethodVersion) -> Table:
    rows = [["Method", f"{method.name} (version {method.version})"]]
    rows.append(["Method sources", method.sources])
    rows += [["Attribution", line] for line in tables.attribution(report_region)]
    return Table.of_grid("sources", "Method, sources and attribution", ["About", "Text"], rows)


def partners_table(partners: list[selectors.OrganisationActivity]) -> Table:
    rows = []
    for activity in partners:
        held = "; ".join(
            f"{a.get_scheme_display()} {a.number} (to {a.expires_on:%-d %B %Y})"
            for a in activity.accreditations
        )
        rows.append(
            [
                activity.organisation.name,
                *(activity.counts.get(m, 0) for m in selectors.PARTNER_MEASURES),
                held or "None recorded",
            ]
        )
    return Table.of_grid(
        "partners",
        "Partners used, and their accreditations",
        ["Partner", "Received", "Erased", "Refurbished", "Recycled", "Accreditations"],
        rows,
    )


# ---------------------------------------------------------------------------------------------
# Common sections.


def _areas_section(table: Table, *, title: str) -> Section:
    return Section(
        "areas",
        title,
        paragraphs=[
            "Devices count in the area they came from; people count in the area they live in."
        ],
        tables=[table],
        map_values=table.numbers_by_key(impact.PEOPLE_SUPPORTED),
        map_caption="People supported, by area (darker is more; areas with fewer than 5 are "
        "not shaded)",
    )


def _environment_section(f: ReportFigures, method: MethodVersion) -> Section:
    env = environmental_cells(f.environmental)
    tonnes = NOT_SHOWN if is_hidden(env[KG_CO2E]) else f.environmental.tonnes_co2e_avoided
    return Section(
        "environment",
        "Environmental impact",
        paragraphs=[
            f"Devices kept in use are those handed to a person, less those given back. Each "
            f"avoids a share ({f.method.displacement}) of the footprint of making a new device "
            f"of its category. Method: {method.name}, version {method.version}.",
            f"In total: {figure_text(env[KG_CO2E])} kg CO2e avoided "
            f"({figure_text(tonnes)} tonnes) and {figure_text(env[KG_KEPT])}"
            " kg of equipment kept in use.",
        ],
        tables=[environmental_table(f), factors_table(f)],
    )


def _trends_section(f: ReportFigures) -> Section:
    months = months_table(f.months)
    one_year = f.period.start.year == f.period.end.year
    return Section(
        "trends",
        "Trends",
        tables=[trends_table(f), months, quarters_table(f.months)],
        charts=[
            Chart(
                "column",
                f"Devices rehomed by month, {f.period.label}",
                [
                    (f"{month:%b}" if one_year else label, value)
                    for (month, _), (label, value) in zip(
                        f.months, months.series(impact.REHOMED), strict=True
                    )
                ],
            )
        ],
    )


def _about_section(f: ReportFigures, method: MethodVersion, notes: list[str] = ()) -> Section:
    return Section(
        "about",
        "Data quality, method and sources",
        paragraphs=[
            "Every figure is counted from the platform's records (custody events, handovers, "
            "follow-ups and referrals), never typed in. Counts of people from 1 to 4 show as "
            "“fewer than 5”, and where one hidden count could be worked out from a total, a "
            "second is hidden (“not shown”).",
        ],
        tables=[notes_table(f, list(notes)), about_table(f.scope.region, method)],
    )


def _method(region: Region, method: MethodVersion | None) -> MethodVersion:
    method = method or MethodVersion.objects.current(region)
    if method is None:
        raise LookupError(NO_METHOD.format(region=region))
    return method


# ---------------------------------------------------------------------------------------------
# The annual regional snapshot.


def check_year(year: int, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if year < FIRST_YEAR or year > today.year:
        if year > today.year:
            raise ValidationError(NOT_YET_ENDED.format(year=year))
        raise ValidationError(f"Give a year from {FIRST_YEAR} to {today.year}.")


def case_studies_for(region: Region, year: int) -> list[CaseStudy]:
    """The library's published case studies of the year (none if the library is not there)."""
    try:
        from library.selectors import published_case_studies
    except ImportError:  # the library is optional: the coordinator's text stands in for it
        return []
    return [
        CaseStudy(page.title, page.summary, settings.SITE_URL + page.get_absolute_url())
        for page in published_case_studies(region, year=year)
    ]


def snapshot(
    region: Region,
    year: int,
    *,
    case_study_text: str = "",
    method: MethodVersion | None = None,
    today: datetime.date | None = None,
) -> Report:
    """The annual regional snapshot for `year`: every figure, table and section."""
    check_year(year, today)
    method = _method(region, method)
    period = Period.year(year)
    scope = Scope.of_region(region)
    f = selectors.report(scope, period, method=method, today=today)
    donors = selectors.donors_active(scope, period)
    partners = selectors.partners_active(scope, period)
    case_studies = case_studies_for(region, year)
    headline = report_headline(f)
    types = device_types_table(f)
    pipeline = pipeline_table(f)
    supply = Table.of_grid(
        "supply",
        "Supply",
        ["Figure", "Count"],
        [
            ["Donors whose devices were given or received", len(donors)],
            ["Devices given by donors", f.totals[impact.GIVEN]],
            ["Devices received by partners", f.totals[impact.RECEIVED]],
            ["Partners that received, erased, refurbished or recycled devices", len(partners)],
        ],
    )
    sections = [
        Section("headline", "Headline figures", tables=[headline]),
        _areas_section(areas_table(f), title="Figures by area"),
        Section(
            "supply",
            "Supply: donors, devices and partners",
            tables=[supply, types, partners_table(partners)],
            charts=[
                Chart("bar", f"Devices received by type, {year}", types.series(impact.RECEIVED))
            ],
        ),
        Section(
            "pipeline",
            "The pipeline: erased, refurbished, recycled and in progress",
            tables=[pipeline],
            charts=[Chart("bar", f"Devices at each stage, {year}", pipeline.series(DEVICES))],
        ),
        Section("demand", "Demand and waiting", tables=[demand_table(f)]),
        Section("outcomes", "Outcomes from follow-ups", tables=[outcomes_table(f)]),
        _environment_section(f, method),
        _case_study_section(case_studies, case_study_text),
        _trends_section(f),
        _about_section(f, method),
    ]
    return Report(
        kind=ReportKind.SNAPSHOT,
        title=f"{region.name}: annual snapshot {year}",
        subtitle=f"What the region's IT reuse achieved from 1 January to 31 December {year}",
        region=region,
        period=period,
        method=method,
        figures=f,
        sections=sections,
        generated_at=timezone.now(),
        filename=f"{region.slug}-snapshot-{year}",
        intro=[
            f"Published by {region.authority}. Every figure is counted from the records of "
            f"{region.service_name} and every environmental figure from method version "
            f"{method.version}."
        ],
        case_study_text=case_study_text if not case_studies else "",
    )


def _case_study_section(case_studies: list[CaseStudy], text: str) -> Section:
    section = Section("case-studies", "Case studies", case_studies=case_studies)
    if case_studies:
        section.tables.append(
            Table.of_grid(
                "case_studies",
                "Case studies",
                ["Title", "Summary", "Link"],
                [[c.title, c.summary, c.url] for c in case_studies],
            )
        )
    elif text.strip():
        section.paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
        section.tables.append(
            Table.of_grid(
                "case_studies", "Case studies", ["Text"], [[p] for p in section.paragraphs]
            )
        )
    else:
        section.paragraphs = ["No case studies have been added for this year yet."]
    return section


# ---------------------------------------------------------------------------------------------
# A donor's impact statement.

DONOR_MEASURES = (
    (impact.GIVEN, "Devices given"),
    (impact.RECEIVED, "Devices received by the partner"),
    (impact.ERASED, "Devices erased to a recognised standard"),
    (impact.REFURBISHED, "Devices refurbished"),
    (impact.REHOMED, "Devices rehomed with a person"),
    (impact.RECYCLED, "Devices recycled"),
    (impact.PEOPLE_SUPPORTED, "People supported"),
)
DONOR_AREA_COLUMNS = ((impact.PEOPLE_SUPPORTED, "People supported"),)


def donor_statement(
    donor, period: Period, *, method: MethodVersion | None = None, today=None
) -> Report:
    """A donor's impact statement for the period, fit to serve as its IT Reuse for Good Charter
    report: what it gave, that the data was destroyed (with each certificate), who was helped."""
    region = donor.region
    method = _method(region, method)
    scope = Scope.of_donor(donor)
    f = selectors.report(scope, period, method=method, today=today)
    certificates = selectors.donor_certificates(donor, period)
    summary = report_headline(f, DONOR_MEASURES)
    summary.caption = "Your donation in figures"
    if f.in_progress is not None:
        summary.rows.append(
            Row(
                "in_progress",
                "Devices with the partner now, being prepared",
                {PERIOD: f.in_progress},
            )
        )
    certificate_table = Table.of_grid(
        "certificates",
        "Data-destruction certificates",
        ["Batch", "Certificate", "Devices erased in the period"],
        [[b.reference, b.certificate, b.erased] for b in certificates],
        total=["Total", "", sum(b.erased for b in certificates)],
    )
    areas = areas_table(f, columns=DONOR_AREA_COLUMNS)
    areas.caption = "People supported, by the area they live in"
    areas.rows = [row for row in areas.rows if row.values[impact.PEOPLE_SUPPORTED]]
    types = device_types_table(f)
    env = environmental_cells(f.environmental)
    sections = [
        Section(
            "summary",
            "Your donation in figures",
            paragraphs=[
                f"{donor.name} gave {f.totals[impact.GIVEN]:,} device(s) in the period. "
                f"{figure_text(shown(impact.REHOMED, f.totals[impact.REHOMED]))} were handed to "
                f"people who needed them; {figure_text(env[KG_CO2E])} kg CO2e were avoided and "
                f"{figure_text(env[KG_KEPT])} kg of equipment kept in use.",
            ],
            tables=[summary],
        ),
        Section(
            "data-destruction",
            "Data destruction",
            paragraphs=[
                "Every drive was erased to a recognised standard (or physically destroyed) by an "
                "accredited partner; each batch has a data-destruction certificate listing every "
                "device, the standard and the evidence."
            ],
            tables=[certificate_table],
        ),
        Section("devices", "Devices by type", tables=[types]),
        Section(
            "people",
            "People supported, by area",
            paragraphs=["People count in the area they live in."],
            tables=[areas],
        ),
        _environment_section(f, method),
        Section(
            "charter",
            "IT Reuse for Good Charter",
            paragraphs=[
                f"This statement is {donor.name}'s data report under the IT Reuse for Good "
                "Charter for the period: its retired devices were securely wiped, professionally"
                " refurbished where they could be reused, given free of charge through community "
                "organisations to people who are digitally excluded, and recycled by certified "
                "recyclers where they could not.",
            ],
        ),
        _about_section(f, method),
    ]
    return Report(
        kind=ReportKind.DONOR,
        title=f"Impact statement: {donor.name}",
        subtitle=f"{period.label}",
        region=region,
        period=period,
        method=method,
        figures=f,
        sections=sections,
        generated_at=timezone.now(),
        filename=f"{donor.slug}-impact-{_period_slug(period)}",
        subject_id=donor.pk,
    )


# ---------------------------------------------------------------------------------------------
# A council's report.


def council_report(
    council, areas, period: Period, *, method: MethodVersion | None = None, today=None
) -> Report:
    """The figures for a council's areas over the period, with its local partners' activity."""
    region = council.region
    method = _method(region, method)
    scope = Scope.of_areas(region, areas)
    f = selectors.report(scope, period, method=method, today=today)
    local = selectors.local_partners(scope, period)
    donors = selectors.donors_active(scope, period)
    local_table = counts_table(
        "local_partners",
        "Local partners' activity in these areas",
        "Organisation",
        [(a.organisation.slug, a.organisation.name, a.counts) for a in local],
        _LOCAL_COLUMNS,
        "Total",
    )
    donor_table = counts_table(
        "donors",
        "Donors whose devices from these areas were given or received",
        "Donor",
        [(d.organisation.slug, d.organisation.name, d.counts) for d in donors],
        ((impact.GIVEN, "Given"), (impact.RECEIVED, "Received")),
        "Total",
    )
    pipeline = pipeline_table(f)
    sections = [
        Section("headline", "Headline figures", tables=[report_headline(f)]),
        _areas_section(areas_table(f), title="Figures by area"),
        Section(
            "pipeline",
            "The pipeline",
            tables=[pipeline, device_types_table(f)],
            charts=[
                Chart("bar", f"Devices at each stage, {period.label}", pipeline.series(DEVICES))
            ],
        ),
        Section("demand", "Demand and waiting", tables=[demand_table(f)]),
        Section("outcomes", "Outcomes from follow-ups", tables=[outcomes_table(f)]),
        Section(
            "partners",
            "Local partners and donors",
            paragraphs=[
                "Community organisations and partners serving these areas, and what each did "
                "for devices and people from them."
            ],
            tables=[local_table, donor_table],
        ),
        _environment_section(f, method),
        _trends_section(f),
        _about_section(f, method),
    ]
    return Report(
        kind=ReportKind.COUNCIL,
        title=f"Council report: {scope.name or council.name}",
        subtitle=f"{council.name}, {period.label}",
        region=region,
        period=period,
        method=method,
        figures=f,
        sections=sections,
        generated_at=timezone.now(),
        filename=f"{council.slug}-report-{_period_slug(period)}",
        subject_id=council.pk,
    )


_LOCAL_COLUMNS = (
    (impact.RECEIVED, "Devices received"),
    (impact.ERASED, "Devices erased"),
    (impact.REFURBISHED, "Devices refurbished"),
    (impact.RECYCLED, "Devices recycled"),
    (impact.REFERRED, "People referred"),
    (impact.PEOPLE_SUPPORTED, "People supported"),
    (impact.FOLLOW_UPS, "Follow-ups"),
)


def _period_slug(period: Period) -> str:
    if period.label.isdigit():
        return period.label
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


# ---------------------------------------------------------------------------------------------
# Rendering: the HTML document (and the PDF made from it), and the CSV.


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (styles inline, nothing fetched)."""
    return render_to_string(
        "impact/report/document.html",
        {"report": report, "service_name": report.region.service_name},
    )


def render_report_pdf(report: Report) -> bytes:
    return render_pdf(render_html(report))


def render_csv(report: Report) -> str:
    """Every table of the report, each under a row that names it, with a blank row between."""
    rows: list[list[Cell]] = [
        ["Report", report.title],
        ["Period", f"{report.period.start:%Y-%m-%d} to {report.period.end:%Y-%m-%d}"],
        ["Method version", report.method.version],
        ["Generated", f"{timezone.localtime(report.generated_at):%Y-%m-%d %H:%M}"],
        *(["Attribution", line] for line in report.attribution),
    ]
    for table in report.tables:
        rows += [[], ["Table", table.caption], table.header, *table.body]
        if table.footer:
            rows.append(table.footer)
    return csv_document(rows)


def render(report: Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_report_pdf(report)
    if fmt == "csv":
        return render_csv(report).encode("utf-8")
    if fmt == "html":
        return render_html(report).encode("utf-8")
    raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")


def figures_json(report: Report) -> dict:
    """Every figure of the report as JSON (decimals as text, so none is rounded)."""

    def plain(cell):
        return str(cell) if isinstance(cell, Decimal) else cell

    return {
        "title": report.title,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "method_version": report.method.version,
        "tables": {
            table.key: {
                "caption": table.caption,
                "header": table.header,
                "rows": [[plain(c) for c in row] for row in table.body],
                "total": [plain(c) for c in table.footer] if table.footer else None,
            }
            for table in report.tables
        },
    }


# ---------------------------------------------------------------------------------------------
# Writing: the coordinator's case-study text, and publishing.


def _snapshot_rows(region: Region, year: int):
    return PublishedReport.objects.filter(
        region=region, kind=ReportKind.SNAPSHOT, period_start=datetime.date(year, 1, 1)
    )


def published_snapshot(region: Region, year: int) -> PublishedReport | None:
    return _snapshot_rows(region, year).filter(published_at__isnull=False).first()


def snapshot_draft(region: Region, year: int) -> PublishedReport | None:
    """The year's unpublished snapshot, which holds the coordinator's case-study text."""
    return _snapshot_rows(region, year).filter(published_at__isnull=True).first()


@transaction.atomic
def snapshot_case_studies_save(*, region: Region, year: int, text: str, actor) -> PublishedReport:
    """Keep the coordinator's case-study text for the year's snapshot until it is published."""
    check_year(year)
    problems = personal_data_errors(text or "")
    if problems:
        raise ValidationError({"case_studies": problems})
    if published_snapshot(region, year):
        raise ValidationError(ALREADY_PUBLISHED.format(year=year, day="an earlier day"))
    draft = snapshot_draft(region, year)
    if draft is None:
        draft = PublishedReport(
            region=region,
            kind=ReportKind.SNAPSHOT,
            title=f"{region.name}: annual snapshot {year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            method=_method(region, None),
            figures={},
        )
    draft.case_studies = (text or "").strip()
    draft.save()
    return draft


@transaction.atomic
def snapshot_publish(*, region: Region, year: int, actor) -> PublishedReport:
    """Publish the year's snapshot: its figures, HTML, PDF and CSV are stored as they are now,
    with the method version they used; that version can never change from then on."""
    method = _method(region, None)
    # Lock the version so an edit of it (impact.services locks it too) cannot interleave with
    # publishing and change factors a published report has just used.
    method = MethodVersion.objects.select_for_update().get(pk=method.pk)
    # And the region, so two coordinators publishing the same year at once publish it once.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    if year >= timezone.localdate().year:
        raise ValidationError(NOT_OVER.format(year=year))
    existing = published_snapshot(region, year)
    if existing:
        day = timezone.localtime(existing.published_at)
        raise ValidationError(ALREADY_PUBLISHED.format(year=year, day=f"{day:%-d %B %Y}"))
    draft = snapshot_draft(region, year)
    text = draft.case_studies if draft else ""
    report = snapshot(region, year, case_study_text=text, method=method)
    published = draft or PublishedReport(region=region, kind=ReportKind.SNAPSHOT)
    published.title = report.title
    published.period_start, published.period_end = report.period.start, report.period.end
    published.method = method
    published.figures = figures_json(report)
    published.case_studies = text
    published.html = render_html(report)
    published.pdf = render_pdf(published.html)
    published.csv = render_csv(report)
    published.published_at = timezone.now()
    published.published_by = actor
    published.save()
    return published


def published_snapshots(region: Region):
    return (
        PublishedReport.objects.filter(
            region=region, kind=ReportKind.SNAPSHOT, published_at__isnull=False
        )
        .select_related("method")
        .defer("html", "pdf", "csv", "figures")
        .order_by("-period_start")
    )


def published_file(report: PublishedReport, fmt: str) -> bytes:
    """A published report's file exactly as it was stored on the day."""
    if fmt == "pdf":
        return bytes(report.pdf)
    if fmt == "csv":
        return report.csv.encode("utf-8")
    if fmt == "html":
        return report.html.encode("utf-8")
    raise ValueError(f"Unknown format {fmt!r}.")
