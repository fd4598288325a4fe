from django.urls import path

from ulinzi.reports import report_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export_form, name="export"),
    path("export/<uuid:export_id>/", views.export_result, name="export_result"),
    path("export/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path(
        "export/<uuid:export_id>/disclosure.json",
        views.export_report_download,
        name="export_report",
    ),
    path("situation/", report_views.situation_report, name="situation"),
    path("mrm/", report_views.mrm, name="mrm"),
    path("ssa/", report_views.ssa, name="ssa"),
]
