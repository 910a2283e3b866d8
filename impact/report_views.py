"""The reports' pages: the coordinator's snapshot (preview, downloads, case studies, publish),
the public list of published snapshots, donors' impact statements and councils' reports."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from impact import reports
from impact.models import PublishedReport, ReportKind
from impact.selectors import Period
from organisations.models import Organisation
from organisations.roles import Role
from regions.models import Region
from rehome.access import public, role_required
from rehome.forms import add_service_errors

PUBLISHED = "The {year} snapshot is published: anyone can now download it."
CASE_STUDIES_SAVED = "Case studies saved: they appear in the preview and in the published snapshot."
BAD_FORMAT = "Choose HTML, PDF or CSV."


WHOLE_MONTHS = (
    "Figures are counted by calendar month: start on the first day of a month and end on the "
    "last day of a month."
)


class PeriodForm(forms.Form):
    """A calendar year, or a range of whole months (both ends included)."""

    year = forms.IntegerField(required=False, min_value=reports.FIRST_YEAR, max_value=9999)
    start = forms.DateField(required=False, label="From")
    end = forms.DateField(required=False, label="To")

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start or end:
            if not (start and end):
                raise ValidationError("Give both dates of the range, or a year.")
            if end < start:
                raise ValidationError("The range must end on or after its first day.")
            if start.day != 1 or (end + datetime.timedelta(days=1)).day != 1:
                raise ValidationError(WHOLE_MONTHS)
            data["period"] = Period.between(start, end)
        else:
            data["period"] = Period.year(year or timezone.localdate().year)
        return data


def _period(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period"]
    return form, Period.year(timezone.localdate().year)


def _year(value) -> int:
    try:
        year = int(value)
        reports.check_year(year)
    except (TypeError, ValueError, ValidationError) as error:
        raise Http404("No snapshot for that year.") from error
    return year


def _file(content: bytes, fmt: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=reports.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition_header(True, f"{filename}.{fmt}")},
    )


def _region(request) -> Region:
    return request.membership.organisation.region


# ---------------------------------------------------------------------------------------------
# The annual snapshot: the coordinator's pages.


class CaseStudyForm(forms.Form):
    case_studies = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Case studies",
        help_text="A few short stories of the year, separated by blank lines. Never a person's "
        "name or contact details.",
    )


@role_required(Role.COORDINATOR)
def snapshot(request):
    region = _region(request)
    # Last year by default: it is the one complete, and so the one to publish.
    last_year = timezone.localdate().year - 1
    year = _year(request.GET.get("year") or request.POST.get("year") or last_year)
    published = reports.published_snapshot(region, year)
    draft = reports.snapshot_draft(region, year)
    form = CaseStudyForm(
        request.POST or None, initial={"case_studies": draft.case_studies if draft else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reports.snapshot_case_studies_save(
                region=region, year=year, text=form.cleaned_data["case_studies"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, CASE_STUDIES_SAVED)
            return redirect(f"{reverse('impact:snapshot')}?year={year}")
    try:
        report = reports.snapshot(region, year, case_study_text=draft.case_studies if draft else "")
    except LookupError as error:
        return render(request, "impact/report/snapshot.html", {"problem": str(error), "year": year})
    context = {
        "report": report,
        "year": year,
        "years": range(timezone.localdate().year, reports.FIRST_YEAR - 1, -1)[:6],
        "published": published,
        "form": form,
        "library_has_case_studies": any(section.case_studies for section in report.sections),
        "formats": reports.FORMATS,
        "service_name": region.service_name,
    }
    return render(request, "impact/report/snapshot.html", context)


@role_required(Role.COORDINATOR)
def snapshot_download(request, year: int, fmt: str):
    region = _region(request)
    year = _year(year)
    if fmt not in reports.FORMATS:
        raise Http404(BAD_FORMAT)
    draft = reports.snapshot_draft(region, year)
    report = reports.snapshot(region, year, case_study_text=draft.case_studies if draft else "")
    return _file(reports.render(report, fmt), fmt, report.filename)


@require_POST
@role_required(Role.COORDINATOR)
def snapshot_publish(request):
    region = _region(request)
    year = _year(request.POST.get("year"))
    try:
        reports.snapshot_publish(region=region, year=year, actor=request.user)
    except (ValidationError, LookupError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, PUBLISHED.format(year=year))
    return redirect(f"{reverse('impact:snapshot')}?year={year}")


# ---------------------------------------------------------------------------------------------
# Published snapshots: public, served exactly as stored.


@public
def published_list(request):
    region = Region.objects.current()
    context = {"reports": reports.published_snapshots(region), "region": region}
    return render(request, "impact/report/published_list.html", context)


@public
def published_download(request, pk: int, fmt: str):
    if fmt not in reports.FORMATS:
        raise Http404(BAD_FORMAT)
    report = get_object_or_404(
        PublishedReport, pk=pk, kind=ReportKind.SNAPSHOT, published_at__isnull=False
    )
    filename = f"{report.region.slug}-snapshot-{report.period_start.year}"
    return _file(reports.published_file(report, fmt), fmt, filename)


# ---------------------------------------------------------------------------------------------
# A donor's impact statement.


def _get_donor_for_user(request, slug: str) -> Organisation:
    """The donor itself (its donor contacts), or any donor of the coordinator's region."""
    membership = request.membership
    donors = Organisation.objects.filter(is_donor=True)
    if membership.role == Role.COORDINATOR:
        donors = donors.filter(region_id=membership.organisation.region_id)
    else:
        donors = donors.filter(pk=membership.organisation_id)
    return get_object_or_404(donors, slug=slug)


@role_required(Role.COORDINATOR)
def donor_statements(request):
    donors = Organisation.objects.filter(region=_region(request), is_donor=True).order_by("name")
    return render(request, "impact/report/donors.html", {"donors": donors})


@role_required(Role.COORDINATOR, Role.DONOR_CONTACT)
def donor_statement(request, slug: str):
    donor = _get_donor_for_user(request, slug)
    form, period = _period(request)
    report = reports.donor_statement(donor, period)
    context = {
        "report": report,
        "form": form,
        "pdf_url": f"{reverse('impact:donor_statement_pdf', args=[donor.slug])}"
        f"?{request.GET.urlencode()}",
        "service_name": donor.region.service_name,
    }
    return render(request, "impact/report/statement.html", context)


@role_required(Role.COORDINATOR, Role.DONOR_CONTACT)
def donor_statement_pdf(request, slug: str):
    donor = _get_donor_for_user(request, slug)
    _, period = _period(request)
    report = reports.donor_statement(donor, period)
    return _file(reports.render(report, "pdf"), "pdf", report.filename)


# ---------------------------------------------------------------------------------------------
# A council's report.


def _council_for_user(request) -> Organisation | None:
    """The officer's own council; for the coordinator, the council chosen (or None)."""
    membership = request.membership
    if membership.role == Role.COUNCIL_OFFICER:
        return membership.organisation
    slug = request.GET.get("council")
    if not slug:
        return None
    councils = Organisation.objects.filter(
        region_id=membership.organisation.region_id, is_local_authority=True
    )
    return get_object_or_404(councils, slug=slug)


def _council_areas(council: Organisation) -> list:
    return list(council.areas_served.defer("boundary", "statistics").order_by("name"))


@role_required(Role.COUNCIL_OFFICER, Role.COORDINATOR)
def council_report(request):
    council = _council_for_user(request)
    if council is None:
        councils = Organisation.objects.filter(
            region_id=request.membership.organisation.region_id, is_local_authority=True
        ).order_by("name")
        return render(request, "impact/report/councils.html", {"councils": councils})
    areas = _council_areas(council)
    form, period = _period(request)
    report = reports.council_report(council, areas, period) if areas else None
    context = {
        "council": council,
        "report": report,
        "form": form,
        "pdf_url": f"{reverse('impact:council_report_pdf')}?{request.GET.urlencode()}",
        "service_name": council.region.service_name,
    }
    return render(request, "impact/report/council.html", context)


@role_required(Role.COUNCIL_OFFICER, Role.COORDINATOR)
def council_report_pdf(request):
    council = _council_for_user(request)
    if council is None:  # the coordinator has not chosen one yet
        return redirect("impact:council_report")
    areas = _council_areas(council)
    if not areas:
        raise Http404("This council serves no area yet.")
    _, period = _period(request)
    report = reports.council_report(council, areas, period)
    return _file(reports.render(report, "pdf"), "pdf", report.filename)
