"""JSON shapes of the directory API."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class AreaIn(Schema):
    country: str
    admin1_pcode: str = ""
    admin1_name: str = ""


class ServiceIn(Schema):
    organisation: str | None = None
    name: str
    kind: str
    description: str = ""
    languages: list[str] = []
    hours: str = ""
    contact: str = ""
    accepts_referrals: bool = True
    lat: float | None = None
    lon: float | None = None
    areas: list[AreaIn]


class ServicePatch(Schema):
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    languages: list[str] | None = None
    hours: str | None = None
    contact: str | None = None
    accepts_referrals: bool | None = None
    lat: float | None = None
    lon: float | None = None
    active: bool | None = None
    areas: list[AreaIn] | None = None


class AreaOut(Schema):
    country: str
    admin1_pcode: str
    admin1_name: str


class ServiceOut(Schema):
    id: UUID
    organisation: str
    organisation_name: str
    name: str
    kind: str
    description: str
    languages: list[str]
    hours: str
    contact: str
    accepts_referrals: bool
    lat: float | None
    lon: float | None
    active: bool
    areas: list[AreaOut]
    updated_at: datetime
    coverage: str | None = None
    distance_km: float | None = None

    @staticmethod
    def build(
        service: Any, coverage: str | None = None, distance_km: float | None = None
    ) -> ServiceOut:
        return ServiceOut(
            id=service.id,
            organisation=service.organisation.code,
            organisation_name=service.organisation.name,
            name=service.name,
            kind=service.kind,
            description=service.description,
            languages=list(service.languages),
            hours=service.hours,
            contact=service.contact,
            accepts_referrals=service.accepts_referrals,
            lat=service.lat,
            lon=service.lon,
            active=service.active,
            areas=[
                AreaOut(country=a.country, admin1_pcode=a.admin1_pcode, admin1_name=a.admin1_name)
                for a in service.areas.all()
            ],
            updated_at=service.updated_at,
            coverage=coverage,
            distance_km=distance_km,
        )
