"""Fan-out and sending: at-least-once delivery with an idempotency key.

* **Fan-out** writes every Delivery row of an alert in one transaction with
  ``bulk_create`` (unique per alert, subscription and channel, so running it again
  never doubles anything), and the send tasks in the same transaction (the task queue
  is a table of the same database), so a crash leaves all of it or none of it.
* **Sending** claims deliveries with a conditional UPDATE (a lease with an owner), so
  two workers never send the same delivery while its lease lives. A failed attempt is
  retried with exponential backoff by a new task due at ``next_attempt_at``.
* **Recovery**: a worker killed mid-send leaves leases that expire; the periodic check
  (:func:`requeue_stale`) hands those deliveries to new tasks. A request that reached
  the receiver just before the kill is sent again with the same ``Idempotency-Key``:
  delivery is at-least-once, and receivers process each key once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from ulinzi.alerts import channels, conf
from ulinzi.alerts.matching import Area, matching_subscriptions
from ulinzi.alerts.models import Alert, Channel, Delivery, DeliveryState

log = logging.getLogger(__name__)
QUEUED = DeliveryState.QUEUED.value
SENT = DeliveryState.SENT.value
FAILED = DeliveryState.FAILED.value


def idempotency_key(alert_id: object, subscription_id: int, channel: str) -> str:
    """Stable for one alert, subscription and channel: every attempt sends the same key."""
    return hashlib.sha256(f"{alert_id}:{subscription_id}:{channel}".encode()).hexdigest()[:40]


def area_of(alert: Alert) -> Area:
    return Area(
        severity_rank=alert.severity_rank,
        domain_mask=alert.domain_mask,
        pcodes=tuple(alert.pcodes),
        lat=alert.lat,
        lon=alert.lon,
        radius_km=alert.radius_km,
    )


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@dataclass(frozen=True)
class FanOut:
    matched: int
    deliveries: int
    tasks: int


def enqueue_sends(ids: Sequence[int], *, run_after: datetime | None = None) -> int:
    """Enqueue send tasks for ``ids`` (in chunks) and remember each delivery's task."""
    from ulinzi.alerts.tasks import send_deliveries

    count = 0
    for chunk in _chunks(ids, max(1, conf.send_chunk())):
        task = send_deliveries.using(run_after=run_after) if run_after else send_deliveries
        result = task.enqueue(chunk)
        Delivery.objects.filter(id__in=chunk).update(task_id=str(result.id))
        count += 1
    return count


_COLUMNS = (
    "alert",
    "subscription",
    "organisation",
    "user",
    "channel",
    "state",
    "attempts",
    "last_error",
    "next_attempt_at",
    "lease_until",
    "lease_owner",
    "task_id",
    "idempotency_key",
    "created_at",
    "sent_at",
)


def _insert_deliveries(rows: list[tuple[object, ...]], *, fresh: bool) -> None:
    """Write delivery rows; rows that exist already (same alert, subscription and
    channel) are skipped.

    This is ``bulk_create(ignore_conflicts=True)`` without building a model instance
    per row. On PostgreSQL a first fan-out (``fresh``: the alert has no deliveries yet,
    so nothing can conflict) streams the rows with COPY; otherwise one statement takes
    each column as an array. SQLite takes one prepared INSERT for all rows.
    """
    meta = Delivery._meta
    qn = connection.ops.quote_name
    names = [qn(_field(name).column or name) for name in _COLUMNS]
    table, columns = qn(meta.db_table), ", ".join(names)
    conflict = ", ".join(qn(c) for c in ("alert_id", "subscription_id", "channel"))
    tail = f" ON CONFLICT ({conflict}) DO NOTHING"
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})" + tail  # noqa: S608
            cursor.executemany(sql, rows)  # type: ignore[arg-type]
        elif fresh:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            arrays = ", ".join(f"%s::{_field(n).db_type(connection)}[]" for n in _COLUMNS)
            sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
            cursor.execute(sql + tail, [list(c) for c in zip(*rows, strict=True)])  # type: ignore[arg-type]


def _field(name: str) -> Field[Any, Any]:
    field = Delivery._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _prep(name: str, value: object) -> object:
    return _field(name).get_db_prep_save(value, connection)


def _enqueue_batches(alert_id: str, keys: list[str]) -> None:
    """One send task per batch key, written with a single INSERT into the task table.

    The key is the task's id and each delivery of the batch records it, so the
    deliveries, their tasks and the alert commit together. (With another task backend
    the tasks are enqueued one by one; their ids then differ from the keys.)
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    from ulinzi.alerts.tasks import send_deliveries

    backend = send_deliveries.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for key in keys:
            send_deliveries.enqueue(alert=alert_id, batch=key)
        return
    backend.validate_task(send_deliveries)
    DBTaskResult.objects.bulk_create(
        [
            DBTaskResult(
                id=key,
                args_kwargs={"args": [], "kwargs": {"alert": alert_id, "batch": key}},
                priority=send_deliveries.priority,
                task_path=send_deliveries.module_path,
                queue_name=send_deliveries.queue_name,
                run_after=get_date_max(),
                backend_name=backend.alias,
            )
            for key in keys
        ]
    )


@transaction.atomic
def fan_out(alert: Alert, *, now: datetime | None = None) -> FanOut:
    """Create the deliveries of ``alert`` and queue their sending. Safe to run again:
    existing deliveries are kept as they are and nothing is sent twice."""
    now = now or timezone.now()
    matches = matching_subscriptions(area_of(alert))
    alert_id, moment = _prep("alert", alert.pk), _prep("created_at", now)
    chunk = max(1, conf.send_chunk())
    rows: list[tuple[object, ...]] = []
    keys: list[str] = []
    queued = 0
    for match in matches:
        for channel in match.channels:
            in_app = channel == Channel.IN_APP
            key = ""
            if not in_app:
                if queued % chunk == 0:
                    keys.append(str(uuid.uuid4()))
                key = keys[-1]
                queued += 1
            rows.append(
                (
                    alert_id,
                    match.id,
                    match.organisation_id,
                    match.user_id,
                    channel,
                    SENT if in_app else QUEUED,
                    0,
                    "",
                    None if in_app else moment,
                    None,
                    "",
                    key,
                    idempotency_key(alert.pk, match.id, channel),
                    moment,
                    moment if in_app else None,
                )
            )
    fresh = not Delivery.objects.filter(alert=alert).exists()
    _insert_deliveries(rows, fresh=fresh)
    # Only batches whose deliveries were new get a task (a re-run inserts nothing).
    used = (
        set(
            Delivery.objects.filter(alert=alert, task_id__in=keys).values_list("task_id", flat=True)
        )
        if keys
        else set()
    )
    batches = [k for k in keys if k in used]
    _enqueue_batches(str(alert.pk), batches)
    Alert.objects.filter(pk=alert.pk).update(matched=len(matches))
    alert.matched = len(matches)
    return FanOut(matched=len(matches), deliveries=len(rows), tasks=len(batches))


def backoff(attempts: int) -> timedelta:
    """Delay before attempt ``attempts + 1``: base × 2^(attempts − 1), at most one hour."""
    seconds = conf.retry_base_seconds() * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, 3600))


def _claim(ids: Sequence[int], owner: str, now: datetime) -> int:
    lease = now + timedelta(seconds=conf.lease_seconds())
    return (
        Delivery.objects.filter(id__in=list(ids), state=QUEUED, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, lease_owner=owner)
    )


def _record_failure(delivery: Delivery, owner: str, error: str, now: datetime) -> None:
    attempts = delivery.attempts + 1
    with transaction.atomic():
        mine = Delivery.objects.filter(pk=delivery.pk, state=QUEUED, lease_owner=owner)
        if attempts >= conf.max_attempts():
            mine.update(
                state=FAILED,
                attempts=attempts,
                last_error=error[:2000],
                lease_until=None,
                lease_owner="",
                next_attempt_at=None,
            )
            return
        due = now + backoff(attempts)
        updated = mine.update(
            attempts=attempts,
            last_error=error[:2000],
            lease_until=None,
            lease_owner="",
            next_attempt_at=due,
        )
        if updated:
            enqueue_sends([delivery.pk], run_after=due)


def batch_ids(alert_id: str, key: str) -> list[int]:
    """The deliveries of one fan-out batch that still wait to be sent."""
    return list(
        Delivery.objects.filter(alert_id=alert_id, task_id=key, state=QUEUED)
        .order_by("id")
        .values_list("id", flat=True)
    )


def send_batch(ids: Sequence[int], *, now: datetime | None = None) -> dict[str, int]:
    """Send the deliveries ``ids`` that are due and not held by another worker."""
    owner = uuid.uuid4().hex
    _claim(ids, owner, now or timezone.now())
    mine = list(
        Delivery.objects.filter(id__in=list(ids), lease_owner=owner, state=QUEUED)
        .select_related("alert", "alert__organisation", "subscription")
        .order_by("id")
    )
    done = {"sent": 0, "retry": 0}
    for delivery in mine:
        moment = timezone.now() if now is None else now
        # Keep the lease of what is left alive while this one is sent.
        Delivery.objects.filter(id__in=list(ids), lease_owner=owner, state=QUEUED).update(
            lease_until=moment + timedelta(seconds=conf.lease_seconds())
        )
        try:
            channels.send(delivery)
        except channels.DeliveryError as exc:
            log.warning("delivery %s failed: %s", delivery.pk, exc)
            _record_failure(delivery, owner, str(exc), moment)
            done["retry"] += 1
            continue
        # Whoever holds the lease now, this delivery reached its recipient.
        Delivery.objects.filter(pk=delivery.pk, state=QUEUED).update(
            state=SENT,
            sent_at=timezone.now() if now is None else now,
            attempts=delivery.attempts + 1,
            last_error="",
            lease_until=None,
            lease_owner="",
        )
        done["sent"] += 1
    return done


def _alive_tasks(task_ids: set[str], now: datetime) -> set[str]:
    """Tasks that are waiting or running recently (a killed worker's stay RUNNING)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    recent = now - timedelta(seconds=conf.lease_seconds())
    alive: set[str] = set()
    ids = sorted(task_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = DBTaskResult.objects.filter(id__in=chunk).filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, started_at__gte=recent)
        )
        alive.update(str(pk) for pk in rows.values_list("id", flat=True))
    return alive


def requeue_stale(*, now: datetime | None = None) -> int:
    """Give new send tasks to due deliveries whose worker died (lease expired) or whose
    task is gone. Returns how many deliveries were re-queued."""
    now = now or timezone.now()
    due = Delivery.objects.filter(state=QUEUED, next_attempt_at__lte=now).exclude(
        channel=Channel.IN_APP
    )
    expired = list(due.filter(lease_until__lt=now).values_list("id", flat=True))
    grace = now - timedelta(seconds=conf.lease_seconds())
    waiting = list(
        due.filter(lease_until__isnull=True, next_attempt_at__lte=grace).values_list(
            "id", "task_id"
        )
    )
    alive = _alive_tasks({t for _, t in waiting if t}, now)
    orphans = [pk for pk, task_id in waiting if not task_id or task_id not in alive]
    requeued = 0
    with transaction.atomic():
        for chunk in _chunks(expired, 500):
            Delivery.objects.filter(id__in=chunk, state=QUEUED, lease_until__lt=now).update(
                lease_until=None, lease_owner="", task_id=""
            )
        ids: list[int] = []
        for chunk in _chunks(sorted(set(expired + orphans)), 500):
            ids += Delivery.objects.filter(
                id__in=chunk, state=QUEUED, lease_until=None
            ).values_list("id", flat=True)
        if ids:
            enqueue_sends(ids)
            requeued = len(ids)
    if requeued:
        log.info("re-queued %s deliveries left by a stopped worker", requeued)
    return requeued
