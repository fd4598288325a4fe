"""``/api/v1/cases``: case files, consent, access log, risk, measures, notifications."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router

from ulinzi.accounts.access import Actor
from ulinzi.cases.api.guard import case_actor
from ulinzi.cases.api.schemas import (
    AccessOut,
    AssessIn,
    AssessmentOut,
    CaseIn,
    CaseListItem,
    CaseOut,
    CasePatch,
    ConsentIn,
    ConsentOut,
    InstrumentOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    NoteIn,
    NoteOut,
    NotificationOut,
    ReferralIn,
    ReferralOut,
    SharedMeasureOut,
    TimelineOut,
    ViolationIn,
    ViolationOut,
    WithdrawIn,
)
from ulinzi.cases.models import ProtectiveMeasure
from ulinzi.cases.selectors import cases as selectors
from ulinzi.cases.selectors import notifications, protocol
from ulinzi.cases.services import casefile, consent, measures, notify, referrals, risk
from ulinzi.common import versioning
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotAllowed

router = Router(tags=["cases"])


@router.get("", response=list[CaseListItem], summary="Your cases (no survivor details)")
def list_cases(
    request: HttpRequest, flagged: bool = False, status: str | None = None
) -> list[CaseListItem]:
    rows = selectors.listed(case_actor(request), flagged=flagged, status=status)
    return [CaseListItem.build(c) for c in rows]


@router.post("", response={201: CaseOut}, summary="Open a case file")
def open_case(request: HttpRequest, payload: CaseIn) -> tuple[int, CaseOut]:
    who = case_actor(request)
    data = payload.dict(exclude={"organisation"})
    data["incidents"] = [str(i) for i in payload.incidents]
    case = casefile.open_case(actor=who, data=data, organisation=payload.organisation)
    return 201, CaseOut.build(case)


@router.get("/protocol", response=list[SharedMeasureOut], summary="Measures you carry out")
def shared_protocol(request: HttpRequest) -> list[SharedMeasureOut]:
    rows = protocol.shared_measures(case_actor(request))
    return [
        SharedMeasureOut(measure=MeasureOut.build(s.measure, s.violations), case=s.case)
        for s in rows
    ]


@router.get("/risk-instruments", response=list[InstrumentOut], summary="Risk instruments")
def list_instruments(request: HttpRequest) -> list[object]:
    from ulinzi.cases import policies

    if not policies.can_use_cases(case_actor(request)):
        raise NotAllowed("your roles give no access to case files")
    return list(risk.available())


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications")
def list_notifications(request: HttpRequest, unread: bool = False) -> list[object]:
    return list(notifications.mine(actor(request), unread=unread))


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: int) -> object:
    return notify.mark_read(notifications.one(actor(request), notification_id))


def _measure(request: HttpRequest, measure_id: int) -> tuple[Actor, ProtectiveMeasure]:
    who = case_actor(request)
    return who, protocol.measure(who, measure_id)


@router.patch("/measures/{measure_id}", response=MeasureOut, summary="Change a measure")
def patch_measure(
    request: HttpRequest,
    measure_id: int,
    payload: MeasurePatch,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> MeasureOut:
    who, found = _measure(request, measure_id)
    data = payload.dict(exclude_unset=True)
    changed = measures.update(
        actor=who, measure=found, data=data, version=versioning.expected(if_match)
    )
    versioning.set_etag(response, changed)
    return MeasureOut.build(changed)


@router.post(
    "/measures/{measure_id}/violations", response={201: ViolationOut}, summary="Record a violation"
)
def add_violation(
    request: HttpRequest, measure_id: int, payload: ViolationIn
) -> tuple[int, object]:
    who, found = _measure(request, measure_id)
    violation = measures.record_violation(
        actor=who,
        measure=found,
        occurred_on=payload.occurred_on,
        description=payload.description,
    )
    return 201, violation


@router.get("/{case_id}", response=CaseOut, summary="A case file (audited)")
def get_case(request: HttpRequest, case_id: UUID, response: HttpResponse) -> CaseOut:
    case = selectors.read(case_actor(request), case_id)
    versioning.set_etag(response, case)
    return CaseOut.build(case)


@router.patch("/{case_id}", response=CaseOut, summary="Change a case file")
def patch_case(
    request: HttpRequest,
    case_id: UUID,
    payload: CasePatch,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> CaseOut:
    who = case_actor(request)
    case = selectors.get(who, case_id)
    data = payload.dict(exclude_unset=True)
    if data.get("incidents") is not None:
        data["incidents"] = [str(i) for i in data["incidents"]]
    casefile.update_case(actor=who, case=case, data=data, version=versioning.expected(if_match))
    changed = selectors.read(who, case_id)
    versioning.set_etag(response, changed)
    return CaseOut.build(changed)


@router.get("/{case_id}/timeline", response=list[TimelineOut], summary="What happened, in order")
def case_timeline(request: HttpRequest, case_id: UUID) -> list[object]:
    who = case_actor(request)
    return list(selectors.timeline(who, selectors.get(who, case_id)))


@router.get("/{case_id}/notes", response=list[NoteOut], summary="Case notes (audited)")
def case_notes(request: HttpRequest, case_id: UUID) -> list[NoteOut]:
    who = case_actor(request)
    rows = selectors.notes(who, selectors.get(who, case_id))
    return [
        NoteOut(id=n.id, author=n.author.username if n.author else None, body=n.body, at=n.at)
        for n in rows
    ]


@router.post("/{case_id}/notes", response={201: NoteOut}, summary="Add a note")
def add_note(request: HttpRequest, case_id: UUID, payload: NoteIn) -> tuple[int, NoteOut]:
    who = case_actor(request)
    note = casefile.add_note(actor=who, case=selectors.get(who, case_id), body=payload.body)
    author = note.author.username if note.author else None
    return 201, NoteOut(id=note.id, author=author, body=note.body, at=note.at)


@router.get("/{case_id}/consents", response=list[ConsentOut], summary="Consents, with withdrawals")
def list_consents(request: HttpRequest, case_id: UUID) -> list[ConsentOut]:
    who = case_actor(request)
    return [ConsentOut.build(c) for c in selectors.consents(who, selectors.get(who, case_id))]


@router.post("/{case_id}/consents", response={201: ConsentOut}, summary="Record a consent")
def give_consent(request: HttpRequest, case_id: UUID, payload: ConsentIn) -> tuple[int, ConsentOut]:
    who = case_actor(request)
    given = consent.give(actor=who, case=selectors.get(who, case_id), **payload.dict())
    return 201, ConsentOut.build(given)


@router.post(
    "/{case_id}/consents/{consent_id}/withdraw", response=ConsentOut, summary="Withdraw a consent"
)
def withdraw_consent(
    request: HttpRequest, case_id: UUID, consent_id: int, payload: WithdrawIn
) -> ConsentOut:
    who = case_actor(request)
    found = selectors.consent(who, selectors.get(who, case_id), consent_id)
    return ConsentOut.build(consent.withdraw(actor=who, consent=found, note=payload.note))


@router.get("/{case_id}/access-log", response=list[AccessOut], summary="Who has seen this file")
def access_log(request: HttpRequest, case_id: UUID) -> list[dict[str, object]]:
    who = case_actor(request)
    return selectors.access_log(who, selectors.get(who, case_id))


@router.post("/{case_id}/referrals", response={201: ReferralOut}, summary="Refer to a service")
def refer(request: HttpRequest, case_id: UUID, payload: ReferralIn) -> tuple[int, ReferralOut]:
    who = case_actor(request)
    sent = referrals.send(
        actor=who,
        case=selectors.get(who, case_id),
        service_id=payload.service,
        need=payload.need,
        note=payload.note,
    )
    return 201, ReferralOut.build(sent, "sender")


@router.post(
    "/{case_id}/risk-assessments", response={201: AssessmentOut}, summary="Assess the risk"
)
def assess(request: HttpRequest, case_id: UUID, payload: AssessIn) -> tuple[int, AssessmentOut]:
    who = case_actor(request)
    case = selectors.get(who, case_id)
    done = risk.assess(
        actor=who,
        case=case,
        instrument=payload.instrument,
        answers=payload.answers,
        note=payload.note,
    )
    return 201, AssessmentOut(
        id=done.id,
        instrument=done.instrument.code,
        version=done.instrument.version,
        score=done.score,
        level=done.level,
        triggered_protocol=done.triggered_protocol,
        assessed_at=done.assessed_at,
        protocol_flag=done.case.protocol_flag,
    )


@router.get("/{case_id}/measures", response=list[MeasureOut], summary="Protective measures")
def list_measures(request: HttpRequest, case_id: UUID) -> list[MeasureOut]:
    who = case_actor(request)
    return [MeasureOut.build(m) for m in selectors.measures(who, case_id)]


@router.post("/{case_id}/measures", response={201: MeasureOut}, summary="Add a protective measure")
def add_measure(request: HttpRequest, case_id: UUID, payload: MeasureIn) -> tuple[int, MeasureOut]:
    who = case_actor(request)
    made = measures.add(actor=who, case=selectors.get(who, case_id), **payload.dict())
    return 201, MeasureOut.build(made)
