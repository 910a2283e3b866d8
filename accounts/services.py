"""Invitations: how people join an organisation."""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User, hash_token, new_token
from organisations.models import Membership, Organisation
from organisations.roles import Role
from organisations.services import membership_create
from rehome.mail import queue_email

ALREADY_MEMBER = "{email} is already a member of {organisation}."
ALREADY_INVITED = (
    "{email} already has a pending invitation to {organisation}. Revoke it to send a new one."
)
INVITATION_UNUSABLE = (
    "This invitation link has expired, been used or been withdrawn. Ask for a new one."
)
WRONG_ACCOUNT = (
    "This invitation was sent to {email}. Sign out and open the link again to accept it."
)


def find_invitation(raw_token: str) -> Invitation | None:
    """The pending invitation a link's token opens, or None."""
    return (
        Invitation.objects.pending()
        .select_related("organisation")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, is_admin: bool = False, invited_by: User
) -> tuple[Invitation, str]:
    """Invite someone by email to join `organisation` as `role`; return the invitation and its token.

    The token goes only into the emailed link (the database keeps its hash). The email is
    queued when the transaction commits.
    """
    email = email.strip().lower()
    if not organisation.allows_role(role):
        raise ValidationError({"role": f"{organisation} cannot have a {Role(role).label.lower()}."})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": ALREADY_MEMBER.format(email=email, organisation=organisation)}
        )
    if Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).exists():
        raise ValidationError(
            {"email": ALREADY_INVITED.format(email=email, organisation=organisation)}
        )
    raw = new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        is_admin=is_admin,
        token_hash=hash_token(raw),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.REHOME_INVITATION_DAYS),
    )
    context = {
        "invitation": invitation,
        "role_label": Role(role).label,
        "inviter": invited_by,
        "url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[raw]),
        "days": settings.REHOME_INVITATION_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to join {organisation} on Rehome",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[email],
    )
    queue_email(message)
    return invitation, raw


def invitation_revoke(*, invitation: Invitation, revoked_by: User) -> Invitation:
    """Withdraw a pending invitation so its link stops working."""
    if invitation.status != "pending":
        raise ValidationError(INVITATION_UNUSABLE)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> User:
    """Accept an invitation, creating the account when the email has none yet.

    An existing account must be the one invited (`user`); a new one needs a password that passes
    the password rules. The email address counts as verified: the person opened the link sent
    to it. The invitation row is locked so two clicks on the same link cannot both succeed.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError(INVITATION_UNUSABLE)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "An account already uses this email address. Sign in to accept the invitation."
            )
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(WRONG_ACCOUNT.format(email=invitation.email))
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    membership_create(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        is_admin=invitation.is_admin,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
