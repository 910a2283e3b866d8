import pytest

from api.services import api_token_create
from rehome.api import NO_NUL, NUL_REFUSED


def token_for(personas, user) -> dict:
    _, secret = api_token_create(membership=personas.membership(user), name="Test")
    return {"Authorization": f"Bearer {secret}"}


def test_the_region_is_public_with_its_attribution(client, region):
    body = client.get("/api/v1/region").json()
    assert body["name"] == "West Midlands"
    assert len(body["areas"]) == 7
    assert any("Open Government Licence" in line for line in body["attribution"])


def test_organisations_are_scoped_to_the_tokens_organisation(client, personas):
    body = client.get("/api/v1/organisations", headers=token_for(personas, personas.charlie)).json()
    assert [o["name"] for o in body["items"]] == ["Tipton Together"]


def test_a_coordinator_token_lists_the_whole_region_by_kind(client, personas):
    headers = token_for(personas, personas.coordinator)
    body = client.get("/api/v1/organisations", {"kind": "vcse"}, headers=headers).json()
    assert {o["name"] for o in body["items"]} == {"Ladywood Community Hub", "Tipton Together"}
    assert body["count"] == 2


def test_an_organisation_shows_its_accreditations(client, personas):
    headers = token_for(personas, personas.coordinator)
    body = client.get(f"/api/v1/organisations/{personas.itad_org.slug}", headers=headers).json()
    assert body["accreditations"][0]["scheme"] == "adisa"
    assert body["accreditations"][0]["status"] == "valid"
    assert body["areas_served"] == ["E08000025", "E08000029"]


def test_another_organisation_is_not_found_for_an_outsider(client, personas):
    response = client.get(
        f"/api/v1/organisations/{personas.ladywood.slug}",
        headers=token_for(personas, personas.charlie),
    )
    assert response.status_code == 404


def test_a_signed_in_browser_session_can_use_the_api(client, personas):
    client.force_login(personas.alice)
    body = client.get("/api/v1/me").json()
    assert body["kind"] == "user"
    assert body["email"] == "alice@example.org"


def test_the_openapi_document_is_generated_and_documents_token_auth(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Rehome API"
    assert "OrganisationToken" in schema["components"]["securitySchemes"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_nul_character_in_a_query_parameter_is_refused_as_invalid(client, personas):
    headers = token_for(personas, personas.alice)
    query = client.get("/api/v1/organisations", {"kind": "vcse\x00"}, headers=headers)
    assert query.status_code == 422
    assert query.json()["detail"] == [
        {"type": "value_error", "loc": ["query", "kind"], "msg": NUL_REFUSED}
    ]


def test_the_schema_says_string_query_parameters_hold_no_nul(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/organisations"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")
    assert {"type": "string", "pattern": NO_NUL} in kind["schema"]["anyOf"]


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document keys schemas by class name: a second class with the same name would
    # silently replace the first in the document (and break clients generated from it).
    from ninja import Schema

    import rehome.api  # noqa: F401 (every router imported)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # (django-ninja makes NinjaResponseSchema classes of its own, with no module of ours.)
    ours = [c for c in subclasses(Schema) if c.__module__.split(".")[0] not in ("ninja", "abc")]
    names = [c.__name__ for c in ours]
    repeated = {
        n: [c.__module__ for c in ours if c.__name__ == n] for n in names if names.count(n) > 1
    }
    assert repeated == {}


@pytest.mark.parametrize(
    ("value", "status"), [("2019", 422), (True, 422), (2019.0, 200), (2019, 200)]
)
def test_a_number_must_be_a_json_number(client, region, value, status):
    response = client.post(
        "/api/v1/assessment",
        {"device_type": "laptop", "year": value},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 422:
        assert "year: give a number" in response.json()["detail"][0]["msg"]
