import pyotp
from django.core.management.base import BaseCommand, CommandError

from demo.data import DEMO_TOTP_SECRET, PEOPLE


class Command(BaseCommand):
    help = "Print the current two-factor code for a demo account that uses the demo secret."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if email not in {person[0] for person in PEOPLE if person[3]}:
            raise CommandError(f"{email} is not a demo account with two-factor sign-in.")
        self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
