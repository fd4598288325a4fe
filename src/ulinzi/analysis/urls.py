from django.urls import path

from ulinzi.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/", views.areas, name="areas"),
]
