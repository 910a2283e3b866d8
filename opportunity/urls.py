from django.urls import path

from opportunity import views

app_name = "opportunity"

urlpatterns = [
    path("opportunity/", views.estimator_page, name="estimator"),
    path("opportunity/employers/", views.pipeline, name="pipeline"),
    path("opportunity/employers/upload/", views.upload, name="upload"),
    path("opportunity/employers/<int:pk>/", views.prospect_detail, name="prospect"),
    path("opportunity/employers/<int:pk>/move/", views.prospect_move, name="move"),
]
