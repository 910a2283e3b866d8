"""Batches over the API: their status, and uploading a manifest from the donor's own systems."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from api.pagination import BoundedPageNumberPagination
from api.schemas import ErrorOut, principal
from donations import manifests, services
from donations.models import Batch, ManifestStatus
from donations.views import STATUS_GROUPS, journey, with_status_counts
from lib import manifest as manifest_lib
from organisations.roles import Role
from organisations.scope import scope_of

router = Router(tags=["donations"])


class StepOut(Schema):
    label: str
    done: bool


class CollectionOut(Schema):
    date: datetime.date
    site: str
    status: str
    partner: str


class ReconciliationOut(Schema):
    expected: int
    received: int
    missing: int
    unexpected: int
    closed: bool


class BatchOut(Schema):
    reference: str
    donor: str
    donor_reference: str
    partner: str | None
    partner_reason: str
    area: str | None
    pledge: str | None
    created_at: datetime.datetime
    progress: list[StepOut]
    devices: dict[str, int]
    expected_devices: int
    collection: CollectionOut | None
    reconciliation: ReconciliationOut
    certificate_ready_at: datetime.datetime | None


class ProblemOut(Schema):
    row: int | None
    column: str | None
    message: str


class ManifestOut(Schema):
    rows: int
    accepted: int
    errors: list[ProblemOut]
    duplicates_in_file: int
    duplicates_existing: int
    columns: dict[str, str | None]
    detected_format: str
    imported: bool


def _batch_out(batch: Batch) -> dict:
    manifest = batch.manifests.filter(status=ManifestStatus.COMMITTED).first()
    collection = batch.collections.live().select_related("partner").first()
    summary = services.reconciliation(batch)
    return {
        "reference": batch.reference,
        "donor": batch.donor.name,
        "donor_reference": batch.donor_reference,
        "partner": batch.partner.name if batch.partner_id else None,
        "partner_reason": batch.partner_reason,
        "area": batch.area.name if batch.area_id else None,
        "pledge": batch.pledge.reference if batch.pledge_id else None,
        "created_at": batch.created_at,
        "progress": [
            {"label": s.label, "done": s.done}
            for s in journey(batch, manifest=manifest, collection=collection)
        ],
        "devices": {g.key: getattr(batch, f"devices_{g.key}") for g in STATUS_GROUPS},
        "expected_devices": summary.expected,
        "collection": (
            {
                "date": collection.date,
                "site": collection.site,
                "status": collection.status,
                "partner": collection.partner.name,
            }
            if collection
            else None
        ),
        "reconciliation": {
            "expected": summary.expected,
            "received": len(summary.received),
            "missing": len(summary.missing),
            "unexpected": len(summary.unexpected),
            "closed": summary.closed,
        },
        "certificate_ready_at": batch.certificate_ready_at,
    }


def _visible(request):
    return with_status_counts(
        Batch.objects.visible_to(principal(request)).select_related(
            "donor", "partner", "area", "pledge"
        )
    )


@router.get("/batches", response=list[BatchOut], summary="Batches you may see, newest first")
@paginate(BoundedPageNumberPagination)
def batch_list(request):
    return [_batch_out(b) for b in _visible(request).order_by("-created_at", "reference")]


@router.get(
    "/batches/{reference}",
    response={200: BatchOut, 404: ErrorOut},
    summary="A batch's status: progress, devices by status, collection and reconciliation",
)
def batch_detail(request, reference: str):
    return _batch_out(get_object_or_404(_visible(request), reference=reference))


@router.post(
    "/batches/{reference}/manifest",
    response={
        200: ManifestOut,
        201: ManifestOut,
        400: ManifestOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    summary="Upload a batch's manifest (CSV or XLSX): checked, then imported whole or not at all",
)
def manifest_upload(request, reference: str, file: File[UploadedFile], dry_run: bool = False):
    """The donor's asset export as it is. Every problem comes back with its row and column.

    201 when imported; 200 for a clean dry run; 400 when the file has problems (nothing is
    written); 409 when the batch's devices are already being received.
    """
    batch = get_object_or_404(_visible(request), reference=reference)
    scope = scope_of(principal(request))
    allowed = any(
        (g.role == Role.DONOR_CONTACT and g.organisation_id == batch.donor_id)
        or (g.role == Role.COORDINATOR and g.region_id == batch.region_id)
        for g in scope.grants
    )
    if not allowed:
        return Status(403, {"detail": "Only the batch's donor or a coordinator can upload it."})
    if file.size > manifests.LIMITS.max_bytes:
        return Status(
            400,
            {
                **manifests.failed_report("The file is larger than 20 MB; split it."),
                "imported": False,
            },
        )
    from accounts.models import User

    user = request.auth if isinstance(request.auth, User) else None  # a token has no user
    try:
        result, _, manifest = manifests.import_file(
            batch, file.read(), file.name or "manifest", actor=user, dry_run=dry_run
        )
    except manifest_lib.ManifestError as error:
        return Status(400, {**manifests.failed_report(str(error)), "imported": False})
    except ValidationError as error:
        return Status(409, {"detail": " ".join(error.messages)})
    body = {**result.as_dict(), "imported": manifest is not None}
    if not result.ok or not result.items:
        return Status(400, body)
    return Status(201 if manifest else 200, body)
