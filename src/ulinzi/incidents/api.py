"""``/api/v1/incidents``: thin endpoints over selectors and services."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from ulinzi.common import versioning
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotAllowed, Problem
from ulinzi.incidents import policies, selectors, services
from ulinzi.incidents.filters import FilterQuery, IncidentFilters
from ulinzi.incidents.schemas import (
    ChangeOut,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    RejectIn,
    VerifyIn,
)

router = Router(tags=["incidents"])


class ListParams(FilterQuery):
    cursor: str | None = None
    limit: int = 50


def _out(request: HttpRequest, incident: object, response: HttpResponse) -> IncidentOut:
    """The incident as the caller may see it, its version as the response's ETag."""
    from ulinzi.incidents.models import Incident

    assert isinstance(incident, Incident)
    versioning.set_etag(response, incident)
    return IncidentOut.build(incident, services.read_texts(actor=actor(request), incident=incident))


@router.get("", response=IncidentPage, summary="List incidents you may see")
def list_incidents(request: HttpRequest, params: Query[ListParams]) -> dict[str, object]:
    who = actor(request)
    if not policies.can_list(who):
        raise NotAllowed("your roles do not give access to incidents")
    filters = IncidentFilters.from_query(params.dict())
    qs = selectors.apply_filters(selectors.visible(who), filters)
    page = selectors.page(qs, cursor=params.cursor, limit=max(1, min(params.limit, 500)))
    texts = services.read_texts_of(actor=who, incidents=page.items)
    return {
        "items": [IncidentOut.build(i, texts[i.pk]) for i in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "",
    response={200: IncidentOut, 201: IncidentOut, 409: Problem},
    summary="Record an incident",
    description=(
        "201 with the new record. A resend with a `source_id` your organisation already "
        "holds answers 200 with that record if you may read it, else 409 (problem+json "
        "naming `source_id`, nothing of the record)."
    ),
)
def create_incident(
    request: HttpRequest, payload: IncidentIn, response: HttpResponse
) -> tuple[int, IncidentOut]:
    data = payload.dict(exclude={"organisation", "status"}, exclude_unset=True)
    for required in ("domain", "occurred_on", "country"):
        data[required] = getattr(payload, required)
    status = payload.status if payload.status in ("draft", "submitted") else "submitted"
    incident, created = services.create(
        actor=actor(request), data=data, organisation=payload.organisation, status=status
    )
    return (201 if created else 200), _out(request, incident, response)


@router.get("/{incident_id}", response=IncidentOut, summary="One incident (with its ETag)")
def get_incident(request: HttpRequest, incident_id: UUID, response: HttpResponse) -> IncidentOut:
    return _out(request, selectors.get(actor(request), incident_id), response)


@router.patch(
    "/{incident_id}",
    response=IncidentOut,
    summary="Change an incident",
    description=(
        "Writes only the fields sent, on the incident as it is now. With `If-Match`, "
        "refused with 412 (and the current version) if it changed since."
    ),
)
def patch_incident(
    request: HttpRequest,
    incident_id: UUID,
    payload: IncidentPatch,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> IncidentOut:
    who = actor(request)
    incident = selectors.get(who, incident_id)
    changed = services.update(
        actor=who,
        incident=incident,
        data=payload.dict(exclude_unset=True),
        version=versioning.expected(if_match),
    )
    return _out(request, changed, response)


@router.get("/{incident_id}/history", response=list[ChangeOut], summary="Change history")
def incident_history(request: HttpRequest, incident_id: UUID) -> list[object]:
    who = actor(request)
    return list(services.read_history(actor=who, incident=selectors.get(who, incident_id)))


@router.post("/{incident_id}/verify", response=IncidentOut, summary="Verify an incident")
def verify_incident(
    request: HttpRequest,
    incident_id: UUID,
    payload: VerifyIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> IncidentOut:
    who = actor(request)
    incident = selectors.get(who, incident_id)
    verified = services.verify(
        actor=who,
        incident=incident,
        certainty=payload.certainty,
        note=payload.note,
        version=versioning.expected(if_match),
    )
    return _out(request, verified, response)


@router.post("/{incident_id}/reject", response=IncidentOut, summary="Reject with a reason")
def reject_incident(
    request: HttpRequest,
    incident_id: UUID,
    payload: RejectIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> IncidentOut:
    who = actor(request)
    incident = selectors.get(who, incident_id)
    rejected = services.reject(
        actor=who, incident=incident, reason=payload.reason, version=versioning.expected(if_match)
    )
    return _out(request, rejected, response)
