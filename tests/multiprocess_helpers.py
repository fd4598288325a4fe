"""Run in ``ulinzi manage shell`` by test_multiprocess.py against its own PostgreSQL
database: the schema, users, alerts with webhook deliveries, and reports."""

from __future__ import annotations

import json


class _NoMigrations(dict[str, None]):
    """The schema straight from the models (as the suite's ``--nomigrations``): quick."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def schema() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from ulinzi.accounts import services as accounts

    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    org = accounts.ensure_organisation(code="cluster", name="Cluster", kind="un_agency")
    accounts.ensure_user(
        username="coordinator",
        password="multi-process-pw",
        organisation=org,
        roles=["coordinator"],
    )
    print(json.dumps({"ok": True}))


def alert(url: str, count: int) -> None:
    """An alert to ``count`` webhooks at ``url`` only (earlier tests' subscriptions go)."""
    from ulinzi.alerts.models import Subscription
    from ulinzi.alerts.tests.kill_helpers import setup

    Subscription.objects.all().delete()
    setup(url, count)


def tasks(alert_id: str) -> None:
    """The send tasks of the alert: status and the workers that ran each."""
    from django_tasks_db.models import DBTaskResult

    rows = [
        {"status": r.status, "workers": r.worker_ids}
        for r in DBTaskResult.objects.filter(task_path__endswith="send_deliveries")
        if r.args_kwargs.get("kwargs", {}).get("alert") == alert_id
    ]
    print(json.dumps(rows))


def held_by(pid: int) -> None:
    """Statuses of the send tasks last taken by the worker process ``pid``."""
    from django_tasks_db.models import DBTaskResult

    from ulinzi.worker.models import Heartbeat

    ids = set(Heartbeat.objects.filter(pid=pid).values_list("worker_id", flat=True))
    print(
        json.dumps(
            [
                r.status
                for r in DBTaskResult.objects.filter(task_path__endswith="send_deliveries")
                if r.worker_ids and r.worker_ids[-1] in ids and r.status == "RUNNING"
            ]
        )
    )


def report(alert_id: str) -> None:
    from ulinzi.alerts.tests.kill_helpers import report as deliveries

    deliveries(alert_id)
