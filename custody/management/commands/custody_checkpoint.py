from django.core.management.base import BaseCommand

from custody.ledger import checkpoint_create


class Command(BaseCommand):
    help = "Hash every device's custody chain head into one Merkle root and store it."

    def handle(self, **options):
        checkpoint = checkpoint_create()
        self.stdout.write(
            f"Checkpoint {checkpoint.pk} at {checkpoint.created_at:%Y-%m-%d %H:%M:%S} UTC: "
            f"{checkpoint.events} events on {checkpoint.devices} devices\n"
            f"root {checkpoint.root}"
        )
