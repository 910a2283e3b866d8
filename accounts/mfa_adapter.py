from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from accounts.two_factor import two_factor_required


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Coordinators and ITAD technicians keep their authenticator app once set up."""
        if authenticator.type == Authenticator.Type.TOTP and two_factor_required(
            authenticator.user.memberships.values_list("role", flat=True)
        ):
            return False
        return super().can_delete_authenticator(authenticator)
