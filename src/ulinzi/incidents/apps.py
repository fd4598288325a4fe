from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


def _fill_facts(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: build the counting copy where it is missing (a database
    from before it existed, or one restored without it)."""
    from django.db import connections

    from ulinzi.incidents import facts
    from ulinzi.incidents.models import Incident, IncidentFact

    tables = connections[using].introspection.table_names()
    if IncidentFact._meta.db_table not in tables or Incident._meta.db_table not in tables:
        return  # migrated only part of the way
    if IncidentFact.objects.using(using).count() != Incident.objects.using(using).count():
        facts.rebuild()


def _refresh_fact(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Any ``save()`` of an incident rewrites its counting copy in the same transaction
    (writes without model objects count in :mod:`ulinzi.incidents.writes` themselves)."""
    from ulinzi.incidents import writes

    if not raw:
        writes.count([instance.pk])


class IncidentsConfig(AppConfig):
    name = "ulinzi.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_fill_facts, sender=self)
        post_save.connect(_refresh_fact, sender=self.get_model("Incident"))
