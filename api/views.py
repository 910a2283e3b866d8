from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from rehome.access import org_admin_required
from rehome.forms import add_service_errors

NEW_SECRET_KEY = "rehome_new_api_token"


def _tokens_of(request):
    return ApiToken.objects.filter(organisation=request.membership.organisation).select_related(
        "created_by"
    )


@org_admin_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(
                membership=request.membership, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown on the next page only, then gone: the database keeps just its hash.
            request.session[NEW_SECRET_KEY] = secret
            messages.success(
                request, f"Token “{token.name}” created. Copy it now: it will not be shown again."
            )
            return redirect("api_tokens:list")
    secret = request.session.pop(NEW_SECRET_KEY, None)
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": _tokens_of(request), "secret": secret}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_admin_required
def token_revoke(request, pk: int):
    token = get_object_or_404(_tokens_of(request).active(), pk=pk)
    api_token_revoke(token=token, revoked_by=request.user)
    messages.success(
        request, f"Token “{token.name}” revoked. Anything using it can no longer reach the API."
    )
    return redirect("api_tokens:list")
