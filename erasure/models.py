"""Erasure evidence: the files tools produce, and one erasure record per drive they cover."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from devices.models import Drive
from organisations.models import Organisation
from organisations.scope import scope_of


class NistCategory(models.TextChoices):
    CLEAR = "clear", "Clear"
    PURGE = "purge", "Purge"
    DESTROY = "destroy", "Destroy"


class Source(models.TextChoices):
    UPLOAD = "upload", "Uploaded"
    API = "api", "API"
    SHREDOS = "shredos", "ShredOS push"
    COMMAND = "command", "Command line"


class EvidenceFileQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Coordinators see their region's evidence; others their own organisation's, plus the
        evidence about devices they may see (a donor's devices, say)."""
        from devices.models import Device

        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(organisation_id__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(organisation__region_id__in=scope.coordinator_region_ids)
        devices = Device.objects.visible_to(principal)
        condition |= Q(records__drive__device__in=devices)
        return self.filter(condition).distinct()


class EvidenceFile(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="evidence_files"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    tool = models.CharField(max_length=20)
    tool_version = models.CharField(max_length=40, blank=True)
    parsed = models.JSONField(help_text="What the parser read from the file.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sha256"], name="evidence_file_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class ErasureStatus(models.TextChoices):
    ERASED = "erased", "Erased"
    FAILED = "failed", "Failed"
    ABORTED = "aborted", "Aborted"


class ErasureRecord(models.Model):
    """One erasure of one drive, as its evidence file reports it."""

    drive = models.ForeignKey(Drive, on_delete=models.PROTECT, related_name="erasures")
    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="records")
    method = models.CharField(max_length=120, help_text="As the tool names it.")
    nist_category = models.CharField(
        "NIST SP 800-88 category", max_length=8, choices=NistCategory.choices, blank=True
    )
    standard = models.CharField(max_length=120, blank=True)
    tool = models.CharField(max_length=40)
    tool_version = models.CharField(max_length=40, blank=True)
    verification = models.CharField(max_length=60, blank=True)
    verified = models.BooleanField()
    rounds = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ErasureStatus.choices)
    pass_errors = models.PositiveIntegerField(null=True, blank=True)
    verify_errors = models.PositiveIntegerField(null=True, blank=True)
    sync_errors = models.PositiveIntegerField(null=True, blank=True)
    serial_anonymised = models.BooleanField(default=False)
    reported_serial = models.CharField(max_length=120, blank=True)
    operator_name = models.CharField(max_length=120, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.drive}: {self.method} ({self.get_status_display()})"

    def problem(self) -> str:
        """Why this record does not count as a verified erasure ("" when it does)."""
        if self.status != ErasureStatus.ERASED:
            return f"the erasure {self.get_status_display().lower()}"
        if self.serial_anonymised:
            return (
                "the log's serial numbers are anonymised, so it cannot prove this drive was erased"
            )
        if not self.verified:
            return "the erasure was not verified"
        errors = (self.pass_errors or 0) + (self.verify_errors or 0) + (self.sync_errors or 0)
        if errors:
            return f"the erasure reported {errors} error{'s' if errors != 1 else ''}"
        return ""

    @property
    def passes(self) -> bool:
        return not self.problem()


class PushEndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class PushEndpoint(models.Model):
    """A secret URL a ShredOS machine PUTs its logs to; the token identifies the ITAD.

    ShredOS sends no authentication header, so the URL carries the secret. Only its SHA-256
    is stored; the full URL is shown once, when it is created.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="push_endpoints"
    )
    name = models.CharField(max_length=80, help_text='For example "Bench 2 ShredOS stick".')
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PushEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return "sh_" + secrets.token_urlsafe(32)
