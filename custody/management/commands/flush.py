"""`flush` empties every table, custody ledger included.

The ledger's triggers refuse deletes; emptying the whole database is the one deliberate
exception (tests and development resets), so this wraps Django's flush in `ledger.unlocked()`.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from custody.ledger import unlocked


def _is_throwaway(database: str) -> bool:
    """A test database, or a development one (DEBUG on)."""
    name = str(connections[database].settings_dict.get("NAME") or "")
    test_name = str(connections[database].settings_dict.get("TEST", {}).get("NAME") or "")
    return (
        settings.DEBUG
        or name.startswith("test_")
        or "memory" in name
        or (bool(test_name) and name == test_name)
    )


class Command(FlushCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--wipe-custody-ledger",
            action="store_true",
            help="Required outside development and tests: flushing erases the custody ledger.",
        )

    def handle(self, **options):
        if not (options["wipe_custody_ledger"] or _is_throwaway(options["database"])):
            raise CommandError(
                "This would erase the append-only custody ledger. If you really mean to empty a "
                "production database, add --wipe-custody-ledger."
            )
        with unlocked(options["database"]):
            return super().handle(**options)
