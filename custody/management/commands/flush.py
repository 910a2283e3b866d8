"""`flush` empties every table, custody ledger included.

The ledger's triggers refuse deletes; emptying the whole database is the one deliberate
exception (tests and development resets), so this wraps Django's flush in `ledger.unlocked()`.
"""

from django.core.management.commands.flush import Command as FlushCommand

from custody.ledger import unlocked


class Command(FlushCommand):
    def handle(self, **options):
        with unlocked(options["database"]):
            return super().handle(**options)
