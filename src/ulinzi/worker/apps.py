from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "ulinzi.worker"
    label = "worker"
    default_auto_field = "django.db.models.BigAutoField"
