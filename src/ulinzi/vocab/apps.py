from django.apps import AppConfig


class VocabConfig(AppConfig):
    name = "ulinzi.vocab"
    label = "vocab"
    default_auto_field = "django.db.models.BigAutoField"
