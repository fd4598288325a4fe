from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Case files and everything that protects the people in them."""

    name = "ulinzi.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
