from django.contrib import admin

from accounts.models import Invitation, User
from rehome.admin_site import CoordinatorModelAdmin


@admin.register(User)
class UserAdmin(CoordinatorModelAdmin):
    list_display = ["email", "full_name", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "last_login", "date_joined"]
    readonly_fields = ["email", "last_login", "date_joined"]

    def has_add_permission(self, request) -> bool:
        return False  # people join by invitation

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead, so history keeps its actors


@admin.register(Invitation)
class InvitationAdmin(CoordinatorModelAdmin):
    list_display = ["email", "organisation", "role", "status", "created_at", "expires_at"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
