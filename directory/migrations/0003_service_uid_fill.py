import uuid

from django.db import migrations


def give_each_service_a_uid(apps, schema_editor):
    Service = apps.get_model("directory", "Service")
    for service in Service.objects.filter(uid__isnull=True).only("pk"):
        service.uid = uuid.uuid4()
        service.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_directory_revisions")]

    operations = [
        migrations.RunPython(give_each_service_a_uid, migrations.RunPython.noop),
    ]
