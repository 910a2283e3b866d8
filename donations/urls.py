from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("donate/register/", views.register, name="register"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/decide/", views.registration_decide, name="registration_decide"),
    path("pledges/", views.pledge_list, name="pledges"),
    path("pledges/new/", views.pledge_new, name="pledge_new"),
    path("pledges/<str:reference>/", views.pledge_detail, name="pledge"),
    path("pledges/<str:reference>/batches/", views.pledge_batch_add, name="pledge_batch_add"),
    path("pledges/<str:reference>/withdraw/", views.pledge_withdraw, name="pledge_withdraw"),
    path("collections/", views.collection_list, name="collections"),
    path("collections/<int:pk>/cancel/", views.collection_cancel, name="collection_cancel"),
    path(
        "collections/<int:pk>/<str:action>/",
        views.collection_act,
        name="collection_act",
    ),
    path("batches/", views.batch_list, name="list"),
    path("batches/<str:reference>/", views.batch_detail, name="detail"),
    path("batches/<str:reference>/manifests/", views.manifest_upload, name="manifest_upload"),
    path("batches/<str:reference>/manifests/<int:pk>/", views.manifest_detail, name="manifest"),
    path(
        "batches/<str:reference>/manifests/<int:pk>/map/", views.manifest_map, name="manifest_map"
    ),
    path(
        "batches/<str:reference>/manifests/<int:pk>/import/",
        views.manifest_commit,
        name="manifest_commit",
    ),
    path(
        "batches/<str:reference>/manifests/<int:pk>/discard/",
        views.manifest_discard,
        name="manifest_discard",
    ),
    path(
        "batches/<str:reference>/manifests/<int:pk>/problems.csv",
        views.manifest_problems,
        name="manifest_problems",
    ),
    path("batches/<str:reference>/partner/", views.partner_choose, name="partner"),
    path("batches/<str:reference>/collection/", views.collection_book, name="collection_book"),
    path("batches/<str:reference>/receive/", views.receive, name="receive"),
    path("batches/<str:reference>/receive/close/", views.receiving_close, name="receiving_close"),
    path("batches/<str:reference>/reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "batches/<str:reference>/reconciliation.csv",
        views.reconciliation_csv,
        name="reconciliation_csv",
    ),
    path("batches/<str:reference>/certificate/", views.certificate, name="certificate"),
    path("batches/<str:reference>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("batches/<str:reference>/labels.pdf", views.batch_labels, name="labels"),
]
