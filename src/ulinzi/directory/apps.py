from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Published services and the referral pathway for a need in an area."""

    name = "ulinzi.directory"
    label = "directory"
    default_auto_field = "django.db.models.BigAutoField"
