"""Donor batches: their progress, their data-destruction certificate and their device labels."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from devices.labels import labels_pdf
from devices.lifecycle import State
from devices.models import Device
from donations.certificates import NO_CHECKPOINT, certificate_for
from donations.models import Batch
from organisations.roles import Role
from rehome.access import role_required
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
