from django.core.management.base import BaseCommand, CommandError

from demo.data import DEMO_PASSWORD, PEOPLE
from demo.services import DemoRegionMismatch, demo_seed


class Command(BaseCommand):
    help = "Load the demo region with fictional organisations and one person per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the volume of generated data."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any organisation exists."
        )

    def handle(self, *args, scale: int, if_empty: bool, **options):
        from organisations.models import Organisation

        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("Organisations already exist; demo data not loaded.")
            return
        try:
            created = demo_seed(scale=scale)
        except DemoRegionMismatch as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo region ready: {created['organisations']} organisations, "
                f"{created['accreditations']} accreditations, {created['people']} people and "
                f"{created['devices']} devices added."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, _name, memberships, two_factor in PEOPLE:
            organisation, role, _ = memberships[0]
            extra = " — two-factor: `python manage.py demo_otp " + email + "`" if two_factor else ""
            self.stdout.write(f"  {email:30} {role:16} {organisation}{extra}")
