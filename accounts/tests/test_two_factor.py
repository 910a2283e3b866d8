from allauth.mfa.models import Authenticator

from accounts.two_factor import MUST_ENROL_MESSAGE
from conftest import make_user
from organisations.services import membership_create


def test_a_coordinator_without_two_factor_is_sent_to_enrol(client, personas):
    newcomer = make_user("new.coordinator@example.org", "New Coordinator")
    membership_create(user=newcomer, organisation=personas.wmca, role="coordinator")
    client.force_login(newcomer)
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get(response["Location"], follow=True)
    assert MUST_ENROL_MESSAGE in [str(m) for m in page.context["messages"]]


def test_an_itad_technician_without_two_factor_cannot_use_the_api_by_session(client, personas):
    newcomer = make_user("new.tech@example.org", "New Tech")
    membership_create(user=newcomer, organisation=personas.itad_org, role="itad_technician")
    client.force_login(newcomer)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["detail"] == MUST_ENROL_MESSAGE


def test_a_coordinator_with_two_factor_reaches_their_home(client, personas):
    client.force_login(personas.coordinator)
    assert client.get("/home/").status_code == 200


def test_a_vcse_worker_may_use_two_factor_but_is_not_made_to(client, personas):
    client.force_login(personas.alice)
    assert client.get("/home/").status_code == 200


def test_public_pages_stay_open_to_a_user_who_still_has_to_enrol(client, personas):
    newcomer = make_user("new.coordinator@example.org", "New Coordinator")
    membership_create(user=newcomer, organisation=personas.wmca, role="coordinator")
    client.force_login(newcomer)
    assert client.get("/privacy/").status_code == 200


def test_a_coordinator_cannot_remove_their_authenticator(personas):
    from allauth.mfa.adapter import get_adapter

    authenticator = Authenticator.objects.get(
        user=personas.coordinator, type=Authenticator.Type.TOTP
    )
    assert not get_adapter().can_delete_authenticator(authenticator)


def test_signing_in_asks_a_coordinator_for_their_code(client, personas):
    from conftest import PASSWORD, totp_code

    response = client.post(
        "/accounts/login/", {"login": "coordinator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/home/").status_code == 302  # not signed in until the code is given
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200
