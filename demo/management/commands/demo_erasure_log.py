from django.core.management.base import BaseCommand, CommandError

from demo.erasure_logs import LogDrive, nwipe_log
from devices.lifecycle import State
from devices.models import Drive


class Command(BaseCommand):
    help = (
        "Print an nwipe log (the format nwipe 0.34 writes) that erases every drive of the devices "
        "an ITAD holds in the received state: something to upload when trying the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="forge-tech-reuse-cic")
        parser.add_argument("--fail", action="store_true", help="Make the first drive fail.")

    def handle(self, **options):
        drives = Drive.objects.filter(
            device__custodian__slug=options["organisation"], device__state=State.RECEIVED
        ).order_by("device_id", "pk")
        if not drives:
            raise CommandError("That organisation holds no received devices with drives.")
        items = [
            LogDrive(
                serial=d.serial,
                model=d.model or "Unknown",
                size_bytes=d.size_bytes or 256_060_514_304,
                failed=options["fail"] and i == 0,
            )
            for i, d in enumerate(drives)
        ]
        self.stdout.write(nwipe_log(items).decode(), ending="")
