from django.contrib import admin

from regions.models import Area, Region
from rehome.admin_site import CoordinatorModelAdmin


class AreaInline(admin.TabularInline):
    model = Area
    fields = ["code", "name", "population", "imd_rank", "internet_nonuse_pct"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # areas come from a region pack: `manage.py load_region PATH`


@admin.register(Region)
class RegionAdmin(CoordinatorModelAdmin):
    list_display = ["name", "service_name", "authority", "loaded_at"]
    readonly_fields = ["slug", "loaded_at"]
    inlines = [AreaInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(CoordinatorModelAdmin):
    list_display = ["name", "code", "population", "imd_rank", "internet_nonuse_pct"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    readonly_fields = ["region", "code", "slug", "postcode_districts", "statistics", "boundary"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
