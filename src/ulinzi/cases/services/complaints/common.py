"""What the complaint services share: the handler check, the audit entry, the page link."""

from __future__ import annotations

from django.urls import reverse

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import User
from ulinzi.audit.services import record
from ulinzi.cases import policies
from ulinzi.cases.models import Complaint
from ulinzi.common.problems import NotAllowed

MAX_TEXT = 20_000


def link(complaint: Complaint) -> str:
    return reverse("cases:complaint", args=[complaint.pk])


def audit(actor: Actor, complaint: Complaint, action: str, fields: list[str] | None = None) -> None:
    record(
        actor=actor,
        action=action,
        object_type="complaint",
        object_id=complaint.pk,
        owner_organisation=complaint.organisation.code,
        fields=fields or [],
        detail={"reference": complaint.reference},
    )


def require_handler(actor: Actor, complaint: Complaint) -> User:
    """The acting handler of ``complaint``; refused to anyone else."""
    if not policies.can_handle(actor, complaint):
        raise NotAllowed("only the responsible organisation's handlers act on this complaint")
    assert isinstance(actor.user, User)
    return actor.user
