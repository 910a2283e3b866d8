"""Write the annual regional snapshot for a year as HTML, PDF or CSV.

    python manage.py snapshot_report --year 2026 --format pdf --output snapshot-2026.pdf

The figures are counted afresh, as the coordinator's preview shows them (with the coordinator's
case-study text for the year, if any); published snapshots are downloaded from the public list.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from impact import reports
from regions.models import Region


class Command(BaseCommand):
    help = "Write the annual regional snapshot for a year as HTML, PDF or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The calendar year, such as 2026.")
        parser.add_argument("--format", required=True, help="html, pdf or csv.")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, year, format, output, **options):
        try:
            year = int(year)
        except ValueError as error:
            raise CommandError(f"--year must be a year such as 2026, not {year!r}.") from error
        if format not in reports.FORMATS:
            raise CommandError(
                f"--format must be one of {', '.join(reports.FORMATS)}, not {format!r}."
            )
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"--output {output} is a folder: give a file name.")
        if not path.parent.is_dir():
            raise CommandError(f"--output: the folder {path.parent} does not exist.")
        try:
            region = Region.objects.current()
            published = reports.published_snapshot(region, year)
            if published:
                # A published year is what was published, never a recount.
                content = {
                    "html": published.html.encode(),
                    "pdf": bytes(published.pdf),
                    "csv": published.csv.encode(),
                }[format]
            else:
                draft = reports.snapshot_draft(region, year)
                report = reports.snapshot(
                    region, year, case_study_text=draft.case_studies if draft else ""
                )
                content = reports.render(report, format)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except (LookupError, Region.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from error
        kind = "published" if published else "preview of the"
        self.stdout.write(
            f"Wrote the {kind} {year} snapshot ({format}, {len(content):,} bytes) to {path}."
        )
