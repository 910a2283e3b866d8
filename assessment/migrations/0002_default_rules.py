"""Version 1 of the assessment rules: the table shipped in assessment/default_rules.json."""

import json
from pathlib import Path

from django.db import migrations

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "default_rules.json"


def load_version_1(apps, schema_editor):
    RuleSet = apps.get_model("assessment", "RuleSet")
    if RuleSet.objects.exists():
        return
    RuleSet.objects.create(
        version=1,
        rules=json.loads(DEFAULT_RULES.read_text(encoding="utf-8")),
        note="The rules shipped with Rehome.",
        is_active=True,
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load_version_1, migrations.RunPython.noop)]
