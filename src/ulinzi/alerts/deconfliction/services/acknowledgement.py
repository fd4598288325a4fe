"""A party's focal points acknowledge its notifications (reminders and escalation when
they do not are in ``reminders``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.alerts.deconfliction import policies
from ulinzi.alerts.deconfliction.models import Batch, Event, Notification
from ulinzi.alerts.deconfliction.services.sending import record_event
from ulinzi.common.problems import NotAllowed


def acknowledge(
    *, actor: Actor, notifications: list[Notification], now: datetime | None = None
) -> int:
    """A party focal point acknowledges notifications of their own party."""
    now = now or timezone.now()
    for n in notifications:
        if not policies.can_acknowledge(actor, n):
            raise NotAllowed(_("only the party's focal points acknowledge its notifications"))
    done = 0
    with transaction.atomic():
        for n in notifications:
            updated = Notification.objects.filter(pk=n.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=now, acknowledged_by=actor.user
            )
            if updated:
                record_event(n, Event.Type.ACKNOWLEDGED, actor=actor, at=now)
                done += 1
    return done


def acknowledge_batch(*, actor: Actor, batch: Batch, now: datetime | None = None) -> int:
    return acknowledge(actor=actor, notifications=list(batch.notifications.all()), now=now)
