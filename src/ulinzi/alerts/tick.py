"""The periodic check: escalations, deconfliction reminders, and sends left by a
stopped worker. Run by ``ulinzi alerts tick`` and by the worker's self-re-enqueueing
task; every step takes ``now`` so tests can move the clock."""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.utils import timezone

from ulinzi.alerts import delivery, escalation


def tick(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    report = {
        "alert_escalations": len(escalation.check_escalations(now=now)),
        "requeued_deliveries": delivery.requeue_stale(now=now),
    }
    if apps.is_installed("ulinzi.alerts.deconfliction"):
        from ulinzi.alerts.deconfliction import reminders

        report.update(reminders.check(now=now))
    return report
