from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "ulinzi.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"
