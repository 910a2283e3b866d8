from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("assess-a-device/", views.start, name="start"),
    path("assess-a-device/check/", views.check, name="check"),
    path("assess-a-device/result/", views.result, name="result"),
    path("assess-a-device/<slug:step>/", views.step, name="step"),
    path("assessment-rules/", views.rules, name="rules"),
    path("assessment-rules/edit/", views.rules_edit, name="rules_edit"),
    path("assessment-rules/<int:version>/", views.rules_version, name="rules_version"),
]
