"""Source ids unique per dataset of an organisation; the publisher's event id; the whole
previous version of a record kept (encrypted) in the history line of a re-import.

Records imported before get the dataset their source row's columns identify (the same
families as ``ulinzi.intake.datasets`` had when this was written, frozen here), and the
Insecurity Insight ones their SiND event id; every other record stays in the default
dataset ("").
"""

from django.db import migrations, models
from django.db.models import F

import ulinzi.common.fields

FAMILIES = (
    ("who-ssa", ("attack id",)),
    (
        "insecurity-insight-explosive-incidents",
        ("explosive weapon type", "launch type", "sector affected"),
    ),
    (
        "insecurity-insight-crsv-incidents",
        ("reported deaths following the sexual violence", "sv context", "type of sv"),
    ),
    ("insecurity-insight-foodsecurity-incidents", ("foodsecurity",)),
    (
        "insecurity-insight-aidworkerkika-incidents",
        ("aid workers kidnapped", "organisation affected", "programme focus"),
    ),
    (
        "insecurity-insight-education-incidents",
        ("attacks on schools", "attacks on universities", "educators kidnapped"),
    ),
    (
        "insecurity-insight-protection-incidents",
        ("camp name", "camp resident killed", "protection event context"),
    ),
    (
        "insecurity-insight-healthcare-incidents",
        (
            "health workers threatened",
            "number of attacks on health facilities reporting destruction",
            "total number of attacks on facilities which reported destruction",
        ),
    ),
)
CHUNK = 2000


def _family(keys):
    names = {" ".join(str(k).lower().replace("_", " ").split()) for k in keys}
    for dataset, marks in FAMILIES:
        if any(m in names for m in marks):
            return dataset
    return ""


def backfill(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    found = {}
    rows = (
        Incident.objects.filter(raw_source__isnull=False, source_id__isnull=False)
        .only("pk", "raw_source")
        .iterator(chunk_size=CHUNK)
    )
    for incident in rows:
        raw = incident.raw_source
        if isinstance(raw, dict):
            dataset = _family(raw)
            if dataset:
                found.setdefault(dataset, []).append(incident.pk)
    for dataset, pks in found.items():
        for start in range(0, len(pks), CHUNK):
            chunk = Incident.objects.filter(pk__in=pks[start : start + CHUNK])
            if dataset.startswith("insecurity-insight-"):
                chunk.update(dataset=dataset, event_id=F("source_id"))
            else:
                chunk.update(dataset=dataset)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_incident_version"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="incident", name="unique_source_per_org"),
        migrations.AddField(
            model_name="incident",
            name="dataset",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AddField(
            model_name="incident",
            name="event_id",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AddField(
            model_name="incidentchange",
            name="previous",
            field=ulinzi.common.fields.EncryptedJSONField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.UniqueConstraint(
                fields=("organisation", "dataset", "source_id"), name="unique_source_per_dataset"
            ),
        ),
    ]
