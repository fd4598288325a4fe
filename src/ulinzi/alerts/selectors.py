"""Reads of alerts, always scoped by what the acting user may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.alerts import policies
from ulinzi.alerts.models import Acknowledgement, Alert, Delivery, Escalation, Subscription
from ulinzi.common.problems import NotAllowed, NotFound


def _recipient_q(actor: Actor, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}organisation_id__in": policies.receiving_orgs(actor)})
    if actor.user_id is not None:
        q |= Q(**{f"{prefix}user_id": actor.user_id})
    return q


def visible(actor: Actor) -> QuerySet[Alert]:
    """Alerts of the actor's organisations and alerts delivered to them."""
    if not policies.can_receive(actor):
        return Alert.objects.none()
    delivered = Delivery.objects.filter(_recipient_q(actor)).values("alert_id")
    return Alert.objects.filter(
        Q(organisation_id__in=policies.receiving_orgs(actor)) | Q(id__in=delivered)
    ).select_related("organisation")


def active(actor: Actor, *, now: datetime | None = None) -> QuerySet[Alert]:
    return visible(actor).filter(cancelled_at__isnull=True, expires_at__gt=now or timezone.now())


def get(actor: Actor, alert_id: uuid.UUID | str) -> Alert:
    """One alert the actor may see, or :class:`NotFound` (never reveals existence)."""
    if not actor.is_authenticated:
        raise NotAllowed("sign in first")
    try:
        return visible(actor).select_related("incident").get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"no alert {alert_id}") from exc


@dataclass
class InboxItem:
    alert: Alert
    subscription_names: list[str]
    acknowledged_at: datetime | None


def inbox(actor: Actor, *, limit: int = 200) -> list[InboxItem]:
    """In-app deliveries to the actor or their organisations, newest alert first."""
    if not policies.can_receive(actor):
        return []
    rows = (
        Delivery.objects.filter(_recipient_q(actor), channel="in_app")
        .select_related("alert", "alert__organisation", "subscription")
        .order_by("-alert__created_at", "id")
    )
    items: dict[uuid.UUID, InboxItem] = {}
    for d in rows[: limit * 4]:
        item = items.setdefault(d.alert_id, InboxItem(d.alert, [], None))
        item.subscription_names.append(d.subscription.name)
    acks = Acknowledgement.objects.filter(
        alert_id__in=list(items),
        subscription_id__in=Delivery.objects.filter(
            _recipient_q(actor), alert_id__in=list(items)
        ).values("subscription_id"),
    )
    for ack in acks:
        item = items[ack.alert_id]
        if item.acknowledged_at is None or ack.at < item.acknowledged_at:
            item.acknowledged_at = ack.at
    return list(items.values())[:limit]


def escalations(actor: Actor) -> QuerySet[Escalation]:
    """Escalations the actor must act on (coordinators of the raising organisation)."""
    return (
        Escalation.objects.filter(alert__organisation_id__in=actor.orgs_with(Role.COORDINATOR))
        .select_related("alert")
        .order_by("-at")
    )


@dataclass
class BoardRow:
    subscription: Subscription
    channels: dict[str, Delivery] = field(default_factory=dict)
    acknowledgement: Acknowledgement | None = None


def board(actor: Actor, alert: Alert) -> list[BoardRow]:
    """Each recipient of ``alert`` with the state of each channel and the acknowledgement."""
    if not policies.can_view_board(actor, alert):
        raise NotAllowed("only the raising organisation's staff see the delivery board")
    rows: dict[int, BoardRow] = {}
    deliveries = (
        Delivery.objects.filter(alert=alert)
        .select_related("subscription", "subscription__organisation", "subscription__user")
        .order_by("subscription__name", "id")
    )
    for d in deliveries:
        row = rows.setdefault(d.subscription_id, BoardRow(d.subscription))
        row.channels[d.channel] = d
    for ack in Acknowledgement.objects.filter(alert=alert).select_related("user"):
        if ack.subscription_id in rows:
            rows[ack.subscription_id].acknowledgement = ack
    return list(rows.values())


def subscriptions(actor: Actor) -> QuerySet[Subscription]:
    """The subscriptions the actor manages: their own and their organisations'."""
    if not policies.can_receive(actor):
        return Subscription.objects.none()
    q = Q(organisation_id__in=policies.subscription_orgs(actor))
    if actor.user_id is not None:
        q |= Q(user_id=actor.user_id)
    return Subscription.objects.filter(q).select_related("organisation", "user")


def subscription(actor: Actor, subscription_id: int) -> Subscription:
    try:
        return subscriptions(actor).get(pk=subscription_id)
    except Subscription.DoesNotExist as exc:
        raise NotFound(f"no subscription {subscription_id}") from exc
