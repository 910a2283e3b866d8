from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor import MUST_ENROL_MESSAGE, has_totp, two_factor_required

# Pages a user who still has to enrol may reach: enrolment, the password check enrolment asks
# for, signing out and email confirmation.
ENROLMENT_PATHS = (
    "mfa_activate_totp",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_logout",
    "account_confirm_email",
    "account_email",
)


class RequireTwoFactorMiddleware:
    """Send users in roles that need two-factor sign-in to enrolment until they have done it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(view_func, "login_required", True) is False:
            return None
        match = request.resolver_match
        if match and match.url_name in ENROLMENT_PATHS:
            return None
        # The memberships were loaded by ActiveMembershipMiddleware: no extra query per request.
        if not two_factor_required(m.role for m in request.memberships) or has_totp(user):
            return None
        if match and match.namespace == "api":
            return JsonResponse({"detail": MUST_ENROL_MESSAGE}, status=403)
        messages.warning(request, MUST_ENROL_MESSAGE)
        return redirect(reverse("mfa_activate_totp"))
