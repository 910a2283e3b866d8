"""The impact method's versions and factors, the running tallies behind every figure, and the
reports a region has published.

Figures are counted from records: custody events, handovers, follow-ups and referrals. Counting
millions of events for every page would be slow, so each record also adds one to a tally row
(month x area x device type x category x measure, for the region, for the device's donor and for
the organisation that acted) in the same transaction that writes it (`impact.tally`). The
`impact_check` command recounts everything from the records and compares.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lib import impact
from regions.models import Region

CATEGORY_CHOICES = [
    (impact.LAPTOP_SMALL, "Laptop, small (screen under 13 inches)"),
    (impact.LAPTOP_MEDIUM, "Laptop, medium (13 to 15.6 inches, or not recorded)"),
    (impact.LAPTOP_LARGE, "Laptop, large (over 15.6 inches)"),
    (impact.DESKTOP, "Desktop computer"),
    (impact.TABLET, "Tablet"),
    (impact.SMARTPHONE, "Smartphone"),
]


class MethodFrozen(Exception):
    """A published report used this method version: its factors can no longer change."""

    MESSAGE = (
        "A published report uses version {version}, so it can no longer change: "
        "create a new version instead."
    )

    def __init__(self, method: "MethodVersion"):
        super().__init__(self.MESSAGE.format(version=method.version))


class MethodVersionQuerySet(models.QuerySet):
    def current(self, region: Region) -> "MethodVersion | None":
        """The version new figures use: the most recently adopted one."""
        return (
            self.filter(region=region, adopted_at__isnull=False)
            .order_by("-adopted_at", "-pk")
            .prefetch_related("factors")
            .first()
        )


class MethodVersion(models.Model):
    """One version of the impact method: a displacement factor and a factor per category.

    A version is a draft until it is adopted; a draft can be edited. Once a published report
    has used a version it can never change (`impact.services` refuses, and so does `save`).
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="impact_methods")
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=160)
    displacement = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        help_text="Share of a new device's footprint that one reused device is taken to avoid.",
    )
    sources = models.TextField(help_text="Where the factors come from, and their licence.")
    notes = models.TextField(blank=True, help_text="What changed from the previous version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)

    objects = MethodVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="impact_method_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs):
        # The last line of defence; impact.services refuses first, with the same message.
        if self.is_frozen:
            raise MethodFrozen(self)
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.pk is not None and self.reports.filter(published_at__isnull=False).exists()

    def as_method(self) -> impact.Method:
        return impact.Method(
            version=self.version,
            displacement=self.displacement,
            factors={
                f.category: impact.Factor(
                    category=f.category,
                    label=f.get_category_display(),
                    embodied_kg_co2e=f.embodied_kg_co2e,
                    weight_kg=f.weight_kg,
                )
                for f in self.factors.all()
            },
        )


class Factor(models.Model):
    method = models.ForeignKey(MethodVersion, on_delete=models.CASCADE, related_name="factors")
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES)
    source_label = models.CharField(
        max_length=80, blank=True, help_text="The source's own name for the category."
    )
    embodied_kg_co2e = models.DecimalField("embodied kg CO2e", max_digits=8, decimal_places=2)
    weight_kg = models.DecimalField("weight (kg)", max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["method", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["method", "category"], name="impact_factor_category"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.embodied_kg_co2e} kg CO2e"

    def save(self, *args, **kwargs):
        if self.method.is_frozen:
            raise MethodFrozen(self.method)
        super().save(*args, **kwargs)


class Grain(models.TextChoices):
    REGION = "r", "Region"
    DONOR = "d", "Donor"
    ORGANISATION = "o", "Organisation that acted"


class Tally(models.Model):
    """How many records of one measure fall in one month, area, device type and category.

    `subject_id` is the region's id for region rows, the donor's for donor rows and the acting
    organisation's for organisation rows (plain integers: a tally outlives nothing it counts,
    and its key must be unique without NULLs). `area_id` is 0 when the area is not known: the
    area a device came from for device measures, the area the person lives in for people
    measures.
    """

    grain = models.CharField(max_length=1, choices=Grain.choices)
    subject_id = models.BigIntegerField()
    month = models.DateField()
    area_id = models.BigIntegerField(default=0)
    device_type = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=16, blank=True)
    measure = models.CharField(max_length=16)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "subject_id",
                    "month",
                    "area_id",
                    "device_type",
                    "category",
                    "measure",
                ],
                name="impact_tally_key",
            ),
        ]
        # Covering indexes: every column the figures' queries read is in the index, so they are
        # answered from it alone, without visiting rows scattered across the table (tens of
        # times faster with a million devices' tallies). One subject's rows over a period, by
        # any column (selectors.grouped); every subject of a grain for some measures over a
        # period (the donors and partners of a report).
        indexes = [
            models.Index(
                fields=[
                    "grain",
                    "subject_id",
                    "month",
                    "measure",
                    "category",
                    "area_id",
                    "device_type",
                    "count",
                ],
                name="impact_tally_subject",
            ),
            models.Index(
                fields=["grain", "measure", "month", "subject_id", "area_id", "count"],
                name="impact_tally_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.subject_id} {self.month:%Y-%m} {self.measure}: {self.count}"


class ReportKind(models.TextChoices):
    SNAPSHOT = "snapshot", "Annual regional snapshot"
    DONOR = "donor", "Donor impact statement"
    COUNCIL = "council", "Council report"


class PublishedReport(models.Model):
    """A report as published: its figures, files and the method version it used, kept as they
    were on the day, so a published number can always be traced and never silently changes."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="impact_reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    title = models.CharField(max_length=200)
    subject_id = models.BigIntegerField(
        default=0, help_text="The donor organisation or area, for those kinds."
    )
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day included.")
    method = models.ForeignKey(MethodVersion, on_delete=models.PROTECT, related_name="reports")
    figures = models.JSONField(help_text="Every figure in the report, as published.")
    case_studies = models.TextField(
        blank=True, help_text="The coordinator's case studies, when the library has none."
    )
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    csv = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.title
