import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import (
    ALREADY_INVITED,
    INVITATION_UNUSABLE,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)


def invite(personas, email="new.worker@example.org", **extra):
    return invitation_create(
        organisation=personas.ladywood,
        email=email,
        role="vcse_worker",
        invited_by=personas.alice,
        **extra,
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/invitations/(\S+)/", message.body).group(1)


def test_inviting_someone_emails_a_link_once_the_transaction_commits(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite(personas)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.worker@example.org"]
    assert link_in(mail.outbox[0]) == raw
    assert raw not in invitation.token_hash  # only the digest is stored


def test_an_invitation_for_a_role_the_organisation_cannot_hold_is_refused(personas):
    with pytest.raises(ValidationError, match="cannot have a regional coordinator"):
        invitation_create(
            organisation=personas.ladywood,
            email="x@example.org",
            role="coordinator",
            invited_by=personas.alice,
        )


def test_a_second_pending_invitation_to_the_same_person_is_refused(personas):
    invite(personas)
    with pytest.raises(ValidationError) as error:
        invite(personas, email="NEW.worker@example.org")
    assert ALREADY_INVITED.format(
        email="new.worker@example.org", organisation="Ladywood Community Hub"
    ) in str(error.value)


def test_inviting_an_existing_member_is_refused(personas):
    with pytest.raises(ValidationError, match="already a member"):
        invite(personas, email="bob@example.org")


def test_accepting_creates_an_account_with_a_verified_email_and_membership(personas):
    invitation, _ = invite(personas)
    user = invitation_accept(
        invitation=invitation, full_name="Nia New", password="a-long-passphrase-9"
    )
    assert user.check_password("a-long-passphrase-9")
    assert user.emailaddress_set.get().verified
    assert user.memberships.get().organisation == personas.ladywood
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_accepting_refuses_a_weak_password_and_creates_nothing(personas):
    invitation, _ = invite(personas)
    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, full_name="Nia", password="password")
    assert "password" in error.value.message_dict
    assert not User.objects.filter(email="new.worker@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_existing_user_accepts_while_signed_in_and_keeps_their_account(personas):
    invitation, _ = invitation_create(
        organisation=personas.ladywood,
        email="charlie@example.org",
        role="vcse_worker",
        invited_by=personas.alice,
    )
    invitation_accept(invitation=invitation, user=personas.charlie)
    assert set(personas.charlie.memberships.values_list("organisation__name", flat=True)) == {
        "Tipton Together",
        "Ladywood Community Hub",
    }


def test_a_different_signed_in_user_cannot_take_someone_elses_invitation(personas):
    invitation, _ = invite(personas)
    with pytest.raises(ValidationError, match=r"was sent to new\.worker@example\.org"):
        invitation_accept(invitation=invitation, user=personas.charlie)


def test_used_expired_and_withdrawn_invitations_cannot_be_accepted(personas):
    used, _ = invite(personas, email="one@example.org")
    invitation_accept(invitation=used, full_name="One", password="a-long-passphrase-9")
    expired, _ = invite(personas, email="two@example.org")
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    withdrawn, _ = invite(personas, email="three@example.org")
    invitation_revoke(invitation=withdrawn, revoked_by=personas.alice)
    for invitation in (used, expired, withdrawn):
        with pytest.raises(ValidationError, match=INVITATION_UNUSABLE):
            invitation_accept(
                invitation=invitation, full_name="Again", password="a-long-passphrase-9"
            )


def test_the_accept_page_signs_the_new_member_in(client, personas):
    _, raw = invite(personas)
    page = client.get(f"/invitations/{raw}/")
    assert b"Join Ladywood Community Hub" in page.content
    response = client.post(
        f"/invitations/{raw}/", {"full_name": "Nia New", "password": "a-long-passphrase-9"}
    )
    assert response.status_code == 302
    assert client.get("/home/").context["user"].email == "new.worker@example.org"


def test_the_accept_page_shows_password_problems_on_the_field(client, personas):
    _, raw = invite(personas)
    response = client.post(f"/invitations/{raw}/", {"full_name": "Nia", "password": "12345678901"})
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.context["form"].errors["password"]


def test_an_unknown_link_says_it_cannot_be_used(client, db):
    response = client.get("/invitations/nonsense/")
    assert response.status_code == 404
    assert INVITATION_UNUSABLE.encode() in response.content


def test_an_admin_invites_from_the_team_page(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/organisation/team/invite/", {"email": "helper@example.org", "role": "vcse_worker"}
        )
    assert response.status_code == 302
    assert (
        Invitation.objects.pending()
        .filter(email="helper@example.org", organisation=personas.ladywood)
        .exists()
    )
    assert len(mail.outbox) == 1


def test_the_invite_form_reports_a_bad_email_without_inviting(client, personas):
    client.force_login(personas.alice)
    response = client.post(
        "/organisation/team/invite/", {"email": "not-an-email", "role": "vcse_worker"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.context["form"].errors["email"]
    assert not Invitation.objects.exists()


def test_a_member_who_is_not_an_admin_cannot_invite(client, personas):
    client.force_login(personas.bob)
    response = client.post(
        "/organisation/team/invite/", {"email": "x@example.org", "role": "vcse_worker"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_cannot_withdraw_another_organisations_invitation(client, personas):
    invitation, _ = invite(personas)
    client.force_login(personas.charlie)  # admin of Tipton Together
    response = client.post(f"/organisation/team/invitations/{invitation.pk}/withdraw/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
