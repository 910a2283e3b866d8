"""Estimate the devices a workforce, or a list of employers, could give: the estimator as a command."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lib import opportunity as estimator
from lib.manifest import ManifestError


class Command(BaseCommand):
    help = (
        "Estimate devices available and rehomed (low, central, high) for --employees over "
        "--years, or for each employer in a CSV or XLSX file (--employers). Any factor may be "
        "changed; the defaults are calibrated to the West Midlands snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, help="Employees across the employers.")
        parser.add_argument(
            "--years", type=float, default=estimator.DEFAULT_YEARS, help="The period in years."
        )
        parser.add_argument(
            "--employers", help="A CSV or XLSX file: name, employees, sector, optional factors."
        )
        for name in estimator.FACTORS:
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                dest=name,
                type=float,
                help=f"{estimator.LABELS[name]} (central default "
                f"{getattr(estimator.CENTRAL, name)}).",
            )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, employees, years, employers, **options):
        overrides = {name: options[name] for name in estimator.FACTORS}
        if (employees is None) == (employers is None):
            raise CommandError("Give either --employees N or --employers PATH.")
        try:
            if employers is None:
                result = estimator.estimate(employees=employees, years=years, overrides=overrides)
                data = result.as_dict()
            else:
                data = self._employers(Path(employers), years, overrides)
        except estimator.EstimateError as error:
            raise CommandError(" ".join(error.problems.values())) from error
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self._print(data)

    def _employers(self, path: Path, years: float, overrides: dict) -> dict:
        # The factors given to the command apply to employers without their own; check them
        # (and the period) before the file, as for a single estimate.
        estimator.estimate(employees=0, years=years, overrides=overrides)
        try:
            found = estimator.read_employers(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except ManifestError as error:
            raise CommandError(str(error)) from error
        if not found.ok:
            for problem in found.errors:
                where = f"Row {problem.row}" if problem.row else "The file"
                column = f", {problem.column}" if problem.column else ""
                self.stderr.write(f"{where}{column}: {problem.message}")
            count = len(found.errors)
            raise CommandError(f"{count} problem{'s' if count != 1 else ''} in {path}.")
        total = estimator.total(found.employers, years, overrides)
        return {
            **total.as_dict(),
            "years": years,
            "assumptions": {
                name: sets.as_dict() for name, sets in estimator.assumption_sets(overrides).items()
            },
        }

    def _print(self, data: dict) -> None:
        for row in data.get("employers", []):
            self.stdout.write(
                f"{row['name']}: {row['employees']:,} employees, "
                f"{row['devices_available']:,} devices available, "
                f"{row['devices_rehomed']:,} rehomed"
            )
        self.stdout.write(f"{data['employees']:,} employees over {data['years']:g} years:")
        for name in ("low", "central", "high"):
            figures = data if name == "central" else data[name]
            self.stdout.write(
                f"  {name:<8} {figures['devices_available']:>12,} devices available"
                f" {figures['devices_rehomed']:>12,} rehomed"
            )
