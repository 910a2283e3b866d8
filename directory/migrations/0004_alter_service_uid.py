import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_service_uid_fill")]

    operations = [
        migrations.AlterField(
            model_name="service",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
