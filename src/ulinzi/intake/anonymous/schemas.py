"""JSON shapes of the anonymous intake API."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(description="seah, health_care_attack or protection")
    what_happened: str
    country: str = Field(description="ISO 3166 alpha-3")
    admin1_name: str = ""
    occurred_on: str = Field(description="YYYY-MM (a month is enough) or YYYY-MM-DD")
    contact_preference: str = ""
    receipt: str | None = Field(
        default=None,
        description=(
            "optional: a receipt you drew yourself, so that sending again (after a timeout) "
            "is the same report: 20 symbols of Crockford base 32 (0-9, A-Z but I, L, O, U) "
            "from a cryptographic random source (100 bits), as XXXX-XXXX-XXXX-XXXX-XXXX "
            "or without the dashes. A resend with a receipt that already opens a report "
            "answers 200 with it and changes nothing, whatever else it says; without one "
            "the server draws the receipt."
        ),
    )


class ReceiptOut(Schema):
    receipt: str = Field(description="keep it: it is the only way back to the report")
    stage: str
    submitted_on: date


class ReceiptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Field(max_length=100)


class ReporterMessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Field(max_length=100)
    body: str


class MessageOut(Schema):
    author: str = Field(description="reporter or handler")
    body: str
    sent_on: date


class StatusOut(Schema):
    category: str
    category_label: str
    stage: str = Field(description="received, under_review, acted_on or closed")
    stage_label: str
    submitted_on: date
    stage_changed_on: date
    messages: list[MessageOut]


class QueueItemOut(Schema):
    id: UUID
    organisation: str | None
    category: str
    country: str
    admin1_name: str
    occurred_on: date
    occurred_precision: str
    submitted_on: date
    stage: str
    stage_changed_on: date
    message_count: int
    awaiting_reply: bool
    incident: UUID | None


class HandlerMessageOut(MessageOut):
    handler: str = Field(description="username of the handler who wrote it")


class ReportOut(QueueItemOut):
    what_happened: str
    contact_preference: str
    language: str
    messages: list[HandlerMessageOut]


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: str


class IncidentLinkOut(Schema):
    incident: UUID
    created: bool
