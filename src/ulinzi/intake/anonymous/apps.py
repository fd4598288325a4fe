from django.apps import AppConfig


class AnonymousConfig(AppConfig):
    """Anonymous reports with receipt codes (intake without an account)."""

    name = "ulinzi.intake.anonymous"
    label = "anonymous"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ulinzi.intake.anonymous import checks  # noqa: F401  (registers the checks)
