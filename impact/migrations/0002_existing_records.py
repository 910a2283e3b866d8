"""Give regions already loaded their method version 1 from their shipped pack, and count the
records already written into the tallies (later records are counted as they are written)."""

from pathlib import Path

from django.db import migrations


def forwards(apps, schema_editor):
    # The current code, not historical models: the tallies must be counted exactly as the
    # services count them, and `impact_check` would catch any difference.
    from impact import tally
    from impact.services import method_from_pack
    from lib.region_pack import RegionPackError, read_region_pack
    from regions.models import Region

    packs = Path(__file__).resolve().parent.parent.parent / "regions" / "packs"
    for region in Region.objects.all():
        folder = packs / region.slug
        if not folder.is_dir():
            continue
        try:
            pack = read_region_pack(folder)
        except RegionPackError:
            continue
        method_from_pack(region=region, pack=pack)
    tally.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0001_initial"),
        ("regions", "0002_area_postcode_districts"),
        ("devices", "0004_identifier_key_indexes"),
        ("custody", "0003_append_only_triggers"),
        ("referrals", "0003_handover_waited_days"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
