"""Rejected values (the partner's data) and the reasons that may quote them encrypted at
rest, like the rejects CSVs and staged uploads kept under the data directory; existing
rows and files are encrypted here (and decrypted when migrating back)."""

from pathlib import Path
from typing import Any

import ulinzi.common.fields
from django.conf import settings
from django.db import migrations

from ulinzi.common import encrypted_files, keyrotation

COLUMNS = (
    ('intake_importreject', 'value', 'id'),
    ('intake_importreject', 'reason', 'id'),
)


# Under $ULINZI_DATA_DIR/imports: rejects CSVs, and the file of each staged upload.
FILES = ("*-rejects.csv", "uploads/*/file/*")


def _files() -> list[Path]:
    folder = Path(settings.DATA_DIR) / "imports"
    return [path for pattern in FILES for path in encrypted_files.kept(folder, pattern)]


def seal(apps: Any, schema_editor: Any) -> None:
    keyrotation.seal_columns(schema_editor.connection, *COLUMNS)
    for path in _files():
        encrypted_files.seal(path)


def unseal(apps: Any, schema_editor: Any) -> None:
    keyrotation.unseal_columns(schema_editor.connection, *COLUMNS)
    for path in _files():
        encrypted_files.unseal(path)


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_web_upload'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importreject',
            name='reason',
            field=ulinzi.common.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='importreject',
            name='value',
            field=ulinzi.common.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
