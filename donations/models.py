"""Donor batches: the devices one donor hands over together, and the partner who processes them.

Pledges, manifests and collections build on this (the donations issue); the device lifecycle
needs the batch now because a data-destruction certificate covers one batch.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import Role
from organisations.scope import scope_of
from regions.models import Area, Region


class BatchQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Coordinators see their region; a donor its own batches; a partner those it processes."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(pk__in=[])
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        for grant in scope.grants:
            if grant.role == Role.DONOR_CONTACT:
                condition |= Q(donor_id=grant.organisation_id)
            elif grant.role == Role.ITAD_TECHNICIAN:
                condition |= Q(partner_id=grant.organisation_id)
        return self.filter(condition)


class Batch(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="batches")
    reference = models.CharField(
        max_length=60, unique=True, help_text="Rehome's reference, e.g. B-2026-0042."
    )
    donor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="donated_batches"
    )
    donor_reference = models.CharField(
        max_length=120, blank=True, help_text="The donor's own reference (a PO or ticket number)."
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="processed_batches",
        null=True,
        blank=True,
        help_text="The accredited partner who collects, erases and refurbishes the batch.",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="batches", null=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "reference"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.reference} from {self.donor}"
