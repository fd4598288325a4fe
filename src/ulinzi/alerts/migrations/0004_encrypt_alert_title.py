"""An alert's headline encrypted at rest like what it says is threatened; existing rows
are encrypted here."""

from typing import Any

import ulinzi.common.fields
from django.db import migrations

from ulinzi.common import keyrotation

COLUMNS = (
    ('alerts_alert', 'title', 'id'),
)


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0003_versions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='title',
            field=ulinzi.common.fields.EncryptedTextField(),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
