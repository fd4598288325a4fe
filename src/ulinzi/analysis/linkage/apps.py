from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "ulinzi.analysis.linkage"
    label = "linkage"
    verbose_name = _("Linkage of duplicate reports")
    default_auto_field = "django.db.models.BigAutoField"
