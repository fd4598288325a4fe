"""Objects behind the alert placeholders of tests/test_access_matrix.py.

{alert}: an urgent alert raised by "monitor" (cluster) on UA4802, delivered to the
cluster's own organisation subscription {subscription} (UA48, managed by cluster's
admin and coordinator). Nobody in amani received it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def placeholders(template: str) -> dict[str, Any]:
    if "{alert}" not in template and "{subscription}" not in template:
        return {}
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.alerts import services

    coordinator = actor_for(User.objects.get(username="coordinator"))
    sub = services.create_subscription(
        actor=coordinator,
        organisation="cluster",
        data={"name": "cluster field offices", "pcodes": ["UA48"]},
    )
    alert = services.raise_alert(
        actor=actor_for(User.objects.get(username="monitor")),
        data={
            "title": "Checkpoint closing the road to the hospital",
            "threatened": "Access to the district hospital",
            "severity": "urgent",
            "domains": ["health_care_attack"],
            "pcodes": ["UA4802"],
            "expires_at": (timezone.now() + timedelta(hours=6)).isoformat(),
        },
    )
    return {"alert": alert.pk, "subscription": sub.pk}
