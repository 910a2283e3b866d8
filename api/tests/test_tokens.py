import datetime

from django.utils import timezone

from accounts.models import hash_token
from api.models import ApiToken
from api.services import api_token_authenticate, api_token_create, api_token_revoke


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_stored_only_as_a_hash(personas):
    token, secret = api_token_create(membership=personas.membership(personas.alice), name="Sync")
    assert secret.startswith("rh_")
    assert token.key_hash == hash_token(secret)
    assert secret not in {token.key_hash, token.prefix}
    assert token.role == "vcse_worker"
    assert token.organisation == personas.ladywood


def test_only_an_organisation_admin_creates_tokens(personas):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="admins"):
        api_token_create(membership=personas.membership(personas.bob), name="Sync")


def test_the_api_accepts_a_live_token_and_records_when_it_was_used(client, personas):
    token, secret = api_token_create(membership=personas.membership(personas.alice), name="Sync")
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json()["kind"] == "token"
    assert response.json()["memberships"][0]["organisation"] == "Ladywood Community Hub"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(personas):
    token, secret = api_token_create(membership=personas.membership(personas.alice), name="Sync")
    recent = timezone.now() - datetime.timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_a_revoked_or_unknown_token_is_refused(client, personas):
    token, secret = api_token_create(membership=personas.membership(personas.alice), name="Sync")
    api_token_revoke(token=token, revoked_by=personas.alice)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("rh_made-up")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("not-even-ours")).status_code == 401


def test_the_tokens_page_shows_a_new_secret_once(client, personas):
    client.force_login(personas.alice)
    response = client.post("/organisation/api-tokens/", {"name": "Asset sync"}, follow=True)
    secret = response.context["secret"]
    assert secret
    assert secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    again = client.get("/organisation/api-tokens/")
    assert secret.encode() not in again.content
    assert b"Asset sync" in again.content


def test_the_tokens_page_requires_a_name(client, personas):
    client.force_login(personas.alice)
    response = client.post("/organisation/api-tokens/", {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_member_who_is_not_an_admin_cannot_see_tokens(client, personas):
    client.force_login(personas.bob)
    assert client.get("/organisation/api-tokens/").status_code == 403


def test_an_admin_revokes_their_organisations_token_but_not_anothers(client, personas):
    token, _ = api_token_create(membership=personas.membership(personas.alice), name="Sync")
    client.force_login(personas.charlie)
    assert client.post(f"/organisation/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(personas.alice)
    assert client.post(f"/organisation/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
