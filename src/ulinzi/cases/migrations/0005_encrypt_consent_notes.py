"""Notes on consents and their withdrawal encrypted at rest like the rest of a case file;
existing rows are encrypted here."""

from typing import Any

import ulinzi.common.fields
from django.db import migrations

from ulinzi.common import keyrotation

COLUMNS = (
    ('cases_consent', 'note', 'id'),
    ('cases_consent', 'withdrawal_note', 'id'),
)


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_timeline_params'),
    ]

    operations = [
        migrations.AlterField(
            model_name='consent',
            name='note',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AlterField(
            model_name='consent',
            name='withdrawal_note',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
