from django.urls import path

from ulinzi.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("areas/", views.areas, name="areas"),
    path("<uuid:incident_id>/", views.incident_detail, name="detail"),
    path("<uuid:incident_id>/edit/", views.incident_edit, name="edit"),
    path("<uuid:incident_id>/verify/", views.incident_verify, name="verify"),
    path("<uuid:incident_id>/reject/", views.incident_reject, name="reject"),
]
