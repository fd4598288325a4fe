"""Consent: recorded per purpose and recipient, checked before anything is shared,
withdrawn at once. Nothing leaves the case's organisation without a covering consent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation, User
from ulinzi.cases import policies
from ulinzi.cases.models import Case, Consent, GivenBy, Purpose, ShareField
from ulinzi.cases.services import record
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def in_force(case: Case, purpose: str, recipient_id: int) -> list[Consent]:
    return list(
        Consent.objects.filter(
            case=case, purpose=purpose, recipient_id=recipient_id, withdrawn_at__isnull=True
        )
    )


def allowed_fields(case: Case, purpose: str, recipient_id: int) -> set[str]:
    """The fields that consents in force let ``recipient_id`` see for ``purpose``."""
    out: set[str] = set()
    for consent in in_force(case, purpose, recipient_id):
        out.update(consent.scope)
    return out


def require(case: Case, purpose: str, recipient: Organisation) -> set[str]:
    """The covered fields; refuses when no consent in force covers sharing at all."""
    if not in_force(case, purpose, recipient.pk):
        raise NotAllowed(
            f"no consent in force lets this case be shared with {recipient.code} for {purpose}"
        )
    return allowed_fields(case, purpose, recipient.pk)


@transaction.atomic
def give(
    *,
    actor: Actor,
    case: Case,
    purpose: str,
    recipient: str,
    scope: list[str],
    given_by: str = GivenBy.SURVIVOR,
    given_by_name: str = "",
    given_at: datetime | None = None,
    note: str = "",
) -> Consent:
    """Record a consent the survivor (or guardian/caregiver) gave."""
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    problems = []
    if purpose not in Purpose.values:
        problems.append(
            FieldProblem("purpose", f"must be one of {', '.join(Purpose.values)}", purpose)
        )
    org = Organisation.objects.filter(code=recipient).first()
    if org is None:
        problems.append(FieldProblem("recipient", "is not an organisation", recipient))
    if not isinstance(scope, list) or not scope or any(s not in ShareField.values for s in scope):
        problems.append(
            FieldProblem("scope", f"choose one or more of {', '.join(ShareField.values)}", scope)
        )
    if given_by not in GivenBy.values:
        problems.append(
            FieldProblem("given_by", f"must be one of {', '.join(GivenBy.values)}", given_by)
        )
    if given_at is not None and given_at > timezone.now():
        problems.append(FieldProblem("given_at", "is in the future"))
    if problems:
        raise InvalidInput(problems)
    assert org is not None and isinstance(actor.user, User)
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        recipient=org,
        scope=sorted(set(scope)),
        given_by=given_by,
        given_by_name=given_by_name,
        given_at=given_at or timezone.now(),
        recorded_by=actor.user,
        note=note[:300],
    )
    record.timeline(
        actor=actor,
        case=case,
        kind="consent_given",
        text=gettext_noop("Consent given for %(purpose)s with %(org)s: %(scope)s"),
        purpose=purpose,
        org=org.code,
        scope=consent.scope,
    )
    record.audit(actor=actor, case=case, action="consent_given", fields=consent.scope)
    return consent


@transaction.atomic
def withdraw(*, actor: Actor, consent: Consent, note: str = "") -> Consent:
    """Withdraw a consent: sharing under it stops now; the withdrawal is recorded."""
    if not policies.can_edit_case(actor, consent.case):
        raise NotAllowed("you do not hold this case")
    if consent.withdrawn_at is not None:
        raise InvalidInput([FieldProblem("consent", "was already withdrawn")])
    assert isinstance(actor.user, User)
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_recorded_by = actor.user
    consent.withdrawal_note = note[:300]
    consent.save(update_fields=["withdrawn_at", "withdrawal_recorded_by", "withdrawal_note"])
    record.timeline(
        actor=actor,
        case=consent.case,
        kind="consent_withdrawn",
        text=gettext_noop("Consent withdrawn for %(purpose)s with %(org)s"),
        purpose=consent.purpose,
        org=consent.recipient.code,
    )
    record.audit(actor=actor, case=consent.case, action="consent_withdrawn", fields=consent.scope)
    return consent


def shared_view(case: Case, fields: set[str]) -> dict[str, Any]:
    """The case as another organisation may see it: only ``fields``."""
    out: dict[str, Any] = {"reference": case.reference}
    if "needs" in fields:
        out["needs"] = list(case.needs)
    if "sex_age" in fields:
        out["sex"], out["age_group"] = case.sex, case.age_group
    if "area" in fields:
        out["country"], out["admin1_pcode"], out["admin1_name"] = (
            case.country,
            case.admin1_pcode,
            case.admin1_name,
        )
    if "risk_level" in fields:
        out["risk_level"] = case.risk_level
    for name in ("summary", "survivor_name", "survivor_contact", "survivor_details"):
        if name in fields:
            out[name] = getattr(case, name)
    return out
