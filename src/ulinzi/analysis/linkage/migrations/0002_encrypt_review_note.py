"""The note of a review decision encrypted at rest; existing rows are encrypted here."""

from typing import Any

import ulinzi.common.fields
from django.db import migrations

from ulinzi.common import keyrotation

COLUMNS = (
    ('linkage_reviewpair', 'note', 'id'),
)


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('linkage', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewpair',
            name='note',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
