"""Referrals over the API: a VCSE's case-management system refers people and follows them, and
sees nothing of any other organisation's referrals."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.pagination import MAX_PAGE_SIZE
from api.services import api_token_create
from api.tests.test_schemathesis import keep_test_connection  # noqa: F401 (a fixture)
from lib.personal_data import MESSAGES
from organisations.models import Membership
from referrals.api import UNKNOWN_AREA, VCSE_ONLY
from referrals.models import AccessAction, EventKind, Referral, ReferralAccess, State
from rehome.wsgi import application

URL = "/api/v1/referrals"


def token_for(personas, user) -> dict:
    _, secret = api_token_create(membership=personas.membership(user), name="Case system")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def alice_api(personas) -> dict:
    return token_for(personas, personas.alice)


@pytest.fixture
def charlie_api(personas) -> dict:
    return token_for(personas, personas.charlie)


def body(**overrides) -> dict:
    values = {
        "reference": "LCH-0100",
        "area": "E08000025",
        "device_type": "laptop",
        "substitutes": ["tablet"],
        "eligibility": ["low_income", "job_seeker"],
        "connectivity": "needs_sim",
        "skills": ["getting_started"],
        "consent_by": "person",
        "consent_purposes": ["referral", "aggregate"],
    }
    values.update(overrides)
    return values


def post(client, headers, **overrides):
    return client.post(URL, body(**overrides), content_type="application/json", headers=headers)


def problems(response) -> dict[str, list[str]]:
    """The 422's messages by the field they are about."""
    found: dict[str, list[str]] = {}
    for problem in response.json()["detail"]:
        found.setdefault(problem["loc"][-1], []).append(problem["msg"])
    return found


def test_it_creates_a_referral_on_the_waiting_list(client, personas, alice_api):
    response = post(client, alice_api, postcode_district="b15")
    assert response.status_code == 201
    created = response.json()
    referral = Referral.objects.get(uid=created["uid"])
    assert referral.vcse == personas.ladywood
    assert referral.postcode_district == "B15"
    assert created["reference"] == "LCH-0100"
    assert created["state"] == "waiting"
    assert created["area"] == {"code": "E08000025", "name": "Birmingham"}
    assert created["needs"]["device_type"] == "laptop"
    assert created["needs"]["substitutes"] == ["tablet"]
    assert created["needs"]["eligibility"] == ["low_income", "job_seeker"]
    assert created["needs"]["priority"] == 3
    assert created["position"] == 1
    assert created["estimate"].startswith("No estimate yet")
    assert created["expires_on"] == referral.expires_on.isoformat()
    assert [(e.kind, e.to_state) for e in referral.events.all()] == [
        (EventKind.CREATED, State.WAITING)
    ]
    access = ReferralAccess.objects.get()
    assert (access.action, access.referral, access.via_api) == (
        AccessAction.CHANGED,
        referral,
        True,
    )
    assert access.vcse == personas.ladywood
    assert access.user is None  # a token is not a person


def test_it_accepts_the_area_by_slug(client, alice_api):
    response = post(client, alice_api, area="sandwell")
    assert response.status_code == 201
    assert response.json()["area"]["code"] == "E08000028"


def test_it_refuses_personal_data_naming_every_field_and_stores_nothing(client, alice_api):
    response = post(
        client,
        alice_api,
        notes="Email her at jo.bloggs@example.com",
        priority=1,
        priority_reason="Call 07700 900123",
    )
    assert response.status_code == 422
    found = problems(response)
    assert found["notes"] == [MESSAGES["email"]]
    assert found["priority_reason"] == [MESSAGES["phone"]]
    assert all(p["loc"][:2] == ["body", "payload"] for p in response.json()["detail"])
    assert "jo.bloggs" not in response.content.decode()
    assert not Referral.objects.exists()
    assert not ReferralAccess.objects.exists()


def test_it_names_an_unknown_area_beside_the_other_problems(client, alice_api):
    response = post(client, alice_api, area="E09000001", consent_purposes=["referral"])
    assert response.status_code == 422
    found = problems(response)
    assert found["area"] == [UNKNOWN_AREA.format(region="West Midlands", value="E09000001")]
    assert "consent_purposes" in found
    assert not Referral.objects.exists()


def test_it_refuses_a_choice_that_is_not_a_stored_value(client, alice_api):
    response = post(client, alice_api, device_type="Laptop", eligibility=["poor"])
    assert response.status_code == 422
    assert {"device_type", 0} <= set(problems(response))  # 0: the list item that is wrong
    assert not Referral.objects.exists()


@pytest.mark.parametrize("field", ["reference", "area", "notes"])
def test_it_refuses_a_null_character_as_invalid_not_a_server_error(client, alice_api, field):
    response = post(client, alice_api, **{field: "A\x00B"})
    assert response.status_code == 422
    assert problems(response)[field][0].startswith("String should match pattern")


def test_it_refuses_a_reference_already_used(client, refer, alice_api):
    refer(reference="LCH-0100")
    response = post(client, alice_api)
    assert response.status_code == 422
    assert problems(response)["reference"] == ["You already have a referral with this reference."]


def test_the_list_shows_only_the_organisations_own_referrals(
    client, personas, refer, alice_api, charlie_api
):
    refer(reference="LCH-1")
    refer(reference="LCH-2", priority=1, priority_reason="Leaving care next week")
    refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell", reference="TT-1")

    mine = client.get(URL, headers=alice_api).json()
    assert mine["count"] == 2
    assert [r["reference"] for r in mine["items"]] == ["LCH-2", "LCH-1"]  # urgent first
    assert [r["position"] for r in mine["items"]] == [1, 2]

    theirs = client.get(URL, headers=charlie_api).json()
    assert [r["reference"] for r in theirs["items"]] == ["TT-1"]

    listed = ReferralAccess.objects.filter(action=AccessAction.LISTED, via_api=True)
    assert sorted((a.vcse.name, a.count) for a in listed) == [
        ("Ladywood Community Hub", 2),
        ("Tipton Together", 1),
    ]


def test_the_list_filters_by_state(client, refer, personas, alice_api):
    from referrals import services

    refer(reference="LCH-1")
    gone = refer(reference="LCH-2")
    services.referral_withdraw(
        gone, actor=personas.alice, organisation=personas.ladywood, reason="found_elsewhere"
    )

    waiting = client.get(URL, {"state": "waiting"}, headers=alice_api).json()
    assert [r["reference"] for r in waiting["items"]] == ["LCH-1"]
    withdrawn = client.get(URL, {"state": "withdrawn"}, headers=alice_api).json()
    assert [(r["reference"], r["position"]) for r in withdrawn["items"]] == [("LCH-2", None)]


def test_the_list_refuses_an_unknown_state(client, alice_api):
    response = client.get(URL, {"state": "lost"}, headers=alice_api)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "state"]


def test_the_list_pages_within_bounds(client, refer, alice_api):
    refer(reference="LCH-1")
    refer(reference="LCH-2")
    page = client.get(URL, {"page_size": 1, "page": 2}, headers=alice_api).json()
    assert page["count"] == 2
    assert [r["reference"] for r in page["items"]] == ["LCH-2"]
    for params in ({"page": 0}, {"page_size": MAX_PAGE_SIZE + 1}, {"page": 10**12}):
        assert client.get(URL, params, headers=alice_api).status_code == 422


def test_the_detail_shows_the_status_and_history(client, refer, personas, alice_api):
    from referrals import services

    referral = refer()
    services.referral_withdraw(
        referral, actor=personas.alice, organisation=personas.ladywood, reason="moved_away"
    )
    response = client.get(f"{URL}/{referral.uid}", headers=alice_api)
    assert response.status_code == 200
    shown = response.json()
    assert shown["state"] == "withdrawn"
    assert shown["position"] is None
    assert shown["estimate"] is None
    assert [(e["kind"], e["from_state"], e["to_state"]) for e in shown["history"]] == [
        ("created", "", "waiting"),
        ("state", "waiting", "withdrawn"),
    ]
    access = ReferralAccess.objects.get(action=AccessAction.VIEWED)
    assert (access.referral, access.via_api) == (referral, True)


def test_another_vcses_referral_is_not_found(client, refer, charlie_api):
    referral = refer()
    response = client.get(f"{URL}/{referral.uid}", headers=charlie_api)
    assert response.status_code == 404
    assert not ReferralAccess.objects.filter(referral=referral).exists()


@pytest.mark.parametrize("who", ["coordinator", "council_officer", "donor", "technician"])
def test_other_roles_are_refused_on_every_endpoint(client, refer, personas, who):
    user = getattr(personas, who)
    Membership.objects.filter(user=user).update(is_admin=True)  # only admins create tokens
    headers = token_for(personas, user)
    referral = refer()
    responses = [
        post(client, headers),
        client.get(URL, headers=headers),
        client.get(f"{URL}/{referral.uid}", headers=headers),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert all(r.json() == {"detail": VCSE_ONLY} for r in responses)
    assert Referral.objects.count() == 1
    assert not ReferralAccess.objects.exists()


def test_anonymous_callers_are_refused(client, refer):
    referral = refer()
    assert post(client, {}).status_code == 401
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{referral.uid}").status_code == 401


def test_a_signed_in_vcse_worker_can_use_the_api(client, refer, personas):
    refer(reference="LCH-1")
    client.force_login(personas.bob)
    listed = client.get(URL).json()
    assert [r["reference"] for r in listed["items"]] == ["LCH-1"]
    assert ReferralAccess.objects.get().user == personas.bob


def test_a_signed_in_coordinator_is_refused(client, refer, personas):
    refer()
    client.force_login(personas.coordinator)
    assert client.get(URL).status_code == 403


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex="^/api/v1/referrals"
)


@pytest.fixture
def vcse_token(personas, refer):
    refer(reference="LCH-1")
    _, secret = api_token_create(membership=personas.membership(personas.alice), name="Fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.usefixtures("keep_test_connection")
def test_the_referrals_api_honours_its_schema_for_a_vcse(case, vcse_token):
    """The project-wide fuzz uses a coordinator's token, refused here; this one gets through.

    A schema-valid referral can still be refused (personal data, an unknown area, a reference
    already used, consent missing), so a 422 for one is not a failure here."""
    case.call_and_validate(
        headers={"Authorization": f"Bearer {vcse_token}"},
        excluded_checks=[positive_data_acceptance],
    )
