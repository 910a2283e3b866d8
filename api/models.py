from django.conf import settings
from django.db import models
from django.utils import timezone

from organisations.roles import Role
from organisations.scope import Grant

TOKEN_PREFIX = "rh_"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)

    def visible_to(self, principal):
        from organisations.models import Organisation

        return self.filter(organisation__in=Organisation.objects.visible_to(principal))


class ApiToken(models.Model):
    """An organisation's key for the API. Only a SHA-256 digest of the secret is stored."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. “Asset system sync”."
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to recognise the token by."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    # A token stands in for a member when visibility is worked out (see organisations.scope).
    is_authenticated = True
    is_active = True

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def grant(self) -> Grant:
        return Grant(
            organisation_id=self.organisation_id,
            region_id=self.organisation.region_id,
            role=self.role,
            area_ids=frozenset(self.organisation.areas_served.values_list("pk", flat=True)),
        )
