from django.urls import path

from impact import views as impact_views
from public import views
from referrals import views as referral_views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("region/", views.region_page, name="region"),
    path("get-help/", referral_views.get_help, name="get_help"),
    path("donate/", views.donate, name="donate"),
    path("impact/", impact_views.dashboard, name="impact"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
