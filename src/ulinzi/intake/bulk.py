"""Bulk inserts of incidents, their terms and history, without building model objects.

This does what ``bulk_create`` does (one statement or COPY per table per batch) minus
the per-object ORM work, which would cost more than everything else in an import. Values
go through each field's own ``get_db_prep_save`` wherever the database representation
differs from the Python value (UUIDs, dates, JSON; the narrative and the source row are
encrypted with the key set looked up once per batch), so the rows are exactly what the
ORM would write. PostgreSQL gets ``COPY``; SQLite ``executemany``.
"""

from __future__ import annotations

import gc
import json
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from ulinzi.common import crypto
from ulinzi.incidents import facts
from ulinzi.incidents.models import FactArea, Incident, IncidentChange, IncidentFact, IncidentTerm

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


def _default(field: Field[Any, Any]) -> Any:
    if not field.has_default():
        return None
    value = field.get_default()
    return str(value) if isinstance(value, str) else value


class Table:
    """Insert rows given as dicts keyed by attribute name (``organisation_id``…)."""

    def __init__(self, model: type[Model], *, skip_auto: bool = True) -> None:
        self.model = model
        self.fields: list[Field[Any, Any]] = [
            f
            for f in model._meta.concrete_fields
            if not (skip_auto and getattr(f, "auto_created", False) and f.primary_key)
            and not (skip_auto and type(f).__name__ == "BigAutoField")
        ]
        self.names = [f.attname for f in self.fields]
        self.columns = [str(f.column) for f in self.fields]
        self.defaults = {f.attname: _default(f) for f in self.fields}
        self.adapted = {f.attname: f for f in self.fields if type(f).__name__ not in _PLAIN}
        for encrypted in ("narrative", "raw_source"):
            self.adapted.pop(encrypted, None)  # encrypted once per row by the caller
        self.getter = itemgetter(*self.names)
        self.table = model._meta.db_table

    def prepared_defaults(self) -> dict[str, Any]:
        out = dict(self.defaults)
        for name, field in self.adapted.items():
            if out[name] is not None:
                out[name] = field.get_db_prep_save(out[name], connection)
        return out

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


# incident row, term rows, history row, fact row, the fact's area (key, P-code, name)
Built = tuple[
    tuple[Any, ...], list[tuple[Any, ...]], tuple[Any, ...], tuple[Any, ...], tuple[int, str, str]
]
_RAND_MASK = ((1 << 80) - 1) & ~(0xF << 76) & ~(0x3 << 62)
_VERSION_BITS = (0x7 << 76) | (0x2 << 62)


def tune_connection() -> int | None:
    """On SQLite, give this thread's connection a 64 MB page cache (the indexes of a
    large table stay in memory); returns the size it had."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -65536")
    return before


@contextmanager
def import_session() -> Iterator[None]:
    """Settings for a bulk import, restored afterwards: :func:`tune_connection`, and a
    lazier garbage collector, with what is already loaded frozen: rows make no reference
    cycles (refcounting frees them) but do make the collector rescan everything loaded,
    batch after batch."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    before = None
    try:
        before = tune_connection()
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if before is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before}")


class IncidentWriter:
    """Turns validated incident values into inserted rows (incident, terms, history, and
    the counting copy of :mod:`ulinzi.incidents.facts`)."""

    def __init__(self, organisation_id: int, dataset: str = "") -> None:
        self.incidents = Table(Incident)
        self.terms = Table(IncidentTerm)
        self.changes = Table(IncidentChange)
        self.facts = Table(IncidentFact)
        self.base = self.incidents.prepared_defaults()
        self.base["organisation_id"] = organisation_id
        self.base["dataset"] = dataset
        self.pg = connection.vendor == "postgresql"

    def rows(
        self,
        items: Sequence[tuple[dict[str, Any], dict[str, Any]]],
        now: datetime,
        history: Sequence[str],
    ) -> list[Built]:
        """The insert values of each (cleaned, raw) pair: its incident row, term rows,
        history row and fact row."""
        stamp = self.incidents.adapted["created_at"].get_db_prep_save(now, connection)
        at = self.changes.adapted["at"].get_db_prep_save(now, connection)
        encrypt = crypto.encrypter()
        base = dict(self.base, created_at=stamp, updated_at=stamp)
        get = self.incidents.getter
        fact_row = self.facts.getter
        pg = self.pg
        out: list[Built] = []
        dumps = json.dumps
        ids = ordered_ids(len(items))
        for (cleaned, raw), change, key in zip(items, history, ids, strict=True):
            rec = {**base, **cleaned}
            db_key: Any = key if pg else key.hex
            rec["id"] = db_key
            types = cleaned.get("types") or []
            resources = cleaned.get("resources") or []
            fact, area = facts.fact_values(
                {**rec, "pk": key, "types": types, "resources": resources}
            )
            fact["incident_id"] = db_key
            if not pg:
                rec["occurred_on"] = fact["occurred_on"] = rec["occurred_on"].isoformat()
            rec["types"] = dumps(types)
            rec["resources"] = dumps(resources)
            victims = cleaned.get("victims")
            rec["victims"] = dumps(victims) if victims else "[]"
            rec["raw_source"] = encrypt(dumps(raw, ensure_ascii=False))
            if rec["narrative"]:
                rec["narrative"] = encrypt(rec["narrative"])
            terms = [(db_key, "type", code) for code in types]
            terms.extend((db_key, "resource", code) for code in resources)
            change_row = (db_key, at, None, "", "imported", change, "", None)
            out.append((get(rec), terms, change_row, fact_row(fact), area))
        return out

    def insert(self, built: Sequence[Built]) -> None:
        """Insert the rows :meth:`rows` built (one statement or COPY per table)."""
        self.incidents.insert([b[0] for b in built])
        self.terms.insert([t for b in built for t in b[1]])
        self.changes.insert([b[2] for b in built])
        areas = {b[4][0]: b[4] for b in built if b[4][0]}
        if areas:
            FactArea.objects.bulk_create(
                [FactArea(key=k, pcode=p, name=n) for k, p, n in areas.values()],
                ignore_conflicts=True,
            )
        self.facts.insert([b[3] for b in built])
