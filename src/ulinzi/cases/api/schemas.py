"""JSON shapes of the case and referral endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class CaseIn(Schema):
    organisation: str | None = None
    country: str
    admin1_pcode: str = ""
    admin1_name: str = ""
    survivor_name: str = ""
    survivor_contact: str = ""
    survivor_details: str = ""
    sex: str = "unknown"
    age_group: str = "unknown"
    needs: list[str] = []
    summary: str = ""
    incidents: list[UUID] = []


class CasePatch(Schema):
    country: str | None = None
    admin1_pcode: str | None = None
    admin1_name: str | None = None
    survivor_name: str | None = None
    survivor_contact: str | None = None
    survivor_details: str | None = None
    sex: str | None = None
    age_group: str | None = None
    needs: list[str] | None = None
    summary: str | None = None
    incidents: list[UUID] | None = None
    status: str | None = None
    assigned_to: str | None = None


class CaseListItem(Schema):
    id: UUID
    reference: str
    organisation: str
    status: str
    risk_level: str
    protocol_flag: bool
    needs: list[str]
    country: str
    admin1_pcode: str
    opened_at: datetime
    version: int

    @staticmethod
    def build(case: Any) -> CaseListItem:
        return CaseListItem(
            id=case.id,
            reference=case.reference,
            organisation=case.organisation.code,
            status=case.status,
            risk_level=case.risk_level,
            protocol_flag=case.protocol_flag,
            needs=list(case.needs),
            country=case.country,
            admin1_pcode=case.admin1_pcode,
            opened_at=case.opened_at,
            version=case.version,
        )


class CaseOut(CaseListItem):
    admin1_name: str
    survivor_name: str
    survivor_contact: str
    survivor_details: str
    sex: str
    age_group: str
    summary: str
    incidents: list[UUID]
    opened_by: str | None
    assigned_to: str | None
    updated_at: datetime
    closed_at: datetime | None

    @staticmethod
    def build(case: Any) -> CaseOut:  # type: ignore[override]
        base = CaseListItem.build(case).dict()
        return CaseOut(
            **base,
            admin1_name=case.admin1_name,
            survivor_name=case.survivor_name,
            survivor_contact=case.survivor_contact,
            survivor_details=case.survivor_details,
            sex=case.sex,
            age_group=case.age_group,
            summary=case.summary,
            incidents=[i.pk for i in case.incidents.all()],
            opened_by=case.opened_by.username if case.opened_by else None,
            assigned_to=case.assigned_to.username if case.assigned_to else None,
            updated_at=case.updated_at,
            closed_at=case.closed_at,
        )


class NoteIn(Schema):
    body: str


class NoteOut(Schema):
    id: int
    author: str | None
    body: str
    at: datetime


class TimelineOut(Schema):
    at: datetime
    username: str
    organisation: str
    kind: str
    text: str


class ConsentIn(Schema):
    purpose: str
    recipient: str
    scope: list[str]
    given_by: str = "survivor"
    given_by_name: str = ""
    given_at: datetime | None = None
    note: str = ""


class WithdrawIn(Schema):
    note: str = ""


class ConsentOut(Schema):
    id: int
    purpose: str
    recipient: str
    scope: list[str]
    given_by: str
    given_at: datetime
    recorded_by: str | None
    note: str
    in_force: bool
    withdrawn_at: datetime | None
    withdrawal_note: str

    @staticmethod
    def build(c: Any) -> ConsentOut:
        return ConsentOut(
            id=c.id,
            purpose=c.purpose,
            recipient=c.recipient.code,
            scope=list(c.scope),
            given_by=c.given_by,
            given_at=c.given_at,
            recorded_by=c.recorded_by.username if c.recorded_by else None,
            note=c.note,
            in_force=c.in_force,
            withdrawn_at=c.withdrawn_at,
            withdrawal_note=c.withdrawal_note,
        )


class AccessOut(Schema):
    at: datetime
    username: str
    organisations: list[str]
    action: str
    fields: list[str]


class ReferralIn(Schema):
    service: str
    need: str = ""
    note: str = ""


class RespondIn(Schema):
    accept: bool
    reason: str = ""


class DeliverIn(Schema):
    services: str


class ReferralOut(Schema):
    id: UUID
    side: str
    case_reference: str
    case_id: UUID | None
    service: str
    service_id: UUID
    from_organisation: str
    to_organisation: str
    need: str
    status: str
    overdue: bool
    sent_at: datetime
    due_at: datetime
    responded_at: datetime | None
    response_reason: str
    services_delivered: str
    closed_at: datetime | None
    version: int
    shared: dict[str, Any] | None = None

    @staticmethod
    def build(r: Any, side: str, shared: dict[str, Any] | None = None) -> ReferralOut:
        return ReferralOut(
            id=r.id,
            side=side,
            case_reference=r.case.reference,
            case_id=r.case_id if side == "sender" else None,
            service=r.service.name,
            service_id=r.service_id,
            from_organisation=r.from_organisation.code,
            to_organisation=r.to_organisation.code,
            need=r.need,
            status=r.status,
            overdue=r.overdue,
            sent_at=r.sent_at,
            due_at=r.due_at,
            responded_at=r.responded_at,
            response_reason=r.response_reason,
            services_delivered=r.services_delivered,
            closed_at=r.closed_at,
            version=r.version,
            shared=shared,
        )


class AssessIn(Schema):
    instrument: str
    answers: dict[str, Any]
    note: str = ""


class AssessmentOut(Schema):
    id: int
    instrument: str
    version: int
    score: int
    level: str
    triggered_protocol: bool
    assessed_at: datetime
    protocol_flag: bool


class MeasureIn(Schema):
    kind: str
    owner: str | None = None
    owner_contact: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = "planned"
    description: str = ""


class MeasurePatch(Schema):
    status: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    owner_contact: str | None = None


class ViolationIn(Schema):
    occurred_on: date | None = None
    description: str = ""


class ViolationOut(Schema):
    id: int
    occurred_on: date
    description: str
    level_before: str
    level_after: str


class MeasureOut(Schema):
    id: int
    case_reference: str
    kind: str
    owner: str
    owner_contact: str
    starts_on: date
    ends_on: date | None
    status: str
    description: str
    version: int
    violations: list[ViolationOut]

    @staticmethod
    def build(m: Any, violations: list[Any] | None = None) -> MeasureOut:
        rows = violations if violations is not None else list(m.violations.all())
        return MeasureOut(
            id=m.id,
            case_reference=m.case.reference,
            kind=m.kind,
            owner=m.owner.code,
            owner_contact=m.owner_contact,
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            status=m.status,
            description=m.description,
            version=m.version,
            violations=[
                ViolationOut(
                    id=v.id,
                    occurred_on=v.occurred_on,
                    description=v.description,
                    level_before=v.level_before,
                    level_after=v.level_after,
                )
                for v in rows
            ],
        )


class SharedMeasureOut(Schema):
    measure: MeasureOut
    case: dict[str, Any]


class InstrumentOut(Schema):
    code: str
    version: int
    name: str
    definition: dict[str, Any]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    link: str
    created_at: datetime
    read_at: datetime | None
