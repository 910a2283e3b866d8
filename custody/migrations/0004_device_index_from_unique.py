"""Custody events lose the single-column index on their device.

The unique (device, seq) index already answers every lookup by device, and a query ordered by
device and sequence read through it needs no sort; PostgreSQL's planner preferred the narrower
index and then sorted each chain. One index fewer also makes appending cheaper.

Only the index is dropped, by name: altering the field on SQLite would rebuild the table and
with it drop the append-only triggers (0003).
"""

from django.db import migrations, models

INDEX = "custody_custodyevent_device_id_3ef6d7ba"


class Migration(migrations.Migration):
    dependencies = [("custody", "0003_append_only_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="custodyevent",
                    name="device",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="custody_events",
                        to="devices.device",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=(f"CREATE INDEX {INDEX} ON custody_custodyevent (device_id)"),
                ),
            ],
        ),
    ]
