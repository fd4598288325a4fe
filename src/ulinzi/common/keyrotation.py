"""Re-encrypt every :class:`EncryptedTextField` value under the newest key."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from ulinzi.common import crypto
from ulinzi.common.fields import EncryptedTextField

BATCH = 500


def encrypted_columns() -> list[tuple[type[Model], str]]:
    out = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedTextField):
                out.append((model, field.column or field.name))
    return out


def rotate() -> dict[str, int]:
    """Add a key and re-encrypt in batches (each batch its own transaction).

    Old keys stay in the key file so running processes never meet a value they cannot
    read; ``retire`` drops them once every process has picked up the new key file.
    """
    crypto.add_key()
    return _reencrypt_all()


def retire() -> dict[str, int]:
    """Re-encrypt stragglers under the newest key, then keep only that key."""
    counts = _reencrypt_all()
    crypto.retire_old_keys()
    return counts


def _reencrypt_all() -> dict[str, int]:
    counts: dict[str, int] = {}
    for model, column in encrypted_columns():
        table = connection.ops.quote_name(model._meta.db_table)
        col = connection.ops.quote_name(column)
        assert model._meta.pk is not None
        pk = connection.ops.quote_name(model._meta.pk.column or model._meta.pk.name)
        done = 0
        last = None
        while True:
            with connection.cursor() as cur:
                if last is None:
                    cur.execute(f"SELECT {pk}, {col} FROM {table} ORDER BY {pk} LIMIT %s", [BATCH])  # noqa: S608
                else:
                    cur.execute(
                        f"SELECT {pk}, {col} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s",  # noqa: S608
                        [last, BATCH],
                    )
                rows = cur.fetchall()
            if not rows:
                break
            with transaction.atomic(), connection.cursor() as cur:
                for key, value in rows:
                    if value:
                        cur.execute(
                            f"UPDATE {table} SET {col} = %s WHERE {pk} = %s",  # noqa: S608
                            [crypto.rotate_token(value), key],
                        )
                        done += 1
            last = rows[-1][0]
        counts[f"{model._meta.label}.{column}"] = done
    return counts
