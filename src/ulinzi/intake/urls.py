from django.urls import path

from ulinzi.intake import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("confirm/", views.confirm, name="confirm"),
    path("discard/", views.discard, name="discard"),
    path("<int:run_id>/", views.run_detail, name="run"),
    path("<int:run_id>/progress/", views.run_progress, name="progress"),
    path("<int:run_id>/rejects.csv", views.run_rejects, name="rejects"),
    path("<int:run_id>/retry/", views.run_retry, name="retry"),
]
