from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory_search, name="search"),
    path("directory/export.csv", views.directory_export, name="export"),
    path("directory/<int:pk>/", views.service_detail, name="detail"),
    path("donate/partners/", views.partner_finder, name="partners"),
    path("directory/entries/", views.manage, name="manage"),
    path("directory/entries/new/", views.service_new, name="new"),
    path("directory/entries/<int:pk>/change/", views.service_edit, name="edit"),
    path("directory/entries/<int:pk>/confirm/", views.service_confirm, name="confirm"),
    path("directory/entries/<int:pk>/withdraw/", views.service_withdraw, name="withdraw"),
    path("directory/review/", views.review, name="review"),
    path("directory/review/<int:pk>/", views.revision_detail, name="revision"),
    path("directory/review/<int:pk>/decide/", views.revision_decide, name="decide"),
]
