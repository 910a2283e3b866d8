"""POST /api/v1/opportunity/estimate: public, the same JSON as the command, 422 for bad input."""

import pytest

URL = "/api/v1/opportunity/estimate"


def test_anyone_can_estimate_without_signing_in(client):
    response = client.post(URL, {"employees": 240_000, "years": 4}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert (data["devices_available"], data["devices_rehomed"]) == (131_328, 37_822)
    assert data["low"]["devices_available"] <= data["devices_available"]
    assert data["high"]["devices_rehomed"] >= data["devices_rehomed"]
    assert data["assumptions"]["central"]["share_released"] == 0.456


def test_factors_can_be_changed(client):
    payload = {
        "employees": 1000,
        "years": 6,
        "devices_per_employee": 2,
        "refresh_years": 3,
        "share_released": 0.5,
        "share_reusable": 0.25,
    }
    data = client.post(URL, payload, content_type="application/json").json()
    assert (data["devices_available"], data["devices_rehomed"]) == (2000, 500)


def test_bad_input_names_each_problem(client):
    response = client.post(
        URL,
        {"employees": -1, "refresh_years": 0, "share_reusable": 2},
        content_type="application/json",
    )
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert problems == {
        ("body", "payload", "employees"): "Employees cannot be negative.",
        ("body", "payload", "refresh_years"): "Refresh cycle (years) must be more than 0.",
        ("body", "payload", "share_reusable"): (
            "Share reusable and donated must be between 0 and 1 (for example 0.45 for 45%)."
        ),
    }


@pytest.mark.django_db
def test_the_schema_documents_input_and_output(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/opportunity/estimate"]["post"]
    assert "security" not in operation
    assert set(operation["responses"]) >= {"200", "422"}
    assert "EstimateIn" in schema["components"]["schemas"]
    assert "EstimateOut" in schema["components"]["schemas"]
