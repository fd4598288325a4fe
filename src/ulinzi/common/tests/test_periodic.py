"""The worker's periodic task runs every app's check: overdue referrals and complaint
stages are notified without anyone running ``ulinzi cases tick``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.common.periodic import run_checks

pytestmark = pytest.mark.django_db


def test_the_periodic_task_notifies_overdue_referrals_and_stages(demo_orgs: Any) -> None:
    from django_tasks import TaskContext
    from django_tasks_db.models import DBTaskResult

    from ulinzi.alerts.tasks import schedule_tick
    from ulinzi.cases import demo
    from ulinzi.cases.models import Notification, Referral, StagePeriod
    from ulinzi.intake.anonymous import routing

    routing.configure_demo()
    demo.load(lambda line: None)
    Referral.objects.update(due_at=timezone.now() - timedelta(hours=1))
    StagePeriod.objects.update(deadline=timezone.now() - timedelta(hours=1))
    assert not Notification.objects.filter(kind__in=["referral_overdue", "complaint_overdue"])

    schedule_tick()  # a worker starts: the periodic task is due now
    queued = DBTaskResult.objects.get(task_path__endswith="alerts_tick", status="READY")
    queued.claim("test-worker")  # what the worker does with it
    context = TaskContext(task_result=queued.task_result)  # type: ignore[arg-type]
    report: dict[str, int] = queued.task.call(context)  # type: ignore[call-arg, arg-type, assignment]
    assert report["overdue_referrals"] > 0 and report["overdue_complaint_stages"] > 0

    assert Notification.objects.filter(kind="referral_overdue").exists()
    assert Notification.objects.filter(kind="complaint_overdue").exists()
    again = run_checks()
    assert again["overdue_referrals"] == 0 and again["overdue_complaint_stages"] == 0


def test_a_failing_check_does_not_stop_the_others(db: Any, settings: Any, caplog: Any) -> None:
    settings.ULINZI_PERIODIC_CHECKS = [
        "ulinzi.common.tests.test_periodic.broken_check",
        "ulinzi.cases.tick.tick",
    ]
    report = run_checks()
    assert report["failed_checks"] == 1
    assert report["overdue_referrals"] == 0
    assert "periodic check ulinzi.common.tests.test_periodic.broken_check failed" in caplog.text


def broken_check() -> dict[str, int]:
    raise RuntimeError("this check is broken")
