"""JSON shapes of sites, movements and notifications in the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class SiteOut(Schema):
    type: str = Field(description="site, or site_removal")
    id: str
    name: str
    site_type: str
    organisation: str = Field(description="the registering organisation's name")
    lat: float
    lon: float
    valid_from: str = Field(description="ISO 8601 date")
    valid_until: str | None
    removal_reason: str | None
    status: str
    coordinated_by: str | None = Field(description="code of the coordinating organisation")
    version: int = Field(description="as in the ETag; send it back in If-Match")


class MovementOut(Schema):
    type: str = Field(description="movement")
    id: str
    purpose: str
    organisation: str
    route: list[list[float]] = Field(description="[[lat, lon], ...]")
    departure_from: str = Field(description="ISO 8601")
    departure_until: str
    arrival_from: str
    arrival_until: str
    vehicles: int
    vehicles_description: str
    people: int
    cargo: str
    emergency: bool
    status: str
    lead_time_override: bool
    override_reason: str
    version: int = Field(description="as in the ETag; send it back in If-Match")


class BatchSentOut(Schema):
    batch: str
    party: str
    notifications: list[str]


class EventOut(Schema):
    at: datetime
    type: str
    user: str
    detail: dict[str, Any]


class NotificationOut(Schema):
    id: str
    batch: str
    party: str
    kind: str
    item: dict[str, Any] = Field(description="the site or movement as it was sent")
    sent_at: datetime
    ack_deadline: datetime
    acknowledged_at: datetime | None
    reminders_sent: int
    escalated_at: datetime | None
    lead_time_override: bool
    notice: str


class NotificationRecordOut(NotificationOut):
    events: list[EventOut]


class NotificationListOut(Schema):
    notice: str
    items: list[NotificationOut]


class BatchAckOut(Schema):
    batch: str
    acknowledged: int
