"""Device pages: search, a device's record and timeline, the technician's forms, bulk scanning."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessment.selectors import OUTCOME_FOR_VERDICT, device_verdict
from custody.models import CustodyEvent
from devices import lifecycle, services
from devices.forms import (
    AssessmentForm,
    BulkForm,
    CancelHandoverForm,
    CorrectionForm,
    DestroyForm,
    DeviceSearchForm,
    DriveForm,
    HandoverForm,
    LossForm,
    RecyclingForm,
    RefurbishmentForm,
)
from devices.labels import labels_pdf
from devices.models import AssessmentOutcome, Device, Drive
from devices.services import DriveSpec, TransitionRefused
from erasure.models import ErasureRecord, EvidenceFile
from organisations.models import Organisation
from organisations.roles import Role
from rehome.access import role_required
from rehome.forms import add_service_errors

VIEWERS = (Role.COORDINATOR, Role.ITAD_TECHNICIAN, Role.VCSE_WORKER, Role.DONOR_CONTACT)
WORKERS = (Role.ITAD_TECHNICIAN, Role.VCSE_WORKER, Role.COORDINATOR)
RECORD_VIEWS = {
    "assess": "devices:assess",
    "refurbish": "devices:refurbish",
    "recycle": "devices:recycle",
    "lose": "devices:lose",
}


def _device(request, uid) -> Device:
    """The device if the user may see it (404 otherwise), with what its page shows."""
    queryset = (
        Device.objects.visible_to(request.user)
        .select_related(
            "donor",
            "partner",
            "batch",
            "area_of_origin",
            "batch__partner",
            "custodian",
            "in_transit_to",
        )
        .prefetch_related(
            Prefetch(
                "drives",
                queryset=Drive.objects.select_related("destroyed_by").prefetch_related(
                    Prefetch(
                        "erasures",
                        queryset=ErasureRecord.objects.select_related("evidence", "operator"),
                    )
                ),
            ),
            "assessments__assessed_by",
            "refurbishments__refurbished_by",
        )
    )
    return get_object_or_404(queryset, uid=uid)


def _org(request):
    return request.membership.organisation


def _sees_custodians(request, device) -> bool:
    """Donors follow their devices' progress, never who received them."""
    return request.membership.role != Role.DONOR_CONTACT


@role_required(*VIEWERS)
def device_list(request):
    form = DeviceSearchForm(request.GET or None)
    devices = Device.objects.visible_to(request.user).select_related("custodian", "in_transit_to")
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            devices = devices.filter(
                Q(serial_number__iexact=q)
                | Q(asset_tag__iexact=q)
                | Q(imei=q)
                | Q(drives__serial__iexact=q)
                | Q(make__icontains=q)
                | Q(model__icontains=q)
                | Q(serial_number__istartswith=q)
                | Q(asset_tag__istartswith=q)
            ).distinct()
        if form.cleaned_data["state"]:
            devices = devices.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["in_transit"]:
            devices = devices.filter(in_transit_to=_org(request))
        exact = (
            devices.filter(
                Q(serial_number__iexact=q)
                | Q(asset_tag__iexact=q)
                | Q(imei=q)
                | Q(drives__serial__iexact=q)
            ).distinct()
            if q
            else None
        )
        if exact is not None and devices.count() == 1 and exact.count() == 1:
            return redirect(exact.get())  # a scanned label or serial goes straight to the device
    page = Paginator(devices.order_by("-state_changed_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    incoming = Device.objects.filter(in_transit_to=_org(request)).count()
    return render(
        request,
        "devices/list.html",
        {
            "form": form,
            "page": page,
            "incoming": incoming,
            "show_custodian": request.membership.role != Role.DONOR_CONTACT,
        },
    )


def _actions(request, device):
    """What the user's organisation may do next to this device, and why some are not possible."""
    org = _org(request)
    if request.membership.role not in WORKERS or not services.may_act_on(device, org):
        return []
    actions = []
    for transition in lifecycle.transitions_from(device.state):
        if transition.name in ("allocate", "hand_over", "deallocate"):
            continue  # allocation and handover to a person have their own journeys
        reasons = services.reasons_against(device, transition.name, org)
        actions.append(
            {
                "transition": transition,
                "reasons": reasons,
                "url_name": RECORD_VIEWS.get(transition.name),
            }
        )
    return actions


@role_required(*VIEWERS)
def device_detail(request, uid):
    device = _device(request, uid)
    events = (
        CustodyEvent.objects.filter(device=device)
        .select_related("actor", "actor_organisation", "from_custodian", "to_custodian")
        .order_by("seq")
    )
    org = _org(request)
    evidence_ids = dict(
        EvidenceFile.objects.visible_to(request.user)
        .filter(records__drive__device=device)
        .values_list("sha256", "pk")
        .distinct()
    )
    timeline = []
    for event in events:
        data = json.loads(event.payload)
        sha = (
            (data.get("evidence") or {}).get("sha256")
            if isinstance(data.get("evidence"), dict)
            else data.get("evidence")
        )
        timeline.append({"event": event, "data": data, "evidence_pk": evidence_ids.get(sha)})
    can_work = request.membership.role in WORKERS and services.may_act_on(device, org)
    partners = Organisation.objects.filter(region=device.region).exclude(pk=org.pk)
    return render(
        request,
        "devices/detail.html",
        {
            "device": device,
            "timeline": timeline,
            "actions": _actions(request, device),
            "can_work": can_work,
            "show_custodian": _sees_custodians(request, device),
            "is_holder": device.custodian_id == org.pk,
            "can_add_drive": can_work
            and device.custodian_id == org.pk
            and device.state in lifecycle.HOLDS_DONOR_DATA | {lifecycle.State.ERASED},
            "is_incoming": device.in_transit_to_id == org.pk,
            "handover_form": HandoverForm(
                organisations=partners.filter(Q(is_itad=True) | Q(is_vcse=True))
            ),
            "cancel_form": CancelHandoverForm(prefix="cancel"),
            "drive_form": DriveForm(),
            "drives": [(d, DestroyForm(prefix=f"drive-{d.pk}")) for d in device.drives.all()],
            "correction_form": CorrectionForm(
                prefix="correction", initial={"to_state": device.state}
            ),
            "can_correct": request.membership.role == Role.COORDINATOR
            or device.custodian_id == org.pk,
        },
    )


def _refused(request, error: TransitionRefused):
    for reason in error.reasons:
        messages.error(request, reason)


def _act(request, device, action, success: str):
    """Run a service for a one-button action and say what happened on the device's page."""
    try:
        action()
    except TransitionRefused as error:
        _refused(request, error)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success() if callable(success) else success)
    return redirect(device)


@require_POST
@role_required(*WORKERS)
def device_transition(request, uid, name):
    device = _device(request, uid)
    transition = lifecycle.TRANSITIONS.get(name)
    if transition is None or transition.needs_record:
        raise Http404("No such action.")

    def now():
        device.refresh_from_db()
        return f"{device}: now {device.get_state_display().lower()}."

    return _act(
        request,
        device,
        lambda: services.device_transition(
            device, name, actor=request.user, organisation=_org(request)
        ),
        now,
    )


def _record_view(request, uid, *, form_class, template, save, title, **form_kwargs):
    device = _device(request, uid)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(device, form.cleaned_data)
        except TransitionRefused as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            device.refresh_from_db()
            messages.success(request, f"{device}: now {device.get_state_display().lower()}.")
            return redirect(device)
    status = 400 if form.errors else 200
    return render(
        request,
        template,
        {"device": device, "form": form, "title": title, **_suggestion(device, form)},
        status=status,
    )


def _suggestion(device, form):
    """The device-assessment guide's verdict from the rules in use: from the device's record,
    refined by the technician's checks when the form comes back with them."""
    if device.state not in (lifecycle.State.ERASED, lifecycle.State.ERASURE_FAILED):
        return {}
    answered = getattr(form, "cleaned_data", {})
    checks = ("powers_on", "screen_ok", "keyboard_ok", "battery_health_pct")
    verdict = device_verdict(device, **{k: answered[k] for k in checks if k in answered})
    outcome = AssessmentOutcome(OUTCOME_FOR_VERDICT[verdict.verdict])
    return {"suggestion": verdict, "suggested_outcome": outcome.label}


@role_required(*WORKERS)
def assess(request, uid):
    def save(device, data):
        services.assessment_record(device, actor=request.user, organisation=_org(request), **data)

    return _record_view(
        request,
        uid,
        form_class=AssessmentForm,
        template="devices/record_form.html",
        save=save,
        title="Assess the device",
    )


@role_required(*WORKERS)
def refurbish(request, uid):
    def save(device, data):
        make_ready = data.pop("make_ready")
        services.refurbishment_record(
            device, actor=request.user, organisation=_org(request), make_ready=make_ready, **data
        )

    return _record_view(
        request,
        uid,
        form_class=RefurbishmentForm,
        template="devices/record_form.html",
        save=save,
        title="Record the refurbishment",
    )


@role_required(*WORKERS)
def recycle(request, uid):
    def save(device, data):
        services.recycling_record(device, actor=request.user, organisation=_org(request), **data)

    return _record_view(
        request,
        uid,
        form_class=RecyclingForm,
        template="devices/record_form.html",
        save=save,
        title="Recycle the device",
    )


@role_required(*WORKERS)
def lose(request, uid):
    def save(device, data):
        services.loss_record(device, actor=request.user, organisation=_org(request), **data)

    return _record_view(
        request,
        uid,
        form_class=LossForm,
        template="devices/record_form.html",
        save=save,
        title="Write the device off as lost",
    )


@require_POST
@role_required(*WORKERS)
def drive_add(request, uid):
    device = _device(request, uid)
    form = DriveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        spec = DriveSpec(
            serial=data["serial"].strip(),
            model=data["model"],
            kind=data["kind"],
            size_bytes=data["size_gb"] * 10**9 if data["size_gb"] else None,
        )
        return _act(
            request,
            device,
            lambda: services.drive_add(
                device, spec, actor=request.user, organisation=_org(request)
            ),
            f"Drive {data['serial']} added.",
        )
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
    return redirect(device)


@require_POST
@role_required(*WORKERS)
def no_storage(request, uid):
    device = _device(request, uid)
    return _act(
        request,
        device,
        lambda: services.record_no_storage(device, actor=request.user, organisation=_org(request)),
        "Recorded: the device has no data-bearing storage.",
    )


@require_POST
@role_required(*WORKERS)
def drive_destroy(request, uid, pk):
    device = _device(request, uid)
    drive = get_object_or_404(device.drives.all(), pk=pk)
    form = DestroyForm(request.POST, prefix=f"drive-{drive.pk}")
    if not form.is_valid():
        messages.error(request, "Choose how the drive was destroyed and give the record number.")
        return redirect(device)
    return _act(
        request,
        device,
        lambda: services.media_destroy(
            drive, actor=request.user, organisation=_org(request), **form.cleaned_data
        ),
        f"{drive} recorded as physically destroyed.",
    )


@require_POST
@role_required(*WORKERS)
def handover_send(request, uid):
    device = _device(request, uid)
    partners = Organisation.objects.filter(region=device.region).filter(
        Q(is_itad=True) | Q(is_vcse=True)
    )
    form = HandoverForm(request.POST, organisations=partners)
    if not form.is_valid():
        messages.error(request, "Choose the organisation you are sending the device to.")
        return redirect(device)
    to = form.cleaned_data["to"]
    return _act(
        request,
        device,
        lambda: services.handover_start(
            device,
            to,
            actor=request.user,
            organisation=_org(request),
            note=form.cleaned_data["note"],
        ),
        f"{device} is in transit to {to} until they confirm.",
    )


@require_POST
@role_required(*WORKERS)
def handover_confirm(request, uid):
    device = _device(request, uid)
    return _act(
        request,
        device,
        lambda: services.handover_confirm(device, actor=request.user, organisation=_org(request)),
        f"Confirmed: {_org(request)} now holds {device}.",
    )


@require_POST
@role_required(*WORKERS)
def handover_cancel(request, uid):
    device = _device(request, uid)
    form = CancelHandoverForm(request.POST, prefix="cancel")
    if not form.is_valid():
        messages.error(request, "Say why the handover is cancelled.")
        return redirect(device)
    return _act(
        request,
        device,
        lambda: services.handover_cancel(
            device,
            actor=request.user,
            organisation=_org(request),
            reason=form.cleaned_data["reason"],
        ),
        "Handover cancelled.",
    )


@require_POST
@role_required(*WORKERS)
def correct(request, uid):
    device = _device(request, uid)
    form = CorrectionForm(request.POST, prefix="correction")
    if not form.is_valid():
        messages.error(request, "Choose the right state and say what was wrong.")
        return redirect(device)
    return _act(
        request,
        device,
        lambda: services.correction_record(
            device, actor=request.user, organisation=_org(request), **form.cleaned_data
        ),
        "Correction recorded in the device's history.",
    )


@role_required(Role.ITAD_TECHNICIAN, Role.VCSE_WORKER)
def bulk(request):
    """Scanner-first bulk actions: scan or paste, preview who is eligible and why not, apply.

    Applying changes every previewed eligible device in one transaction, or none of them.
    """
    org = _org(request)
    form = BulkForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if "apply" in request.POST:
            ids = [int(i) for i in request.POST.getlist("device") if i.isascii() and i.isdecimal()]
            try:
                changed = services.bulk_apply(ids, action, actor=request.user, organisation=org)
            except TransitionRefused as error:
                shown = error.reasons[:10]
                more = len(error.reasons) - len(shown)
                messages.error(
                    request,
                    "Nothing was changed. "
                    + " ".join(shown)
                    + (f" And {more} more." if more > 0 else ""),
                )
            else:
                label = lifecycle.TRANSITIONS[action].label
                messages.success(request, f"{label}: done for {len(changed)} devices.")
                return redirect("devices:bulk")
        plan = services.bulk_plan(
            services.parse_identifiers(form.cleaned_data["identifiers"]),
            action,
            principal=request.user,
            organisation=org,
        )
    status = 400 if form.errors else 200
    return render(request, "devices/bulk.html", {"form": form, "plan": plan}, status=status)


@require_POST
@role_required(Role.ITAD_TECHNICIAN, Role.COORDINATOR)
def labels(request):
    """Labels for the scanned or selected devices the user may see."""
    from django.conf import settings

    identifiers = services.parse_identifiers(request.POST.get("identifiers", ""))
    ids = [int(i) for i in request.POST.getlist("device") if i.isascii() and i.isdecimal()]
    visible = Device.objects.visible_to(request.user)
    chosen = list(visible.filter(pk__in=ids)) if ids else []
    for identifier in identifiers:
        chosen.extend(visible.matching(identifier)[:1])
    if not chosen:
        messages.error(request, "No device you can see matches; scan or paste their identifiers.")
        return redirect("devices:bulk")
    unique = list({d.pk: d for d in chosen}.values())
    response = HttpResponse(
        labels_pdf(unique, base_url=settings.SITE_URL), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="rehome-labels.pdf"'
    return response
