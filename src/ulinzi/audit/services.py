"""Writing to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit.models import AuditEvent


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
    orgs = list(
        Organisation.objects.filter(pk__in=list(actor.roles_by_org)).values_list("code", flat=True)
    )
    return AuditEvent.objects.create(
        user=actor.user,
        username=actor.user.username if actor.user else "",
        organisations=orgs,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        owner_organisation=owner_organisation,
        fields=list(fields),
        detail=detail or {},
    )
