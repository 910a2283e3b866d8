from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from lib.region_pack import RegionPackError, read_region_pack
from regions.models import Area
from regions.services import RegionLoadError, region_load


class Command(BaseCommand):
    help = "Load a region pack (a folder with region.toml) into the database, or update it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The pack folder, e.g. regions/packs/west-midlands")

    def handle(self, *args, path: str, **options) -> None:
        try:
            pack = read_region_pack(path)
        except RegionPackError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            count = len(error.problems)
            raise CommandError(
                f"Nothing was loaded: the pack at {path} has {count} problem{pluralize(count)}."
            ) from error

        # The summary compares stored rows before and after, so it reports what actually changed.
        before = _area_rows(pack.slug)
        try:
            region = region_load(pack=pack)
        except RegionLoadError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        after = _area_rows(pack.slug)

        new = len(after.keys() - before.keys())
        updated = sum(1 for code in after.keys() & before.keys() if after[code] != before[code])
        removed = len(before.keys() - after.keys())
        summary = f"Loaded {region.name}: {len(after)} area{pluralize(len(after))} "
        summary += f"({new} new, {updated} updated"
        summary += f", {removed} removed)" if removed else ")"
        self.stdout.write(self.style.SUCCESS(summary))


def _area_rows(region_slug: str) -> dict[str, dict]:
    """Every stored field of the region's areas by code, to tell what a load changed."""
    return {row["code"]: row for row in Area.objects.filter(region__slug=region_slug).values()}
