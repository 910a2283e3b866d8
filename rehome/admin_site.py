from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse

from organisations.roles import Role


class RehomeAdminSite(admin.AdminSite):
    """Reference data (regions, areas, organisations, accreditations) for coordinators."""

    site_header = "Rehome reference data"
    site_title = "Rehome reference data"
    index_title = "Reference data"

    def has_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def login(self, request, extra_context=None):
        """Sign-in goes through the main sign-in page, so two-factor checks apply to the admin too."""
        if request.user.is_authenticated:
            raise PermissionDenied("Reference data is managed by regional coordinators.")
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("account_login")
        )


def is_coordinator(user) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    return user.is_superuser or user.memberships.filter(role=Role.COORDINATOR).exists()


class CoordinatorModelAdmin(admin.ModelAdmin):
    """Coordinators manage reference data without needing per-model Django permissions."""

    # A website typed without a scheme is taken to be https (Django 6's default too).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_add_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)
