"""The coordinator's allocation pages (weights, runs: preview, adjust, commit, undo) and the
council's ring-fence page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from devices.models import Device
from lib.allocation import POLICY_VERSION
from organisations.roles import Role
from regions.models import Area
from rehome.access import role_required
from rehome.forms import add_service_errors

from . import services
from . import weights as need_weights
from .models import AllocationRun, LedgerEntry, Match, MatchStatus, RingFence

COORDINATOR = (Role.COORDINATOR,)


def _region(request):
    return request.membership.organisation.region


def _run(request, uid) -> AllocationRun:
    return get_object_or_404(AllocationRun, uid=uid, region=_region(request))


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(*COORDINATOR)
def overview(request):
    region = _region(request)
    weights, basis, saved = need_weights.current_weights(region)
    areas = list(Area.objects.filter(region=region).order_by("name"))
    rows = []
    for area in areas:
        fenced, allowed, _pool = need_weights.ring_fence_room(area)
        rows.append(
            {
                "area": area,
                "weight": weights.get(area.code),
                "limit": need_weights.ring_fence_limit(area),
                "fenced": fenced,
                "allowed": allowed,
            }
        )
    context = {
        "rows": rows,
        "basis": basis,
        "saved": saved,
        "policy_version": POLICY_VERSION,
        "runs": AllocationRun.objects.filter(region=region).select_related("created_by")[:20],
        "ready": services.ready_devices(region).count(),
    }
    return render(request, "allocation/overview.html", context)


@require_POST
@role_required(*COORDINATOR)
def preview(request):
    try:
        run = services.run_preview(
            _region(request), actor=request.user, organisation=request.membership.organisation
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("allocation:overview")
    return redirect(run)


@role_required(*COORDINATOR)
def run_detail(request, uid):
    run = _run(request, uid)
    matches = (
        Match.objects.filter(run=run)
        .select_related("area", "device", "referral__vcse")
        .order_by("area__name", "pk")
    )
    page = Paginator(matches, 100).get_page(request.GET.get("page"))
    areas = {a.code: a for a in Area.objects.filter(region=run.region)}
    by_area = [
        {"area": areas.get(code), "code": code, **figures}
        for code, figures in sorted(run.by_area.items(), key=lambda kv: areas[kv[0]].name)
    ]
    context = {
        "run": run,
        "page": page,
        "by_area": by_area,
        "ledger": LedgerEntry.objects.filter(run=run).select_related("actor", "match__device"),
        "proposed": run.matches.filter(status=MatchStatus.PROPOSED).count(),
    }
    return render(request, "allocation/run.html", context)


def _acting(request):
    return {"actor": request.user, "organisation": request.membership.organisation}


@require_POST
@role_required(*COORDINATOR)
def match_remove(request, uid, pk):
    run = _run(request, uid)
    match = get_object_or_404(Match, run=run, pk=pk)
    try:
        services.match_remove(match, reason=request.POST.get("reason", ""), **_acting(request))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Removed {match.device} from the run.")
    return redirect(run)


@require_POST
@role_required(*COORDINATOR)
def match_swap(request, uid):
    run = _run(request, uid)
    try:
        first = get_object_or_404(Match, run=run, pk=int(request.POST.get("first", 0)))
        second = get_object_or_404(Match, run=run, pk=int(request.POST.get("second", 0)))
        services.match_swap(
            first, second, reason=request.POST.get("reason", ""), **_acting(request)
        )
    except (ValueError, ValidationError) as error:
        _errors(
            request,
            error
            if isinstance(error, ValidationError)
            else ValidationError("Choose two matches by their numbers."),
        )
    else:
        messages.success(request, "The two devices are swapped.")
    return redirect(run)


@require_POST
@role_required(*COORDINATOR)
def commit(request, uid):
    run = _run(request, uid)
    try:
        report = services.run_commit(run, **_acting(request))
    except ValidationError as error:
        _errors(request, error)
        return redirect(run)
    count = len(report.committed)
    messages.success(request, f"{count} device{'s' if count != 1 else ''} allocated.")
    if report.skipped:
        messages.warning(
            request,
            f"{len(report.skipped)} left out because they changed since the preview: "
            + "; ".join(why for _, why in report.skipped[:5]),
        )
    return redirect(run)


@require_POST
@role_required(*COORDINATOR)
def discard(request, uid):
    run = _run(request, uid)
    try:
        services.run_discard(run, **_acting(request))
    except ValidationError as error:
        _errors(request, error)
    return redirect("allocation:overview")


@require_POST
@role_required(*COORDINATOR)
def match_undo(request, uid, pk):
    run = _run(request, uid)
    match = get_object_or_404(Match, run=run, pk=pk)
    try:
        services.match_undo(match, reason=request.POST.get("reason", ""), **_acting(request))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"The allocation of {match.device} is undone.")
    return redirect(run)


class WeightsForm(forms.Form):
    reason = forms.CharField(
        label="Why the weights change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown with every run that uses these weights.",
    )

    def __init__(self, *args, areas, weights, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[area.code] = forms.DecimalField(
                label=area.name,
                min_value=0.01,
                max_value=10,
                decimal_places=2,
                initial=weights.get(area.code),
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "govuk-input--width-4"}),
            )
        self.order_fields([a.code for a in areas] + ["reason"])


@role_required(*COORDINATOR)
def weights(request):
    region = _region(request)
    current, basis, _ = need_weights.current_weights(region)
    areas = list(Area.objects.filter(region=region).order_by("name"))
    form = WeightsForm(
        request.POST if request.method == "POST" else None, areas=areas, weights=current
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need_weights.weights_set(
                region,
                {a.code: data[a.code] for a in areas},
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "New need weights saved; the next run uses them.")
            return redirect("allocation:overview")
    return render(request, "allocation/weights.html", {"form": form, "basis": basis})


@require_POST
@role_required(*COORDINATOR)
def ring_fence_limit(request, slug):
    area = get_object_or_404(Area, region=_region(request), slug=slug)
    try:
        need_weights.ring_fence_limit_set(
            area, int(request.POST.get("max_percent", "-1")), actor=request.user
        )
    except (ValueError, ValidationError):
        messages.error(request, "Give a percentage from 0 to 100.")
    else:
        messages.success(request, f"{area} may now keep up to the new share local.")
    return redirect("allocation:overview")


# ---------------------------------------------------------------------------------------------
# Councils keep devices donated in their areas local.


@role_required(Role.COUNCIL_OFFICER, Role.COORDINATOR)
def ring_fences(request):
    organisation = request.membership.organisation
    is_council = request.membership.role == Role.COUNCIL_OFFICER
    areas = list(
        organisation.areas_served.order_by("name")
        if is_council
        else Area.objects.filter(region=organisation.region).order_by("name")
    )
    if request.method == "POST" and is_council:
        identifier = request.POST.get("identifier", "")
        device = (
            Device.objects.matching(identifier).filter(area_of_origin__in=areas).first()
            if identifier.strip()
            else None
        )
        if device is None:
            messages.error(request, f"No device donated in your area matches “{identifier}”.")
        else:
            try:
                need_weights.ring_fence_add(
                    device,
                    council=organisation,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, f"{device} stays in {device.area_of_origin}.")
        return redirect("allocation:ring_fences")
    fences = (
        RingFence.objects.active()
        .filter(area__in=areas)
        .select_related("device", "area", "council", "created_by")
        .order_by("area__name", "-created_at")
    )
    rooms = [(area, *need_weights.ring_fence_room(area)) for area in areas]
    context = {"fences": fences, "rooms": rooms, "is_council": is_council}
    return render(request, "allocation/ring_fences.html", context)


@require_POST
@role_required(Role.COUNCIL_OFFICER, Role.COORDINATOR)
def ring_fence_lift(request, pk):
    organisation = request.membership.organisation
    fence = get_object_or_404(RingFence.objects.active(), pk=pk, area__region=organisation.region)
    try:
        need_weights.ring_fence_lift(fence, organisation=organisation, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"{fence.device} can go anywhere in the region again.")
    return redirect("allocation:ring_fences")
