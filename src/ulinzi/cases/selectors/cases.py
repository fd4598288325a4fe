"""Case files as their holders see them. Every read is written to the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.audit.models import AuditEvent
from ulinzi.cases import policies
from ulinzi.cases.models import Case, CaseNote, Consent, ProtectiveMeasure, TimelineEntry
from ulinzi.cases.services import record
from ulinzi.common.problems import NotAllowed, NotFound

LIST_FIELDS = ("reference", "status", "risk_level", "protocol_flag", "needs", "area")
FILE_FIELDS = (
    "survivor_name",
    "survivor_contact",
    "survivor_details",
    "sex_age",
    "area",
    "needs",
    "summary",
    "incidents",
    "risk_level",
)


def visible(actor: Actor) -> QuerySet[Case]:
    if not policies.can_use_cases(actor):
        raise NotAllowed("your roles give no access to case files")
    return Case.objects.filter(policies.case_scope(actor)).select_related("organisation")


def listed(actor: Actor, *, flagged: bool = False, status: str | None = None) -> list[Case]:
    """The actor's cases (no survivor details), each listing audited."""
    qs = visible(actor)
    if flagged:
        qs = qs.filter(protocol_flag=True)
    if status:
        qs = qs.filter(status=status)
    cases = list(qs[:500])
    for case in cases:
        record.audit(actor=actor, case=case, fields=LIST_FIELDS, action="list")
    return cases


def get(actor: Actor, case_id: uuid.UUID | str) -> Case:
    """Fetch without reading its content (for writes and for checks)."""
    try:
        return visible(actor).get(pk=case_id)
    except (Case.DoesNotExist, ValueError) as exc:
        raise NotFound(f"no case {case_id}") from exc


def read(actor: Actor, case_id: uuid.UUID | str, fields: Iterable[str] = FILE_FIELDS) -> Case:
    """Fetch the case file for reading; the read and its fields are audited."""
    case = get(actor, case_id)
    record.audit(actor=actor, case=case, fields=fields, action="read")
    return case


def notes(actor: Actor, case: Case) -> list[CaseNote]:
    record.audit(actor=actor, case=case, fields=["notes"], action="read")
    return list(case.notes.select_related("author"))


def timeline(actor: Actor, case: Case) -> list[TimelineEntry]:
    record.audit(actor=actor, case=case, fields=["timeline"], action="read")
    return list(case.timeline.all())


def consents(actor: Actor, case: Case) -> list[Consent]:
    record.audit(actor=actor, case=case, fields=["consents"], action="read")
    return list(case.consents.select_related("recipient", "recorded_by"))


def consent(actor: Actor, case: Case, consent_id: int) -> Consent:
    """One consent of a case fetched with :func:`get` (for a withdrawal); :class:`NotFound`
    when the case has none with this id."""
    found = case.consents.filter(pk=consent_id).first()
    if found is None:
        raise NotFound(f"no consent {consent_id} on this case")
    return found


def measures(actor: Actor, case_id: uuid.UUID | str) -> list[ProtectiveMeasure]:
    """The protective measures of a case; the read is audited."""
    case = read(actor, case_id, fields=["measures"])
    return list(case.measures.select_related("owner", "case"))


def access_log(actor: Actor, case: Case) -> list[dict[str, Any]]:
    """Who has seen this file: every audited read and change, newest first, in words a
    survivor can be shown (person, organisation, when, what)."""
    record.audit(actor=actor, case=case, fields=["access_log"], action="read")
    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by(
        "-at", "-id"
    )
    return [
        {
            "at": e.at,
            "username": e.username,
            "organisations": list(e.organisations),
            "action": e.action,
            "fields": list(e.fields),
        }
        for e in events[:1000]
    ]
