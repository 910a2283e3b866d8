"""POST /api/v1/assessment: public, explicit input and output, every problem listed."""

import pytest

URL = "/api/v1/assessment"


@pytest.mark.django_db
def test_a_device_gets_a_verdict_with_reasons_system_data_advice_and_rules_version(client):
    response = client.post(
        URL,
        {
            "device_type": "laptop",
            "year": 2019,
            "cpu": "Intel Core i5-8250U",
            "ram_gb": 8,
            "storage_type": "ssd",
            "storage_gb": 256,
            "powers_on": True,
            "battery": "good",
            "screen": "ok",
            "keyboard": "ok",
            "operating_system": "windows_10",
            "security_updates": "no",
            "locks": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "verdict",
        "verdict_label",
        "reasons",
        "recommended_os",
        "data_advice",
        "rules_version",
        "cpu_read_as",
        "accredited_partners_url",
    }
    assert body["verdict"] == "refurbish"
    assert body["verdict_label"] == "Refurbish it before giving it"
    assert any("Windows 10" in reason for reason in body["reasons"])
    assert body["recommended_os"]["key"] == "windows-11"
    assert set(body["recommended_os"]) == {"key", "name", "reason"}
    assert any("NIST SP 800-88" in advice for advice in body["data_advice"])
    assert body["rules_version"] == 1
    assert body["cpu_read_as"] == "Intel Core, 8th generation"
    assert body["accredited_partners_url"] == "http://testserver/donate/"


@pytest.mark.django_db
def test_only_the_type_is_needed(client):
    response = client.post(URL, {"device_type": "tablet"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["verdict"] == "refurbish"  # locks and updates not checked yet


@pytest.mark.django_db
def test_invalid_input_is_a_422_listing_every_problem(client):
    response = client.post(
        URL,
        {
            "device_type": "toaster",
            "year": 1850,
            "ram_gb": -1,
            "battery_health_pct": 140,
            "locks": ["padlock"],
            "updates_until": "soon",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    where = {
        tuple(problem["loc"][-2:]) if problem["loc"][-1] == 0 else problem["loc"][-1]
        for problem in response.json()["detail"]
    }
    assert {"device_type", "year", "ram_gb", "battery_health_pct", "updates_until"} <= where
    assert ("locks", 0) in where


@pytest.mark.django_db
def test_unknown_locks_cannot_come_with_locks(client):
    response = client.post(
        URL,
        {"device_type": "tablet", "locks": ["unknown", "google_frp"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "unknown" in response.json()["detail"][0]["msg"]


@pytest.mark.django_db
def test_the_operation_is_public_and_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/assessment"]["post"]
    assert not operation.get("security")
    assert set(operation["responses"]) >= {"200", "422"}
