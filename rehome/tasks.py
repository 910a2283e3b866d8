from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *, to: list[str], subject: str, body: str, html_body: str = "", from_email: str = ""
) -> None:
    """Send one email from the worker, so a slow mail server never holds up a page."""
    message = EmailMultiAlternatives(subject, body, from_email or None, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
