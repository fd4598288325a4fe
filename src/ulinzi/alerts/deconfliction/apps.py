from django.apps import AppConfig


class DeconflictionConfig(AppConfig):
    name = "ulinzi.alerts.deconfliction"
    label = "deconfliction"
    default_auto_field = "django.db.models.BigAutoField"
