"""A user's in-app notifications, newest first."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.cases.models import Notification
from ulinzi.common.problems import NotFound

LIMIT = 200


def mine(actor: Actor, *, unread: bool = False) -> list[Notification]:
    """The actor's latest notifications (only those not yet read, with ``unread``)."""
    qs = Notification.objects.filter(user_id=actor.user_id or 0)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:LIMIT])


def one(actor: Actor, notification_id: int) -> Notification:
    """One of the actor's notifications; :class:`NotFound` for any other."""
    found = Notification.objects.filter(user_id=actor.user_id or 0, pk=notification_id).first()
    if found is None:
        raise NotFound(f"no notification {notification_id}")
    return found
