"""Versions of the device-assessment rule table. A version is never changed once saved: editing
the rules saves a new version, and the guide and the grading form use the active one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class ImmutableRuleSet(Exception):
    """A saved version of the rules was about to change."""


class RuleSetQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def update(self, **kwargs):
        # Only which version is in use may change; a version's rules and history never do.
        if set(kwargs) - {"is_active"}:
            raise ImmutableRuleSet("Saved rule versions cannot be changed: save a new version.")
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableRuleSet("Saved rule versions are kept, so past verdicts can be explained.")


class RuleSet(models.Model):
    version = models.PositiveIntegerField(unique=True, editable=False)
    rules = models.JSONField(help_text="The rule table (see docs/assessment.md).")
    note = models.CharField(
        "what changed", max_length=300, help_text="Shown with the version, for example why."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=False)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"Assessment rules version {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRuleSet("Saved rule versions cannot be changed: save a new version.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessment:rules_version", kwargs={"version": self.version})

    def delete(self, *args, **kwargs):
        raise ImmutableRuleSet("Saved rule versions are kept, so past verdicts can be explained.")
