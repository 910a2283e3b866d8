"""Referral pages. A VCSE worker sees only their own organisation's referrals; council officers
and the coordinator see demand in aggregate; the public "Get help" page points people to a
local organisation that can refer them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from devices.models import Device
from directory.models import Service, ServiceKind
from lib.spreadsheet_safe import csv_text
from organisations.models import Organisation
from organisations.roles import Role
from regions.models import Area, Region
from rehome.access import public, role_required
from rehome.forms import add_service_errors

from . import selectors, services
from .forms import (
    FollowUpForm,
    GetHelpForm,
    HandoverForm,
    ReferralForm,
    SimBatchForm,
    WithdrawForm,
)
from .models import (
    CLOSED_STATES,
    HOLDING_A_DEVICE,
    AccessAction,
    Referral,
    ReferralAccess,
    State,
)

VCSE = (Role.VCSE_WORKER,)
TABS = {
    "waiting": ("Waiting", (State.WAITING,)),
    "allocated": ("Device allocated", HOLDING_A_DEVICE),
    "handed_over": ("Handed over", (State.HANDED_OVER,)),
    "closed": ("Closed", CLOSED_STATES),
}


# An area's boundary and statistics are large and no referral page shows them.
AREA_BULK = ("area__boundary", "area__statistics")


def _vcse(request) -> Organisation:
    return request.membership.organisation


def _own(request, uid) -> Referral:
    """One of the active organisation's referrals, or 404 (another VCSE's looks like none)."""
    return get_object_or_404(
        Referral.objects.visible_to(request.user)
        .filter(vcse=_vcse(request))
        .select_related("area", "device", "vcse")
        .defer(*AREA_BULK),
        uid=uid,
    )


def _posted(request):
    """The form's data when posted (even empty, so missing answers are reported), else None."""
    return request.POST if request.method == "POST" else None


def _log(request, action, *, referral=None, count=1):
    services.log_access(
        vcse_id=_vcse(request).pk,
        user=request.user,
        action=action,
        referral=referral,
        count=count,
        path=request.path,
    )


@role_required(*VCSE)
def referral_list(request):
    vcse = _vcse(request)
    tab = request.GET.get("show", "waiting")
    if tab not in TABS:
        tab = "waiting"
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(vcse=vcse, state__in=TABS[tab][1])
        .select_related("area")
        .defer(*AREA_BULK)
    )
    query = request.GET.get("q", "").strip()
    if query:
        referrals = referrals.filter(reference__icontains=query)
    if tab == "waiting":
        referrals = selectors.with_position(referrals).order_by("priority", "referred_at", "pk")
    elif tab == "handed_over":
        referrals = referrals.select_related("handover").order_by("handover__follow_up_due", "pk")
    else:
        referrals = referrals.order_by("-state_changed_at", "-pk")
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = selectors.waiting_list_rows(page.object_list, today)
    _log(request, AccessAction.LISTED, count=len(rows))
    counts = Referral.objects.filter(vcse=vcse).aggregate(
        **{key: Count("pk", filter=Q(state__in=states)) for key, (_, states) in TABS.items()}
    )
    context = {
        "page": page,
        "rows": rows,
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, (label, _) in TABS.items()],
        "query": query,
        "today": today,
    }
    return render(request, "referrals/list.html", context)


@role_required(*VCSE)
def referral_new(request):
    vcse = _vcse(request)
    form = ReferralForm(_posted(request), region=vcse.region)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(vcse=vcse, actor=request.user, needs=form.needs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{referral.reference} is on the waiting list.")
            return redirect(referral)
    return render(request, "referrals/form.html", {"form": form, "title": "Refer someone"})


@role_required(*VCSE)
def referral_detail(request, uid):
    referral = _own(request, uid)
    _log(request, AccessAction.VIEWED, referral=referral)
    row = (
        selectors.list_row(referral, timezone.localdate())
        if referral.state == State.WAITING
        else selectors.ListRow(referral)
    )
    handover = getattr(referral, "handover", None)
    context = {
        "referral": referral,
        "position": row.position,
        "estimate": row.estimate,
        "handover": handover,
        "follow_up": getattr(referral, "follow_up", None),
        "events": referral.events.select_related("actor", "organisation"),
        **{
            name: referral.labels(name)
            for name in ("skills", "accessibility", "eligibility", "substitutes")
        },
        "purposes": referral.labels("consent_purposes"),
        "allocation": referral.matches.filter(status="committed").order_by("-pk").first(),
        "device_with_us": referral.device_id and referral.device.custodian_id == referral.vcse_id,
        "device_coming": referral.device_id
        and referral.device.in_transit_to_id == referral.vcse_id,
    }
    return render(request, "referrals/detail.html", context)


@role_required(*VCSE)
def referral_edit(request, uid):
    referral = _own(request, uid)
    if referral.state != State.WAITING:
        messages.error(request, "Only a waiting referral's needs can change.")
        return redirect(referral)
    form = ReferralForm(
        _posted(request), region=referral.region, initial=ReferralForm.initial_from(referral)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(
                referral, actor=request.user, organisation=_vcse(request), needs=form.needs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _log(request, AccessAction.CHANGED, referral=referral)
            messages.success(request, "The referral is updated.")
            return redirect(referral)
    context = {"form": form, "title": f"Change {referral.reference}", "referral": referral}
    return render(request, "referrals/form.html", context)


@role_required(*VCSE)
def referral_withdraw(request, uid):
    referral = _own(request, uid)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                referral,
                actor=request.user,
                organisation=_vcse(request),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{referral.reference} is withdrawn.")
            return redirect(referral)
    return render(request, "referrals/withdraw.html", {"form": form, "referral": referral})


def _act(request, uid, action, done: str):
    referral = _own(request, uid)
    try:
        action(referral, actor=request.user, organisation=_vcse(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(referral)


@require_POST
@role_required(*VCSE)
def referral_renew(request, uid):
    return _act(request, uid, services.referral_renew, "The referral stays on the list.")


@require_POST
@role_required(*VCSE)
def referral_ready(request, uid):
    return _act(
        request, uid, services.mark_ready_to_collect, "The bundle is ready for them to collect."
    )


@role_required(*VCSE)
def referral_handover(request, uid):
    referral = _own(request, uid)
    vcse = _vcse(request)
    if referral.state not in HOLDING_A_DEVICE:
        messages.error(request, "Only a referral with an allocated device can be handed over.")
        return redirect(referral)
    sims = services.sim_stock(vcse)
    offers = (
        Service.objects.published()
        .skills()
        .filter(Q(areas=referral.area) | Q(organisation=vcse))
        .distinct()
        .order_by("name")
    )
    form = HandoverForm(_posted(request), sims=sims, offers=offers)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["device_identifier"]
        device = Device.objects.matching(identifier).filter(pk=referral.device_id).first()
        if device is None:
            form.add_error(
                "device_identifier",
                f"{identifier} is not the device allocated to {referral.reference}: "
                f"hand over {referral.device} instead.",
            )
        else:
            try:
                services.handover_complete(
                    referral, actor=request.user, organisation=vcse, bundle=form.bundle(device)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Handed over. We will remind you to follow up with {referral.reference} "
                    "in about three months.",
                )
                return redirect(referral)
    context = {"form": form, "referral": referral, "sims_left": any(s.left > 0 for s in sims)}
    return render(request, "referrals/handover.html", context)


@role_required(*VCSE)
def referral_follow_up(request, uid):
    referral = _own(request, uid)
    form = FollowUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(
                referral, actor=request.user, organisation=_vcse(request), outcome=form.outcome()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: the follow-up is recorded.")
            return redirect(referral)
    return render(request, "referrals/follow_up.html", {"form": form, "referral": referral})


@role_required(*VCSE)
def referral_erase(request, uid):
    referral = _own(request, uid)
    if request.method == "POST":
        try:
            services.referral_erase(referral, actor=request.user, organisation=_vcse(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(referral)
        messages.success(request, "Their personal details are erased.")
        return redirect("referrals:list")
    return render(request, "referrals/erase.html", {"referral": referral})


EXPORT_HEADER = [
    "reference",
    "state",
    "area",
    "postcode district",
    "device needed",
    "also accepts",
    "connectivity",
    "skills support",
    "accessibility",
    "eligibility",
    "priority",
    "priority reason",
    "notes",
    "referred",
    "expires",
    "state changed",
    "device",
]


@role_required(*VCSE)
def referral_export(request):
    vcse = _vcse(request)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(vcse=vcse)
        .select_related("area", "device")
        .order_by("referred_at", "pk")
    )
    rows = [
        [
            r.reference,
            r.get_state_display(),
            r.area.name,
            r.postcode_district,
            r.get_device_type_display(),
            "; ".join(r.labels("substitutes")),
            r.get_connectivity_display(),
            "; ".join(r.labels("skills")),
            "; ".join(r.labels("accessibility")),
            "; ".join(r.labels("eligibility")),
            r.get_priority_display(),
            r.priority_reason,
            r.notes,
            timezone.localtime(r.referred_at).strftime("%Y-%m-%d"),
            r.expires_on.isoformat(),
            timezone.localtime(r.state_changed_at).strftime("%Y-%m-%d"),
            str(r.device) if r.device_id else "",
        ]
        for r in referrals
    ]
    _log(request, AccessAction.EXPORTED, count=len(rows))
    response = HttpResponse(csv_text(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    filename = f"referrals-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@role_required(*VCSE, admin=True)
def access_log(request):
    entries = ReferralAccess.objects.filter(vcse=_vcse(request)).select_related("user", "referral")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "referrals/access_log.html", {"page": page})


@role_required(*VCSE)
def sims(request):
    vcse = _vcse(request)
    form = SimBatchForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.sim_batch_add(vcse=vcse, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The SIMs are added to your stock.")
            return redirect("referrals:sims")
    return render(
        request, "referrals/sims.html", {"form": form, "batches": services.sim_stock(vcse)}
    )


# ---------------------------------------------------------------------------------------------
# Aggregates for councils and the coordinator.


@role_required(Role.COUNCIL_OFFICER, Role.COORDINATOR)
def demand(request):
    membership = request.membership
    organisation = membership.organisation
    if membership.role == Role.COORDINATOR:
        areas = list(
            Area.objects.filter(region=organisation.region)
            .defer("boundary", "statistics")
            .order_by("name")
        )
        scope = f"{organisation.region}"
    else:
        areas = list(organisation.areas_served.defer("boundary", "statistics").order_by("name"))
        scope = ", ".join(a.name for a in areas) or "no areas"
    chosen = request.GET.get("area")
    shown = [a for a in areas if a.slug == chosen] or areas
    figures, as_of = selectors.demand_cached(shown)
    context = {
        "areas": areas,
        "chosen": chosen if len(shown) == 1 and len(areas) > 1 else "",
        "scope": shown[0].name if len(shown) == 1 else scope,
        "demand": figures,
        "as_of": as_of,
        "activity": selectors.vcse_activity(organisation.region)
        if membership.role == Role.COORDINATOR
        else None,
    }
    return render(request, "referrals/demand.html", context)


# ---------------------------------------------------------------------------------------------
# The public "Get help" page.


HELP_KINDS = {
    "device": [ServiceKind.DEVICE_REFERRAL],
    "connectivity": [ServiceKind.CONNECTIVITY],
    "skills": [ServiceKind.DIGITAL_CHAMPION, ServiceKind.COURSE, ServiceKind.DROP_IN],
}


@public
def get_help(request):
    region = Region.objects.current()
    form = GetHelpForm(request.GET or None, region=region)
    services_found = referrers = None
    if form.is_bound and form.is_valid():
        area, need = form.cleaned_data["area"], form.cleaned_data["need"]
        services_found = (
            Service.objects.published()
            .filter(region=region, areas=area, kind__in=HELP_KINDS[need])
            .select_related("organisation")
            .distinct()
            .order_by("name")
        )
        if need == "device":
            # Every VCSE serving the area can refer someone, listed or not.
            referrers = (
                Organisation.objects.filter(region=region, is_vcse=True, areas_served=area)
                .exclude(services__in=services_found)
                .order_by("name")
            )
    context = {"form": form, "services": services_found, "referrers": referrers, "region": region}
    return render(request, "public/get_help.html", context)
