from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisation/", views.profile, name="profile"),
    path("organisation/team/", views.team, name="team"),
    path("organisation/switch/", views.switch, name="switch"),
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
]
