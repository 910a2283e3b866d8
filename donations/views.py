"""Donations: registering to donate, pledges, batches and their manifests, the partner and the
collection, receipt against the manifest, reconciliation, certificates and device labels."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from devices import services as device_services
from devices.labels import labels_pdf
from devices.lifecycle import State
from devices.models import Device
from donations import manifests, matching, services
from donations.certificates import NO_CHECKPOINT, certificate_for
from donations.forms import (
    TYPE_LABELS,
    BatchForm,
    CancelForm,
    CollectionForm,
    DecisionForm,
    ManifestUploadForm,
    MappingForm,
    PartnerForm,
    PledgeForm,
    ReceiveForm,
    RegistrationForm,
    WithdrawForm,
)
from donations.models import (
    Batch,
    Collection,
    CollectionStatus,
    DonorRegistration,
    Manifest,
    ManifestStatus,
    Pledge,
    PledgeStatus,
    RegistrationStatus,
)
from lib import manifest as manifest_lib
from lib.spreadsheet_safe import csv_text
from organisations.models import Organisation
from organisations.roles import Role
from rehome.access import public, role_required
from rehome.forms import add_service_errors
from rehome.pdf import render_pdf

BATCH_ROLES = (Role.COORDINATOR, Role.DONOR_CONTACT, Role.ITAD_TECHNICIAN)
PROCESSING_ROLES = (Role.COORDINATOR, Role.ITAD_TECHNICIAN)


@dataclass(frozen=True)
class StatusGroup:
    key: str
    label: str
    states: tuple[str, ...]


# How a batch's progress is summarised; every state belongs to exactly one group.
STATUS_GROUPS = (
    StatusGroup("pledged", "Pledged or in transit", (State.PLEDGED,)),
    StatusGroup(
        "received",
        "Received, not yet erased",
        (State.RECEIVED, State.ERASURE_FAILED, State.RETURNED),
    ),
    StatusGroup("erased", "Erased", (State.ERASED, State.ASSESSED, State.REFURBISHED)),
    StatusGroup("ready", "Ready or allocated", (State.READY, State.ALLOCATED)),
    StatusGroup("rehomed", "Rehomed", (State.HANDED_OVER,)),
    StatusGroup("recycled", "Recycled", (State.RECYCLED,)),
    StatusGroup("lost", "Lost", (State.LOST,)),
)


def with_status_counts(batches):
    """Annotate each batch with its device count per status group, in the same query."""
    return batches.annotate(
        devices_total=Count("devices"),
        **{
            f"devices_{group.key}": Count("devices", filter=Q(devices__state__in=group.states))
            for group in STATUS_GROUPS
        },
    )


def status_counts(batch: Batch) -> list[tuple[StatusGroup, int]]:
    return [(group, getattr(batch, f"devices_{group.key}")) for group in STATUS_GROUPS]


def _get_batch_for_user(request, reference: str) -> Batch:
    batches = Batch.objects.visible_to(request.user).select_related("donor", "partner", "area")
    return get_object_or_404(with_status_counts(batches), reference=reference)


def _processes(membership, batch: Batch) -> bool:
    """Whether the active membership works on the batch's devices one by one: its partner, or
    a coordinator of its region. Donors follow their batch in aggregate only."""
    if membership.role == Role.COORDINATOR:
        return membership.organisation.region_id == batch.region_id
    return (
        membership.role == Role.ITAD_TECHNICIAN and membership.organisation_id == batch.partner_id
    )


@role_required(*BATCH_ROLES)
def batch_list(request):
    batches = with_status_counts(
        Batch.objects.visible_to(request.user).select_related("donor", "partner", "area")
    ).order_by("-created_at", "reference")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    rows = [(batch, status_counts(batch)) for batch in page]
    context = {"page": page, "rows": rows, "groups": STATUS_GROUPS}
    return render(request, "donations/batch_list.html", context)


@role_required(*BATCH_ROLES)
def batch_detail(request, reference: str):
    batch = _get_batch_for_user(request, reference)
    processes = _processes(request.membership, batch)
    page = None
    if processes:
        devices = Device.objects.visible_to(request.user).filter(batch=batch).order_by("pk")
        page = Paginator(devices, 50).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "counts": status_counts(batch),
        "processes": processes,
        "page": page,
        **_batch_page_context(request, batch),
    }
    return render(request, "donations/batch_detail.html", context)


def _certificate_context(request, reference: str) -> dict:
    batch = _get_batch_for_user(request, reference)
    return {
        "certificate": certificate_for(batch),
        "no_checkpoint": NO_CHECKPOINT,
        "site_url": settings.SITE_URL,
    }


@role_required(*BATCH_ROLES)
def certificate(request, reference: str):
    context = _certificate_context(request, reference)
    return render(request, "donations/certificate.html", context)


@role_required(*BATCH_ROLES)
def certificate_pdf(request, reference: str):
    context = _certificate_context(request, reference)
    html = render_to_string("donations/certificate_print.html", context, request=request)
    return _pdf_response(render_pdf(html), f"{context['certificate'].number}.pdf")


@role_required(*PROCESSING_ROLES)
def batch_labels(request, reference: str):
    batch = _get_batch_for_user(request, reference)
    if not _processes(request.membership, batch):
        raise Http404("No batch matches the given query.")
    devices = Device.objects.visible_to(request.user).filter(batch=batch).order_by("pk")
    pdf = labels_pdf(devices, base_url=settings.SITE_URL, title=f"Labels for batch {reference}")
    return _pdf_response(pdf, f"{batch.reference}-labels.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


# =============================================================================================
# The donor journey.

DONOR_SIDE = (Role.COORDINATOR, Role.DONOR_CONTACT)


def _acts_for_donor(membership, batch) -> bool:
    """The batch's donor, or a coordinator of its region."""
    if membership.role == Role.COORDINATOR:
        return membership.organisation.region_id == batch.region_id
    return membership.role == Role.DONOR_CONTACT and membership.organisation_id == batch.donor_id


def _is_partner(membership, batch) -> bool:
    return (
        membership.role == Role.ITAD_TECHNICIAN
        and batch.partner_id is not None
        and membership.organisation_id == batch.partner_id
    )


def _batch_or_404(request, reference: str, allowed) -> Batch:
    batch = get_object_or_404(
        Batch.objects.visible_to(request.user).select_related("donor", "partner", "area", "pledge"),
        reference=reference,
    )
    if not allowed(request.membership, batch):
        raise Http404("No batch matches the given query.")
    return batch


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str = ""


def journey(batch: Batch, *, manifest=None, collection=None) -> list[Step]:
    """Where a batch is, from pledge to certificate, for the tracker at the top of its page."""
    return [
        Step("Pledged", bool(batch.pledge_id), batch.pledge.reference if batch.pledge_id else ""),
        Step(
            "Asset list imported",
            manifest is not None,
            f"{manifest.rows_total} devices" if manifest else "",
        ),
        Step(
            "Partner chosen",
            batch.partner_id is not None,
            batch.partner.name if batch.partner_id else "",
        ),
        Step(
            "Collection confirmed",
            collection is not None
            and collection.status in (CollectionStatus.CONFIRMED, CollectionStatus.COLLECTED),
            f"{collection.date:%d %b %Y}" if collection else "",
        ),
        Step("Received and reconciled", batch.receiving_closed_at is not None),
        Step("Certificate ready", batch.certificate_ready_at is not None),
    ]


def _batch_page_context(request, batch) -> dict:
    membership = request.membership
    manifest = batch.manifests.filter(status=ManifestStatus.COMMITTED).first()
    pending = batch.manifests.filter(
        status__in=[
            ManifestStatus.CHECKING,
            ManifestStatus.CHECKED,
            ManifestStatus.COMMITTING,
            ManifestStatus.FAILED,
        ]
    ).first()
    collection = batch.collections.live().select_related("partner").first()
    return {
        "journey": journey(batch, manifest=manifest, collection=collection),
        "manifest": manifest,
        "pending_manifest": pending,
        "collection": collection,
        "for_donor": _acts_for_donor(membership, batch),
        "is_partner": _is_partner(membership, batch),
        "received_any": batch.devices.exclude(state=State.PLEDGED).exists(),
        "reconciliation": services.reconciliation(batch)
        if (manifest or batch.receiving_closed_at)
        else None,
        "choices": batch.partner_choices.select_related("partner", "chosen_by")[:5],
        "upload_form": ManifestUploadForm(),
    }


# --- Public registration --------------------------------------------------------------------


@public
def register(request):
    from public.views import _region_or_404

    region = _region_or_404()
    form = RegistrationForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "areas"}
        try:
            services.registration_submit(region=region, areas=form.cleaned_data["areas"], **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "donations/registered.html", {"region": region})
    status = 400 if form.errors else 200
    return render(request, "donations/register.html", {"form": form}, status=status)


@role_required(Role.COORDINATOR)
def registrations(request):
    pending = DonorRegistration.objects.filter(
        region_id=request.membership.organisation.region_id
    ).prefetch_related("areas")
    context = {
        "pending": pending.filter(status=RegistrationStatus.PENDING),
        "decided": pending.exclude(status=RegistrationStatus.PENDING).select_related(
            "decided_by", "organisation"
        )[:20],
        "form": DecisionForm(),
    }
    return render(request, "donations/registrations.html", context)


@role_required(Role.COORDINATOR)
@require_POST
def registration_decide(request, pk: int):
    registration = get_object_or_404(
        DonorRegistration, pk=pk, region_id=request.membership.organisation.region_id
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("decision") == "approve":
            organisation = services.registration_approve(registration, actor=request.user)
            messages.success(
                request,
                f"{organisation} is a donor; {registration.contact_email} has been invited.",
            )
        else:
            services.registration_decline(
                registration, actor=request.user, note=form.cleaned_data.get("note", "")
            )
            messages.success(request, f"{registration} was declined and told why.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("donations:registrations")


# --- Pledges --------------------------------------------------------------------------------


@role_required(*DONOR_SIDE)
def pledge_list(request):
    pledges = (
        Pledge.objects.visible_to(request.user)
        .select_related("donor", "area")
        .prefetch_related("lines", "batches__partner", "batches__collections")
        .order_by("-created_at")
    )
    status = request.GET.get("status", "open")
    if status in PledgeStatus.values:
        pledges = pledges.filter(status=status)
    page = Paginator(pledges, 25).get_page(request.GET.get("page"))
    rows = [(pledge, _pipeline_stage(list(pledge.batches.all()))) for pledge in page]
    context = {"page": page, "rows": rows, "status": status, "type_labels": TYPE_LABELS}
    return render(request, "donations/pledge_list.html", context)


def _batch_stage(batch) -> tuple[int, str]:
    """(how far on, what to call it) for one batch in the coordinator's pipeline."""
    if batch.receiving_closed_at:
        return 3, "Received"
    collections = [c for c in batch.collections.all() if c.status != "cancelled"]
    if collections:
        return 2, f"Collection {collections[0].get_status_display().lower()}"
    if batch.partner_id:
        return 1, "Partner chosen"
    return 0, "Pledged"


def _pipeline_stage(batches: list) -> str:
    """A pledge's stage: its least advanced batch's, saying how many batches are received."""
    if not batches:
        return "Pledged"
    stages = [_batch_stage(batch) for batch in batches]
    stage = min(stages)[1]
    received = sum(1 for rank, _ in stages if rank == 3)
    if len(batches) > 1 and 0 < received < len(batches):
        stage += f"; {received} of {len(batches)} batches received"
    return stage


@role_required(Role.DONOR_CONTACT)
def pledge_new(request):
    donor = request.membership.organisation
    form = PledgeForm(request.POST or None, donor=donor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge = services.pledge_create(
                donor=donor,
                actor=request.user,
                area=data["area"],
                sites=data["sites"],
                earliest_collection=data["earliest_collection"],
                counts=form.counts(),
                sensitivity=data["sensitivity"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                notes=data["notes"],
                donor_reference=data["donor_reference"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            batch = pledge.batches.first()
            messages.success(
                request, f"Pledge {pledge.reference} recorded. Next, upload your asset list."
            )
            return redirect("donations:detail", batch.reference)
    status = 400 if form.errors else 200
    return render(request, "donations/pledge_form.html", {"form": form}, status=status)


def _pledge_or_404(request, reference):
    return get_object_or_404(
        Pledge.objects.visible_to(request.user).select_related("donor", "area"),
        reference=reference,
    )


@role_required(*DONOR_SIDE)
def pledge_detail(request, reference: str):
    pledge = _pledge_or_404(request, reference)
    batches = with_status_counts(pledge.batches.select_related("partner")).order_by("reference")
    may_edit = request.membership.role == Role.COORDINATOR or (
        request.membership.organisation_id == pledge.donor_id
    )
    context = {
        "pledge": pledge,
        "batches": [(b, status_counts(b)) for b in batches],
        "type_labels": TYPE_LABELS,
        "may_edit": may_edit and pledge.status == PledgeStatus.OPEN,
        "batch_form": BatchForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "donations/pledge_detail.html", context)


@role_required(*DONOR_SIDE)
@require_POST
def pledge_batch_add(request, reference: str):
    pledge = _pledge_or_404(request, reference)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = services.batch_add(
                pledge,
                site=form.cleaned_data["site"],
                donor_reference=form.cleaned_data["donor_reference"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Batch {batch.reference} added.")
            return redirect("donations:detail", batch.reference)
    else:
        messages.error(request, "Give the site the batch is collected from.")
    return redirect("donations:pledge", pledge.reference)


@role_required(*DONOR_SIDE)
@require_POST
def pledge_withdraw(request, reference: str):
    pledge = _pledge_or_404(request, reference)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the pledge is withdrawn.")
    else:
        try:
            services.pledge_withdraw(pledge, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Pledge {pledge.reference} withdrawn.")
    return redirect("donations:pledge", pledge.reference)


# --- Manifests ------------------------------------------------------------------------------


@role_required(*DONOR_SIDE)
@require_POST
def manifest_upload(request, reference: str):
    batch = _batch_or_404(request, reference, _acts_for_donor)
    form = ManifestUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the CSV or XLSX file to upload.")
        return redirect("donations:detail", batch.reference)
    upload = form.cleaned_data["file"]
    if upload.size > manifests.LIMITS.max_bytes:
        messages.error(request, "The file is larger than 20 MB; split it into smaller files.")
        return redirect("donations:detail", batch.reference)
    try:
        manifest = manifests.manifest_upload(
            batch, filename=upload.name, content=upload.read(), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("donations:detail", batch.reference)
    return redirect("donations:manifest", batch.reference, manifest.pk)


def _manifest_or_404(request, reference, pk, allowed=_acts_for_donor):
    batch = _batch_or_404(request, reference, allowed)
    return batch, get_object_or_404(Manifest.objects.filter(batch=batch), pk=pk)


MAX_PROBLEMS_SHOWN = 200


@role_required(*DONOR_SIDE)
def manifest_detail(request, reference: str, pk: int):
    batch, manifest = _manifest_or_404(request, reference, pk)
    report = manifest.report or {}
    headers = report.get("headers", [])
    form = None
    if manifest.status in (ManifestStatus.CHECKED, ManifestStatus.FAILED) and headers:
        form = MappingForm(
            headers=headers,
            columns=manifest.columns,
            initial={"default_type": manifest.default_type},
        )
    errors = report.get("errors", [])
    # A batch's items are its committed manifest's.
    # Before it is imported, the first rows as they will be (kept in the check's report).
    if manifest.status == ManifestStatus.COMMITTED:
        items = batch.items.order_by("row")[: manifests.PREVIEW_ROWS]
    elif manifest.status == ManifestStatus.CHECKED:
        items = report.get("preview", [])
    else:
        items = []
    context = {
        "batch": batch,
        "manifest": manifest,
        "report": report,
        "errors": errors[:MAX_PROBLEMS_SHOWN],
        "more_errors": max(0, len(errors) - MAX_PROBLEMS_SHOWN),
        "warnings": report.get("warnings", [])[:MAX_PROBLEMS_SHOWN],
        "form": form,
        "unrecognised": set(report.get("unrecognised", [])),
        "field_labels": manifest_lib.FIELD_LABELS,
        "items": items,
        "busy": manifest.status in (ManifestStatus.CHECKING, ManifestStatus.COMMITTING),
    }
    template = "donations/manifest.html"
    if request.htmx and context["busy"]:
        template = "donations/_manifest_progress.html"
    elif request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, template, context)


@role_required(*DONOR_SIDE)
@require_POST
def manifest_map(request, reference: str, pk: int):
    batch, manifest = _manifest_or_404(request, reference, pk)
    headers = (manifest.report or {}).get("headers", [])
    form = MappingForm(request.POST, headers=headers, columns=manifest.columns)
    if form.is_valid():
        try:
            manifests.manifest_remap(
                manifest,
                overrides=form.overrides(),
                default_type=form.cleaned_data["default_type"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Columns saved and the file checked again.")
    else:
        problems = [
            f"{form.fields[name].label if name in form.fields else 'The form'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        messages.error(request, "Nothing was saved. " + " ".join(problems))
    return redirect("donations:manifest", batch.reference, manifest.pk)


@role_required(*DONOR_SIDE)
@require_POST
def manifest_commit(request, reference: str, pk: int):
    batch, manifest = _manifest_or_404(request, reference, pk)
    try:
        manifest = manifests.manifest_commit(manifest, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("donations:manifest", batch.reference, manifest.pk)
    if manifest.status == ManifestStatus.COMMITTED:
        messages.success(request, f"Imported {manifest.rows_total} devices into {batch.reference}.")
        return redirect("donations:detail", batch.reference)
    return redirect("donations:manifest", batch.reference, manifest.pk)


@role_required(*DONOR_SIDE)
@require_POST
def manifest_discard(request, reference: str, pk: int):
    batch, manifest = _manifest_or_404(request, reference, pk)
    try:
        manifests.manifest_discard(manifest, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{manifest.filename} was discarded.")
    return redirect("donations:detail", batch.reference)


@role_required(*DONOR_SIDE)
def manifest_problems(request, reference: str, pk: int):
    _, manifest = _manifest_or_404(request, reference, pk)
    return _csv_response(manifests.problems_csv(manifest), f"{manifest.filename}-problems.csv")


def _csv_response(text: str, filename: str) -> HttpResponse:
    return HttpResponse(
        text.encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


# --- Partner and collection -----------------------------------------------------------------


@role_required(*DONOR_SIDE)
def partner_choose(request, reference: str):
    batch = _batch_or_404(request, reference, _acts_for_donor)
    day = _date_param(request, "collection_date") or (
        max(batch.pledge.earliest_collection, timezone.localdate())
        if batch.pledge_id
        else timezone.localdate()
    )
    offered = matching.partners_for(batch, day)
    eligible = [e for e in offered if e.eligible]
    form = PartnerForm(
        request.POST or None,
        partners=Organisation.objects.filter(pk__in=[e.partner.pk for e in eligible]),
        initial={"collection_date": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_choose(
                batch,
                data["partner"],
                reason=data["reason"],
                collection_date=data["collection_date"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{data['partner']} will collect {batch.reference}.")
            return redirect("donations:detail", batch.reference)
    context = {
        "batch": batch,
        "form": form,
        "offered": offered,
        "day": day,
        "requirements": matching.requirements_for(batch),
    }
    return render(request, "donations/partner.html", context, status=400 if form.errors else 200)


def _date_param(request, name):
    import datetime

    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


@role_required(*DONOR_SIDE)
def collection_book(request, reference: str):
    batch = _batch_or_404(request, reference, _acts_for_donor)
    initial = {"site": batch.site}
    if batch.pledge_id:
        initial["date"] = max(batch.pledge.earliest_collection, timezone.localdate())
    choice = batch.partner_choices.first()
    if choice:
        initial["date"] = choice.collection_date
    form = CollectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.collection_book(
                batch,
                date=form.cleaned_data["date"],
                site=form.cleaned_data["site"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Collection requested from {batch.partner}.")
            return redirect("donations:detail", batch.reference)
    context = {
        "batch": batch,
        "form": form,
        "title": "Book the collection",
        "submit": "Request collection",
    }
    return render(request, "donations/form.html", context, status=400 if form.errors else 200)


def _collection_or_404(request, pk):
    return get_object_or_404(
        Collection.objects.visible_to(request.user).select_related("batch", "partner"), pk=pk
    )


@role_required(Role.ITAD_TECHNICIAN)
def collection_list(request):
    organisation = request.membership.organisation
    collections = (
        Collection.objects.filter(partner=organisation)
        .select_related("batch", "batch__donor", "batch__area", "batch__pledge")
        .annotate(expected=Count("batch__items"))
    )
    context = {
        "incoming": collections.filter(
            status__in=[CollectionStatus.REQUESTED, CollectionStatus.CONFIRMED]
        ).order_by("date"),
        "collected": collections.filter(status=CollectionStatus.COLLECTED)
        .filter(batch__receiving_closed_at__isnull=True)
        .order_by("date"),
        "cancel_form": CancelForm(),
    }
    return render(request, "donations/collections.html", context)


@role_required(Role.ITAD_TECHNICIAN)
@require_POST
def collection_act(request, pk: int, action: str):
    collection = _collection_or_404(request, pk)
    organisation = request.membership.organisation
    try:
        if action == "confirm":
            services.collection_confirm(collection, actor=request.user, organisation=organisation)
            messages.success(request, f"Collection of {collection.batch.reference} confirmed.")
        elif action == "collected":
            services.collection_collected(collection, actor=request.user, organisation=organisation)
            messages.success(request, f"{collection.batch.reference} collected.")
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("donations:collections")


@role_required(Role.ITAD_TECHNICIAN, Role.DONOR_CONTACT, Role.COORDINATOR)
@require_POST
def collection_cancel(request, pk: int):
    collection = _collection_or_404(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the collection is cancelled.")
    else:
        try:
            services.collection_cancel(
                collection,
                actor=request.user,
                organisation=request.membership.organisation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Collection of {collection.batch.reference} cancelled.")
    return redirect("donations:detail", collection.batch.reference)


# --- Receipt and reconciliation --------------------------------------------------------------


@role_required(Role.ITAD_TECHNICIAN)
def receive(request, reference: str):
    batch = _batch_or_404(request, reference, _is_partner)
    form = ReceiveForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.receive_scan(
                batch,
                device_services.parse_identifiers(form.cleaned_data["identifiers"]),
                actor=request.user,
                organisation=request.membership.organisation,
                unexpected_type=form.cleaned_data["unexpected_type"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ReceiveForm()
    context = {
        "batch": batch,
        "form": form,
        "report": report,
        "summary": services.reconciliation(batch),
    }
    return render(request, "donations/receive.html", context, status=400 if form.errors else 200)


@role_required(Role.ITAD_TECHNICIAN)
@require_POST
def receiving_close(request, reference: str):
    batch = _batch_or_404(request, reference, _is_partner)
    try:
        if request.POST.get("reopen"):
            services.receiving_reopen(
                batch, actor=request.user, organisation=request.membership.organisation
            )
            messages.success(request, "Receiving reopened.")
        else:
            services.receiving_close(
                batch, actor=request.user, organisation=request.membership.organisation
            )
            messages.success(request, f"Receiving closed; {batch.donor} has been told.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("donations:reconciliation", batch.reference)


@role_required(*BATCH_ROLES)
def reconciliation(request, reference: str):
    batch = _get_batch_for_user(request, reference)
    summary = services.reconciliation(batch)
    context = {
        "batch": batch,
        "summary": summary,
        "is_partner": _is_partner(request.membership, batch),
    }
    return render(request, "donations/reconciliation.html", context)


@role_required(*BATCH_ROLES)
def reconciliation_csv(request, reference: str):
    batch = _get_batch_for_user(request, reference)
    summary = services.reconciliation(batch)
    rows = []
    for item in summary.received:
        rows.append(
            (
                "received",
                item.row,
                item.serial_number,
                item.asset_tag,
                item.imei,
                item.make,
                item.model,
            )
        )
    for item in summary.missing:
        rows.append(
            (
                "missing",
                item.row,
                item.serial_number,
                item.asset_tag,
                item.imei,
                item.make,
                item.model,
            )
        )
    for device in summary.unexpected:
        rows.append(
            (
                "unexpected",
                "",
                device.serial_number,
                device.asset_tag,
                device.imei,
                device.make,
                device.model,
            )
        )
    text = csv_text(
        ["Outcome", "Manifest row", "Serial number", "Asset tag", "IMEI", "Make", "Model"], rows
    )
    return _csv_response(text, f"{batch.reference}-reconciliation.csv")
