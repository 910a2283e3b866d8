"""Check a donor's asset export and import it as a batch's manifest, from the command line."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from donations import manifests
from donations.models import Batch
from lib import manifest as manifest_lib
from organisations.models import Organisation

EXIT_PROBLEMS = 2


class Command(BaseCommand):
    help = (
        "Check a manifest (CSV or XLSX) for a donor and, unless --dry-run, import it into a "
        "batch whole or not at all. Exit status 0 when the file is importable, 2 when it has "
        "problems (and then nothing is written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--donor", required=True, help="The donor organisation's slug.")
        parser.add_argument(
            "--batch", help="The batch's reference (default: the donor's newest open batch)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, path, donor, batch=None, dry_run=False, **options):
        donor_org = Organisation.objects.filter(slug=donor, is_donor=True).first()
        if donor_org is None:
            raise CommandError(f"No donor organisation with the slug {donor!r}.")
        target = self._batch(donor_org, batch)
        try:
            content = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            result, _, manifest = manifests.import_file(
                target, content, Path(path).name, dry_run=dry_run
            )
            report = result.as_dict()
        except manifest_lib.ManifestError as error:
            report = manifests.failed_report(str(error))
            manifest = None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        importable = not report["errors"] and report["accepted"] > 0
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self._describe(report, target, manifest, dry_run)
        if not importable:
            raise SystemExit(EXIT_PROBLEMS)

    def _batch(self, donor_org, reference):
        batches = Batch.objects.filter(donor=donor_org)
        if reference:
            found = batches.filter(reference=reference).first()
            if found is None:
                raise CommandError(f"{donor_org} has no batch {reference}.")
            return found
        found = batches.filter(receiving_closed_at__isnull=True).order_by("-created_at").first()
        if found is None:
            raise CommandError(f"{donor_org} has no open batch; pledge one first or give --batch.")
        return found

    def _describe(self, report, batch, manifest, dry_run):
        out = self.stdout
        fmt = report.get("detected_format") or "unreadable"
        out.write(f"{report['rows']} rows ({fmt}); {report['accepted']} without problems.")
        for header, field in report["columns"].items():
            out.write(f"  column {header!r} → {field or 'not imported'}")
        for error in report["errors"]:
            where = f"row {error['row']}" if error["row"] else "file"
            if error["column"]:
                where += f", column {error['column']!r}"
            self.stderr.write(f"  {where}: {error['message']}")
        if manifest is not None:
            out.write(self.style.SUCCESS(f"Imported {report['rows']} devices into {batch}."))
        elif not report["errors"] and dry_run:
            out.write("Importable (dry run: nothing written).")
        else:
            self.stderr.write(f"{len(report['errors'])} problems; nothing was imported.")
