"""Database triggers that make custody events and checkpoints append-only.

Both SQLite and PostgreSQL refuse UPDATE and DELETE on these tables (and PostgreSQL TRUNCATE).
The one way round is deliberate and local to a database connection: `custody.ledger.unlocked()`
(used by `manage.py flush` to empty a test or development database). On SQLite it flips a flag
that a connection-local SQL function (registered by `custody.apps`) reports; on PostgreSQL it
sets a session setting. Neither is visible to other connections, and a SQLite connection
without the function (the sqlite3 shell) cannot change the tables at all. Anyone who drops the
triggers instead is caught by `manage.py verify_custody`.

On SQLite, a later migration that alters these tables rebuilds them, which drops the triggers:
such a migration must create them again.
"""

from django.db import migrations

TABLES = ("custody_custodyevent", "custody_checkpoint")
MESSAGE = "custody records are append-only: record a correction as a new event"


def sqlite_forwards(table):
    unlocked = "rehome_custody_unlocked() = 0"
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            WHEN {unlocked} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            WHEN {unlocked} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ]


def postgres_forwards(table):
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION rehome_custody_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION rehome_custody_append_only()""",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rehome_custody_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('rehome.custody_unlocked', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = []
    if vendor == "sqlite":
        for table in TABLES:
            statements += sqlite_forwards(table)
    elif vendor == "postgresql":
        statements.append(POSTGRES_FUNCTION)
        for table in TABLES:
            statements += postgres_forwards(table)
    else:
        raise NotImplementedError(
            f"Rehome's custody triggers support SQLite and PostgreSQL, not {vendor}."
        )
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS rehome_custody_append_only()")


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
