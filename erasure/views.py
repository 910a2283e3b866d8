"""Erasure evidence pages: upload many logs at once, see what matched, assign the rest."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from devices.models import Device
from erasure import services
from erasure.forms import AssignForm, EvidenceUploadForm, PushEndpointForm
from erasure.models import EvidenceFile, PushEndpoint
from lib.erasure import CSV_COLUMNS, CSV_REQUIRED_COLUMNS
from organisations.roles import Role
from rehome.access import role_required

NEW_PUSH_URL_KEY = "rehome_new_push_url"
VIEWERS = (Role.ITAD_TECHNICIAN, Role.COORDINATOR, Role.DONOR_CONTACT, Role.VCSE_WORKER)


def _evidence(request, pk) -> EvidenceFile:
    return get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)


@role_required(*VIEWERS)
def evidence_list(request):
    is_technician = request.membership.role == Role.ITAD_TECHNICIAN
    form = EvidenceUploadForm(request.POST or None, request.FILES or None)
    results = []
    if request.method == "POST":
        if not is_technician:
            messages.error(request, "Only ITAD technicians import erasure evidence.")
            return redirect("erasure:list")
        if form.is_valid():
            for upload in form.cleaned_data["files"]:
                if upload.size > services.MAX_EVIDENCE_BYTES:
                    # Refused before reading, so a huge upload never sits in memory.
                    results.append(services.too_large(upload.name))
                    continue
                results.append(
                    services.import_evidence(
                        upload.read(),
                        upload.name,
                        organisation=request.membership.organisation,
                        actor=request.user,
                    )
                )
    files = (
        EvidenceFile.objects.visible_to(request.user).select_related("uploaded_by").defer("content")
    )
    page = Paginator(files.order_by("-uploaded_at", "-pk"), 25).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(
        request,
        "erasure/list.html",
        {
            "form": form if is_technician else None,
            "results": results,
            "page": page,
            "csv_required": CSV_REQUIRED_COLUMNS,
            "csv_optional": [c for c in CSV_COLUMNS if c not in CSV_REQUIRED_COLUMNS],
        },
        status=status,
    )


@role_required(*VIEWERS)
def evidence_detail(request, pk):
    evidence = _evidence(request, pk)
    records = evidence.records.select_related("drive__device", "operator").order_by("pk")
    visible = set(Device.objects.visible_to(request.user).values_list("pk", flat=True))
    attached = {r.reported_serial for r in records}
    parsed = evidence.parsed
    unmatched = [
        {"index": i, **drive}
        for i, drive in enumerate(parsed.get("drives", []))
        if drive.get("serial") not in attached
    ]
    is_owner = (
        request.membership.role == Role.ITAD_TECHNICIAN
        and evidence.organisation_id == request.membership.organisation_id
    )
    return render(
        request,
        "erasure/detail.html",
        {
            "evidence": evidence,
            "records": [r for r in records if r.drive.device_id in visible],
            "hidden_records": sum(1 for r in records if r.drive.device_id not in visible),
            "parsed": parsed,
            "unmatched": unmatched if is_owner else [],
            "can_download": is_owner or request.membership.role == Role.COORDINATOR,
            "assign_form": AssignForm(),
        },
    )


@role_required(Role.ITAD_TECHNICIAN, Role.COORDINATOR)
def evidence_download(request, pk):
    """The original file: for the ITAD that made it and the coordinator. A log can cover other
    donors' drives, so donors and VCSEs see only the records about their devices."""
    evidence = _evidence(request, pk)
    is_owner = evidence.organisation_id == request.membership.organisation_id
    if not is_owner and request.membership.role != Role.COORDINATOR:
        raise Http404("No such evidence file.")
    response = HttpResponse(bytes(evidence.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(evidence.filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or "evidence"


@require_POST
@role_required(Role.ITAD_TECHNICIAN)
def evidence_assign(request, pk, index):
    evidence = get_object_or_404(
        EvidenceFile.objects.filter(organisation=request.membership.organisation), pk=pk
    )
    form = AssignForm(request.POST)
    if form.is_valid():
        matches = list(
            Device.objects.filter(custodian=request.membership.organisation).matching(
                form.cleaned_data["identifier"]
            )[:2]
        )
        if len(matches) != 1:
            messages.error(
                request,
                "No device your organisation holds has that serial number, asset tag or IMEI."
                if not matches
                else "More than one device matches; use its asset tag.",
            )
        else:
            try:
                outcome = services.evidence_assign(
                    evidence,
                    index,
                    matches[0],
                    organisation=request.membership.organisation,
                    actor=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                note = f" {outcome.problem}" if outcome.problem else ""
                messages.success(request, f"Drive {outcome.serial} attached to {matches[0]}.{note}")
    else:
        messages.error(request, "Scan or type the device's serial number, asset tag or IMEI.")
    return redirect("erasure:detail", pk=evidence.pk)


@role_required(Role.ITAD_TECHNICIAN, admin=True)
def push_endpoints(request):
    """Secret upload addresses for ShredOS machines (its http_post_url option)."""
    organisation = request.membership.organisation
    form = PushEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = PushEndpoint.new_token()
        PushEndpoint.objects.create(
            organisation=organisation,
            name=form.cleaned_data["name"],
            token_hash=PushEndpoint.hash_token(token),
            prefix=token[:10],
            created_by=request.user,
        )
        request.session[NEW_PUSH_URL_KEY] = f"{settings.SITE_URL}/api/v1/erasure/shredos/{token}"
        messages.success(request, "Address created. Copy it now: it will not be shown again.")
        return redirect("erasure:push_endpoints")
    response = render(
        request,
        "erasure/push_endpoints.html",
        {
            "form": form,
            "endpoints": PushEndpoint.objects.filter(organisation=organisation),
            "new_url": request.session.pop(NEW_PUSH_URL_KEY, None),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(Role.ITAD_TECHNICIAN, admin=True)
def push_endpoint_revoke(request, pk):
    endpoint = get_object_or_404(
        PushEndpoint.objects.active().filter(organisation=request.membership.organisation), pk=pk
    )
    endpoint.revoked_at = timezone.now()
    endpoint.save(update_fields=["revoked_at"])
    messages.success(request, f"{endpoint.name} can no longer send logs.")
    return redirect("erasure:push_endpoints")
