"""Directory pages. Anyone can search the published directory, open an entry, download it as CSV
and find accredited partners; organisations propose their own entries and changes, and the
coordinator approves or rejects them and sees which entries have gone stale."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_POST

from lib.spreadsheet_safe import csv_text
from organisations.roles import Role
from regions.models import Area, Region
from regions.selectors import current_region
from rehome.access import public, role_required
from rehome.forms import add_service_errors

from . import selectors, services
from .forms import EntryForm, RejectForm, SearchForm
from .models import EDITORS, RevisionStatus, Service, ServiceRevision, ServiceStatus

PER_PAGE = 20
PROPOSED = "Thank you: the coordinator will check it before it goes live."
CONFIRMED = "Thank you: {name} is marked as still correct."
WITHDRAWN = "{name} is no longer in the public directory."
APPROVED = "Approved: {name} is live in the directory."
REJECTED = "Not approved: {name}. The organisation has been told why."
ADMINS_ONLY = "Only your organisation's admins or the coordinator can withdraw an entry."
CSV_HEADER = [
    "id",
    "name",
    "type",
    "organisation",
    "description",
    "areas",
    "who it is for",
    "eligibility",
    "how to get referred",
    "opening times",
    "address",
    "email",
    "phone",
    "website",
    "last reviewed",
]


def _region_or_404() -> Region:
    region = current_region()
    if region is None:
        raise Http404("No region has been loaded yet.")
    return region


def _posted(request):
    return request.POST if request.method == "POST" else None


def _search(request, region):
    """The search form and the matching published entries (all of them when it is not valid)."""
    form = SearchForm(request.GET or None, region=region)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        found = selectors.directory_search(
            region,
            query=data["q"],
            area=data["area"],
            kind=data["kind"],
            audience=data["audience"],
        )
    else:
        found = selectors.directory_search(region)
    return form, found


@public
def directory_search(request):
    region = _region_or_404()
    form, found = _search(request, region)
    if form.errors:
        if request.htmx:
            # The error summary sits above the form, outside the swapped results: load it all.
            return HttpResponse(headers={"HX-Redirect": request.get_full_path()})
        found = found.none()
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.counts_by_area(found)
    areas = list(Area.objects.filter(region=region).order_by("name"))
    filters = {k: v for k, v in request.GET.items() if k not in ("page", "area")}
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "areas": areas,
        "map_values": {area.code: counts.get(area.code, 0) for area in areas},
        "area_rows": [
            (area, counts.get(area.code, 0), urlencode({**filters, "area": area.slug}))
            for area in areas
        ],
        "query_string": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
    }
    template = "directory/_results.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


@public
def directory_export(request):
    region = _region_or_404()
    form, found = _search(request, region)
    if form.errors:
        found = found.none()
    rows = (
        [
            service.uid,
            service.name,
            service.get_kind_display(),
            service.organisation.name if service.organisation else "",
            service.description,
            "; ".join(area.name for area in service.areas.all()),
            "; ".join(service.audience_labels),
            service.eligibility,
            service.how_to_access,
            service.opening_times,
            service.address,
            service.contact_email,
            service.contact_phone,
            service.website,
            service.reviewed_at.date().isoformat(),
        ]
        for service in found
    )
    response = HttpResponse(csv_text(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{region.slug}-directory.csv"
    )
    return response


@public
def service_detail(request, pk: int):
    service = get_object_or_404(
        selectors.with_details(Service.objects.published()), pk=pk, region=_region_or_404()
    )
    return render(request, "directory/detail.html", {"service": service})


@public
def partner_finder(request):
    region = _region_or_404()
    form = SearchForm(request.GET or None, region=region)
    area = form.cleaned_data["area"] if form.is_bound and form.is_valid() else None
    context = {
        "form": form,
        "groups": selectors.partners_by_area(region, area=area),
        "area": area,
    }
    return render(request, "directory/partners.html", context)


# ---------------------------------------------------------------------------------------------
# Keeping entries: the organisation's side.


def _editable(request, pk: int) -> Service:
    """One of the entries the active organisation keeps (any in the region for the coordinator),
    or 404: another organisation's entry looks like none."""
    return get_object_or_404(
        Service.objects.editable_by(request.user).filter(_acting_for(request)), pk=pk
    )


def _acting_for(request) -> Q:
    membership = request.membership
    if membership.role == Role.COORDINATOR:
        return Q(region_id=membership.organisation.region_id)
    return Q(organisation_id=membership.organisation_id)


@role_required(*EDITORS)
def manage(request):
    organisation = request.membership.organisation
    entries = selectors.with_details(
        Service.objects.filter(organisation=organisation).exclude(status=ServiceStatus.DRAFT)
    ).order_by("name")
    proposals = ServiceRevision.objects.visible_to(request.user).filter(organisation=organisation)
    waiting = selectors.pending_revisions(proposals)
    recent = (
        proposals.filter(status=RevisionStatus.REJECTED)
        .select_related("decided_by")
        .order_by("-decided_at")[:5]
    )
    context = {
        "entries": entries,
        "waiting": waiting,
        "waiting_for": {r.service_id for r in waiting if r.service_id},
        "rejected": recent,
        "stale_count": sum(
            1 for e in entries if e.status == ServiceStatus.PUBLISHED and e.is_stale()
        ),
    }
    return render(request, "directory/manage.html", context)


def _propose(request, *, service: Service | None):
    region = request.membership.organisation.region
    initial = EntryForm.initial_from(services.Entry.of(service)) if service else None
    pending = ServiceRevision.objects.pending().filter(service=service).first() if service else None
    if pending and request.method != "POST":
        initial = EntryForm.initial_from(services.Entry.from_data(pending.data))
    form = EntryForm(_posted(request), region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_propose(
                organisation=request.membership.organisation,
                actor=request.user,
                entry=form.entry(),
                service=service,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, PROPOSED)
            return redirect("directory:manage")
    context = {"form": form, "service": service, "pending": pending}
    return render(request, "directory/entry_form.html", context)


@role_required(*EDITORS)
def service_new(request):
    return _propose(request, service=None)


@role_required(*EDITORS)
def service_edit(request, pk: int):
    return _propose(request, service=_editable(request, pk))


@require_POST
@role_required(*EDITORS)
def service_confirm(request, pk: int):
    service = services.service_confirm(_editable(request, pk), actor=request.user)
    messages.success(request, CONFIRMED.format(name=service.name))
    return redirect(_back(request))


@require_POST
@role_required(*EDITORS)
def service_withdraw(request, pk: int):
    service = _editable(request, pk)
    membership = request.membership
    if not (membership.is_admin or membership.role == Role.COORDINATOR):
        raise PermissionDenied(ADMINS_ONLY)
    services.service_withdraw(service, actor=request.user)
    messages.success(request, WITHDRAWN.format(name=service.name))
    return redirect(_back(request))


def _back(request) -> str:
    """Where an action returns: the review queue for the coordinator, else the entries page."""
    if request.membership.role == Role.COORDINATOR:
        return "directory:review"
    return "directory:manage"


# ---------------------------------------------------------------------------------------------
# The coordinator's side: approvals and stale entries.


def _decidable(request, pk: int) -> ServiceRevision:
    return get_object_or_404(
        ServiceRevision.objects.decidable_by(request.user).select_related(
            "service", "organisation", "proposed_by", "region"
        ),
        pk=pk,
    )


@role_required(Role.COORDINATOR)
def review(request):
    region = request.membership.organisation.region
    context = {
        "waiting": selectors.pending_revisions(
            ServiceRevision.objects.decidable_by(request.user).filter(region=region)
        ),
        "stale": selectors.stale_entries(region),
    }
    return render(request, "directory/review.html", context)


@role_required(Role.COORDINATOR)
def revision_detail(request, pk: int):
    revision = _decidable(request, pk)
    return _revision_page(request, revision, RejectForm())


def _revision_page(request, revision, form, status=200):
    context = {
        "revision": revision,
        "changes": services.changes(revision),
        "form": form,
        "decided": revision.status != RevisionStatus.PENDING,
    }
    return render(request, "directory/revision.html", context, status=status)


@require_POST
@role_required(Role.COORDINATOR)
def revision_decide(request, pk: int):
    revision = _decidable(request, pk)
    decision = request.POST.get("decision")
    if decision == "approve":
        try:
            service = services.revision_approve(revision, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("directory:revision", pk=revision.pk)
        messages.success(request, APPROVED.format(name=service.name))
        return redirect("directory:review")
    if decision != "reject":
        messages.error(request, "Choose whether to approve or reject the change.")
        return redirect("directory:revision", pk=revision.pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.revision_reject(
                revision, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, REJECTED.format(name=revision))
            return redirect("directory:review")
    return _revision_page(request, revision, form, status=400)
