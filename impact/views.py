"""The public impact dashboard and its open-data downloads, the public method pages, and the
coordinator's pages for versions of the method."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from impact import dashboard as boards
from impact import selectors, services, tables
from impact.forms import MethodVersionForm, PeriodForm
from impact.models import MethodFrozen, MethodVersion
from lib import impact
from organisations.roles import Role
from regions.selectors import current_region
from rehome.access import public, role_required
from rehome.forms import add_service_errors

NO_METHOD = "No impact method has been adopted yet, so there are no figures to show."
CREATED = "Version {version} is saved as a draft. It changes no figure until you adopt it."
UPDATED = "Version {version} is saved."
ADOPTED = "Version {version} is adopted: new figures use it from now on."


def _region_or_404():
    region = current_region()
    if region is None:
        raise Http404("No region has been loaded yet.")
    return region


def _board(request) -> tuple[boards.Dashboard, PeriodForm]:
    region = _region_or_404()
    years = selectors.years_with_figures(region, timezone.localdate())
    form = PeriodForm(request.GET or None, years=years)
    try:
        board = boards.dashboard(region, year=form.year())
    except LookupError:
        raise Http404(NO_METHOD) from None
    return board, form


@public
def dashboard(request):
    board, form = _board(request)
    context = {
        "board": board,
        "form": form,
        "query": request.GET.urlencode(),
        "areas": [row.area for row in board.figures.areas],
        "people_by_code": board.areas.numbers_by_key(impact.PEOPLE_SUPPORTED),
        "rate_by_code": board.areas.numbers_by_key(tables.PER_10K_OFFLINE),
        "rehomed_by_month": board.months.series(impact.REHOMED),
        "referred_by_month": board.months.series(impact.REFERRED),
        "rehomed_by_quarter": board.quarters.series(impact.REHOMED),
        "received_by_type": board.device_types.series(impact.RECEIVED),
        "co2e_by_category": board.environmental.series(tables.KG_CO2E),
        "pipeline": board.pipeline.series(tables.DEVICES),
        "suppression": boards.SUPPRESSION_NOTE,
        **_licence(board.region),
    }
    return render(request, "impact/dashboard.html", context)


def _licence(region) -> dict:
    return {
        "licence": boards.LICENCE,
        "licence_url": boards.LICENCE_URL,
        "factors_licence": boards.FACTORS_LICENCE,
        "factors_licence_url": boards.FACTORS_LICENCE_URL,
        "attribution": tables.attribution(region),
    }


def _filename(board: boards.Dashboard, extension: str) -> str:
    period = board.period_label.replace(" ", "-")
    return f"{board.region.slug}-impact-{period}.{extension}"


@public
def figures_csv(request):
    board, _ = _board(request)
    response = HttpResponse(
        tables.csv_document([boards.CSV_HEADER, *boards.csv_rows(board)]),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, "csv")}"'
    return response


@public
def figures_json(request):
    board, _ = _board(request)
    response = HttpResponse(
        json.dumps(boards.as_data(board), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, "json")}"'
    return response


# ---------------------------------------------------------------------------------------------
# The method, in public.


def _method_context(method: MethodVersion) -> dict:
    factors = list(method.factors.all())
    # One device of each category through the calculator: what each one avoids, as counted.
    one_each = impact.environmental({f.category: 1 for f in factors}, method.as_method())
    avoided = {row.category: row.kg_co2e_avoided for row in one_each.by_category}
    return {
        "method": method,
        "factors": [(factor, avoided[factor.category]) for factor in factors],
        "small_below": impact.SMALL_BELOW,
        "large_above": impact.LARGE_ABOVE,
        **_licence(method.region),
    }


@public
def method(request):
    region = _region_or_404()
    current = MethodVersion.objects.current(region)
    if current is None:
        raise Http404(NO_METHOD)
    adopted = MethodVersion.objects.filter(region=region, adopted_at__isnull=False)
    context = _method_context(current) | {"versions": adopted.order_by("-adopted_at", "-pk")}
    return render(request, "impact/method.html", context)


@public
def method_version(request, version):
    # Drafts are the coordinator's work in progress: only adopted versions are published.
    method = get_object_or_404(
        MethodVersion.objects.prefetch_related("factors"),
        region=_region_or_404(),
        version=version,
        adopted_at__isnull=False,
    )
    current = MethodVersion.objects.current(method.region)
    context = _method_context(method) | {"is_current": current == method}
    return render(request, "impact/method_version.html", context)


# ---------------------------------------------------------------------------------------------
# The coordinator's versions of the method.

COORDINATOR = (Role.COORDINATOR,)


def _region(request):
    return request.membership.organisation.region


def _version(request, version) -> MethodVersion:
    return get_object_or_404(
        MethodVersion.objects.prefetch_related("factors"), region=_region(request), version=version
    )


@role_required(*COORDINATOR)
def methods(request):
    region = _region(request)
    context = {
        "versions": MethodVersion.objects.filter(region=region).select_related("created_by"),
        "current": MethodVersion.objects.current(region),
    }
    return render(request, "impact/methods.html", context)


@role_required(*COORDINATOR)
def method_new(request):
    region = _region(request)
    if request.method == "POST":
        form = MethodVersionForm(request.POST)
        if form.is_valid():
            try:
                created = services.method_version_create(
                    region=region, actor=request.user, change=form.change()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, CREATED.format(version=created.version))
                return redirect("impact:methods")
    else:
        current = MethodVersion.objects.current(region)
        initial = MethodVersionForm.initial_from(services.change_from(current)) if current else {}
        form = MethodVersionForm(initial=initial)
    return render(request, "impact/method_form.html", {"form": form, "method": None})


def _refuse_if_final(request, method: MethodVersion):
    """A redirect with the service's message when `method` can no longer change, else None."""
    if method.is_frozen or method.adopted_at is not None:
        template = MethodFrozen.MESSAGE if method.is_frozen else services.ADOPTED_IS_FINAL
        messages.error(request, template.format(version=method.version))
        return redirect("impact:methods")
    return None


@role_required(*COORDINATOR)
def method_edit(request, version):
    method = _version(request, version)
    if refused := _refuse_if_final(request, method):
        return refused
    if request.method == "POST":
        form = MethodVersionForm(request.POST)
        if form.is_valid():
            try:
                method = services.method_version_update(
                    method, actor=request.user, change=form.change()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, UPDATED.format(version=method.version))
                return redirect("impact:methods")
    else:
        change = services.change_from(method)
        change.version, change.notes = method.version, method.notes
        form = MethodVersionForm(initial=MethodVersionForm.initial_from(change))
    return render(request, "impact/method_form.html", {"form": form, "method": method})


@require_POST
@role_required(*COORDINATOR)
def method_adopt(request, version):
    method = _version(request, version)
    try:
        method = services.method_adopt(method, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, ADOPTED.format(version=method.version))
    return redirect("impact:methods")
