from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "status", "reviewed_at"]
    list_filter = ["kind", "status", "areas"]
    search_fields = ["name", "description"]
    filter_horizontal = ["areas"]
