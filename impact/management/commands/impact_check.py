import json
import sys

from django.core.management.base import BaseCommand

from impact import tally


class Command(BaseCommand):
    help = (
        "Recount every impact tally from the records and compare with the stored tallies; "
        "exit status 1 when they differ (with --repair, replace them with the recount)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Rebuild the tallies if they differ."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, repair: bool, json: bool, **options):
        problems = tally.check()
        repaired = bool(problems) and repair
        if repaired:
            tally.rebuild()
        if json:
            self.stdout.write(
                _json({"intact": not problems, "differences": problems, "repaired": repaired})
            )
        elif not problems:
            self.stdout.write(self.style.SUCCESS("Impact tallies match a full recount."))
        else:
            self.stdout.write(f"{len(problems)} tallies differ from a full recount:")
            for problem in problems[:50]:
                self.stdout.write(f"  {problem}")
            if len(problems) > 50:
                self.stdout.write(f"  … and {len(problems) - 50} more")
            if repaired:
                self.stdout.write(self.style.SUCCESS("The tallies were repaired from the records."))
        if problems and not repaired:
            sys.exit(1)


def _json(value) -> str:
    return json.dumps(value, indent=2)
