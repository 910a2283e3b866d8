"""The JSON API at /api/v1/: each app contributes a router; the OpenAPI document is generated."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from api.services import api_token_authenticate


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer rh_…`: an organisation's API token, created by its admins."""

    def authenticate(self, request: HttpRequest, token: str):
        return api_token_authenticate(token)


# The signed-in browser session also works (unsafe methods then need the CSRF token).
AUTH = [OrganisationToken(), django_auth]

AUTH_ERRORS = {
    "401": "Not authenticated: send an organisation token or sign in.",
    "403": "Authenticated, but not allowed to do this.",
}


VALIDATION_ERROR = {
    "title": "ValidationErrorOut",
    "type": "object",
    "description": "Every problem with the request, each with where it is (`loc`) and what is wrong (`msg`).",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                },
                "required": ["loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _files_are_not_empty(operation: dict) -> None:
    """An uploaded file must have content: say so in the schema (Django drops empty uploads)."""
    body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if not body:
        return
    schema = body.get("schema", {})
    for prop in schema.get("properties", {}).values():
        if prop.get("format") == "binary":
            prop.setdefault("minLength", 1)


NUL_REFUSED = "Text may not contain NUL (\\u0000) characters."
NO_NUL = "^[^\\x00]*$"


class NulRefusingParser(Parser):
    """No text in Rehome holds a NUL character (PostgreSQL cannot store one, and no person types
    one), so a query parameter with one is refused with 422 like any other invalid value (as
    Django's form fields do) instead of failing at the database. Request bodies declare the same
    rule per field (`Text` in api/schemas.py), since keys a body schema does not declare are
    ignored rather than refused."""

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        found = [
            {"type": "value_error", "loc": ["query", key], "msg": NUL_REFUSED}
            for key, value in result.items()
            # Text only: uploaded files (multipart data comes through here too) are bytes to keep.
            if any(
                isinstance(item, str) and "\x00" in item
                for item in (value if isinstance(value, list) else [value])
            )
        ]
        if found:
            raise ValidationError(found)
        return result


def _query_strings_refuse_nul(operation: dict) -> None:
    """Say so in the schema: a string query parameter never holds NUL."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        for option in [schema, *schema.get("anyOf", [])]:
            free_text = not ({"enum", "format", "pattern", "const"} & option.keys())
            if option.get("type") == "string" and free_text:
                option["pattern"] = NO_NUL


class RehomeAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Document the errors every operation can answer with, beside what each one declares.

        Protected operations can refuse with 401/403; any operation that takes input can reject
        it with 422 listing every problem.
        """
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema["components"].setdefault("schemas", {})
        components["ErrorOut"] = {
            "title": "ErrorOut",
            "type": "object",
            "properties": {"detail": {"title": "Detail", "type": "string"}},
            "required": ["detail"],
        }
        components["ValidationErrorOut"] = VALIDATION_ERROR
        for operations in schema["paths"].values():
            for operation in operations.values():
                _files_are_not_empty(operation)
                _query_strings_refuse_nul(operation)
                responses = operation["responses"]
                if operation.get("security"):
                    for status, description in AUTH_ERRORS.items():
                        responses.setdefault(
                            status, _json("#/components/schemas/ErrorOut", description)
                        )
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    responses.setdefault(
                        "400",
                        _json("#/components/schemas/ErrorOut", "The body is not valid JSON."),
                    )
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(
                        "422",
                        _json(
                            "#/components/schemas/ValidationErrorOut", "The request is not valid."
                        ),
                    )
        return schema


api = RehomeAPI(
    title="Rehome API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    parser=NulRefusingParser(),
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
api.add_router("/", "devices.api.router")
api.add_router("/", "erasure.api.router")
api.add_router("/", "custody.api.router")
api.add_router("/", "donations.api.router")
api.add_router("/", "referrals.api.router")
api.add_router("/", "directory.api.router")
api.add_router("/", "library.api.router")
api.add_router("/", "opportunity.api.router")
api.add_router("/", "assessment.api.router")
api.add_router("/", "impact.api.router")
