"""The directory of services people can be referred to: digital skills support, connectivity
help, places to donate or repair devices. Referrals book skills support from it and the public
"Get help" page finds local organisations in it; the network's directory grows from here."""

from django.db import models
from django.utils import timezone

from organisations.models import Organisation
from regions.models import Area, Region


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


class Service(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="services")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services", null=True, blank=True
    )
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    description = models.TextField()
    areas = models.ManyToManyField(Area, related_name="services")
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for.")
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

    @property
    def is_skills_support(self) -> bool:
        return self.kind in SKILLS_KINDS
