"""The network directory: initiatives, organisations and services people and donors can be
pointed to — places to donate or repair devices, refurbishment partners, digital skills support,
connectivity help and training schemes. Referrals book skills support from it and the public
"Get help" page finds local organisations in it.

An entry's text is changed only through a ServiceRevision that the coordinator approves, so the
published version stays live (and is the only one anyone outside sees) while a change waits.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import Role
from organisations.scope import scope_of
from regions.models import Area, Region

# Who keeps directory entries: the organisations that run services, and the coordinator.
EDITORS = (Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.VCSE_WORKER, Role.ITAD_TECHNICIAN)
# An entry nobody has confirmed for this long is flagged to its organisation and the coordinator.
STALE_AFTER = datetime.timedelta(days=365)


class ServiceKind(models.TextChoices):
    DIGITAL_CHAMPION = "digital_champion", "Digital champion (one-to-one help)"
    COURSE = "course", "Course"
    DROP_IN = "drop_in", "Drop-in session"
    CONNECTIVITY = "connectivity", "Connectivity help (data SIMs, social tariffs)"
    DEVICE_REFERRAL = "device_referral", "Referral for a device"
    DEVICE_DONATION = "device_donation", "Device donation or collection point"
    REFURBISHMENT = "refurbishment", "Refurbishment partner"
    REPAIR_CAFE = "repair_cafe", "Repair café"
    TRAINING = "training", "Training scheme"


SKILLS_KINDS = (ServiceKind.DIGITAL_CHAMPION, ServiceKind.COURSE, ServiceKind.DROP_IN)


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Anyone"
    OLDER_PEOPLE = "older_people", "Older people"
    YOUNG_PEOPLE = "young_people", "Young people"
    FAMILIES = "families", "Families with children"
    DISABLED_PEOPLE = "disabled_people", "Disabled people"
    JOB_SEEKERS = "job_seekers", "People looking for work"
    LOW_INCOME = "low_income", "People on a low income"
    REFUGEES = "refugees", "Refugees and people seeking asylum"
    ORGANISATIONS = "organisations", "Employers and organisations"


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Waiting for approval"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ServiceStatus.PUBLISHED)

    def skills(self):
        return self.filter(kind__in=SKILLS_KINDS)

    def in_area(self, area):
        return self.filter(areas=area).distinct()

    def stale(self, now: datetime.datetime | None = None):
        """Published entries nobody has confirmed or changed for STALE_AFTER."""
        return self.published().filter(reviewed_at__lt=(now or timezone.now()) - STALE_AFTER)

    def editable_by(self, principal):
        """Entries a user may propose changes to: their organisations' own, and for a
        coordinator every entry in the region. Nobody else's."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(organisation_id__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        return self.filter(condition)


class Service(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="services")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services", null=True, blank=True
    )
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    description = models.TextField()
    areas = models.ManyToManyField(Area, related_name="services")
    eligibility = models.TextField(blank=True)
    how_to_access = models.TextField(blank=True, help_text="How someone gets referred or turns up.")
    opening_times = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=240, blank=True, help_text="Where it runs, if anywhere.")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PUBLISHED
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", kwargs={"pk": self.pk})

    @property
    def is_skills_support(self) -> bool:
        return self.kind in SKILLS_KINDS

    @property
    def audience_values(self) -> list[str]:
        return [a.audience for a in self.audiences.all()]

    @property
    def audience_labels(self) -> list[str]:
        return [Audience(value).label for value in sorted(self.audience_values)]

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        return self.reviewed_at < (now or timezone.now()) - STALE_AFTER


class ServiceAudience(models.Model):
    """Who an entry is for, one row per audience, so the public search can filter on it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="audiences")
    audience = models.CharField(max_length=20, choices=Audience.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "audience"], name="service_audience_unique")
        ]

    def __str__(self) -> str:
        return self.get_audience_display()


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"
    SUPERSEDED = "superseded", "Replaced by a later change"


class ServiceRevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RevisionStatus.PENDING)

    def visible_to(self, principal):
        """A coordinator sees every proposal in the region; members see their organisation's."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(organisation_id__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        return self.filter(condition)

    def decidable_by(self, principal):
        scope = scope_of(principal)
        return self.filter(region_id__in=scope.coordinator_region_ids)


class ServiceRevision(models.Model):
    """A proposed entry, or a proposed change to one, waiting for the coordinator.

    `data` holds the whole proposed entry (see directory.services.Entry); nothing in it is
    public until approval copies it onto the Service.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="service_revisions")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="revisions", null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_revisions"
    )
    data = models.JSONField()
    status = models.CharField(
        max_length=12, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was not approved.")

    objects = ServiceRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="pending"),
                name="one_pending_revision_per_service",
            )
        ]

    def __str__(self) -> str:
        return self.data.get("name", "")

    @property
    def is_new_entry(self) -> bool:
        return self.service_id is None
