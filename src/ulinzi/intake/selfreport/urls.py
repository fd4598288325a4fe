from django.urls import path

from ulinzi.intake.selfreport import views

app_name = "selfreport"

urlpatterns = [
    path("", views.form, name="form"),
    path("sw.js", views.service_worker, name="selfreport_sw"),
    path("manifest.webmanifest", views.manifest, name="selfreport_manifest"),
    path("xlsform.xlsx", views.xlsform_download, name="xlsform"),
]
