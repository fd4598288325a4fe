"""Referrals as the sender and the receiver see them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.cases import policies
from ulinzi.cases.models import Case, Purpose, Referral
from ulinzi.cases.services import consent, record
from ulinzi.common.problems import NotAllowed, NotFound

SENDER, RECEIVER = "sender", "receiver"


def _base() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "case", "case__organisation", "service", "from_organisation", "to_organisation"
    )


def incoming(actor: Actor) -> QuerySet[Referral]:
    return _base().filter(to_organisation_id__in=actor.orgs_with(*policies.RECEIVE_ROLES))


def outgoing(actor: Actor) -> QuerySet[Referral]:
    case_ids = Case.objects.filter(policies.case_scope(actor)).values("pk")
    return _base().filter(case_id__in=case_ids)


def listed(actor: Actor, direction: str | None = None) -> list[tuple[Referral, str]]:
    if not policies.can_use_cases(actor):
        raise NotAllowed("your roles give no access to referrals")
    out: list[tuple[Referral, str]] = []
    if direction in (None, "", "incoming"):
        out += [(r, RECEIVER) for r in incoming(actor)[:500]]
    if direction in (None, "", "outgoing"):
        out += [(r, SENDER) for r in outgoing(actor)[:500]]
    return out


def get(actor: Actor, referral_id: uuid.UUID | str) -> tuple[Referral, str]:
    """The referral and the side the actor is on; 404 for anyone on neither side."""
    if not policies.can_use_cases(actor):
        raise NotAllowed("your roles give no access to referrals")
    try:
        referral = (
            _base()
            .filter(
                Q(to_organisation_id__in=actor.orgs_with(*policies.RECEIVE_ROLES))
                | Q(case__in=Case.objects.filter(policies.case_scope(actor)))
            )
            .get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValueError) as exc:
        raise NotFound(f"no referral {referral_id}") from exc
    if policies.can_view_case(actor, referral.case):
        return referral, SENDER
    return referral, RECEIVER


def shared_summary(actor: Actor, referral: Referral) -> dict[str, Any]:
    """What the receiver may see of the case: only what a referral consent in force
    covers, read live (a withdrawal hides it at once). The read is audited on the case."""
    fields = consent.allowed_fields(referral.case, Purpose.REFERRAL, referral.to_organisation_id)
    if not fields:
        record.audit(actor=actor, case=referral.case, fields=[], action="read_shared_refused")
        return {"reference": referral.case.reference, "consent_in_force": False}
    record.audit(actor=actor, case=referral.case, fields=fields, action="read_shared")
    out = consent.shared_view(referral.case, fields)
    out["consent_in_force"] = True
    out["note"] = referral.note
    return out
