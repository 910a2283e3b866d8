from django.urls import path

from erasure import views

app_name = "erasure"

urlpatterns = [
    path("erasure/", views.evidence_list, name="list"),
    path("erasure/<int:pk>/", views.evidence_detail, name="detail"),
    path("erasure/<int:pk>/download/", views.evidence_download, name="download"),
    path("erasure/<int:pk>/drives/<int:index>/assign/", views.evidence_assign, name="assign"),
    path("erasure/shredos/", views.push_endpoints, name="push_endpoints"),
    path(
        "erasure/shredos/<int:pk>/revoke/", views.push_endpoint_revoke, name="push_endpoint_revoke"
    ),
]
