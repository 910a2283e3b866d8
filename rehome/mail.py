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
