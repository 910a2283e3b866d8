"""A timestamp stored as whole microseconds since the Unix epoch (UTC).

The custody ledger hashes an event's time. Storing it as an integer means every database
returns exactly the value that was hashed, and verification reads it without parsing dates;
in Python it is an ordinary aware datetime, and lookups with datetimes work as usual.
"""

import datetime

from django.db import models

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ONE_MICROSECOND = datetime.timedelta(microseconds=1)


def to_microseconds(value: datetime.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("Custody times must be timezone-aware.")
    return (value - EPOCH) // ONE_MICROSECOND


def from_microseconds(value: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=value)


class MicrosecondTimestampField(models.BigIntegerField):
    description = "Aware datetime stored as microseconds since the Unix epoch"

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_microseconds(value)

    def to_python(self, value):
        if value is None or isinstance(value, datetime.datetime):
            return value
        return from_microseconds(int(value))

    def get_prep_value(self, value):
        if isinstance(value, datetime.datetime):
            return to_microseconds(value)
        return super().get_prep_value(value)
