"""``/api/v1/audit``: the audit log, for organisation admins."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from ulinzi.audit import selectors
from ulinzi.common.api_auth import actor

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    at: datetime
    username: str
    organisations: list[str]
    action: str
    object_type: str
    object_id: str
    owner_organisation: str
    fields: list[str]


@router.get("", response=list[AuditEventOut], summary="Audit events (admins)")
def list_events(
    request: HttpRequest, object_id: str | None = None, limit: int = 100
) -> list[object]:
    qs = selectors.events_for(actor(request))
    if object_id:
        qs = qs.filter(object_id=object_id)
    return list(qs[: max(1, min(limit, 1000))])
