from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("library/", views.library_index, name="index"),
    path("library/<slug:slug>/", views.page_detail, name="page"),
    path("workspace/library/", views.workspace, name="workspace"),
    path("workspace/library/new/", views.page_new, name="new"),
    path("workspace/library/review/", views.review, name="review"),
    path("workspace/library/<slug:slug>/", views.manage, name="manage"),
    path("workspace/library/<slug:slug>/change/", views.page_edit, name="edit"),
    path("workspace/library/<slug:slug>/submit/", views.page_submit, name="submit"),
    path("workspace/library/<slug:slug>/publish/", views.page_publish, name="publish"),
    path("workspace/library/<slug:slug>/send-back/", views.page_send_back, name="send_back"),
    path("workspace/library/<slug:slug>/withdraw/", views.page_withdraw, name="withdraw"),
]
