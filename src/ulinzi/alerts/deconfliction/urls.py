from django.urls import path

from ulinzi.alerts.deconfliction import views

app_name = "deconfliction"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sites/new/", views.site_create, name="site_create"),
    path("movements/new/", views.movement_create, name="movement_create"),
    path("send/", views.send, name="send"),
    path("party/", views.party_inbox, name="party"),
    path("sites/<uuid:site_id>/", views.site_detail, name="site"),
    path("sites/<uuid:site_id>/removal/", views.site_removal, name="site_removal"),
    path("movements/<uuid:movement_id>/", views.movement_detail, name="movement"),
    path("notifications/<uuid:notification_id>/", views.notification_detail, name="notification"),
    path(
        "notifications/<uuid:notification_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("batches/<uuid:batch_id>/acknowledge/", views.acknowledge_batch, name="acknowledge_batch"),
]
