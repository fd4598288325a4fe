"""``/api/v1/alerts``: thin endpoints over selectors and services."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from ulinzi.alerts import policies, selectors, services
from ulinzi.alerts.models import Acknowledgement, Alert, Subscription
from ulinzi.alerts.payload import alert_document
from ulinzi.alerts.schemas import (
    AlertOut,
    BoardRowOut,
    InboxOut,
    NewSubscriptionOut,
    SubscriptionOut,
)
from ulinzi.common import versioning
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotAllowed

router = Router(tags=["alerts"])


class AlertIn(Schema):
    organisation: str | None = None
    title: str = ""
    severity: str = ""
    domains: list[str] = []
    threatened: str = ""
    details: str = ""
    pcodes: list[str] = []
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    expires_at: str | None = None
    incident: UUID | None = None


class SubscriptionIn(Schema):
    organisation: str | None = None
    name: str = ""
    domains: list[str] = []
    min_severity: str = "info"
    pcodes: list[str] = []
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    in_app: bool = True
    email: str = ""
    webhook_url: str = ""


class SubscriptionPatch(Schema):
    active: bool


def _alert_out(request: HttpRequest, alert: Alert) -> dict[str, Any]:
    who = actor(request)
    doc = alert_document(alert)
    doc["matched"] = alert.matched
    doc["active"] = alert.is_active()
    doc["you_received"] = bool(services.recipient_subscriptions(who, alert))
    doc["can_view_board"] = policies.can_view_board(who, alert)
    doc["version"] = alert.version
    return doc


def _subscription_out(sub: Subscription, secret: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sub.pk,
        "name": sub.name,
        "organisation": sub.organisation.code if sub.organisation else None,
        "user": sub.user.username if sub.user else None,
        "domains": sub.domains,
        "min_severity": sub.min_severity,
        "pcodes": sub.pcodes,
        "lat": sub.lat,
        "lon": sub.lon,
        "radius_km": sub.radius_km,
        "everywhere": sub.everywhere,
        "in_app": sub.in_app,
        "email": sub.email,
        "webhook_url": sub.webhook_url,
        "active": sub.active,
        "created_at": sub.created_at.isoformat(),
    }
    if secret is not None:
        out["webhook_secret"] = secret
    return out


@router.get("", response=list[AlertOut], summary="Alerts you may see (active only unless all=true)")
def list_alerts(request: HttpRequest, all: bool = False) -> list[dict[str, Any]]:
    who = actor(request)
    if not policies.can_receive(who):
        raise NotAllowed("your roles do not receive alerts")
    qs = selectors.visible(who) if all else selectors.active(who)
    return [_alert_out(request, a) for a in qs.order_by("-created_at")[:500]]


@router.post("", response={201: AlertOut}, summary="Raise an alert")
def raise_alert(request: HttpRequest, payload: AlertIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict(exclude={"organisation"})
    alert = services.raise_alert(actor=actor(request), data=data, organisation=payload.organisation)
    return 201, _alert_out(request, alert)


@router.get("/inbox", response=InboxOut, summary="Alerts delivered to you or your organisations")
def inbox(request: HttpRequest) -> dict[str, Any]:
    who = actor(request)
    if not policies.can_receive(who):
        raise NotAllowed("your roles do not receive alerts")
    return {
        "items": [
            {
                "alert": alert_document(item.alert),
                "through": item.subscription_names,
                "acknowledged_at": item.acknowledged_at,
            }
            for item in selectors.inbox(who)
        ],
        "escalations": [
            {
                "alert": str(e.alert_id),
                "title": e.alert.title,
                "at": e.at,
                "unacknowledged": e.unacknowledged,
            }
            for e in selectors.escalations(who)[:100]
        ],
    }


@router.get("/subscriptions", response=list[SubscriptionOut], summary="Subscriptions you manage")
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    who = actor(request)
    if not policies.can_receive(who):
        raise NotAllowed("your roles do not receive alerts")
    return [_subscription_out(s) for s in selectors.subscriptions(who)]


@router.post(
    "/subscriptions",
    response={201: NewSubscriptionOut},
    summary="Subscribe yourself, or an organisation you manage (the webhook secret is shown once)",
)
def create_subscription(
    request: HttpRequest, payload: SubscriptionIn
) -> tuple[int, dict[str, Any]]:
    sub = services.create_subscription(
        actor=actor(request),
        data=payload.dict(exclude={"organisation"}),
        organisation=payload.organisation,
    )
    return 201, _subscription_out(sub, secret=sub.webhook_secret or None)


@router.get(
    "/subscriptions/{subscription_id}", response=SubscriptionOut, summary="One subscription"
)
def get_subscription(request: HttpRequest, subscription_id: int) -> dict[str, Any]:
    return _subscription_out(selectors.subscription(actor(request), subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response=SubscriptionOut,
    summary="Pause or resume a subscription",
)
def patch_subscription(
    request: HttpRequest, subscription_id: int, payload: SubscriptionPatch
) -> dict[str, Any]:
    who = actor(request)
    sub = services.set_subscription_active(
        actor=who, subscription=selectors.subscription(who, subscription_id), active=payload.active
    )
    return _subscription_out(sub)


@router.delete("/subscriptions/{subscription_id}", response={204: None}, summary="Unsubscribe")
def delete_subscription(request: HttpRequest, subscription_id: int) -> tuple[int, None]:
    who = actor(request)
    services.delete_subscription(
        actor=who, subscription=selectors.subscription(who, subscription_id)
    )
    return 204, None


@router.get("/{alert_id}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, alert_id: UUID, response: HttpResponse) -> dict[str, Any]:
    alert = selectors.get(actor(request), alert_id)
    versioning.set_etag(response, alert)
    return _alert_out(request, alert)


@router.get(
    "/{alert_id}/deliveries",
    response=list[BoardRowOut],
    summary="Delivery and acknowledgement board",
)
def alert_board(request: HttpRequest, alert_id: UUID) -> list[dict[str, Any]]:
    who = actor(request)
    rows = selectors.board(who, selectors.get(who, alert_id))
    return [
        {
            "subscription": row.subscription.pk,
            "recipient": row.subscription.name,
            "organisation": row.subscription.organisation.code
            if row.subscription.organisation
            else None,
            "user": row.subscription.user.username if row.subscription.user else None,
            "deliveries": [
                {
                    "id": d.pk,
                    "channel": d.channel,
                    "state": d.state,
                    "attempts": d.attempts,
                    "last_error": d.last_error,
                    "next_attempt_at": d.next_attempt_at,
                    "sent_at": d.sent_at,
                    "idempotency_key": d.idempotency_key,
                }
                for d in row.channels.values()
            ],
            "acknowledged_at": row.acknowledgement.at if row.acknowledgement else None,
            "acknowledged_via": row.acknowledgement.via if row.acknowledgement else None,
        }
        for row in rows
    ]


class AckOut(Schema):
    alert: UUID
    acknowledged: int
    at: datetime | None


@router.post("/{alert_id}/acknowledge", response=AckOut, summary="Acknowledge receipt")
def acknowledge(request: HttpRequest, alert_id: UUID) -> dict[str, Any]:
    who = actor(request)
    alert = selectors.get(who, alert_id)
    made = services.acknowledge(actor=who, alert=alert, via=Acknowledgement.Via.API)
    first = (
        Acknowledgement.objects.filter(
            alert=alert, subscription_id__in=services.recipient_subscriptions(who, alert)
        )
        .order_by("at")
        .first()
    )
    return {"alert": alert.pk, "acknowledged": made, "at": first.at if first else None}


@router.post("/{alert_id}/cancel", response=AlertOut, summary="Cancel an alert")
def cancel(
    request: HttpRequest,
    alert_id: UUID,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> HttpResponse | dict[str, Any]:
    who = actor(request)
    alert = services.cancel_alert(
        actor=who, alert=selectors.get(who, alert_id), version=versioning.expected(if_match)
    )
    versioning.set_etag(response, alert)
    return _alert_out(request, alert)
