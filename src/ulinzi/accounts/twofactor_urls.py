from django.urls import path

from ulinzi.accounts import twofactor_views

app_name = "twofactor"

urlpatterns = [
    path("", twofactor_views.verify, name="verify"),
    path("setup/", twofactor_views.setup, name="setup"),
]
