"""Erasure evidence over the API: uploads from integrations, and ShredOS's own push."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Schema, Status, UploadedFile

from api.schemas import ErrorOut, principal
from erasure import services
from erasure.models import PushEndpoint, Source
from organisations.roles import Role
from organisations.scope import scope_of

router = Router(tags=["erasure"])


class DriveResultOut(Schema):
    serial: str
    model: str
    status: str
    matched: bool
    device: str | None
    problem: str


class MovedOut(Schema):
    device: str
    state: str


class ImportOut(Schema):
    file: str
    ok: bool
    error: str
    duplicate: bool
    evidence_sha256: str | None
    drives: list[DriveResultOut]
    moved: list[MovedOut]


def _acting(request):
    """The ITAD organisation and user behind the request (a token has no user)."""
    auth = principal(request)
    if hasattr(auth, "grant"):
        return (auth.organisation if auth.role == Role.ITAD_TECHNICIAN else None), None
    membership = getattr(request, "membership", None)
    if membership is not None and membership.role == Role.ITAD_TECHNICIAN:
        return membership.organisation, auth
    return None, auth


@router.post(
    "/erasure/evidence",
    response={201: ImportOut, 400: ImportOut, 403: ErrorOut, 409: ImportOut},
    summary="Import an erasure log or report",
)
def evidence_upload(request, file: File[UploadedFile]):
    """Upload one nwipe/ShredOS log, Blancco report (XML or JSON) or erasure CSV.

    Drives are matched to devices your organisation holds by serial number; devices whose every
    drive now has passing, verified evidence move to `erased`. 400 when the file cannot be read,
    409 when the same file was imported before.
    """
    organisation, user = _acting(request)
    if organisation is None or not scope_of(principal(request)).roles & {Role.ITAD_TECHNICIAN}:
        return Status(403, {"detail": "Only ITAD technicians' tokens can import evidence."})
    if file.size > services.MAX_EVIDENCE_BYTES:
        return Status(400, services.too_large(file.name or "upload").as_dict())
    result = services.import_evidence(
        file.read(), file.name or "upload", organisation=organisation, actor=user, source=Source.API
    )
    if result.duplicate_of is not None:
        return Status(409, result.as_dict())
    return Status(201 if result.ok else 400, result.as_dict())


@router.put(
    "/erasure/shredos/{token}",
    auth=None,
    response={201: ImportOut, 400: ImportOut, 404: ErrorOut, 409: ImportOut},
    summary="ShredOS log push (the token in the address identifies the ITAD)",
)
def shredos_push(request: HttpRequest, token: str):
    """ShredOS's `http_post_url` target: the raw nwipe log as the request body, no auth header.

    The secret address is created under Erasure evidence → ShredOS upload addresses.
    """
    endpoint = (
        PushEndpoint.objects.active()
        .select_related("organisation")
        .filter(token_hash=PushEndpoint.hash_token(token))
        .first()
    )
    if endpoint is None:
        return Status(404, {"detail": "Unknown or revoked upload address."})
    PushEndpoint.objects.filter(pk=endpoint.pk).update(last_used_at=timezone.now())
    name = f"shredos-{endpoint.prefix}-{timezone.now():%Y%m%d-%H%M%S}.log"
    result = services.import_evidence(
        request.body, name, organisation=endpoint.organisation, actor=None, source=Source.SHREDOS
    )
    if result.duplicate_of is not None:
        return Status(409, result.as_dict())
    return Status(201 if result.ok else 400, result.as_dict())
