from django.urls import path

from ulinzi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.organisation_admin, name="admin"),
]
