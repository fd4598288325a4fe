"""Database settings for a bulk import (the rows themselves are written by
:class:`ulinzi.incidents.writes.BulkWriter`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


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
