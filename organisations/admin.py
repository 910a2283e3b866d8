from django.contrib import admin

from organisations.models import Accreditation, Membership, Organisation
from rehome.admin_site import CoordinatorModelAdmin


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(CoordinatorModelAdmin):
    list_display = ["name", "kinds_display", "org_identifier", "contact_email"]
    list_filter = [
        "is_donor",
        "is_itad",
        "is_vcse",
        "is_local_authority",
        "is_regional_body",
        "areas_served",
    ]
    search_fields = ["name", "org_identifier", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas_served"]
    inlines = [AccreditationInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["region", "name", "slug", "org_identifier", "description"]}),
        (
            "Kinds",
            {
                "fields": [
                    "is_donor",
                    "is_itad",
                    "is_vcse",
                    "is_local_authority",
                    "is_regional_body",
                ]
            },
        ),
        ("Areas served", {"fields": ["areas_served"]}),
        (
            "Contact",
            {"fields": ["contact_email", "contact_phone", "website", "address", "postcode"]},
        ),
    ]

    @admin.display(description="Kinds")
    def kinds_display(self, obj: Organisation) -> str:
        return ", ".join(obj.kind_labels)


@admin.register(Accreditation)
class AccreditationAdmin(CoordinatorModelAdmin):
    list_display = ["organisation", "scheme", "number", "expires_on", "status"]
    list_filter = ["scheme"]
    search_fields = ["organisation__name", "number"]
    date_hierarchy = "expires_on"

    @admin.display(description="Status")
    def status(self, obj: Accreditation) -> str:
        return obj.status()
