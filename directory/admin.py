from django.contrib import admin

from .models import Service, ServiceRevision


class ReadOnlyAdmin(admin.ModelAdmin):
    """Entries change only through a proposal the coordinator approves (the directory pages),
    so the admin shows them without offering another way round."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organisation", "status", "reviewed_at"]
    list_filter = ["kind", "status", "areas"]
    search_fields = ["name", "description"]


@admin.register(ServiceRevision)
class ServiceRevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "status", "proposed_at", "decided_at"]
    list_filter = ["status"]
