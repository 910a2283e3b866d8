import json
import time

from django.core.management.base import BaseCommand

from custody.ledger import verify


class Command(BaseCommand):
    help = (
        "Recompute every custody chain and checkpoint. Exits 0 when the history is intact, "
        "1 when it is not, naming the first broken device and event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, **options):
        started = time.perf_counter()
        result = verify()
        seconds = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_dict(), "seconds": round(seconds, 3)}))
        elif result.intact:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Intact: {result.events} events on {result.devices} devices and "
                    f"{result.checkpoints} checkpoints verified in {seconds:.2f}s."
                )
            )
        else:
            for problem in result.problems:
                self.stderr.write(self.style.ERROR(f"BROKEN: {problem['message']}"))
        if not result.intact:
            raise SystemExit(1)
