"""Run inside ``ulinzi manage shell`` by the kill -9 test, against its own database."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

MIGRATE = ("django_tasks_database", "audit", "alerts", "deconfliction", "worker")


def prepare(url: str, count: int) -> None:
    """Migrate what the worker needs (only those apps, to stay quick), then set up."""
    from django.core.management import call_command

    for app in MIGRATE:
        call_command("migrate", app, verbosity=0, interactive=False)
    setup(url, count)


def setup(url: str, count: int) -> None:
    """Create ``count`` webhook subscriptions at ``url``/i and raise one alert."""
    from ulinzi.accounts import services as accounts
    from ulinzi.accounts.access import actor_for
    from ulinzi.alerts import services

    org = accounts.ensure_organisation(code="cluster", name="Cluster", kind="un_agency")
    partner = accounts.ensure_organisation(code="amani", name="Amani", kind="nngo")
    monitor = accounts.ensure_user(
        username="monitor", password="kill-test-pw", organisation=org, roles=["monitor"]
    )
    admin = accounts.ensure_user(
        username="admin2", password="kill-test-pw", organisation=partner, roles=["admin"]
    )
    subs = {}
    for i in range(count):
        sub = services.create_subscription(
            actor=actor_for(admin),
            organisation="amani",
            data={
                "name": f"hook {i}",
                "pcodes": ["UA48"],
                "in_app": False,
                "webhook_url": f"{url}/{i}",
            },
        )
        subs[sub.pk] = f"/{i}"
    alert = services.raise_alert(
        actor=actor_for(monitor),
        data={
            "title": "Shelling expected near the district hospital",
            "threatened": "District hospital",
            "severity": "flash",
            "domains": ["health_care_attack"],
            "pcodes": ["UA4802"],
            "expires_at": (timezone.now() + timedelta(hours=6)).isoformat(),
        },
    )
    print(json.dumps({"alert": str(alert.pk), "subscriptions": subs}))


def report(alert_id: str) -> None:
    """Every delivery of the alert: path, state, key, attempts."""
    from ulinzi.alerts.models import Delivery

    rows = [
        {
            "path": d.subscription.webhook_url.rsplit("/", 1)[-1],
            "state": d.state,
            "key": d.idempotency_key,
            "attempts": d.attempts,
        }
        for d in Delivery.objects.filter(alert_id=alert_id).select_related("subscription")
    ]
    print(json.dumps(rows))
