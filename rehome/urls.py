from django.contrib import admin
from django.urls import include, path

from rehome.api import api

urlpatterns = [
    path("", include("public.urls")),
    path("", include("workspace.urls")),
    path("", include("accounts.urls")),
    path("", include("organisations.urls")),
    path("", include("api.urls")),
    path("", include("devices.urls")),
    path("", include("erasure.urls")),
    path("", include("donations.urls")),
    path("", include("referrals.urls")),
    path("", include("allocation.urls")),
    path("", include("custody.urls")),
    path("", include("directory.urls")),
    path("", include("library.urls")),
    path("", include("opportunity.urls")),
    path("", include("assessment.urls")),
    path("", include("impact.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
