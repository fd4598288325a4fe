"""Removal and lead-time override reasons, and what was notified (a removal reason
included) and the record's details, encrypted at rest; existing rows are encrypted here."""

from typing import Any

import ulinzi.common.fields
from django.db import migrations

from ulinzi.common import keyrotation

COLUMNS = (
    ('deconfliction_site', 'removal_reason', 'id'),
    ('deconfliction_movement', 'override_reason', 'id'),
    ('deconfliction_notification', 'content', 'id'),
    ('deconfliction_event', 'detail', 'id'),
)


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('deconfliction', '0002_versions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='event',
            name='detail',
            field=ulinzi.common.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='movement',
            name='override_reason',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AlterField(
            model_name='notification',
            name='content',
            field=ulinzi.common.fields.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name='site',
            name='removal_reason',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
