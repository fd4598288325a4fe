"""Writes for alerts: raise, cancel, subscribe, acknowledge."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.alerts import delivery as fanout
from ulinzi.alerts import policies
from ulinzi.alerts.matching import bounding_box, domain_mask
from ulinzi.alerts.models import (
    SEVERITY_RANK,
    Acknowledgement,
    Alert,
    Delivery,
    DeliveryState,
    Subscription,
    SubscriptionArea,
)
from ulinzi.alerts.validation import clean_alert, clean_subscription
from ulinzi.audit import services as audit
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound


def _linked_incident(actor: Actor, incident_id: Any) -> Any:
    if not incident_id:
        return None
    from ulinzi.incidents import selectors as incidents

    try:
        return incidents.get(actor, str(incident_id))
    except (NotFound, NotAllowed) as exc:
        raise InvalidInput(
            [FieldProblem("incident", _("no incident you may see has this id"), str(incident_id))]
        ) from exc


def raise_alert(
    *,
    actor: Actor,
    data: dict[str, Any],
    organisation: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """Record an alert and queue its deliveries to every matching subscription."""
    if not policies.can_raise(actor):
        raise NotAllowed(_("only monitors and coordinators raise alerts"))
    now = now or timezone.now()
    org = organisation_choice.choose(
        policies.raising_orgs(actor),
        organisation,
        refusal=_("only monitors and coordinators raise alerts"),
    )
    fields = clean_alert(data, now=now)
    incident = _linked_incident(actor, data.get("incident"))
    with transaction.atomic():
        alert = Alert.objects.create(
            organisation=org,
            raised_by=actor.user,
            severity_rank=SEVERITY_RANK[fields["severity"]],
            domain_mask=domain_mask(fields["domains"]),
            incident=incident,
            created_at=now,
            **fields,
        )
        fanout.fan_out(alert, now=now)
        audit.record(
            actor=actor,
            action="alert.raise",
            object_type="alert",
            object_id=alert.pk,
            owner_organisation=org.code,
            detail={"severity": alert.severity, "matched": alert.matched},
        )
    return alert


@transaction.atomic
def cancel_alert(
    *, actor: Actor, alert: Alert, version: int | None = None, now: datetime | None = None
) -> Alert:
    versioning.lock(alert)
    if not policies.can_cancel(actor, alert):
        raise NotAllowed(_("only the raiser or a coordinator of the organisation cancels an alert"))
    versioning.check(version, alert, "alert")
    if alert.cancelled_at is None:
        alert.cancelled_at = now or timezone.now()
        alert.cancelled_by = actor.user
        versioning.save(alert, ["cancelled_at", "cancelled_by"])
        audit.record(
            actor=actor,
            action="alert.cancel",
            object_type="alert",
            object_id=alert.pk,
            owner_organisation=alert.organisation.code,
        )
    return alert


def _apply_subscription_fields(sub: Subscription, fields: dict[str, Any]) -> None:
    sub.name = fields["name"]
    sub.domains = fields["domains"]
    sub.domain_mask = domain_mask(fields["domains"])
    sub.min_severity = fields["min_severity"]
    sub.min_severity_rank = SEVERITY_RANK[fields["min_severity"]]
    sub.pcodes = fields["pcodes"]
    sub.lat, sub.lon, sub.radius_km = fields["lat"], fields["lon"], fields["radius_km"]
    if sub.lat is not None and sub.lon is not None and sub.radius_km is not None:
        box = bounding_box(sub.lat, sub.lon, sub.radius_km)
        sub.min_lat, sub.max_lat, sub.min_lon, sub.max_lon = (
            box.min_lat,
            box.max_lat,
            box.min_lon,
            box.max_lon,
        )
    else:
        sub.min_lat = sub.max_lat = sub.min_lon = sub.max_lon = None
    sub.everywhere = not sub.pcodes and sub.lat is None
    sub.in_app = fields["in_app"]
    sub.email = fields["email"]
    sub.has_email = bool(fields["email"])
    if fields["webhook_url"] != sub.webhook_url or not sub.webhook_secret:
        sub.webhook_secret = secrets.token_urlsafe(32) if fields["webhook_url"] else ""
    sub.webhook_url = fields["webhook_url"]


def create_subscription(
    *, actor: Actor, data: dict[str, Any], organisation: str | None = None
) -> Subscription:
    """Subscribe the actor (no ``organisation``) or an organisation they manage.

    The webhook secret is generated here; the caller shows it once.
    """
    if not policies.can_receive(actor):
        raise NotAllowed(_("your roles do not receive alerts"))
    fields = clean_subscription(data)
    sub = Subscription(created_by=actor.user)
    if organisation:
        org = organisation_choice.choose(
            policies.subscription_orgs(actor),
            organisation,
            refusal=_("you cannot act for this organisation"),
        )
        if org.kind == Organisation.Kind.PARTY:
            raise InvalidInput(
                [FieldProblem("organisation", _("parties to a conflict do not receive alerts"))]
            )
        sub.organisation = org
    else:
        sub.user = actor.user
    _apply_subscription_fields(sub, fields)
    with transaction.atomic():
        sub.save()
        SubscriptionArea.objects.bulk_create(
            [SubscriptionArea(subscription=sub, pcode=c) for c in sub.pcodes]
        )
    return sub


def set_subscription_active(
    *, actor: Actor, subscription: Subscription, active: bool
) -> Subscription:
    if not policies.can_manage_subscription(actor, subscription):
        raise NotAllowed(_("you cannot change this subscription"))
    subscription.active = active
    subscription.save(update_fields=["active"])
    return subscription


def delete_subscription(*, actor: Actor, subscription: Subscription) -> None:
    """Stop a subscription. It is kept (inactive) when deliveries refer to it."""
    if not policies.can_manage_subscription(actor, subscription):
        raise NotAllowed(_("you cannot change this subscription"))
    if subscription.deliveries.exists():
        subscription.active = False
        subscription.save(update_fields=["active"])
    else:
        subscription.delete()


def _acknowledge(
    alert: Alert, subscription_ids: set[int], *, user: Any, via: str, now: datetime
) -> int:
    made = 0
    for sub_id in sorted(subscription_ids):
        try:
            with transaction.atomic():
                Acknowledgement.objects.create(
                    alert=alert, subscription_id=sub_id, user=user, via=via, at=now
                )
                made += 1
        except IntegrityError:
            continue  # acknowledged already: the first acknowledgement stands
    Delivery.objects.filter(
        alert=alert, subscription_id__in=subscription_ids, state=DeliveryState.SENT
    ).update(state=DeliveryState.ACKNOWLEDGED)
    return made


def recipient_subscriptions(actor: Actor, alert: Alert) -> set[int]:
    """The subscriptions through which ``actor`` received ``alert``."""
    from django.db.models import Q

    if not policies.can_receive(actor):
        return set()
    q = Q(organisation_id__in=policies.receiving_orgs(actor))
    if actor.user_id is not None:
        q |= Q(user_id=actor.user_id)
    return set(Delivery.objects.filter(q, alert=alert).values_list("subscription_id", flat=True))


def acknowledge(
    *, actor: Actor, alert: Alert, via: str = Acknowledgement.Via.INBOX, now: datetime | None = None
) -> int:
    """Acknowledge ``alert`` for every subscription through which the actor received it."""
    subs = recipient_subscriptions(actor, alert)
    if not subs:
        raise NotFound(_("this alert was not delivered to you"))
    return _acknowledge(alert, subs, user=actor.user, via=via, now=now or timezone.now())


def delivery_for_token(token: str) -> Delivery:
    """The delivery an email link names, or :class:`NotFound` (forged or expired)."""
    from ulinzi.alerts.channels.email import delivery_id_from_token

    try:
        delivery_id = delivery_id_from_token(token)
    except (signing.BadSignature, KeyError, ValueError, TypeError) as exc:
        raise NotFound(_("this acknowledgement link is not valid or has expired")) from exc
    found = (
        Delivery.objects.select_related("alert", "alert__organisation")
        .filter(pk=delivery_id)
        .first()
    )
    if found is None:
        raise NotFound(_("this acknowledgement link is not valid or has expired"))
    return found


def acknowledge_by_token(*, token: str, now: datetime | None = None) -> Delivery:
    """Acknowledge through the signed link of an alert email."""
    delivery = delivery_for_token(token)
    _acknowledge(
        delivery.alert,
        {delivery.subscription_id},
        user=None,
        via=Acknowledgement.Via.EMAIL,
        now=now or timezone.now(),
    )
    return delivery
