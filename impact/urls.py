from django.urls import path

from impact import report_views, views

app_name = "impact"

urlpatterns = [
    # The dashboard itself is public:impact (/impact/), the address the public site always had.
    path("impact/figures.csv", views.figures_csv, name="figures_csv"),
    path("impact/figures.json", views.figures_json, name="figures_json"),
    path("impact/method/", views.method, name="method"),
    path("impact/method/<str:version>/", views.method_version, name="method_version"),
    path("impact/methods/", views.methods, name="methods"),
    path("impact/methods/new/", views.method_new, name="method_new"),
    path("impact/methods/<str:version>/edit/", views.method_edit, name="method_edit"),
    path("impact/methods/<str:version>/adopt/", views.method_adopt, name="method_adopt"),
    # The reports (impact.report_views).
    path("impact/reports/", report_views.published_list, name="reports"),
    path(
        "impact/reports/<int:pk>/<str:fmt>/",
        report_views.published_download,
        name="report_download",
    ),
    path("impact/snapshot/", report_views.snapshot, name="snapshot"),
    path(
        "impact/snapshot/<int:year>/<str:fmt>/",
        report_views.snapshot_download,
        name="snapshot_download",
    ),
    path("impact/snapshot/publish/", report_views.snapshot_publish, name="snapshot_publish"),
    path("impact/donors/", report_views.donor_statements, name="donor_statements"),
    path(
        "impact/donors/<slug:slug>/statement/",
        report_views.donor_statement,
        name="donor_statement",
    ),
    path(
        "impact/donors/<slug:slug>/statement.pdf",
        report_views.donor_statement_pdf,
        name="donor_statement_pdf",
    ),
    path("impact/council/", report_views.council_report, name="council_report"),
    path("impact/council/report.pdf", report_views.council_report_pdf, name="council_report_pdf"),
]
