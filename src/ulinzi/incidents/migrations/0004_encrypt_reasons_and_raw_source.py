"""The source row of an import, verification notes and rejection reasons (on the incident
and in its history) encrypted at rest like the narrative; existing rows are encrypted
here (and decrypted again when migrating back)."""

from typing import Any

from django.db import migrations

import ulinzi.common.fields
from ulinzi.common import keyrotation

COLUMNS = (
    ("incidents_incident", "raw_source", "id"),
    ("incidents_incident", "status_reason", "id"),
    ("incidents_incidentchange", "reason", "id"),
)


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0003_fewer_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='incident',
            name='raw_source',
            field=ulinzi.common.fields.EncryptedJSONField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='incident',
            name='status_reason',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AlterField(
            model_name='incidentchange',
            name='reason',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
