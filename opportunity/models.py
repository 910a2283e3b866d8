"""The business-engagement pipeline: employers the region hopes will donate, from first contact
to signing the IT Reuse for Good Charter, with who owns each one and what happens next.

An employer's expected devices come from lib.opportunity (its own factors where it has them);
once it is linked to a donor organisation, the devices that organisation has given are counted
beside them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from lib import opportunity as estimator
from organisations.models import Organisation
from organisations.scope import scope_of
from regions.models import Region


class Stage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CONTACTED = "contacted", "Contacted"
    PLEDGED = "pledged", "Pledged"
    DONATING = "donating", "Donating"
    SIGNATORY = "signatory", "Charter signatory"


class ProspectQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Only the coordinators of a prospect's region see it: the pipeline is theirs."""
        return self.filter(region_id__in=scope_of(principal).coordinator_region_ids)


class Prospect(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="prospects")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100, blank=True)
    employees = models.PositiveIntegerField()
    # The employer's own factors, where they differ from the estimator's central defaults.
    devices_per_employee = models.FloatField(null=True, blank=True)
    refresh_years = models.FloatField(null=True, blank=True)
    share_released = models.FloatField(null=True, blank=True)
    share_reusable = models.FloatField(null=True, blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROSPECT)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prospects",
    )
    next_step = models.CharField(max_length=200, blank=True)
    next_step_on = models.DateField("next step by", null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prospects",
        limit_choices_to={"is_donor": True},
        help_text="The donor organisation in Rehome, once the employer has one.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "region", name="prospect_name_unique"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="prospect_one_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opportunity:prospect", kwargs={"pk": self.pk})

    @property
    def overrides(self) -> dict[str, float]:
        return {
            name: getattr(self, name)
            for name in estimator.FACTORS
            if getattr(self, name) is not None
        }

    def estimate(self) -> estimator.Estimate:
        return estimator.estimate(
            employees=self.employees, years=estimator.DEFAULT_YEARS, overrides=self.overrides
        )


class EventKind(models.TextChoices):
    ADDED = "added", "Added from a list"
    UPDATED = "updated", "Figures updated from a list"
    STAGE = "stage", "Stage changed"
    CHANGED = "changed", "Details changed"


class ProspectEvent(models.Model):
    """Each change to a prospect, with who made it: its history of stages."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
