from django.apps import AppConfig


class SelfReportConfig(AppConfig):
    """The health-worker self-report form: installable, works offline, XLSForm twin."""

    name = "ulinzi.intake.selfreport"
    label = "selfreport"
    default_auto_field = "django.db.models.BigAutoField"
