from api.services import api_token_create


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
