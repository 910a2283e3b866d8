"""The JSON API at /api/v1/: each app contributes a router; OpenAPI is generated."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Rehome API",
    version="1",
    urls_namespace="api",
    description="Organisation-scoped API for Rehome. Authenticate with a session or with an "
    "organisation API token sent as `Authorization: Bearer rh_…`.",
)
