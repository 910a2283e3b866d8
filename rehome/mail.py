from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from rehome.tasks import send_email


def queue_email(message: EmailMessage) -> None:
    """Queue a rendered message for the worker once the surrounding transaction commits.

    On commit, so a rolled-back invitation or reset never sends a link that does not work.
    """
    html_body = ""
    if isinstance(message, EmailMultiAlternatives):
        html_body = next(
            (content for content, mime in message.alternatives if mime == "text/html"), ""
        )
    kwargs = {
        "to": list(message.to),
        "subject": message.subject,
        "body": message.body,
        "html_body": html_body,
        "from_email": message.from_email or "",
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))


def queue_templated(to: list[str], subject: str, template: str, context: dict) -> None:
    """Render a plain-text template and queue it to `to` (nothing when `to` is empty)."""
    from django.conf import settings
    from django.template.loader import render_to_string

    if to:
        body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
        queue_email(EmailMessage(subject=subject, body=body, to=list(to)))


def member_emails(organisation_id: int, role: str) -> list[str]:
    """The e-mail addresses of an organisation's active members in `role`, lower case, sorted."""
    from organisations.models import Membership

    found = Membership.objects.filter(
        organisation_id=organisation_id, role=role, user__is_active=True
    ).values_list("user__email", flat=True)
    return sorted({email.lower() for email in found if email})
