from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from rehome.mail import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """People join by invitation from an organisation, never by open sign-up."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render here, where the request is at hand, and let the background worker send it."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        queue_email(self.render_mail(template_prefix, email, ctx))
