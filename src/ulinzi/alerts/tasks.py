"""Background tasks (Django Tasks API, database backend; run by ``ulinzi worker``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from ulinzi.alerts import conf
from ulinzi.alerts.models import TickSchedule

TICK = "alerts"


@task()
def send_deliveries(
    delivery_ids: list[int] | None = None, alert: str = "", batch: str = ""
) -> dict[str, int]:
    """Send these deliveries (email, webhook) unless already sent or held elsewhere:
    listed by id (retries, recovery) or as one fan-out batch of an alert."""
    from ulinzi.alerts.delivery import batch_ids, send_batch

    ids = list(delivery_ids or []) + (batch_ids(alert, batch) if batch else [])
    return send_batch(ids)


@task(takes_context=True)
def alerts_tick(context: TaskContext) -> dict[str, int]:
    """Run the periodic checks of every app (:mod:`ulinzi.common.periodic`), then
    schedule the next run."""
    from ulinzi.common.periodic import run_checks

    try:
        return run_checks()
    finally:
        schedule_tick(current=str(context.task_result.id))


def schedule_tick(*, current: str = "") -> bool:
    """Keep one chain of periodic checks: enqueue the next unless another is waiting.

    Called by each tick task when it ends (``current`` is its id) and when a worker
    starts; a waiting tick of another chain wins, so parallel chains merge into one.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    with transaction.atomic():
        row, _ = TickSchedule.objects.select_for_update().get_or_create(name=TICK)
        if (
            row.task_id
            and row.task_id != current
            and DBTaskResult.objects.filter(id=row.task_id, status=TaskResultStatus.READY).exists()
        ):
            return False
        run_after = now + timedelta(seconds=conf.tick_seconds()) if current else now
        result = alerts_tick.using(run_after=run_after).enqueue()
        row.task_id = str(result.id)
        row.save(update_fields=["task_id"])
    return True
