"""Donations: donors' registrations and pledges, batches with their manifests, the accredited
partner chosen for each batch, its collection, and receipt against the manifest.

A data-destruction certificate covers one batch.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.models import Organisation, validate_org_identifier
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
    pledge = models.ForeignKey(
        "Pledge", on_delete=models.PROTECT, related_name="batches", null=True, blank=True
    )
    site = models.CharField(max_length=300, blank=True, help_text="Where it is collected from.")
    partner_reason = models.CharField(
        "why this partner", max_length=500, blank=True, help_text="Recorded when it is chosen."
    )
    partner_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner_chosen_at = models.DateTimeField(null=True, blank=True)
    # Receipt against the manifest: open while the partner scans, closed when it has finished.
    receiving_closed_at = models.DateTimeField(null=True, blank=True)
    receiving_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certificate_ready_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "reference"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.reference} from {self.donor}"


# ---------------------------------------------------------------------------------------------
# The donor journey: registration, pledges, manifests, partner choice and collections.


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class DonorRegistration(models.Model):
    """An organisation asking, on the public site, to donate devices; a coordinator decides.

    Contact details are the organisation's business contact, never a person helped.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="registrations")
    organisation_name = models.CharField(max_length=200)
    org_identifier = models.CharField(
        "organisation identifier", max_length=60, blank=True, validators=[validate_org_identifier]
    )
    contact_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    areas = models.ManyToManyField(Area, related_name="+")
    employees = models.PositiveIntegerField(null=True, blank=True)
    expected_devices = models.CharField(
        max_length=200, blank=True, help_text="Roughly what and how many, e.g. 120 laptops a year."
    )
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.organisation_name


class Sensitivity(models.TextChoices):
    """How sensitive the data on the donated devices is: it decides the partner's accreditations."""

    STANDARD = "standard", "Standard: ordinary business data"
    PERSONAL = "personal", "Personal data of customers, patients or staff"
    HIGH = "high", "Highly sensitive: special-category data, security-classified material"


class PledgeStatus(models.TextChoices):
    OPEN = "open", "Open"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PledgeQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Coordinators see their region's pledges; a donor its own; nobody else any."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(pk__in=[])
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        for grant in scope.grants:
            if grant.role == Role.DONOR_CONTACT:
                condition |= Q(donor_id=grant.organisation_id)
        return self.filter(condition)


class Pledge(models.Model):
    """What a donor expects to give: counts by type, where, from when, and how sensitive."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pledges")
    reference = models.CharField(max_length=20, unique=True)
    donor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pledges")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="pledges")
    sites = models.TextField(
        help_text="Where the devices are collected from: one site per line (the organisation's "
        "own premises, never a home address)."
    )
    earliest_collection = models.DateField()
    sensitivity = models.CharField(
        "data sensitivity", max_length=10, choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    contact_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=PledgeStatus.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} from {self.donor}"

    @property
    def site_list(self) -> list[str]:
        return [line.strip() for line in self.sites.splitlines() if line.strip()]

    @property
    def expected_total(self) -> int:
        return sum(line.count for line in self.lines.all())


class PledgeLine(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="lines")
    device_type = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "device_type"], name="one_line_per_type"),
            models.CheckConstraint(condition=Q(count__gt=0), name="pledge_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.device_type}"


class PartnerChoice(models.Model):
    """Every choice of partner for a batch, with the reason and who was eligible at the time."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="partner_choices")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    collection_date = models.DateField()
    eligible = models.JSONField(default=list, help_text="The partners offered, by name.")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-chosen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner} for {self.batch.reference}"


class CollectionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed by the partner"
    COLLECTED = "collected", "Collected"
    CANCELLED = "cancelled", "Cancelled"


class CollectionQuerySet(models.QuerySet):
    def visible_to(self, principal):
        return self.filter(batch__in=Batch.objects.visible_to(principal))

    def live(self):
        return self.exclude(status=CollectionStatus.CANCELLED)


class Collection(models.Model):
    """A partner collecting a batch from a donor's site on a date; the partner confirms it."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="collections")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="collections")
    date = models.DateField()
    site = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=CollectionStatus.choices, default=CollectionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            # One live collection per batch at a time.
            models.UniqueConstraint(
                fields=["batch"],
                condition=~Q(status="cancelled"),
                name="one_live_collection_per_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch.reference} on {self.date:%d %b %Y}"


class ManifestStatus(models.TextChoices):
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked"
    COMMITTING = "committing", "Being imported"
    COMMITTED = "committed", "Imported"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Could not be read"


class ManifestQuerySet(models.QuerySet):
    def visible_to(self, principal):
        return self.filter(batch__in=Batch.objects.visible_to(principal))


class Manifest(models.Model):
    """One upload of a donor's asset export for a batch: checked, previewed, then imported whole.

    The file is kept until it is imported or discarded, so the mapping step can check it again.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="manifests")
    filename = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=ManifestStatus.choices, default=ManifestStatus.CHECKING
    )
    # What the check found (lib.manifest's Result.as_dict()), and how far a background check is.
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    detected_format = models.CharField(max_length=20, blank=True)
    columns = models.JSONField(default=dict, help_text="Source header → field (or null).")
    overrides = models.JSONField(default=dict, help_text="The mapping the donor chose.")
    default_type = models.CharField(max_length=16, blank=True)
    report = models.JSONField(default=dict)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ManifestQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} for {self.batch.reference}"

    FORMAT_LABELS = {
        "snipe-it": "Snipe-IT",
        "intune": "Microsoft Intune",
        "jamf": "Jamf",
        "spreadsheet": "spreadsheet",
    }

    @property
    def detected_format_label(self) -> str:
        return self.FORMAT_LABELS.get(self.detected_format, self.detected_format)

    @property
    def errors(self) -> list[dict]:
        return self.report.get("errors", [])

    @property
    def is_importable(self) -> bool:
        return (
            self.status == ManifestStatus.CHECKED
            and not self.errors
            and self.report.get("accepted", 0) > 0
        )


class ManifestItem(models.Model):
    """One device a batch's manifest says is coming; receipt links it to the device registered."""

    # No index of its own: (batch, asset_tag_key) below leads with it. Which upload the items
    # came from needs no column: a batch's items are always its committed manifest's (`store`
    # replaces them whole), and a key to check on every row of every import costs time.
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items", db_index=False)
    row = models.PositiveIntegerField(help_text="Its row in the donor's file.")
    serial_number = models.CharField(max_length=80, blank=True)
    asset_tag = models.CharField(max_length=80, blank=True)
    imei = models.CharField(max_length=17, blank=True)
    device_type = models.CharField(max_length=16)
    make = models.CharField(max_length=80, blank=True)
    model = models.CharField(max_length=120, blank=True)
    cpu = models.CharField(max_length=120, blank=True)
    ram_gb = models.PositiveSmallIntegerField(null=True, blank=True)
    storage_gb = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    screen_inches = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    # Identifiers as compared: upper case without spaces, for matching scans and duplicates.
    serial_key = models.CharField(max_length=80, blank=True)
    asset_tag_key = models.CharField(max_length=80, blank=True)
    device = models.OneToOneField(
        "devices.Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="manifest_item",
    )

    class Meta:
        ordering = ["batch", "row"]
        # Declared here rather than with db_index, which on PostgreSQL adds a second index for
        # LIKE queries that nothing makes: each index costs every row of every import.
        indexes = [
            models.Index(fields=["batch", "asset_tag_key"]),
            models.Index(fields=["serial_key"], name="manifestitem_serial_key"),
            models.Index(fields=["imei"]),
        ]

    def __str__(self) -> str:
        return self.serial_number or self.asset_tag or self.imei


class ColumnMapping(models.Model):
    """A donor's answer to "what is this column?", remembered for its next upload."""

    donor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="column_mappings"
    )
    header = models.CharField(max_length=200, help_text="The header as normalised for matching.")
    field = models.CharField(max_length=20, blank=True, help_text="Blank: ignore this column.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["donor", "header"], name="one_mapping_per_header"),
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or 'ignored'}"
