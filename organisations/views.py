from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Invitation
from organisations.access import get_organisation_for_user
from organisations.forms import InvitationForm, OrganisationFilterForm
from organisations.memberships import SESSION_KEY, memberships_of
from organisations.models import Organisation
from organisations.roles import Role
from organisations.selectors import team_of, with_accreditations
from regions.models import Area
from rehome.access import role_required, self_service


def _active_organisation(request) -> Organisation:
    if request.membership is None:
        raise PermissionDenied("You are not a member of any organisation yet.")
    return request.membership.organisation


@require_POST
@self_service
def switch(request):
    membership = get_object_or_404(
        memberships_of(request.user), pk=request.POST.get("membership") or 0
    )
    request.session[SESSION_KEY] = membership.pk
    messages.success(
        request,
        f"You are now acting for {membership.organisation} as {membership.get_role_display()}.",
    )
    return redirect("workspace:home")


@self_service
def profile(request):
    organisation = _active_organisation(request)
    organisation = with_accreditations(Organisation.objects.filter(pk=organisation.pk)).get()
    return render(request, "organisations/profile.html", {"organisation": organisation})


def render_team(request, *, form: InvitationForm | None, status: int = 200):
    """The team page; the invitation form (blank or with errors) is shown to admins only."""
    organisation = request.membership.organisation
    context = {
        "organisation": organisation,
        "members": team_of(organisation),
        "invitations": Invitation.objects.filter(organisation=organisation).pending(),
        "form": form if request.membership.is_admin else None,
    }
    return render(request, "organisations/team.html", context, status=status)


@self_service
def team(request):
    organisation = _active_organisation(request)
    return render_team(request, form=InvitationForm(organisation=organisation))


@role_required(Role.COORDINATOR, Role.COUNCIL_OFFICER)
def organisation_list(request):
    areas = Area.objects.filter(region_id=request.membership.organisation.region_id)
    form = OrganisationFilterForm(request.GET or None, areas=areas)
    organisations = with_accreditations(Organisation.objects.visible_to(request.user))
    if form.is_valid():
        if form.cleaned_data["q"]:
            organisations = organisations.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            organisations = organisations.of_kind(form.cleaned_data["kind"])
        if form.cleaned_data["area"]:
            organisations = organisations.filter(areas_served__slug=form.cleaned_data["area"])
    page = Paginator(organisations.order_by("name"), 25).get_page(request.GET.get("page"))
    return render(request, "organisations/list.html", {"form": form, "page": page})


@role_required(Role.COORDINATOR, Role.COUNCIL_OFFICER)
def organisation_detail(request, slug: str):
    organisation = get_organisation_for_user(request, slug)
    organisation = with_accreditations(Organisation.objects.filter(pk=organisation.pk)).get()
    return render(request, "organisations/detail.html", {"organisation": organisation})
