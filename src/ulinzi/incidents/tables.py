"""Rows inserted without model objects: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

This does what ``bulk_create`` does (one statement or COPY per table per batch) minus
the per-object ORM work, which would cost more than everything else in an import. Values
go through each field's own ``get_db_prep_save`` wherever the database representation
differs from the Python value (UUIDs, dates, JSON), so the rows are exactly what the ORM
would write; encrypted fields are left to the caller, who encrypts with one key set per
batch. Used by :mod:`ulinzi.incidents.writes` only.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Field, Model

_PLAIN = {
    "CharField",
    "TextField",
    "IntegerField",
    "PositiveIntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "FloatField",
    "BooleanField",
    "ForeignKey",
    "BigAutoField",
}
_ENCRYPTED = {"EncryptedTextField", "EncryptedJSONField"}


def _default(field: Field[Any, Any]) -> Any:
    if not field.has_default():
        return None
    value = field.get_default()
    return str(value) if isinstance(value, str) else value


class Table:
    """Insert rows given as tuples in the order of :attr:`names` (attribute names,
    ``organisation_id``…); :attr:`getter` picks that tuple from a dict."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields: list[Field[Any, Any]] = [
            f
            for f in model._meta.concrete_fields
            if not (getattr(f, "auto_created", False) and f.primary_key)
            and type(f).__name__ != "BigAutoField"
        ]
        self.names = [f.attname for f in self.fields]
        self.columns = [str(f.column) for f in self.fields]
        self.defaults = {f.attname: _default(f) for f in self.fields}
        self.adapted = {
            f.attname: f
            for f in self.fields
            if type(f).__name__ not in _PLAIN and type(f).__name__ not in _ENCRYPTED
        }
        self.getter = itemgetter(*self.names)
        self.table = model._meta.db_table

    def prepared_defaults(self) -> dict[str, Any]:
        out = dict(self.defaults)
        for name, field in self.adapted.items():
            if out[name] is not None:
                out[name] = field.get_db_prep_save(out[name], connection)
        return out

    def prepare(self, name: str, value: Any) -> Any:
        """``value`` of field ``name`` as the database takes it."""
        return self.adapted[name].get_db_prep_save(value, connection)

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        cols = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {quote(self.table)} ({cols}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)


_RAND_MASK = ((1 << 80) - 1) & ~(0xF << 76) & ~(0x3 << 62)
_VERSION_BITS = (0x7 << 76) | (0x2 << 62)


def ordered_ids(count: int) -> list[uuid.UUID]:
    """UUIDs whose first 48 bits are the time in ms (the UUIDv7 layout), the rest random.

    Rows inserted in bulk then land at the end of the primary key index and of the
    indexes that refer to it (terms, history), instead of at random places in them.
    """
    stamp = (time.time_ns() // 1_000_000) << 80
    noise = os.urandom(10 * count)
    out = []
    for i in range(count):
        rand = int.from_bytes(noise[i * 10 : i * 10 + 10], "big") & _RAND_MASK
        out.append(uuid.UUID(int=stamp | rand | _VERSION_BITS))
    return out
