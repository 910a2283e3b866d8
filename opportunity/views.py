"""The public opportunity estimator, and the coordinator's pipeline of employers to engage."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lib import opportunity as estimator
from lib.manifest import ManifestError
from organisations.roles import Role
from rehome.access import public, role_required
from rehome.forms import add_service_errors

from . import charts, selectors, services
from .forms import EmployersUploadForm, EstimateForm, MoveForm, ProspectForm
from .models import Prospect, Stage

COORDINATOR = (Role.COORDINATOR,)
SIGNED_SALT = "opportunity.employers"
# A checked list may be added for this long after it was checked.
SIGNED_MAX_AGE = 60 * 60
EXPIRED = "The checked list is out of date; upload the file again."
MAX_PROBLEMS_SHOWN = 200
TOO_BIG = (
    f"The file is larger than {estimator.LIMITS.max_bytes // (1024 * 1024)} MB, far more than a "
    "list of employers needs. Upload a CSV or XLSX file with one employer per row."
)


@public
def estimator_page(request):
    form = EstimateForm(request.GET if "employees" in request.GET else EstimateForm.EXAMPLE)
    estimate = form.estimate() if form.is_valid() else None
    context = {
        "form": form,
        "estimate": estimate,
        "chart": charts.range_chart(estimate) if estimate else None,
        "explanations": [
            (estimator.LABELS[name], estimator.EXPLANATIONS[name]) for name in estimator.FACTORS
        ],
        "central": estimator.CENTRAL,
        "low": estimator.LOW,
        "high": estimator.HIGH,
        "source": estimator.SOURCE,
    }
    template = "opportunity/_estimator.html" if request.htmx else "opportunity/estimator.html"
    return render(request, template, context)


def _region(request):
    return request.membership.organisation.region


def _prospect(request, pk) -> Prospect:
    """One of the coordinator's region's prospects, or 404."""
    return get_object_or_404(
        Prospect.objects.visible_to(request.user).filter(region=_region(request)), pk=pk
    )


@role_required(*COORDINATOR)
def pipeline(request):
    prospects = Prospect.objects.visible_to(request.user).filter(region=_region(request))
    counts = dict(prospects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    stage = request.GET.get("stage", "")
    shown = prospects.filter(stage=stage) if stage in Stage.values else prospects
    rows = selectors.pipeline_rows(shown)
    linked = [row for row in rows if row.received is not None]
    context = {
        "rows": rows,
        "stage": stage if stage in Stage.values else "",
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices],
        "total": len(prospects),
        "expected": sum(row.estimate.central.devices_available for row in rows),
        "linked": linked,
        "chart": charts.expected_actual_chart(
            [
                (row.prospect.name, row.estimate.central.devices_available, row.received)
                for row in linked
            ]
        )
        if linked
        else None,
    }
    return render(request, "opportunity/pipeline.html", context)


def _signed(employers: list[estimator.Employer]) -> str:
    rows = [[e.row, e.name, e.employees, e.sector, e.overrides] for e in employers]
    return signing.dumps(rows, salt=SIGNED_SALT, compress=True)


def _unsigned(value: str) -> list[estimator.Employer]:
    rows = signing.loads(value, salt=SIGNED_SALT, max_age=SIGNED_MAX_AGE)
    return [estimator.Employer(*row) for row in rows]


@role_required(*COORDINATOR)
def upload(request):
    region = _region(request)
    if request.method == "POST" and "employers" in request.POST:
        try:
            employers = _unsigned(request.POST["employers"])
        except signing.BadSignature:
            messages.error(request, EXPIRED)
            return redirect("opportunity:upload")
        try:
            added, updated = services.prospects_import(
                region=region, employers=employers, actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("opportunity:upload")
        messages.success(
            request,
            f"{added} employer{'s' if added != 1 else ''} added to the pipeline, "
            f"{updated} updated.",
        )
        return redirect("opportunity:pipeline")

    form = EmployersUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            if upload_file.size > estimator.LIMITS.max_bytes:
                raise ManifestError(TOO_BIG)
            found = estimator.read_employers(upload_file.read(), upload_file.name)
        except ManifestError as error:
            form.add_error("file", str(error))
        else:
            context["filename"] = upload_file.name
            context["warnings"] = found.warnings
            if found.ok:
                names = Prospect.objects.filter(region=region).values_list("name", flat=True)
                known = {name.lower() for name in names}
                total = estimator.total(found.employers)
                context |= {
                    "total": total,
                    "preview": [(e, est, e.name.lower() in known) for e, est in total.rows],
                    "signed": _signed(found.employers),
                }
            else:
                context["errors"] = found.errors[:MAX_PROBLEMS_SHOWN]
                context["error_count"] = len(found.errors)
    return render(request, "opportunity/upload.html", context)


@role_required(*COORDINATOR)
def prospect_detail(request, pk):
    prospect = _prospect(request, pk)
    form = ProspectForm(request.POST or None, prospect=prospect)
    if request.method == "POST" and form.is_valid():
        try:
            services.prospect_update(prospect, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{prospect} is updated.")
            return redirect(prospect)
    row = selectors.pipeline_rows(Prospect.objects.filter(pk=prospect.pk))[0]
    context = {
        "prospect": prospect,
        "row": row,
        "row_list": [row],
        "own": [(estimator.LABELS[name], value) for name, value in prospect.overrides.items()],
        "form": form,
        "moves": [
            (stage, label, (prospect.stage, stage) in services.BACKWARDS)
            for stage, label in services.moves(prospect)
        ],
        "events": prospect.events.select_related("actor"),
        "chart": charts.expected_actual_chart(
            [(prospect.name, row.estimate.central.devices_available, row.received)]
        )
        if row.received is not None
        else None,
    }
    return render(request, "opportunity/prospect.html", context)


@require_POST
@role_required(*COORDINATOR)
def prospect_move(request, pk):
    prospect = _prospect(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the stage to move to.")
        return redirect(prospect)
    try:
        moved = services.prospect_move(
            prospect,
            to_stage=form.cleaned_data["stage"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{moved} is now at the stage “{moved.get_stage_display()}”.")
    return redirect(prospect)
