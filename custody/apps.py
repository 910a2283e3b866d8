from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_unlock_flag(sender, connection, **kwargs):
    """SQLite: the append-only triggers ask this connection-local function whether the
    connection has deliberately unlocked the ledger (see custody.ledger.unlocked)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "rehome_custody_unlocked",
            0,
            lambda: int(getattr(connection, "rehome_custody_unlocked", False)),
        )


class CustodyConfig(AppConfig):
    name = "custody"
    verbose_name = "Chain of custody"

    def ready(self):
        connection_created.connect(_register_unlock_flag, dispatch_uid="rehome_custody_unlock")
