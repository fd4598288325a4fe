"""SEAH complaint handling: intake, stages with owners and deadlines, outcome, victim
assistance apart, messages with the complainant, internal notes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation, User
from ulinzi.audit.services import record
from ulinzi.cases import policies
from ulinzi.cases.models import (
    DEFAULT_DEADLINE_DAYS,
    STAGE_ORDER,
    AssistanceKind,
    AssistanceStatus,
    Complaint,
    ComplaintMessage,
    ComplaintNote,
    Outcome,
    Source,
    Stage,
    StageDeadline,
    StagePeriod,
    VictimAssistance,
)
from ulinzi.cases.services import notify
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.geo import countries
from ulinzi.vocab import registry

MAX_TEXT = 20_000


def kinds() -> list[str]:
    return registry.types_for("seah").codes()


def deadline_days(organisation_id: int, stage: str) -> int:
    own = StageDeadline.objects.filter(organisation_id=organisation_id, stage=stage).first()
    return own.days if own else DEFAULT_DEADLINE_DAYS[stage]


def _link(complaint: Complaint) -> str:
    return reverse("cases:complaint", args=[complaint.pk])


def _audit(
    actor: Actor, complaint: Complaint, action: str, fields: list[str] | None = None
) -> None:
    record(
        actor=actor,
        action=action,
        object_type="complaint",
        object_id=complaint.pk,
        owner_organisation=complaint.organisation.code,
        fields=fields or [],
        detail={"reference": complaint.reference},
    )


def _start(complaint: Complaint, stage: str, owner: User | None, at: datetime) -> StagePeriod:
    return StagePeriod.objects.create(
        complaint=complaint,
        stage=stage,
        owner=owner,
        started_at=at,
        deadline=at + timedelta(days=deadline_days(complaint.organisation_id, stage)),
    )


def _handler(actor: Actor, organisation_id: int, username: str | None) -> User | None:
    if not username:
        return None
    found = User.objects.filter(
        username=username,
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role__in=list(policies.COMPLAINT_ROLES),
    ).first()
    if found is None:
        raise InvalidInput(
            [
                FieldProblem(
                    "owner", "is not a coordinator or investigator of the organisation", username
                )
            ]
        )
    return found


def _check(data: dict[str, Any]) -> list[FieldProblem]:
    problems = []
    if data.get("kind") not in kinds():
        problems.append(
            FieldProblem("kind", f"must be one of {', '.join(kinds())}", data.get("kind"))
        )
    if data.get("country") and countries.country(str(data["country"])) is None:
        problems.append(FieldProblem("country", "is not a known country", data["country"]))
    for name in ("description", "complainant_name", "complainant_contact", "subject_identity"):
        if len(str(data.get(name) or "")) > MAX_TEXT:
            problems.append(FieldProblem(name, f"is longer than {MAX_TEXT} characters"))
    return problems


def _make(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any], **extra: Any
) -> Complaint:
    now = timezone.now()
    country = countries.country(str(data.get("country") or ""))
    complaint = Complaint.objects.create(
        organisation=organisation,
        kind=data["kind"],
        country=country.iso3 if country else "",
        admin1_name=str(data.get("admin1_name") or "")[:120],
        description=str(data.get("description") or ""),
        received_at=now,
        **extra,
    )
    owner = (
        actor.user
        if policies.can_handle(actor, complaint) and isinstance(actor.user, User)
        else None
    )
    _start(complaint, Stage.INTAKE, owner, now)
    # Victim assistance starts at intake, whatever the investigation does.
    VictimAssistance.objects.create(
        complaint=complaint,
        kind=AssistanceKind.NEEDS_ASSESSMENT,
        status=AssistanceStatus.PENDING,
        started_on=now.date(),
    )
    notify.send(
        notify.users_with([organisation.pk], *policies.COMPLAINT_ROLES),
        kind="complaint_received",
        title=_("New SEAH complaint %(ref)s") % {"ref": complaint.reference},
        link=_link(complaint),
    )
    _audit(actor, complaint, "create")
    return complaint


@transaction.atomic
def create(*, actor: Actor, data: dict[str, Any], organisation: str | None = None) -> Complaint:
    """A handler records a complaint: named, from staff, or from an anonymous report."""
    orgs = policies.complaint_orgs(actor)
    if not orgs:
        raise NotAllowed("only coordinators and investigators record complaints")
    if organisation:
        org = Organisation.objects.filter(code=organisation, pk__in=orgs).first()
        if org is None:
            raise InvalidInput([FieldProblem("organisation", "is not yours", organisation)])
    elif len(orgs) == 1:
        org = Organisation.objects.get(pk=next(iter(orgs)))
    else:
        raise InvalidInput([FieldProblem("organisation", "say which of your organisations")])
    extra: dict[str, Any] = {}
    source = data.get("source") or Source.NAMED
    report_id = data.get("anonymous_report")
    if report_id:
        report = _report(org, report_id)
        source = Source.ANONYMOUS
        data = {
            "description": report.what_happened,
            "country": report.country,
            "admin1_name": report.admin1_name,
            **{k: v for k, v in data.items() if v},
        }
        extra["anonymous_report"] = report
    if source not in Source.values:
        raise InvalidInput(
            [FieldProblem("source", f"must be one of {', '.join(Source.values)}", source)]
        )
    problems = _check(data)
    complainant = None
    if data.get("complainant_username"):
        complainant = User.objects.filter(
            username=data["complainant_username"], is_active=True
        ).first()
        if complainant is None:
            problems.append(
                FieldProblem("complainant_username", "is not a user", data["complainant_username"])
            )
    if problems:
        raise InvalidInput(problems)
    extra.update(
        source=source,
        complainant_user=complainant,
        complainant_name=str(data.get("complainant_name") or ""),
        complainant_contact=str(data.get("complainant_contact") or ""),
    )
    complaint = _make(actor=actor, organisation=org, data=data, **extra)
    if data.get("subject_identity") or data.get("subject_organisation"):
        set_subject(
            actor=actor,
            complaint=complaint,
            identity=str(data.get("subject_identity") or ""),
            organisation=str(data.get("subject_organisation") or ""),
        )
    return complaint


def _report(org: Organisation, report_id: Any) -> Any:
    from ulinzi.intake.anonymous.models import AnonymousReport

    try:
        uuid.UUID(str(report_id))
    except ValueError:
        report = None
    else:
        report = AnonymousReport.objects.filter(pk=report_id, organisation=org).first()
    if report is None:
        raise InvalidInput(
            [FieldProblem("anonymous_report", "is not an anonymous report sent to you", report_id)]
        )
    if Complaint.objects.filter(anonymous_report=report).exists():
        raise InvalidInput([FieldProblem("anonymous_report", "already has a complaint")])
    return report


@transaction.atomic
def file_own(*, actor: Actor, organisation: str, data: dict[str, Any]) -> Complaint:
    """Any member files a complaint themselves (a staff complainant with an account)."""
    if not isinstance(actor.user, User):
        raise NotAllowed("sign in to file a complaint")
    org = Organisation.objects.filter(code=organisation).first()
    problems = _check(data)
    if org is None:
        problems.append(FieldProblem("organisation", "is not an organisation", organisation))
    if not str(data.get("description") or "").strip():
        problems.append(FieldProblem("description", "say what happened"))
    if problems:
        raise InvalidInput(problems)
    assert org is not None
    return _make(
        actor=actor, organisation=org, data=data, source=Source.STAFF, complainant_user=actor.user
    )


def _require(actor: Actor, complaint: Complaint) -> User:
    if not policies.can_handle(actor, complaint):
        raise NotAllowed("only the responsible organisation's handlers act on this complaint")
    assert isinstance(actor.user, User)
    return actor.user


def current_period(complaint: Complaint) -> StagePeriod | None:
    return complaint.periods.filter(ended_at__isnull=True).order_by("-started_at", "-id").first()


@transaction.atomic
def advance(
    *, actor: Actor, complaint: Complaint, stage: str, owner: str | None = None
) -> Complaint:
    """Move forward to ``stage`` (stages may be skipped, never gone back to)."""
    _require(actor, complaint)
    if complaint.closed_at is not None:
        raise InvalidInput([FieldProblem("stage", "the complaint is closed")])
    if stage not in STAGE_ORDER:
        raise InvalidInput(
            [FieldProblem("stage", f"must be one of {', '.join(STAGE_ORDER)}", stage)]
        )
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(complaint.stage):
        raise InvalidInput([FieldProblem("stage", "must come after the current stage", stage)])
    new_owner = _handler(actor, complaint.organisation_id, owner)
    now = timezone.now()
    complaint.periods.filter(ended_at__isnull=True).update(ended_at=now)
    complaint.stage = stage
    complaint.save(update_fields=["stage"])
    _start(complaint, stage, new_owner, now)
    _audit(actor, complaint, "advance", [stage])
    if new_owner is not None:
        notify.send(
            [new_owner],
            kind="complaint_stage",
            title=_("Complaint %(ref)s: %(stage)s is yours")
            % {"ref": complaint.reference, "stage": stage},
            link=_link(complaint),
        )
    return complaint


@transaction.atomic
def assign(*, actor: Actor, complaint: Complaint, owner: str) -> StagePeriod:
    _require(actor, complaint)
    period = current_period(complaint)
    if period is None:
        raise InvalidInput([FieldProblem("owner", "the complaint is closed")])
    period.owner = _handler(actor, complaint.organisation_id, owner)
    period.save(update_fields=["owner"])
    _audit(actor, complaint, "assign", ["owner"])
    return period


@transaction.atomic
def decide(*, actor: Actor, complaint: Complaint, outcome: str) -> Complaint:
    """Record the outcome at the outcome stage; the complaint closes."""
    _require(actor, complaint)
    if outcome not in Outcome.values:
        raise InvalidInput(
            [FieldProblem("outcome", f"must be one of {', '.join(Outcome.values)}", outcome)]
        )
    if complaint.stage != Stage.OUTCOME or complaint.closed_at is not None:
        raise InvalidInput(
            [FieldProblem("outcome", "move the complaint to the outcome stage first")]
        )
    now = timezone.now()
    complaint.periods.filter(ended_at__isnull=True).update(ended_at=now)
    complaint.outcome, complaint.closed_at = outcome, now
    complaint.save(update_fields=["outcome", "closed_at"])
    _audit(actor, complaint, "decide", ["outcome"])
    return complaint


def set_subject(
    *, actor: Actor, complaint: Complaint, identity: str, organisation: str = ""
) -> None:
    if not policies.can_see_subject(actor, complaint):
        raise NotAllowed("only the responsible organisation's investigators record the subject")
    complaint.subject_identity = identity[:MAX_TEXT]
    complaint.subject_organisation = organisation[:MAX_TEXT]
    complaint.save(update_fields=["subject_identity", "subject_organisation"])
    _audit(actor, complaint, "set_subject", ["subject"])


def add_note(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintNote:
    user = _require(actor, complaint)
    if not str(body or "").strip():
        raise InvalidInput([FieldProblem("body", "write the note")])
    return ComplaintNote.objects.create(complaint=complaint, author=user, body=str(body)[:MAX_TEXT])


def _body(body: Any) -> str:
    text = str(body or "").strip()
    if not text:
        raise InvalidInput([FieldProblem("body", "write a message")])
    if len(text) > 5000:
        raise InvalidInput([FieldProblem("body", "is longer than 5000 characters")])
    return text


def handler_message(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintMessage:
    user = _require(actor, complaint)
    return ComplaintMessage.objects.create(
        complaint=complaint,
        author=ComplaintMessage.Author.HANDLER,
        handler=user,
        body=_body(body),
        sent_on=date.today(),
    )


def complainant_message(*, complaint: Complaint, body: str) -> ComplaintMessage:
    """From the complainant (account or receipt); the handlers are told."""
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        author=ComplaintMessage.Author.COMPLAINANT,
        body=_body(body),
        sent_on=date.today(),
    )
    notify.send(
        notify.users_with([complaint.organisation_id], *policies.COMPLAINT_ROLES),
        kind="complaint_message",
        title=_("New message on complaint %(ref)s") % {"ref": complaint.reference},
        link=_link(complaint),
    )
    return message


def add_assistance(
    *,
    actor: Actor,
    complaint: Complaint,
    kind: str,
    status: str = "pending",
    provider: str = "",
    note: str = "",
) -> VictimAssistance:
    """Victim assistance may be recorded at any stage, after closing too."""
    user = _require(actor, complaint)
    problems = []
    if kind not in AssistanceKind.values:
        problems.append(
            FieldProblem("kind", f"must be one of {', '.join(AssistanceKind.values)}", kind)
        )
    if status not in AssistanceStatus.values:
        problems.append(
            FieldProblem("status", f"must be one of {', '.join(AssistanceStatus.values)}", status)
        )
    if problems:
        raise InvalidInput(problems)
    return VictimAssistance.objects.create(
        complaint=complaint,
        kind=kind,
        status=status,
        provider=provider[:200],
        note=note[:MAX_TEXT],
        started_on=date.today(),
        recorded_by=user,
    )


def set_deadline(
    *, actor: Actor, organisation: Organisation, stage: str, days: int
) -> StageDeadline:
    if not policies.can_set_deadlines(actor, organisation.pk):
        raise NotAllowed("only the organisation's coordinators set complaint deadlines")
    if stage not in STAGE_ORDER:
        raise InvalidInput(
            [FieldProblem("stage", f"must be one of {', '.join(STAGE_ORDER)}", stage)]
        )
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput([FieldProblem("days", "must be a whole number from 1 to 365", days)])
    row, _ = StageDeadline.objects.update_or_create(
        organisation=organisation, stage=stage, defaults={"days": days}
    )
    return row


def notify_overdue() -> int:
    """Tell the stage owner and the organisation's coordinators, once per overdue stage."""
    count = 0
    rows = StagePeriod.objects.filter(
        ended_at__isnull=True, deadline__lt=timezone.now(), overdue_notified_at__isnull=True
    ).select_related("complaint")
    for period in rows:
        users = notify.users_with([period.complaint.organisation_id], "coordinator")
        if period.owner is not None:
            users.append(period.owner)
        notify.send(
            users,
            kind="complaint_overdue",
            title=_("Complaint %(ref)s: %(stage)s is overdue")
            % {"ref": period.complaint.reference, "stage": period.stage},
            link=_link(period.complaint),
        )
        StagePeriod.objects.filter(pk=period.pk).update(overdue_notified_at=timezone.now())
        count += 1
    return count
