"""Devices, their drives, and the records technicians make about them.

A device's state and custodian change only through `devices.services`, which writes the
matching custody event in the same transaction; the models here hold what is true now.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils import timezone

from devices.lifecycle import State
from donations.models import Batch
from lib.suitability import spec_tier
from organisations.models import Organisation
from organisations.roles import Role
from organisations.scope import scope_of
from regions.models import Area, Region


class DeviceType(models.TextChoices):
    LAPTOP = "laptop", "Laptop"
    DESKTOP = "desktop", "Desktop"
    TABLET = "tablet", "Tablet"
    SMARTPHONE = "smartphone", "Smartphone"
    OTHER = "other", "Other"


class Grade(models.TextChoices):
    A = "A", "A: light wear"
    B = "B", "B: visible wear"
    C = "C", "C: heavy wear or battery not guaranteed"


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Who may see which devices.

        Coordinators see their region. An ITAD sees what it holds, what is on its way to it and
        what it has processed. A VCSE sees what it holds or is about to receive. A donor sees
        its own donated devices (their progress, never who received them). Council officers
        see aggregates only, so no individual devices.
        """
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(pk__in=[])
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids)
        for grant in scope.grants:
            org = grant.organisation_id
            if grant.role == Role.ITAD_TECHNICIAN:
                condition |= Q(custodian_id=org) | Q(in_transit_to_id=org) | Q(partner_id=org)
            elif grant.role == Role.VCSE_WORKER:
                condition |= Q(custodian_id=org) | Q(in_transit_to_id=org)
            elif grant.role == Role.DONOR_CONTACT:
                condition |= Q(donor_id=org)
        return self.filter(condition)

    def actionable_by(self, organisation: Organisation):
        """Devices an organisation may work on: those it holds or that are on their way to it,
        and, for a batch's partner, the batch's pledged devices it is collecting."""
        return self.filter(
            Q(custodian=organisation)
            | Q(in_transit_to=organisation)
            | Q(state=State.PLEDGED, batch__partner=organisation)
        )

    def matching(self, identifier: str):
        """Devices whose serial number, asset tag or IMEI is `identifier` (case-insensitive)."""
        identifier = identifier.strip()
        if not identifier:
            return self.none()
        return self.filter(
            Q(serial_number__iexact=identifier)
            | Q(asset_tag__iexact=identifier)
            | Q(imei=identifier)
        )


def identifier_key_expression(field: str):
    """A serial number or asset tag as compared across files and devices: upper case, without
    spaces or dashes (`identifier_key_sql` is the same in SQL, for hand-written queries)."""
    return Replace(Replace(Upper(field), Value(" ")), Value("-"))


def identifier_key_sql(column: str) -> str:
    return f"REPLACE(REPLACE(UPPER({column}), ' ', ''), '-', '')"


class Device(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="devices")
    device_type = models.CharField("type", max_length=16, choices=DeviceType.choices)
    make = models.CharField(max_length=80, blank=True)
    model = models.CharField(max_length=120, blank=True)
    serial_number = models.CharField(max_length=80, blank=True, db_index=True)
    imei = models.CharField("IMEI", max_length=17, blank=True, db_index=True)
    asset_tag = models.CharField(
        max_length=80, blank=True, db_index=True, help_text="The donor's own asset tag."
    )
    cpu = models.CharField("CPU", max_length=120, blank=True)
    ram_gb = models.PositiveSmallIntegerField("RAM (GB)", null=True, blank=True)
    storage_gb = models.PositiveIntegerField("storage (GB)", null=True, blank=True)
    year = models.PositiveSmallIntegerField("year of manufacture", null=True, blank=True)
    screen_inches = models.DecimalField(
        "screen size (inches)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    has_no_storage = models.BooleanField(
        default=False,
        help_text="Recorded explicitly: the device holds no data-bearing storage at all.",
    )
    grade = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLEDGED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    custodian = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="devices_held",
        null=True,
        blank=True,
        help_text="Who holds the device now; empty once it is with the person it was given to.",
    )
    in_transit_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="devices_incoming",
        null=True,
        blank=True,
        help_text="Set while a handover awaits the receiving organisation's confirmation.",
    )
    donor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="devices_donated", null=True
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="devices_processed",
        null=True,
        blank=True,
        help_text="The accredited partner that received and processed the device.",
    )
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="devices", null=True, blank=True
    )
    area_of_origin = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="devices_from", null=True, blank=True
    )
    # Set when a returned device is received again: erasure evidence from before it no longer counts.
    evidence_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The head of the device's custody chain, kept here so appending needs no extra read.
    ledger_seq = models.PositiveIntegerField(default=0, editable=False)
    ledger_head = models.CharField(max_length=64, default="0" * 64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["state", "custodian"]),
            # For counting a region's devices by state (the impact figures' devices in progress).
            models.Index(fields=["region", "state"]),
            # For matching a donor's manifest against every device the platform holds.
            models.Index(identifier_key_expression("serial_number"), name="device_serial_key"),
            models.Index(identifier_key_expression("asset_tag"), name="device_asset_tag_key"),
        ]

    def __str__(self) -> str:
        label = " ".join(p for p in (self.make, self.model) if p) or self.get_device_type_display()
        ident = self.asset_tag or self.serial_number or self.imei or str(self.uid)[:8]
        return f"{label} ({ident})"

    def get_absolute_url(self) -> str:
        return reverse("devices:detail", kwargs={"uid": self.uid})

    def spec_tier(self, this_year: int | None = None) -> int:
        """The specification tier (1 basic to 3 high) that allocation matches needs against."""
        return spec_tier(
            device_type=self.device_type,
            ram_gb=self.ram_gb,
            storage_gb=self.storage_gb,
            year=self.year,
            this_year=this_year or timezone.localdate().year,
        )

    @property
    def is_in_transit(self) -> bool:
        return self.in_transit_to_id is not None

    def latest_assessment(self):
        assessments = list(self.assessments.all())
        return max(assessments, key=lambda a: (a.assessed_at, a.pk), default=None)

    def latest_refurbishment(self):
        records = list(self.refurbishments.all())
        return max(records, key=lambda r: (r.refurbished_at, r.pk), default=None)


class DriveKind(models.TextChoices):
    HDD = "hdd", "Hard disk (HDD)"
    SSD = "ssd", "SATA SSD"
    NVME = "nvme", "NVMe SSD"
    EMMC = "emmc", "eMMC / soldered flash"
    OTHER = "other", "Other"


class DestructionMethod(models.TextChoices):
    SHRED = "shred", "Shredded"
    CRUSH = "crush", "Crushed"
    DRILL = "drill", "Drilled / punched"
    DEGAUSS = "degauss", "Degaussed (magnetic media only)"
    DISINTEGRATE = "disintegrate", "Disintegrated"


class Drive(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="drives")
    kind = models.CharField(max_length=8, choices=DriveKind.choices, default=DriveKind.SSD)
    model = models.CharField(max_length=120, blank=True)
    serial = models.CharField(max_length=120, blank=True, db_index=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    is_data_bearing = models.BooleanField(default=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destruction_method = models.CharField(
        max_length=16, choices=DestructionMethod.choices, blank=True
    )
    destruction_reference = models.CharField(
        max_length=120, blank=True, help_text="The destruction certificate or log number."
    )

    class Meta:
        ordering = ["device", "pk"]

    def __str__(self) -> str:
        name = self.model or self.get_kind_display()
        return f"{name} S/N {self.serial}" if self.serial else name

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None

    def latest_erasure(self):
        since = self.device.evidence_since
        records = [r for r in self.erasures.all() if since is None or r.recorded_at > since]
        return max(records, key=lambda r: (r.recorded_at, r.pk), default=None)

    def latest_erasure_failed(self) -> bool:
        latest = self.latest_erasure()
        return latest is not None and latest.status != "erased" and not self.is_destroyed

    def is_sanitised(self) -> bool:
        if self.is_destroyed:
            return True
        latest = self.latest_erasure()
        return latest is not None and latest.passes

    def sanitisation_problem(self) -> str:
        latest = self.latest_erasure()
        if latest is None:
            return "no erasure evidence yet"
        return latest.problem() or "evidence does not pass"


class AssessmentOutcome(models.TextChoices):
    REFURBISH = "refurbish", "Refurbish for reuse"
    HARVEST = "harvest", "Harvest for parts"
    RECYCLE = "recycle", "Recycle"


class Assessment(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="assessments")
    grade = models.CharField("cosmetic grade", max_length=1, choices=Grade.choices)
    powers_on = models.BooleanField()
    screen_ok = models.BooleanField("screen works", default=True)
    keyboard_ok = models.BooleanField("keyboard and touch work", default=True)
    ports_ok = models.BooleanField("ports work", default=True)
    battery_health_pct = models.PositiveSmallIntegerField(
        "battery health (%)", null=True, blank=True
    )
    charger_included = models.BooleanField(default=False)
    specs_confirmed = models.BooleanField(
        default=False, help_text="CPU, RAM and storage checked against the record."
    )
    outcome = models.CharField(max_length=12, choices=AssessmentOutcome.choices)
    suggested_outcome = models.CharField(max_length=12, choices=AssessmentOutcome.choices)
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"Assessment of {self.device}: grade {self.grade}, {self.get_outcome_display()}"


class OperatingSystem(models.TextChoices):
    WINDOWS_11 = "windows_11", "Windows 11"
    CHROMEOS_FLEX = "chromeos_flex", "ChromeOS Flex"
    CHROMEOS = "chromeos", "ChromeOS"
    LINUX = "linux", "A Linux distribution"
    ANDROID = "android", "Android"
    IOS = "ios", "iOS / iPadOS"


class Refurbishment(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="refurbishments")
    operating_system = models.CharField(max_length=16, choices=OperatingSystem.choices)
    os_version = models.CharField(
        "version", max_length=60, blank=True, help_text="For example 24H2, or Ubuntu 24.04 LTS."
    )
    activation_lock_removed = models.BooleanField(
        "activation locks removed", help_text="iCloud Activation Lock, Google FRP and the like."
    )
    management_removed = models.BooleanField(
        "device management removed", help_text="Enrolment in the donor's MDM is gone."
    )
    accessories = models.CharField(
        max_length=200, blank=True, help_text="For example charger, case, stylus."
    )
    notes = models.TextField(blank=True)
    refurbished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    refurbished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-refurbished_at"]

    def __str__(self) -> str:
        return f"Refurbishment of {self.device}: {self.get_operating_system_display()}"


class RecyclingRecord(models.Model):
    device = models.OneToOneField(Device, on_delete=models.PROTECT, related_name="recycling")
    recycler = models.CharField(max_length=200)
    reference = models.CharField(
        "waste transfer note or certificate number",
        max_length=120,
        help_text="The WEEE waste transfer note or the recycler's certificate number.",
    )
    weight_kg = models.DecimalField("weight (kg)", max_digits=7, decimal_places=2)
    media_destroyed = models.BooleanField(
        default=False, help_text="The storage was physically destroyed before recycling."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.device} recycled by {self.recycler} ({self.reference})"
