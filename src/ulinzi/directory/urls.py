from django.urls import path

from ulinzi.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.pathway, name="pathway"),
    path("new/", views.publish, name="publish"),
    path("<uuid:service_id>/", views.detail, name="detail"),
    path("<uuid:service_id>/edit/", views.edit, name="edit"),
]
