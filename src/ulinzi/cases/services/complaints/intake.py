"""Recording a complaint: by a handler (named, from staff, or from an anonymous report),
or by a member about themselves. Intake opens the first stage and the needs assessment."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation, User
from ulinzi.cases import policies
from ulinzi.cases.models import Complaint, Source, Stage
from ulinzi.cases.services import notify
from ulinzi.cases.services.complaints import investigation, stages, victim_assistance
from ulinzi.cases.services.complaints.common import MAX_TEXT, audit, link
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.geo import countries
from ulinzi.vocab import registry


def kinds() -> list[str]:
    return registry.types_for("seah").codes()


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
    stages.start(complaint, Stage.INTAKE, owner, now)
    # Victim assistance starts at intake, whatever the investigation does.
    victim_assistance.open_needs_assessment(complaint, now.date())
    notify.send(
        notify.users_with([organisation.pk], *policies.COMPLAINT_ROLES),
        kind="complaint_received",
        title=_("New SEAH complaint %(ref)s") % {"ref": complaint.reference},
        link=link(complaint),
    )
    audit(actor, complaint, "create")
    return complaint


@transaction.atomic
def create(*, actor: Actor, data: dict[str, Any], organisation: str | None = None) -> Complaint:
    """A handler records a complaint: named, from staff, or from an anonymous report."""
    org = organisation_choice.choose(
        policies.complaint_orgs(actor),
        organisation,
        refusal="only coordinators and investigators record complaints",
    )
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
    # What a handler records must say what happened and where (an anonymous report
    # brings both); a complainant filing their own (``file_own``) may not know where.
    for name, missing in (
        ("description", "say what happened"),
        ("country", "give the country (ISO 3166 code)"),
    ):
        if not str(data.get(name) or "").strip():
            problems.append(FieldProblem(name, missing))
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
        investigation.set_subject(
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
