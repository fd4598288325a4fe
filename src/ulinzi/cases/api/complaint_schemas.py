"""JSON shapes of the complaint endpoints. The complainant's shape is a whitelist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class ComplaintIn(Schema):
    organisation: str | None = None
    source: str = "named"
    kind: str
    description: str = ""
    country: str = ""
    admin1_name: str = ""
    complainant_name: str = ""
    complainant_contact: str = ""
    complainant_username: str = ""
    subject_identity: str = ""
    subject_organisation: str = ""
    anonymous_report: str | None = None


class OwnComplaintIn(Schema):
    organisation: str
    kind: str
    description: str
    country: str = ""
    admin1_name: str = ""


class AdvanceIn(Schema):
    stage: str | None = None
    owner: str | None = None
    outcome: str | None = None


class SubjectIn(Schema):
    identity: str
    organisation: str = ""


class BodyIn(Schema):
    body: str


class AssistanceIn(Schema):
    kind: str
    status: str = "pending"
    provider: str = ""
    note: str = ""


class ReceiptIn(Schema):
    receipt: str


class ReceiptMessageIn(Schema):
    receipt: str
    body: str


class PeriodOut(Schema):
    stage: str
    owner: str | None
    started_at: datetime
    deadline: datetime
    ended_at: datetime | None
    overdue: bool


class MessageOut(Schema):
    author: str
    body: str
    sent_on: date


class ComplaintListItem(Schema):
    id: UUID
    reference: str
    organisation: str
    source: str
    kind: str
    stage: str
    outcome: str
    received_at: datetime
    closed_at: datetime | None
    overdue: bool
    version: int


class ComplaintOut(ComplaintListItem):
    country: str
    admin1_name: str
    description: str
    complainant_name: str
    complainant_contact: str
    complainant_username: str | None
    anonymous_report: UUID | None
    subject_identity: str | None = None
    subject_organisation: str | None = None
    periods: list[PeriodOut]
    notes: list[dict[str, Any]]
    messages: list[MessageOut]
    assistance: list[dict[str, Any]]


class ComplainantOut(Schema):
    reference: str
    received_on: date
    stage: str
    stage_label: str
    stage_since: date
    closed: bool
    outcome: str
    outcome_label: str
    messages: list[MessageOut]


class OverdueOut(Schema):
    complaint_id: UUID
    reference: str
    stage: str
    owner: str | None
    deadline: datetime


class StatisticsOut(Schema):
    """Public transparency statistics: cells under ``suppressed_below`` are null."""

    organisation: str | None
    year: int | None
    suppressed_below: int
    total: int | None
    by_type: dict[str, int | None]
    by_stage: dict[str, int | None]
    by_outcome: dict[str, int | None]
    median_days: dict[str, float | None]
    stages_measured: dict[str, int | None]
