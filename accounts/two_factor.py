"""Two-factor authentication policy: who must use it."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

MUST_ENROL_MESSAGE = (
    "Your role handles sensitive data, so you must set up two-factor authentication before you "
    "continue. You will need an authenticator app on your phone."
)


def two_factor_required(roles) -> bool:
    """True when any of these roles (a user's, across memberships) must use two-factor sign-in."""
    return not set(roles).isdisjoint(settings.REHOME_TWO_FACTOR_REQUIRED_ROLES)


def has_totp(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])
