"""``/api/v1/services``: the directory and the referral pathway for a need in an area."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ulinzi.common.api_auth import actor
from ulinzi.directory import selectors, services
from ulinzi.directory.schemas import ServiceIn, ServiceOut, ServicePatch

router = Router(tags=["directory"])


class PathwayParams(Schema):
    need: str | None = None
    area: str | None = None
    country: str | None = None
    language: str | None = None
    referrals_only: bool = False
    lat: float | None = None
    lon: float | None = None


@router.get("", response=list[ServiceOut], summary="Referral pathway: services, nearest first")
def list_services(request: HttpRequest, params: Query[PathwayParams]) -> list[ServiceOut]:
    steps = selectors.pathway(actor(request), **params.dict())
    return [ServiceOut.build(s.service, s.coverage, s.distance_km) for s in steps]


@router.post("", response={201: ServiceOut}, summary="Publish a service")
def publish_service(request: HttpRequest, payload: ServiceIn) -> tuple[int, ServiceOut]:
    data = payload.dict(exclude={"organisation"})
    service = services.publish(actor=actor(request), data=data, organisation=payload.organisation)
    return 201, ServiceOut.build(selectors.get(actor(request), service.pk))


@router.get("/{service_id}", response=ServiceOut, summary="One service")
def get_service(request: HttpRequest, service_id: UUID) -> ServiceOut:
    return ServiceOut.build(selectors.get(actor(request), service_id))


@router.patch("/{service_id}", response=ServiceOut, summary="Change a service")
def patch_service(request: HttpRequest, service_id: UUID, payload: ServicePatch) -> ServiceOut:
    who = actor(request)
    service = selectors.get(who, service_id)
    services.update(actor=who, service=service, data=payload.dict(exclude_unset=True))
    return ServiceOut.build(selectors.get(who, service_id))
