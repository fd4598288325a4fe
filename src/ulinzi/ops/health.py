"""What ``GET /api/v1/health`` reports, each part one cheap query or round trip: the
database, the cache, the worker (last heartbeat) and the task queue.

Anyone sees whether each part works; the operator (:mod:`ulinzi.ops.access`) also sees
when a worker was last seen, how many run, and the queue's depth and oldest task."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.crypto import get_random_string

from ulinzi.worker import heartbeat

PROBE_KEY = "ulinzi:health:probe"


def database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the driver means "not reachable"
        return {"reachable": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"reachable": True, "vendor": connection.vendor}


def cache_status() -> dict[str, Any]:
    """A value written to the cache and read back."""
    cache = caches["default"]
    shared = "redis" in type(cache).__name__.lower()
    value = get_random_string(12)
    try:
        cache.set(PROBE_KEY, value, timeout=30)
        ok = cache.get(PROBE_KEY) == value
    except Exception as exc:  # Redis down or stalled (1 s socket timeout)
        return {"reachable": False, "shared": shared, "error": type(exc).__name__}
    return {"reachable": ok, "shared": shared}


def worker_and_queue() -> dict[str, Any]:
    """Worker liveness from heartbeats and the depth of the task queue."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    beats = heartbeat.summary(now)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        depth=Count("id"), oldest=Min("enqueued_at")
    )
    oldest = waiting["oldest"]
    return {
        "running": beats["alive"] > 0,
        "alive": beats["alive"],
        "last_seen": beats["last_seen"].isoformat() if beats["last_seen"] else None,
        "queue_depth": waiting["depth"],
        "oldest_task_age_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0.0,
    }


def report(*, operator: bool) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 503 when the database or the cache does not answer."""
    db = database()
    shared = cache_status()
    body: dict[str, Any] = {"database": db, "cache": shared}
    if db["reachable"]:
        try:
            facts = worker_and_queue()
        except DatabaseError as exc:  # e.g. a database not migrated yet: no such table
            facts = {"running": False, "error": type(exc).__name__}
        body["worker"] = facts if operator else {"running": facts["running"]}
    else:
        body["worker"] = {"running": False}
    if not operator:  # which engines run, and how they fail, is for the operator only
        for part in (db, shared):
            for detail in ("vendor", "shared", "error"):
                part.pop(detail, None)
    down = not (db["reachable"] and shared["reachable"])
    body = {"status": "down" if down else "ok" if body["worker"]["running"] else "degraded", **body}
    return (503 if down else 200), body
