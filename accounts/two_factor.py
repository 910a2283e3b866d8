"""Two-factor authentication policy: who must use it."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from organisations.models import Membership

MUST_ENROL_MESSAGE = (
    "Your role handles sensitive data, so you must set up two-factor authentication before you "
    "continue. You will need an authenticator app on your phone."
)
CANNOT_REMOVE_MESSAGE = (
    "Two-factor authentication is required for your role, so it cannot be removed."
)


def two_factor_required(user) -> bool:
    """True when any of the user's memberships is in a role that must use two-factor sign-in."""
    return Membership.objects.filter(
        user=user, role__in=settings.REHOME_TWO_FACTOR_REQUIRED_ROLES
    ).exists()


def has_totp(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])
