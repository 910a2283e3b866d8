"""Organisation API tokens: created and revoked by an organisation's admins."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User, hash_token, new_token
from api.models import TOKEN_PREFIX, ApiToken
from organisations.models import Membership

TOKEN_ALREADY_REVOKED = "This token was already revoked."


def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a token that acts for the membership's organisation with the creator's role.

    Returns the token and its secret; the secret is shown once and only its hash is kept.
    """
    if not membership.is_admin:
        raise ValidationError("Only your organisation's admins can create API tokens.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for."})
    raw = TOKEN_PREFIX + new_token()
    token = ApiToken.objects.create(
        organisation=membership.organisation,
        name=name[:100],
        role=membership.role,
        prefix=raw[:10],
        key_hash=hash_token(raw),
        created_by=membership.user,
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, revoked_by: User) -> ApiToken:
    if token.revoked_at:
        raise ValidationError(TOKEN_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.revoked_by = revoked_by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token for a presented secret, recording when it was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("organisation")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Written at most once a minute: busy integrations should not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
