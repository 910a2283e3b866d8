"""The JSON API at /api/v1/: each app contributes a router; the OpenAPI document is generated."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from api.services import api_token_authenticate


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer rh_…`: an organisation's API token, created by its admins."""

    def authenticate(self, request: HttpRequest, token: str):
        return api_token_authenticate(token)


# The signed-in browser session also works (unsafe methods then need the CSRF token).
AUTH = [OrganisationToken(), django_auth]

api = NinjaAPI(
    title="Rehome API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    description=(
        "Organisation-scoped API for Rehome. Authenticate with an organisation API token sent as "
        "`Authorization: Bearer rh_…` (created by an organisation admin under *API tokens*), or with "
        "a signed-in browser session. Everything returned is limited to what the token's "
        "organisation and role may see."
    ),
)

api.add_router("/", "accounts.api.router")
api.add_router("/", "regions.api.router")
api.add_router("/", "organisations.api.router")
