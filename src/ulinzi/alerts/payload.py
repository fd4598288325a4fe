"""What a recipient receives about an alert (webhook JSON, email text)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ulinzi.alerts import conf
from ulinzi.alerts.models import Alert, Delivery


def alert_document(alert: Alert) -> dict[str, Any]:
    """The alert as JSON (the API and webhooks share it)."""
    return {
        "id": str(alert.id),
        "organisation": alert.organisation.code,
        "title": alert.title,
        "severity": alert.severity,
        "domains": list(alert.domains),
        "threatened": alert.threatened,
        "details": alert.details,
        "area": {
            "pcodes": list(alert.pcodes),
            "lat": alert.lat,
            "lon": alert.lon,
            "radius_km": alert.radius_km,
        },
        "created_at": alert.created_at.isoformat(),
        "expires_at": alert.expires_at.isoformat(),
        "incident": str(alert.incident_id) if alert.incident_id else None,
        "cancelled_at": alert.cancelled_at.isoformat() if alert.cancelled_at else None,
    }


def webhook_payload(delivery: Delivery) -> dict[str, Any]:
    return {
        "type": "ulinzi.alert",
        "idempotency_key": delivery.idempotency_key,
        "delivery_id": delivery.pk,
        "subscription_id": delivery.subscription_id,
        "alert": alert_document(delivery.alert),
        "acknowledge": {
            "method": "POST",
            "url": conf.site_url() + f"/api/v1/alerts/{delivery.alert_id}/acknowledge",
        },
    }


def email_subject(alert: Alert) -> str:
    return f"[{alert.get_severity_display().upper()}] {alert.title}"


def email_body(delivery: Delivery, ack_url: str) -> str:
    alert = delivery.alert
    area = ", ".join(alert.pcodes)
    if alert.lat is not None and alert.lon is not None:
        circle = _("%(km)s km around %(lat).5f, %(lon).5f") % {
            "km": alert.radius_km,
            "lat": alert.lat,
            "lon": alert.lon,
        }
        area = f"{area}; {circle}" if area else circle
    lines = [
        alert.title,
        "",
        _("Severity: %s") % alert.get_severity_display(),
        _("Area: %s") % area,
        _("Domains: %s") % ", ".join(alert.domains),
        _("What is threatened: %s") % alert.threatened,
        _("Expires: %s UTC") % alert.expires_at.strftime("%Y-%m-%d %H:%M"),
        _("Raised by: %s") % alert.organisation.name,
        "",
        alert.details,
        "",
        _("Acknowledge receipt: %s") % ack_url,
        _("Inbox: %s") % (conf.site_url() + reverse("alerts:inbox")),
    ]
    return "\n".join(lines).strip() + "\n"
