from django.core.management.base import BaseCommand

from rehome import schedule


class Command(BaseCommand):
    help = "Queue the daily housekeeping run (expiry, follow-up reminders, the retention purge)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the daily jobs now, in this process, too."
        )

    def handle(self, *args, now: bool, **options):
        if now:
            for job, result in schedule.daily_jobs().items():
                self.stdout.write(f"{job}: {result}")
        if schedule.ensure_scheduled():
            self.stdout.write(
                f"Daily housekeeping queued for {schedule.next_run():%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write("Daily housekeeping is already queued.")
