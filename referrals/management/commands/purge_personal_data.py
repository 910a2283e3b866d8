import json

from django.conf import settings
from django.core.management.base import BaseCommand

from referrals import services


class Command(BaseCommand):
    help = (
        "Clear personal free text and replace the reference of referrals closed longer ago "
        "than the retention period (PERSONAL_TEXT_RETENTION_DAYS). Aggregates are unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args, dry_run: bool, json: bool, **options):
        report = services.purge_personal_data(dry_run=dry_run)
        if json:
            self.stdout.write(_dumps({"dry_run": dry_run, **report.as_dict()}))
            return
        verb = "Would clear" if dry_run else "Cleared"
        days = settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS
        self.stdout.write(
            f"{verb} personal details from {report.referrals} referral(s) closed more than "
            f"{days} days ago ({report.handovers} handover note(s), {report.follow_ups} "
            "follow-up note(s))."
        )


def _dumps(data) -> str:
    return json.dumps(data, sort_keys=True)
