"""``/api/v1/deconfliction``: thin endpoints over selectors and services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from ulinzi.alerts.deconfliction import conf, exports, policies, selectors
from ulinzi.alerts.deconfliction.models import Movement, Notification, Site
from ulinzi.alerts.deconfliction.schemas import (
    BatchAckOut,
    BatchSentOut,
    MovementOut,
    NotificationListOut,
    NotificationRecordOut,
    SiteOut,
)
from ulinzi.alerts.deconfliction.services import acknowledgement, registration, sending
from ulinzi.common import versioning
from ulinzi.common.api_auth import actor
from ulinzi.common.openapi import file_response
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound

router = Router(tags=["deconfliction"])


class SiteIn(Schema):
    organisation: str | None = None
    name: str = ""
    site_type: str = ""
    lat: float | None = None
    lon: float | None = None
    valid_from: str | None = None
    valid_until: str | None = None


class MovementIn(Schema):
    organisation: str | None = None
    purpose: str = ""
    route: list[list[float]] = []
    departure_from: str | None = None
    departure_until: str | None = None
    arrival_from: str | None = None
    arrival_until: str | None = None
    vehicles: int = 1
    vehicles_description: str = ""
    people: int = 0
    cargo: str = ""
    emergency: bool = False
    override_lead_time: bool = False
    override_reason: str = ""


class SendIn(Schema):
    parties: list[str] = []
    sites: list[UUID] = []
    movements: list[UUID] = []
    override_lead_time: bool = False
    override_reason: str = ""
    versions: dict[str, int] = Field(
        {},
        description="item id → the version you reviewed; if any has changed since, "
        "nothing is sent (412 with that item's current version)",
    )


class RemovalIn(Schema):
    reason: str = ""


def _site(s: Site) -> dict[str, Any]:
    out = sending.site_content(s)
    out.update(
        status=s.status,
        coordinated_by=s.coordinated_by.code if s.coordinated_by_id else None,
        version=s.version,
    )
    return out


def _movement(m: Movement) -> dict[str, Any]:
    out = sending.movement_content(m)
    out.update(
        status=m.status,
        lead_time_override=m.lead_time_override,
        override_reason=m.override_reason,
        version=m.version,
    )
    return out


def _notification(n: Notification, *, events: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(n.pk),
        "batch": str(n.batch_id),
        "party": n.party.code,
        "kind": n.kind,
        "item": n.content,
        "sent_at": n.sent_at,
        "ack_deadline": n.ack_deadline,
        "acknowledged_at": n.acknowledged_at,
        "reminders_sent": n.reminders_sent,
        "escalated_at": n.escalated_at,
        "lead_time_override": n.lead_time_override,
        "notice": str(conf.NOTICE),
    }
    if events:
        out["events"] = [
            {"at": e.at, "type": e.type, "user": e.username, "detail": e.detail}
            for e in n.events.all()
        ]
    return out


def _require_use(request: HttpRequest) -> None:
    if not policies.can_use(actor(request)):
        raise NotAllowed("your roles give no access to deconfliction")


@router.get(
    "/sites", response=list[SiteOut], summary="Sites of your organisations, or that you coordinate"
)
def list_sites(request: HttpRequest) -> list[dict[str, Any]]:
    _require_use(request)
    return [_site(s) for s in selectors.sites(actor(request))[:1000]]


@router.post("/sites", response={201: SiteOut}, summary="Register a humanitarian site")
def register_site(request: HttpRequest, payload: SiteIn) -> tuple[int, dict[str, Any]]:
    site = registration.register_site(
        actor=actor(request),
        data=payload.dict(exclude={"organisation"}),
        organisation=payload.organisation,
    )
    return 201, _site(site)


@router.get("/sites/{site_id}", response=SiteOut, summary="One site")
def get_site(request: HttpRequest, site_id: UUID, response: HttpResponse) -> dict[str, Any]:
    site = selectors.site(actor(request), site_id)
    versioning.set_etag(response, site)
    return _site(site)


@router.post(
    "/sites/{site_id}/removal", response=SiteOut, summary="Ask for a site's removal to be notified"
)
def request_removal(
    request: HttpRequest,
    site_id: UUID,
    payload: RemovalIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> dict[str, Any]:
    who = actor(request)
    site = registration.request_site_removal(
        actor=who,
        site=selectors.site(who, site_id),
        reason=payload.reason,
        version=versioning.expected(if_match),
    )
    versioning.set_etag(response, site)
    return _site(site)


@router.post("/sites/{site_id}/removal/send", response={201: list[str]}, summary="Notify a removal")
def send_removal(
    request: HttpRequest,
    site_id: UUID,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> tuple[int, list[str]]:
    who = actor(request)
    site = selectors.site(who, site_id)
    batches = sending.send_removal(actor=who, site=site, version=versioning.expected(if_match))
    versioning.set_etag(response, site)
    return 201, [str(b.pk) for b in batches]


@router.get(
    "/movements",
    response=list[MovementOut],
    summary="Movements of your organisations, or that you coordinate",
)
def list_movements(request: HttpRequest) -> list[dict[str, Any]]:
    _require_use(request)
    return [_movement(m) for m in selectors.movements(actor(request))[:1000]]


@router.post(
    "/movements", response={201: MovementOut}, summary="Register a movement (lead time applies)"
)
def register_movement(request: HttpRequest, payload: MovementIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict(exclude={"organisation", "override_lead_time", "override_reason"})
    movement = registration.register_movement(
        actor=actor(request),
        data=data,
        organisation=payload.organisation,
        override_lead_time=payload.override_lead_time,
        override_reason=payload.override_reason,
    )
    return 201, _movement(movement)


@router.get("/movements/{movement_id}", response=MovementOut, summary="One movement")
def get_movement(request: HttpRequest, movement_id: UUID, response: HttpResponse) -> dict[str, Any]:
    movement = selectors.movement(actor(request), movement_id)
    versioning.set_etag(response, movement)
    return _movement(movement)


@router.post(
    "/notifications",
    response={201: list[BatchSentOut]},
    summary="Send items to parties' focal points",
)
def send(request: HttpRequest, payload: SendIn) -> tuple[int, list[dict[str, Any]]]:
    who = actor(request)
    if not policies.cells(who):
        raise NotAllowed("only coordinators send notifications")
    try:
        sites = [selectors.site(who, pk) for pk in payload.sites]
        movements = [selectors.movement(who, pk) for pk in payload.movements]
    except NotFound as exc:
        raise InvalidInput([FieldProblem("items", str(exc))]) from exc
    batches = sending.send(
        actor=who,
        parties=payload.parties,
        sites=sites,
        movements=movements,
        override_lead_time=payload.override_lead_time,
        override_reason=payload.override_reason,
        versions=payload.versions,
    )
    return 201, [
        {
            "batch": str(b.pk),
            "party": b.party.code,
            "notifications": [str(n.pk) for n in b.notifications.all()],
        }
        for b in batches
    ]


@router.get(
    "/notifications",
    response=NotificationListOut,
    summary="Notifications to your party, or sent by your cell",
)
def list_notifications(request: HttpRequest) -> dict[str, Any]:
    _require_use(request)
    items = selectors.notifications(actor(request)).order_by("-sent_at")[:1000]
    return {"notice": str(conf.NOTICE), "items": [_notification(n) for n in items]}


@router.get(
    "/notifications/{notification_id}",
    response=NotificationRecordOut,
    summary="One notification with its record",
)
def get_notification(request: HttpRequest, notification_id: UUID) -> dict[str, Any]:
    return _notification(selectors.notification(actor(request), notification_id), events=True)


@router.post(
    "/notifications/{notification_id}/acknowledge",
    response=NotificationRecordOut,
    summary="Acknowledge (focal point)",
)
def acknowledge(request: HttpRequest, notification_id: UUID) -> dict[str, Any]:
    who = actor(request)
    n = selectors.notification(who, notification_id)
    acknowledgement.acknowledge(actor=who, notifications=[n])
    n.refresh_from_db()
    return _notification(n, events=True)


@router.post(
    "/batches/{batch_id}/acknowledge",
    response=BatchAckOut,
    summary="Acknowledge every item of a batch",
)
def acknowledge_batch(request: HttpRequest, batch_id: UUID) -> dict[str, Any]:
    who = actor(request)
    batch = selectors.batch(who, batch_id)
    done = acknowledgement.acknowledge_batch(actor=who, batch=batch)
    return {"batch": str(batch.pk), "acknowledged": done}


def _export(request: HttpRequest, party: str, kind: str) -> HttpResponse:
    org, qs = exports.party_notifications(actor(request), party)
    if kind == "csv":
        response = HttpResponse(exports.to_csv(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="notifications-{org.code}.csv"'
    else:
        response = HttpResponse(exports.to_geojson(org, qs), content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="notifications-{org.code}.geojson"'
    return response


@router.get(
    "/exports/{party}/csv",
    openapi_extra=file_response("text/csv"),
    summary="What was notified to a party, CSV with HXL",
)
def export_csv(request: HttpRequest, party: str) -> HttpResponse:
    return _export(request, party, "csv")


@router.get(
    "/exports/{party}/geojson",
    openapi_extra=file_response("application/geo+json"),
    summary="What was notified to a party, GeoJSON",
)
def export_geojson(request: HttpRequest, party: str) -> HttpResponse:
    return _export(request, party, "geojson")
