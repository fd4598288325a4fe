"""Export files kept for their authors (and their disclosure reports) are encrypted under
the data directory: those made before are encrypted here (decrypted when migrating back)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import migrations

from ulinzi.common import encrypted_files


def _files() -> list[Path]:
    return encrypted_files.kept(Path(settings.DATA_DIR) / "exports", "*")


def seal(apps: Any, schema_editor: Any) -> None:
    for path in _files():
        encrypted_files.seal(path)


def unseal(apps: Any, schema_editor: Any) -> None:
    for path in _files():
        encrypted_files.unseal(path)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(seal, unseal, elidable=False),
    ]
