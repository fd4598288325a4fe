"""Writing to the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit.models import AuditEvent


class Read(NamedTuple):
    """One record read: its id, its owner organisation's code, the fields read."""

    object_id: Any
    owner_organisation: str
    fields: list[str]


def _who(actor: Actor) -> dict[str, Any]:
    """The acting user as every event names them."""
    orgs = list(
        Organisation.objects.filter(pk__in=list(actor.roles_by_org)).values_list("code", flat=True)
    )
    return {
        "user": actor.user,
        "username": actor.user.username if actor.user else "",
        "organisations": orgs,
    }


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any,
    owner_organisation: str = "",
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; the log is never updated or deleted through the application."""
    return AuditEvent.objects.create(
        **_who(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        owner_organisation=owner_organisation,
        fields=list(fields),
        detail=detail or {},
    )


def record_reads(*, actor: Actor, object_type: str, reads: Sequence[Read]) -> None:
    """Append a ``read`` event for each record of ``reads``, in one write (a page of
    records costs two queries, not two per record)."""
    if not reads:
        return
    who = _who(actor)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            **who,
            action="read",
            object_type=object_type,
            object_id=str(read.object_id),
            owner_organisation=read.owner_organisation,
            fields=list(read.fields),
            detail={},
        )
        for read in reads
    )
