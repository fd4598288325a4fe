"""Publishing and editing services (keyword-only; input checked field by field)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit.services import record
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.directory import policies
from ulinzi.directory.models import Service, ServiceArea, ServiceKind
from ulinzi.geo import countries

FIELDS = ("name", "kind", "description", "languages", "hours", "contact", "accepts_referrals")
FIELDS_ALL = (*FIELDS, "lat", "lon", "active")


def _check(data: dict[str, Any], *, partial: bool) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not partial or "name" in data:
        if not str(data.get("name") or "").strip():
            problems.append(FieldProblem("name", "is required"))
    if not partial or "kind" in data:
        if data.get("kind") not in ServiceKind.values:
            problems.append(
                FieldProblem(
                    "kind", f"must be one of {', '.join(ServiceKind.values)}", data.get("kind")
                )
            )
    if "languages" in data:
        langs = data["languages"]
        if not isinstance(langs, list) or not all(
            isinstance(x, str) and 2 <= len(x) <= 8 for x in langs
        ):
            problems.append(FieldProblem("languages", "must be a list of language codes"))
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        value = data.get(name)
        if value is not None and not (isinstance(value, int | float) and low <= value <= high):
            problems.append(FieldProblem(name, f"must be between {low} and {high}", value))
    if ("lat" in data) != ("lon" in data) or (data.get("lat") is None) != (data.get("lon") is None):
        if not partial:
            problems.append(FieldProblem("lon", "give both lat and lon, or neither"))
    if not partial or "areas" in data:
        problems.extend(_check_areas(data.get("areas")))
    return problems


def _check_areas(areas: Any) -> list[FieldProblem]:
    if not isinstance(areas, list) or not areas:
        return [FieldProblem("areas", "name at least one country or area covered")]
    problems = []
    for i, area in enumerate(areas):
        country = countries.country(str((area or {}).get("country") or ""))
        if country is None:
            problems.append(
                FieldProblem(
                    f"areas[{i}].country", "is not a known country", (area or {}).get("country")
                )
            )
    return problems


def _areas(areas: list[dict[str, Any]]) -> list[ServiceArea]:
    out = []
    for area in areas:
        country = countries.country(str(area["country"]))
        assert country is not None
        out.append(
            ServiceArea(
                country=country.iso3,
                admin1_pcode=str(area.get("admin1_pcode") or "").strip().upper(),
                admin1_name=str(area.get("admin1_name") or "").strip(),
            )
        )
    return out


def _organisation(actor: Actor, code: str | None) -> Organisation:
    return organisation_choice.choose(
        policies.publishing_orgs(actor),
        code,
        refusal="only an organisation's admins and coordinators publish its services",
    )


@transaction.atomic
def publish(*, actor: Actor, data: dict[str, Any], organisation: str | None = None) -> Service:
    """Publish a new service for one of the actor's organisations."""
    org = _organisation(actor, organisation)
    problems = _check(data, partial=False)
    if problems:
        raise InvalidInput(problems)
    service = Service.objects.create(
        organisation=org, **{k: data[k] for k in FIELDS_ALL if k in data and data[k] is not None}
    )
    for area in _areas(data["areas"]):
        area.service = service
        area.save()
    record(
        actor=actor,
        action="publish",
        object_type="service",
        object_id=service.pk,
        owner_organisation=org.code,
    )
    return service


@transaction.atomic
def update(*, actor: Actor, service: Service, data: dict[str, Any]) -> Service:
    """Change a service; ``areas``, when given, replaces the areas covered."""
    if not policies.can_edit(actor, service):
        raise NotAllowed("only the publishing organisation's admins and coordinators edit this")
    problems = _check(data, partial=True)
    if problems:
        raise InvalidInput(problems)
    for key in FIELDS_ALL:
        if key in data:
            setattr(service, key, data[key])
    service.save()
    if "areas" in data:
        service.areas.all().delete()
        for area in _areas(data["areas"]):
            area.service = service
            area.save()
    record(
        actor=actor,
        action="update",
        object_type="service",
        object_id=service.pk,
        owner_organisation=service.organisation.code,
        fields=sorted(data),
    )
    return service
