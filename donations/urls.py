from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("batches/", views.batch_list, name="list"),
    path("batches/<str:reference>/", views.batch_detail, name="detail"),
    path("batches/<str:reference>/certificate/", views.certificate, name="certificate"),
    path("batches/<str:reference>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("batches/<str:reference>/labels.pdf", views.batch_labels, name="labels"),
]
