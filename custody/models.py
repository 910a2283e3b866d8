"""The custody ledger: append-only events in per-device hash chains, and checkpoints.

Rows here are never updated or deleted. The application only ever inserts them (through
`custody.ledger`), and database triggers (migration 0002) refuse UPDATE and DELETE on both
SQLite and PostgreSQL. Anyone who gets round the triggers is caught by `verify_custody`.
"""

from django.conf import settings
from django.db import models

from custody.fields import MicrosecondTimestampField
from devices.lifecycle import State
from lib import custody_chain
from organisations.models import Organisation


class EventKind(models.TextChoices):
    REGISTERED = "registered", "Registered"
    TRANSITION = "transition", "State change"
    HANDOVER_SENT = "handover_sent", "Handover started"
    HANDOVER_CONFIRMED = "handover_confirmed", "Handover confirmed"
    HANDOVER_CANCELLED = "handover_cancelled", "Handover cancelled"
    EVIDENCE = "evidence", "Evidence attached"
    CORRECTION = "correction", "Correction"


class CustodyEvent(models.Model):
    # No index of its own: the unique (device, seq) index below serves every lookup by device,
    # and reading a chain in order from it needs no sort.
    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="custody_events", db_index=False
    )
    seq = models.PositiveIntegerField()
    occurred_at = MicrosecondTimestampField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    transition = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    from_custodian = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_custodian = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Canonical JSON text (custody_chain.canonical_payload): the stored text is what was hashed.
    payload = models.TextField(default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["device", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["device", "seq"], name="custody_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.seq} {self.kind}"

    @property
    def data(self) -> dict:
        import json

        return json.loads(self.payload)


class Checkpoint(models.Model):
    """One Merkle root over every chain head, as of the event with id `last_event_id`."""

    created_at = MicrosecondTimestampField()
    last_event_id = models.BigIntegerField()
    events = models.PositiveIntegerField()
    devices = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    previous = models.CharField(max_length=64, default=custody_chain.GENESIS)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-pk"]
        get_latest_by = "pk"

    def __str__(self) -> str:
        return f"Checkpoint {self.pk}: {self.root}"
