import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from devices.models import Device
from erasure import services
from erasure.models import Source
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import erasure evidence (nwipe/ShredOS logs, Blancco XML/JSON reports, Rehome's erasure "
        "CSV). With --dry-run, only parse; with --json, print one JSON object per file."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Parse only; store nothing.")
        parser.add_argument("--json", action="store_true", help="One JSON object per file.")
        parser.add_argument("--organisation", help="The ITAD's slug (required unless --dry-run).")
        parser.add_argument("--user", help="Email of the technician who ran the erasures.")
        parser.add_argument(
            "--device",
            help="Serial number, asset tag or IMEI of the device every unmatched drive came from.",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        dry_run, as_json = options["dry_run"], options["json"]
        organisation = user = device = None
        if not dry_run:
            if not options["organisation"]:
                raise CommandError("Name the ITAD with --organisation SLUG (or use --dry-run).")
            organisation = Organisation.objects.filter(
                slug=options["organisation"], is_itad=True
            ).first()
            if organisation is None:
                raise CommandError(
                    f"No ITAD organisation has the slug {options['organisation']!r}."
                )
            if options["user"]:
                user = User.objects.filter(email__iexact=options["user"]).first()
                if user is None or not user.memberships.filter(organisation=organisation).exists():
                    raise CommandError(f"{options['user']} is not a member of {organisation}.")
            if options["device"]:
                matches = list(
                    Device.objects.filter(custodian=organisation).matching(options["device"])[:2]
                )
                if len(matches) != 1:
                    raise CommandError(f"{options['device']!r} does not name one device you hold.")
                device = matches[0]
        failures = 0
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as error:
                failures += 1
                self._emit(as_json, {"file": str(path), "error": str(error.strerror or error)})
                continue
            if dry_run:
                try:
                    report = services.parse(data, path.name)
                except ValidationError as error:
                    failures += 1
                    self._emit(as_json, {"file": str(path), "error": error.messages[0]})
                    continue
                payload = report.to_json_dict()
                payload["file"] = str(path)
                self._emit(as_json, payload, summary=self._summary(payload))
                continue
            assign = None
            if device is not None:
                # Only the drives that match no device by serial are taken to be this one's.
                preview = services.import_evidence(
                    data, path.name, organisation=organisation, actor=user, dry_run=True
                )
                if preview.ok:
                    assign = {d.index: device for d in preview.drives if not d.matched}
            result = services.import_evidence(
                data,
                path.name,
                organisation=organisation,
                actor=user,
                source=Source.COMMAND,
                assign=assign,
            )
            if not result.ok:
                failures += 1
            payload = result.as_dict()
            payload["file"] = str(path)
            self._emit(as_json, payload, summary=self._result_summary(payload))
        if failures:
            raise SystemExit(1)

    def _emit(self, as_json, payload, summary=None):
        if as_json:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        elif "error" in payload and payload.get("error") and summary is None:
            self.stderr.write(f"{payload['file']}: {payload['error']}")
        else:
            self.stdout.write(summary or json.dumps(payload))

    @staticmethod
    def _summary(report) -> str:
        lines = [
            f"{report['file']}: {report['tool']} {report['tool_version']}, {report['method']}, "
            f"verify {report['verify']}, {report['outcome']}"
        ]
        for drive in report["drives"]:
            anonymised = " (anonymised serial)" if drive["serial_anonymised"] else ""
            lines.append(
                f"  {drive['device']} {drive['model']} S/N {drive['serial']}{anonymised}: "
                f"{drive['status']}"
            )
        return "\n".join(lines)

    @staticmethod
    def _result_summary(result) -> str:
        if result["error"]:
            return f"{result['file']}: not imported: {result['error']}"
        lines = [f"{result['file']}: imported"]
        for drive in result["drives"]:
            where = f"device {drive['device']}" if drive["matched"] else "not matched"
            problem = f" ({drive['problem']})" if drive["problem"] else ""
            lines.append(f"  S/N {drive['serial']} {drive['status']}: {where}{problem}")
        for moved in result["moved"]:
            lines.append(f"  device {moved['device']} is now {moved['state']}")
        return "\n".join(lines)
