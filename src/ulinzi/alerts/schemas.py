"""JSON shapes of alerts and subscriptions in the API (what ``payload.alert_document``
and the endpoints write)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class AreaOut(Schema):
    pcodes: list[str]
    lat: float | None
    lon: float | None
    radius_km: float | None


class AlertDocument(Schema):
    """An alert as the API and webhooks send it."""

    id: str
    organisation: str
    title: str
    severity: str
    domains: list[str]
    threatened: str
    details: str
    area: AreaOut
    created_at: str = Field(description="ISO 8601")
    expires_at: str = Field(description="ISO 8601")
    incident: str | None
    cancelled_at: str | None = Field(description="ISO 8601")


class AlertOut(AlertDocument):
    matched: int
    active: bool
    you_received: bool
    can_view_board: bool
    version: int = Field(description="as in the ETag; send it back in If-Match")


class InboxItemOut(Schema):
    alert: AlertDocument
    through: list[str]
    acknowledged_at: datetime | None


class EscalationOut(Schema):
    alert: str
    title: str
    at: datetime
    unacknowledged: list[str] = Field(description="names of the subscriptions")


class InboxOut(Schema):
    items: list[InboxItemOut]
    escalations: list[EscalationOut]


class SubscriptionOut(Schema):
    id: int
    name: str
    organisation: str | None
    user: str | None
    domains: list[str]
    min_severity: str
    pcodes: list[str]
    lat: float | None
    lon: float | None
    radius_km: float | None
    everywhere: bool
    in_app: bool
    email: str
    webhook_url: str
    active: bool
    created_at: str = Field(description="ISO 8601")


class NewSubscriptionOut(SubscriptionOut):
    webhook_secret: str | None = Field(None, description="shown this once, for a webhook")


class DeliveryOut(Schema):
    id: int
    channel: str
    state: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    sent_at: datetime | None
    idempotency_key: str


class BoardRowOut(Schema):
    subscription: int
    recipient: str
    organisation: str | None
    user: str | None
    deliveries: list[DeliveryOut]
    acknowledged_at: datetime | None
    acknowledged_via: str | None
