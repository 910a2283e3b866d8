from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import AcceptInvitationForm
from accounts.models import Invitation
from accounts.services import (
    INVITATION_UNUSABLE,
    find_invitation,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from organisations.forms import InvitationForm
from organisations.views import render_team
from rehome.access import org_admin_required, public
from rehome.forms import add_service_errors


@require_POST
@org_admin_required
def invitation_new(request):
    organisation = request.membership.organisation
    form = InvitationForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("organisations:team")
    return render_team(request, form=form, status=400)


@require_POST
@org_admin_required
def invitation_withdraw(request, pk: int):
    invitation = get_object_or_404(
        Invitation.objects.pending(), pk=pk, organisation=request.membership.organisation
    )
    invitation_revoke(invitation=invitation, revoked_by=request.user)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("organisations:team")


@public
def invitation_accept_view(request, token: str):
    invitation = find_invitation(token)
    if invitation is None:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"message": INVITATION_UNUSABLE},
            status=404,
        )
    signed_in = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None) if signed_in is None else None
    if request.method == "POST":
        try:
            if signed_in is not None:
                user = invitation_accept(invitation=invitation, user=signed_in)
            elif form.is_valid():
                user = invitation_accept(invitation=invitation, **form.cleaned_data)
            else:
                user = None
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("workspace:home")
            add_service_errors(form, error)
            user = None
        if user is not None:
            if signed_in is None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.organisation}.")
            return redirect("workspace:home")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )
