"""Is a worker running? Each ``ulinzi worker`` renews its :class:`Heartbeat` row from a
thread of its own every ``ULINZI_WORKER_HEARTBEAT_SECONDS`` (10), so a worker busy with
a long import still counts as seen; a worker not seen for ``ULINZI_WORKER_STALE_SECONDS``
(60) counts as gone (killed, crashed, or never started)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from ulinzi.worker.models import Heartbeat

log = logging.getLogger(__name__)


def interval_seconds() -> float:
    """How often a running worker renews its heartbeat (default 10 s)."""
    return float(settings.ULINZI_WORKER_HEARTBEAT_SECONDS)


def stale_seconds() -> float:
    """A worker not seen for this long counts as gone (default 60 s)."""
    return float(settings.ULINZI_WORKER_STALE_SECONDS)


def beat(worker_id: str, *, started_at: datetime, now: datetime | None = None) -> None:
    """Record that ``worker_id`` (this process) is alive now."""
    Heartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now or timezone.now(),
        },
    )


def forget(worker_id: str) -> None:
    """The worker stops: it no longer counts as running."""
    Heartbeat.objects.filter(worker_id=worker_id).delete()


def last_seen() -> datetime | None:
    """When a worker was last seen, or None if none runs (or ever ran) here."""
    return Heartbeat.objects.aggregate(at=Max("seen_at"))["at"]


def summary(now: datetime | None = None) -> dict[str, Any]:
    """``{"alive": workers seen within stale_seconds, "last_seen": latest beat or None}``."""
    cutoff = (now or timezone.now()) - timedelta(seconds=stale_seconds())
    return Heartbeat.objects.aggregate(
        alive=Count("worker_id", filter=Q(seen_at__gte=cutoff)), last_seen=Max("seen_at")
    )


def prune(now: datetime | None = None) -> int:
    """Remove the rows of workers gone (not seen for stale_seconds: killed, or their host
    lost); a live worker does this at each beat. Returns how many were removed."""
    cutoff = (now or timezone.now()) - timedelta(seconds=stale_seconds())
    removed, _kinds = Heartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return removed


def seen_recently(now: datetime | None = None) -> bool:
    """Whether a worker renewed its heartbeat within :func:`stale_seconds`."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=stale_seconds())
    return Heartbeat.objects.filter(seen_at__gte=cutoff).exists()


class _Beating(threading.Thread):
    def __init__(self, worker_id: str, started_at: datetime) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(interval_seconds()):
                try:
                    beat(self.worker_id, started_at=self.started_at)
                    prune()
                except DatabaseError as exc:  # e.g. SQLite busy: try again next time
                    log.warning("worker heartbeat not written: %s", exc)
        finally:
            connection.close()


@contextmanager
def beating(worker_id: str) -> Iterator[None]:
    """Keep ``worker_id``'s heartbeat fresh while the block runs; forget it after."""
    started_at = timezone.now()
    beat(worker_id, started_at=started_at, now=started_at)
    prune(started_at)
    thread = _Beating(worker_id, started_at)
    thread.start()
    try:
        yield
    finally:
        thread.stopped.set()
        thread.join(timeout=5)
        forget(worker_id)
