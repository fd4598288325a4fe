"""Reading the directory: one service, and the referral pathway for a need in an area."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.directory import areas, policies
from ulinzi.directory.models import Coverage, Service, ServiceKind

# Coverage, nearest first.
ADMIN1, COUNTRY, SAME_COUNTRY, ELSEWHERE = (
    Coverage.ADMIN1.value,
    Coverage.COUNTRY.value,
    Coverage.SAME_COUNTRY.value,
    Coverage.ELSEWHERE.value,
)
RANK = {ADMIN1: 0, COUNTRY: 1, SAME_COUNTRY: 2, ELSEWHERE: 3}


@dataclass
class PathwayStep:
    service: Service
    coverage: str
    distance_km: float | None = None


def readable(actor: Actor) -> QuerySet[Service]:
    if not policies.can_read(actor):
        raise NotAllowed("sign in with a role in an organisation to read the directory")
    return Service.objects.select_related("organisation").prefetch_related("areas")


def get(actor: Actor, service_id: uuid.UUID | str) -> Service:
    try:
        return readable(actor).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"no service {service_id}") from exc


def coverage(service: Service, area: areas.Area) -> str:
    """How near a service's coverage is to ``area``."""
    best = ELSEWHERE
    for covered in service.areas.all():
        if area.country and covered.country != area.country:
            continue
        if covered.whole_country:
            level = COUNTRY
        elif (area.admin1_pcode and covered.admin1_pcode == area.admin1_pcode) or (
            area.admin1_name and covered.admin1_name.casefold() == area.admin1_name.casefold()
        ):
            level = ADMIN1
        elif area.country:
            level = SAME_COUNTRY
        else:
            level = ELSEWHERE
        if RANK[level] < RANK[best]:
            best = level
    return best


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def pathway(
    actor: Actor,
    *,
    need: str | None = None,
    area: str | None = None,
    country: str | None = None,
    language: str | None = None,
    referrals_only: bool = False,
    lat: float | None = None,
    lon: float | None = None,
) -> list[PathwayStep]:
    """Active services for ``need``, nearest coverage first (the area's admin1, then the
    whole country, then elsewhere in the country, then elsewhere); within a level,
    services that take referrals through Ulinzi first, then by distance when a point is
    given, then by name."""
    problems = []
    if need and need not in ServiceKind.values:
        problems.append(
            FieldProblem("need", f"must be one of {', '.join(ServiceKind.values)}", need)
        )
    where = areas.parse(area, country)
    if where is None:
        problems.append(FieldProblem("area", "is not a country code or admin1 P-code", area))
    if (lat is None) != (lon is None):
        problems.append(FieldProblem("lon", "give both lat and lon, or neither"))
    if problems:
        raise InvalidInput(problems)
    assert where is not None
    qs = readable(actor).filter(active=True)
    if need:
        qs = qs.filter(kind=need)
    if referrals_only:
        qs = qs.filter(accepts_referrals=True)
    steps = []
    for service in qs:
        if language and language not in service.languages:
            continue
        step = PathwayStep(service=service, coverage=coverage(service, where))
        if (
            lat is not None
            and lon is not None
            and service.lat is not None
            and service.lon is not None
        ):
            step.distance_km = round(_km(lat, lon, service.lat, service.lon), 1)
        steps.append(step)
    steps.sort(
        key=lambda s: (
            RANK[s.coverage],
            not s.service.accepts_referrals,
            s.distance_km if s.distance_km is not None else math.inf,
            s.service.name.casefold(),
        )
    )
    return steps
