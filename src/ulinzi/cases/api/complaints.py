"""``/api/v1/complaints``: SEAH complaint handling, the complainant's view (account or
receipt code) and the public transparency statistics."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from ulinzi.cases.api.complaint_schemas import (
    AdvanceIn,
    AssistanceIn,
    BodyIn,
    ComplainantOut,
    ComplaintIn,
    ComplaintListItem,
    ComplaintOut,
    MessageOut,
    OverdueOut,
    OwnComplaintIn,
    PeriodOut,
    ReceiptIn,
    ReceiptMessageIn,
    StatisticsOut,
    SubjectIn,
)
from ulinzi.cases.api.guard import case_actor
from ulinzi.cases.models import Complaint
from ulinzi.cases.selectors import complaints as selectors
from ulinzi.cases.services.complaints import (
    exchanges,
    intake,
    investigation,
    stages,
    victim_assistance,
)
from ulinzi.common import versioning
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import FieldProblem, InvalidInput, NotFound, Problem
from ulinzi.intake.anonymous import ratelimit
from ulinzi.intake.anonymous.api import client_of
from ulinzi.intake.anonymous.services import find_by_receipt

router = Router(tags=["complaints"])


def _overdue(c: Complaint) -> bool:
    now = timezone.now()
    return any(p.ended_at is None and p.deadline < now for p in c.periods.all())


def _item(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.id,
        "reference": c.reference,
        "organisation": c.organisation.code,
        "source": c.source,
        "kind": c.kind,
        "stage": c.stage,
        "outcome": c.outcome,
        "received_at": c.received_at,
        "closed_at": c.closed_at,
        "overdue": _overdue(c),
        "version": c.version,
    }


def _full(c: Complaint, subject: bool) -> ComplaintOut:
    now = timezone.now()
    out = ComplaintOut(
        **_item(c),
        country=c.country,
        admin1_name=c.admin1_name,
        description=c.description,
        complainant_name=c.complainant_name,
        complainant_contact=c.complainant_contact,
        complainant_username=c.complainant_user.username if c.complainant_user else None,
        anonymous_report=c.anonymous_report_id,
        periods=[
            PeriodOut(
                stage=p.stage,
                owner=p.owner.username if p.owner else None,
                started_at=p.started_at,
                deadline=p.deadline,
                ended_at=p.ended_at,
                overdue=p.ended_at is None and p.deadline < now,
            )
            for p in c.periods.select_related("owner")
        ],
        notes=[
            {"author": n.author.username if n.author else None, "body": n.body, "at": n.at}
            for n in c.notes.select_related("author")
        ],
        messages=[
            MessageOut(author=m.author, body=m.body, sent_on=m.sent_on) for m in c.messages.all()
        ],
        assistance=[
            {
                "id": a.id,
                "kind": a.kind,
                "status": a.status,
                "provider": a.provider,
                "started_on": a.started_on,
                "note": a.note,
            }
            for a in c.assistance.all()
        ],
    )
    if subject:
        out.subject_identity, out.subject_organisation = c.subject_identity, c.subject_organisation
    return out


@router.get("", response=list[ComplaintListItem], summary="Complaints you handle")
def list_complaints(request: HttpRequest, stage: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.visible(case_actor(request)).prefetch_related("periods")
    if stage:
        qs = qs.filter(stage=stage)
    return [_item(c) for c in qs[:500]]


@router.post("", response={201: ComplaintOut}, summary="Record a complaint")
def create_complaint(request: HttpRequest, payload: ComplaintIn) -> tuple[int, ComplaintOut]:
    who = case_actor(request)
    made = intake.create(
        actor=who, data=payload.dict(exclude={"organisation"}), organisation=payload.organisation
    )
    complaint, subject = selectors.read(who, made.pk)
    return 201, _full(complaint, subject)


@router.get("/overdue", response=list[OverdueOut], summary="Overdue stages (dashboard)")
def overdue(request: HttpRequest) -> list[dict[str, Any]]:
    who = case_actor(request)
    selectors.visible(who)  # refuses roles that handle no complaint
    return [
        {
            "complaint_id": p.complaint_id,
            "reference": p.complaint.reference,
            "stage": p.stage,
            "owner": p.owner.username if p.owner else None,
            "deadline": p.deadline,
        }
        for p in selectors.overdue(who)
    ]


@router.get(
    "/statistics", auth=None, response=StatisticsOut, summary="Transparency statistics (public)"
)
def transparency(
    request: HttpRequest,
    organisation: str | None = None,
    year: int | None = Query(None, ge=1, le=9999),
) -> dict[str, Any]:
    return selectors.transparency(organisation, year)


@router.get("/mine", response=list[ComplainantOut], summary="Complaints you made")
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [selectors.complainant_view(c) for c in selectors.mine(actor(request))]


@router.post("/mine", response={201: ComplainantOut}, summary="Make a complaint yourself")
def file_own(request: HttpRequest, payload: OwnComplaintIn) -> tuple[int, dict[str, Any]]:
    made = intake.file_own(
        actor=actor(request),
        organisation=payload.organisation,
        data=payload.dict(exclude={"organisation"}),
    )
    return 201, selectors.complainant_view(made)


@router.post(
    "/mine/{reference}/messages", response={201: ComplainantOut}, summary="Write to the handlers"
)
def write_own(request: HttpRequest, reference: str, payload: BodyIn) -> tuple[int, dict[str, Any]]:
    found = selectors.mine(actor(request)).filter(reference=reference).first()
    if found is None:
        raise NotFound(f"no complaint {reference} of yours")
    exchanges.complainant_message(complaint=found, body=payload.body)
    return 201, selectors.complainant_view(found)


def _by_receipt(request: HttpRequest, receipt: str) -> Complaint:
    """The anonymous intake's own receipt check (one Argon2 verification, rate limited)."""
    try:
        ratelimit.hit("receipt", client_of(request))
    except ratelimit.RateLimited as exc:
        raise HttpError(429, str(exc)) from exc
    report = find_by_receipt(receipt)
    complaint = getattr(report, "seah_complaint", None) if report is not None else None
    if complaint is None:
        raise NotFound("no complaint answers to this receipt code")
    return complaint


@router.post(
    "/status",
    auth=None,
    response={200: ComplainantOut, 404: Problem, 429: Problem, 503: Problem},
    summary="Follow a complaint by receipt",
)
def status_by_receipt(request: HttpRequest, payload: ReceiptIn) -> dict[str, Any]:
    return selectors.complainant_view(_by_receipt(request, payload.receipt))


@router.post(
    "/status/messages",
    auth=None,
    response={201: ComplainantOut, 404: Problem, 429: Problem, 503: Problem},
    summary="Write by receipt",
)
def write_by_receipt(request: HttpRequest, payload: ReceiptMessageIn) -> tuple[int, dict[str, Any]]:
    found = _by_receipt(request, payload.receipt)
    exchanges.complainant_message(complaint=found, body=payload.body)
    return 201, selectors.complainant_view(found)


@router.get("/{complaint_id}", response=ComplaintOut, summary="One complaint (audited)")
def get_complaint(request: HttpRequest, complaint_id: UUID, response: HttpResponse) -> ComplaintOut:
    complaint, subject = selectors.read(case_actor(request), complaint_id)
    versioning.set_etag(response, complaint)
    return _full(complaint, subject)


@router.post("/{complaint_id}/advance", response=ComplaintListItem, summary="Stage, owner, outcome")
def advance(
    request: HttpRequest,
    complaint_id: UUID,
    payload: AdvanceIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> dict[str, Any]:
    who = case_actor(request)
    complaint = selectors.get(who, complaint_id)
    if not (payload.stage or payload.owner or payload.outcome):
        raise InvalidInput([FieldProblem("stage", "give a stage, an owner or an outcome")])
    version = versioning.expected(if_match)  # checked by the first step
    if payload.stage:
        stages.advance(
            actor=who,
            complaint=complaint,
            stage=payload.stage,
            owner=payload.owner,
            version=version,
        )
        version = None
    elif payload.owner:
        stages.assign(actor=who, complaint=complaint, owner=payload.owner, version=version)
        version = None
    if payload.outcome:
        stages.decide(actor=who, complaint=complaint, outcome=payload.outcome, version=version)
    changed = selectors.get(who, complaint_id)
    versioning.set_etag(response, changed)
    return _item(changed)


@router.post("/{complaint_id}/subject", response={204: None}, summary="Record the subject")
def set_subject(
    request: HttpRequest,
    complaint_id: UUID,
    payload: SubjectIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> tuple[int, None]:
    who = case_actor(request)
    complaint = selectors.get(who, complaint_id)
    investigation.set_subject(
        actor=who,
        complaint=complaint,
        identity=payload.identity,
        organisation=payload.organisation,
        version=versioning.expected(if_match),
    )
    versioning.set_etag(response, complaint)
    return 204, None


@router.post("/{complaint_id}/notes", response={201: dict[str, Any]}, summary="Internal note")
def add_note(
    request: HttpRequest, complaint_id: UUID, payload: BodyIn
) -> tuple[int, dict[str, Any]]:
    who = case_actor(request)
    note = investigation.add_note(
        actor=who, complaint=selectors.get(who, complaint_id), body=payload.body
    )
    return 201, {"id": note.id, "at": note.at}


@router.post(
    "/{complaint_id}/messages", response={201: dict[str, Any]}, summary="Write to the complainant"
)
def write(request: HttpRequest, complaint_id: UUID, payload: BodyIn) -> tuple[int, dict[str, Any]]:
    who = case_actor(request)
    message = exchanges.handler_message(
        actor=who, complaint=selectors.get(who, complaint_id), body=payload.body
    )
    return 201, {"id": message.id, "sent_on": message.sent_on}


@router.post(
    "/{complaint_id}/assistance", response={201: dict[str, Any]}, summary="Victim assistance"
)
def assistance(
    request: HttpRequest, complaint_id: UUID, payload: AssistanceIn
) -> tuple[int, dict[str, Any]]:
    who = case_actor(request)
    made = victim_assistance.add_assistance(
        actor=who, complaint=selectors.get(who, complaint_id), **payload.dict()
    )
    return 201, {"id": made.id, "kind": made.kind, "status": made.status}
