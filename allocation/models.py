"""Allocation: need weights, council ring-fences, runs (previewed, adjusted, committed) and the
allocation ledger. The matching itself is `lib.allocation` (pure); this app feeds it from the
database and applies its plan through the referral and device services."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from devices.models import Device
from organisations.models import Organisation
from referrals.models import Referral
from regions.models import Area, Region


class NeedWeights(models.Model):
    """One version of the areas' need weights; the latest is current. Runs keep the weights
    they used, so a past run can always be explained."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="need_weights")
    weights = models.JSONField(help_text="Area code → weight (1 is average need).")
    basis = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Need weights of {self.created_at:%d %b %Y}"

    def weight_of(self, area: Area) -> Decimal:
        return Decimal(str(self.weights.get(area.code, 1)))


class RingFenceLimit(models.Model):
    """How much of an area's supply its council may keep local (set by the coordinator)."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="ring_fence_limit")
    max_percent = models.PositiveSmallIntegerField(
        default=25, help_text="Of the area's ready and incoming devices, at most this share."
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.area}: up to {self.max_percent}% ring-fenced"


class RingFenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class RingFence(models.Model):
    """A council keeps a device donated in its area for people in its area."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="ring_fences")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="ring_fences")
    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RingFenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(lifted_at__isnull=True), name="one_live_ring_fence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} kept in {self.area}"


class RunStatus(models.TextChoices):
    PREVIEW = "preview", "Previewed"
    COMMITTED = "committed", "Committed"
    DISCARDED = "discarded", "Discarded"


class AllocationRun(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="allocation_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEW)
    policy_version = models.CharField(max_length=20)
    weights = models.JSONField(help_text="The need weights the run used, by area code.")
    by_area = models.JSONField(default=dict, help_text="Per area: waiting, allocated, rates.")
    devices_considered = models.PositiveIntegerField(default=0)
    referrals_considered = models.PositiveIntegerField(default=0)
    unallocated_devices = models.PositiveIntegerField(default=0)
    unserved_referrals = models.PositiveIntegerField(default=0)
    solve_seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Allocation run of {timezone.localtime(self.created_at):%d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:run", kwargs={"uid": self.uid})


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    REMOVED = "removed", "Removed by the coordinator"
    COMMITTED = "committed", "Allocated"
    SKIPPED = "skipped", "Left out: changed since the preview"
    UNDONE = "undone", "Undone"


class Match(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="matches")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="matches")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    explanation = models.JSONField(default=dict)
    summary = models.TextField(help_text="The explanation in plain English.")
    status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["area__name", "pk"]

    def __str__(self) -> str:
        return f"{self.device} → referral {self.referral.uid.hex[:8]}"


class LedgerAction(models.TextChoices):
    COMMITTED = "committed", "Allocated"
    REMOVED = "removed", "Removed from a preview"
    SWAPPED = "swapped", "Devices swapped in a preview"
    SKIPPED = "skipped", "Left out at commit"
    UNDONE = "undone", "Allocation undone"


class LedgerEntry(models.Model):
    """The allocation ledger: every committed, adjusted or undone match, with who, when, why
    and the policy version. Entries are only ever added."""

    at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="ledger")
    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="ledger")
    action = models.CharField(max_length=10, choices=LedgerAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    policy_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
