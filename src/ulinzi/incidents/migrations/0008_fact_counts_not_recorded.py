"""The counting copy keeps a count no source records as NULL, apart from 0."""

from django.db import migrations, models
from django.db.models import Q

KINDS = ("killed", "injured", "abducted", "arrested", "detained")
GROUPS = ("children", "health_workers", "patients")


def null_not_recorded(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Facts written before stored 0 for a count the incident does not record."""
    fact = apps.get_model("incidents", "IncidentFact")
    for kind in KINDS:
        fact.objects.filter(**{f"incident__{kind}__isnull": True}).update(**{kind: None})
    for group in GROUPS:
        none = Q()
        for kind in KINDS:
            none &= Q(**{f"incident__{kind}_{group}__isnull": True})
        fact.objects.filter(none).update(**{f"people_{group}": None})


def zero_not_recorded(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Back to 0. On PostgreSQL the foreign keys are checked at once, so that no
    deferred check of these updates is pending when the columns become NOT NULL again
    in the same transaction ("pending trigger events")."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    fact = apps.get_model("incidents", "IncidentFact")
    for name in (*KINDS, *(f"people_{g}" for g in GROUPS)):
        fact.objects.filter(**{f"{name}__isnull": True}).update(**{name: 0})


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_incident_victims"),
    ]

    operations = [
        *(
            migrations.AlterField(
                model_name="incidentfact", name=name, field=models.IntegerField(null=True)
            )
            for name in (*KINDS, *(f"people_{g}" for g in GROUPS))
        ),
        migrations.RunPython(null_not_recorded, zero_not_recorded),
    ]
