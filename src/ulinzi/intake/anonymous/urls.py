from django.urls import path

from ulinzi.intake.anonymous import views

app_name = "anonymous"

urlpatterns = [
    path("", views.report, name="report_anonymously"),
    path("status/", views.status, name="follow_report"),
    path("queue/", views.queue, name="queue"),
    path("queue/<uuid:report_id>/", views.detail, name="detail"),
    path("queue/<uuid:report_id>/reply/", views.reply, name="reply"),
    path("queue/<uuid:report_id>/stage/", views.change_stage, name="stage"),
    path("queue/<uuid:report_id>/incident/", views.to_incident, name="incident"),
]
