import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.roles import ROLE_KIND, Kind, Role
from organisations.scope import scope_of
from regions.models import Area, Region

# org-id.guide identifiers: a list prefix (country + register) and the register's own id.
ORG_ID_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,6}-[A-Za-z0-9][A-Za-z0-9./-]*$")
EXPIRY_WARNING_DAYS = 60


def validate_org_identifier(value: str) -> None:
    if value and not ORG_ID_PATTERN.match(value):
        raise ValidationError(
            "Enter an org-id.guide identifier such as GB-CHC-1234567 (charity), "
            "GB-COH-01234567 (company) or GB-LAE-BIR (local authority)."
        )


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(**{f"is_{kind}": True})

    def count_by_kind(self) -> dict[str, int]:
        """How many organisations are of each kind (one may count under several), in one query."""
        return self.aggregate(
            **{kind: models.Count("pk", filter=Q(**{f"is_{kind}": True})) for kind in Kind.values}
        )

    def visible_to(self, principal):
        """What a user (or API token) may see of organisations.

        Coordinators see their whole region; council officers see their own council and the
        organisations serving its areas; everyone else sees the organisations they belong to.
        """
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(pk__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        if scope.council_area_ids:
            condition |= Q(areas_served__in=scope.council_area_ids)
        return self.filter(condition).distinct()


class Organisation(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    is_donor = models.BooleanField("donor", default=False)
    is_itad = models.BooleanField("ITAD / refurbisher", default=False)
    is_vcse = models.BooleanField("VCSE", default=False)
    is_local_authority = models.BooleanField("local authority", default=False)
    is_regional_body = models.BooleanField("regional body", default=False)
    org_identifier = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        validators=[validate_org_identifier],
        help_text="org-id.guide style, e.g. GB-CHC-1234567.",
    )
    description = models.TextField(blank=True)
    areas_served = models.ManyToManyField(Area, related_name="organisations", blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(
        blank=True, help_text="The organisation's own address (never a person's)."
    )
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_identifier"],
                condition=~Q(org_identifier=""),
                name="org_identifier_unique",
            ),
            models.CheckConstraint(
                condition=Q(is_donor=True)
                | Q(is_itad=True)
                | Q(is_vcse=True)
                | Q(is_local_authority=True)
                | Q(is_regional_body=True),
                name="organisation_has_a_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in Kind.values if getattr(self, f"is_{kind}")]

    @property
    def kind_labels(self) -> list[str]:
        return [Kind(kind).label for kind in self.kinds]

    def allows_role(self, role: str) -> bool:
        return ROLE_KIND[role] in self.kinds


class Scheme(models.TextChoices):
    ADISA = "adisa", "ADISA ICT Asset Recovery Standard"
    ISO_27001 = "iso27001", "ISO/IEC 27001"
    CYBER_ESSENTIALS = "cyber_essentials", "Cyber Essentials"
    CYBER_ESSENTIALS_PLUS = "cyber_essentials_plus", "Cyber Essentials Plus"
    ISO_14001 = "iso14001", "ISO 14001"
    ISO_9001 = "iso9001", "ISO 9001"
    WEEE_AATF = "weee_aatf", "WEEE Approved Authorised Treatment Facility"
    WASTE_CARRIER = "waste_carrier", "Waste carrier registration"
    R2 = "r2", "R2 (Responsible Recycling)"
    E_STEWARDS = "e_stewards", "e-Stewards"
    NCSC = "ncsc_assured", "NCSC Assured Service (Sanitisation)"


class AccreditationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day), expires_on__gte=day)

    def expired(self, today: datetime.date | None = None):
        return self.filter(expires_on__lt=today or timezone.localdate())

    def expiring(self, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
        """Still valid today but lapsing within `days`: the coordinator's early warning."""
        today = today or timezone.localdate()
        return self.filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
        )


class Accreditation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="accreditations"
    )
    scheme = models.CharField(max_length=32, choices=Scheme.choices)
    number = models.CharField("certificate number", max_length=80)
    certifying_body = models.CharField(max_length=120, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField()

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"], name="accreditation_number_unique_in_scheme"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(expires_on__gt=models.F("valid_from")),
                name="accreditation_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.number}"

    def status(self, today: datetime.date | None = None) -> str:
        """One of "expired", "expiring" (within the warning window) or "valid"."""
        today = today or timezone.localdate()
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Coordinators see every membership in their region; others see their own organisations'."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(organisation_id__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(organisation__region_id__in=scope.coordinator_region_ids)
        return self.filter(condition)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_admin = models.BooleanField(
        "organisation admin", default=False, help_text="Can invite members and manage API tokens."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"
