from django.urls import path

from ulinzi.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_create, name="create"),
    path("inbox/", views.inbox, name="inbox"),
    path("map/", views.alert_map, name="map"),
    path("subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        "subscriptions/<int:subscription_id>/toggle/",
        views.subscription_toggle,
        name="subscription_toggle",
    ),
    path("ack/<str:token>/", views.ack_link, name="ack_link"),
    path("<uuid:alert_id>/", views.alert_detail, name="detail"),
    path("<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("<uuid:alert_id>/cancel/", views.alert_cancel, name="cancel"),
]
