"""Objects behind the alert placeholders of tests/test_access_matrix.py.

{alert}: an urgent alert raised by "monitor" (cluster) on UA4802, delivered to the
cluster's own organisation subscription {subscription} (UA48, managed by cluster's
admin and coordinator). Nobody in amani received it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

DECONFLICTION = ("{site}", "{movement}", "{notification}", "{batch}", "{party}")


def placeholders(template: str) -> dict[str, Any]:
    if any(key in template for key in DECONFLICTION):
        return deconfliction_placeholders()
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


def deconfliction_placeholders() -> dict[str, Any]:
    """{site}: an amani warehouse, notified to party-a, removal requested; {movement}:
    an amani convoy notified to party-a; {notification} and {batch}: party-a's; {party}:
    party-a. The matrix's party_focal_point is cluster's, a focal point of no party."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.alerts.deconfliction.demo import ensure_parties
    from ulinzi.alerts.deconfliction.services import registration, sending

    ensure_parties("matrix-only-pw")
    monitor = actor_for(User.objects.get(username="monitor2"))
    coordinator = actor_for(User.objects.get(username="coordinator2"))
    site = registration.register_site(
        actor=monitor,
        data={
            "name": "Warehouse",
            "site_type": "warehouse",
            "lat": 48.4,
            "lon": 35.0,
            "valid_from": "2025-01-01",
        },
    )
    start = timezone.now() + timedelta(hours=72)
    movement = registration.register_movement(
        actor=monitor,
        data={
            "purpose": "Convoy",
            "route": [[48.4, 35.0], [47.8, 35.1]],
            "departure_from": start.isoformat(),
            "departure_until": (start + timedelta(hours=1)).isoformat(),
            "arrival_from": (start + timedelta(hours=2)).isoformat(),
            "arrival_until": (start + timedelta(hours=3)).isoformat(),
        },
    )
    [batch] = sending.send(
        actor=coordinator, parties=["party-a"], sites=[site], movements=[movement]
    )
    registration.request_site_removal(actor=monitor, site=site, reason="closed")
    notification = batch.notifications.get(site=site)
    return {
        "site": site.pk,
        "movement": movement.pk,
        "notification": notification.pk,
        "batch": batch.pk,
        "party": "party-a",
    }
