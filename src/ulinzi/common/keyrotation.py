"""Re-encrypt every :class:`EncryptedTextField` value, and every encrypted file under the
data directory, under the newest key; seal plaintext left by older versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from ulinzi.common import crypto, encrypted_files
from ulinzi.common.fields import EncryptedTextField

BATCH = 500
# Keys of the counts that count files, not values of a column.
FILES = "files"
UNREADABLE_FILES = "unreadable files"


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
        assert model._meta.pk is not None
        pk = model._meta.pk.column or model._meta.pk.name
        done = rewrite_column(connection, model._meta.db_table, column, pk, crypto.rotate_token)
        counts[f"{model._meta.label}.{column}"] = done
    counts[FILES], unreadable = encrypted_files.rotate_all()
    counts[UNREADABLE_FILES] = len(unreadable)
    return counts


def rewrite_column(
    conn: BaseDatabaseWrapper,
    table: str,
    column: str,
    pk: str,
    change: Callable[[str], str | None],
) -> int:
    """Pass every non-empty value of ``table.column`` through ``change`` in batches of
    :data:`BATCH` (keyset on ``pk``), writing back what it returns unless ``None``;
    returns how many values were written."""
    quote = conn.ops.quote_name
    table_q, col, pk_q = quote(table), quote(column), quote(pk)
    done = 0
    select = f"SELECT {pk_q}, {col} FROM {table_q}"  # noqa: S608
    order = f" ORDER BY {pk_q} LIMIT %s"
    last: Any = None
    while True:
        with conn.cursor() as cur:
            if last is None:
                cur.execute(select + order, [BATCH])
            else:
                cur.execute(f"{select} WHERE {pk_q} > %s{order}", [last, BATCH])
            rows = cur.fetchall()
        if not rows:
            return done
        updates = []
        for key, value in rows:
            if value:
                new = change(value)
                if new is not None:
                    updates.append((new, key))
        if updates:
            with transaction.atomic(using=conn.alias), conn.cursor() as cur:
                cur.executemany(
                    f"UPDATE {table_q} SET {col} = %s WHERE {pk_q} = %s",  # noqa: S608
                    updates,
                )
            done += len(updates)
        last = rows[-1][0]


def _seal(value: str) -> str | None:
    return None if crypto.is_ciphertext(value) else crypto.encrypt(value)


def _unseal(value: str) -> str | None:
    return crypto.decrypt(value) if crypto.is_ciphertext(value) else None


def seal_columns(conn: BaseDatabaseWrapper, *columns: tuple[str, str, str]) -> None:
    """Encrypt the plaintext values of ``(table, column, pk)`` columns that have just
    become encrypted (data migrations); values already encrypted are left alone."""
    for table, column, pk in columns:
        rewrite_column(conn, table, column, pk, _seal)
    _checks_now(conn)


def unseal_columns(conn: BaseDatabaseWrapper, *columns: tuple[str, str, str]) -> None:
    """The reverse of :func:`seal_columns` (migrating back)."""
    for table, column, pk in columns:
        rewrite_column(conn, table, column, pk, _unseal)
    _checks_now(conn)


def _checks_now(conn: BaseDatabaseWrapper) -> None:
    """Run PostgreSQL's deferred foreign-key checks of the rows just updated, so that the
    same migration may still alter their tables."""
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
