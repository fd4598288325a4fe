"""Reads of incidents, always scoped by what the acting user may see."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.incidents import facts, policies
from ulinzi.incidents.models import FactArea, Incident, IncidentFact, IncidentTerm


def _visibility(actor: Actor, domain_values: Callable[[AbstractSet[str]], list[Any]]) -> Q:
    """The rule of what the actor may see, over the columns incidents and their counting
    copies share; ``domain_values`` gives the stored form of shared domains."""
    q = Q(organisation_id__in=actor.orgs_with(*policies.VIEW_ROLES))
    if actor.user_id is not None:
        q |= Q(reported_by_id=actor.user_id, organisation_id__in=list(actor.roles_by_org))
    for provider_id in actor.shared_domains:
        domains = policies.shared_domains_from(actor, provider_id)
        if domains:
            q |= Q(organisation_id=provider_id, domain__in=domain_values(domains))
    return q


def visible(actor: Actor) -> QuerySet[Incident]:
    """Every incident the actor may see (nothing for someone without a right)."""
    if not policies.can_list(actor):
        return Incident.objects.none()
    return Incident.objects.filter(_visibility(actor, sorted))


# The filter value that selects incidents where a field was not recorded (no
# perpetrator, no certainty grade, no type, no resource).
NOT_RECORDED = "none"


@dataclass
class IncidentFilters:
    """The filters shared by the API, the web list and the dashboard."""

    domain: str | None = None
    type: str | None = None
    country: str | None = None
    admin1: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    certainty: str | None = None
    cause: str | None = None
    status: str | None = None
    organisation: str | None = None
    perpetrator: str | None = None
    resource: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> IncidentFilters:
        """Build filters from a query dict, naming any bad date."""
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for name in cls.__dataclass_fields__:
            raw = params.get(name)
            if raw in (None, ""):
                continue
            if name in ("date_from", "date_to"):
                try:
                    values[name] = date.fromisoformat(str(raw))
                except ValueError:
                    problems.append(FieldProblem(name, "must be a date as YYYY-MM-DD", raw))
            else:
                values[name] = str(raw)
        if problems:
            raise InvalidInput(problems)
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        return {
            k: (v.isoformat() if isinstance(v, date) else str(v))
            for k, v in self.__dict__.items()
            if v not in (None, "")
        }


def apply_filters(qs: QuerySet[Incident], f: IncidentFilters) -> QuerySet[Incident]:
    if f.domain:
        qs = qs.filter(domain=f.domain)
    for kind in ("type", "resource"):
        code = getattr(f, kind)
        if code == NOT_RECORDED:
            qs = qs.exclude(id__in=IncidentTerm.objects.filter(kind=kind).values("incident_id"))
        elif code:
            terms = IncidentTerm.objects.filter(kind=kind, code=code)
            qs = qs.filter(id__in=terms.values("incident_id"))
    if f.country:
        qs = qs.filter(country=f.country.upper())
    if f.admin1:
        qs = qs.filter(Q(admin1_pcode=f.admin1) | Q(admin1_name__iexact=f.admin1))
    if f.date_from:
        qs = qs.filter(occurred_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_on__lte=f.date_to)
    if f.certainty:
        qs = qs.filter(certainty="" if f.certainty == NOT_RECORDED else f.certainty)
    if f.cause:
        qs = qs.filter(cause=f.cause)
    if f.status:
        qs = qs.filter(status__in=f.status.split(","))
    if f.organisation:
        qs = qs.filter(organisation__code=f.organisation)
    if f.perpetrator:
        qs = qs.filter(perpetrator="" if f.perpetrator == NOT_RECORDED else f.perpetrator)
    return qs


def visible_facts(actor: Actor) -> QuerySet[IncidentFact]:
    """The counting copies of the incidents :func:`visible` returns (the same rule)."""
    if not policies.can_list(actor):
        return IncidentFact.objects.none()
    coded = _visibility(actor, lambda domains: sorted(facts.code("domain", d) for d in domains))
    return IncidentFact.objects.filter(coded)


def _coded(kind: str, value: str) -> int:
    """A filter value's number; -1 (matches nothing) for a value with none."""
    try:
        return facts.code(kind, value)
    except facts.UnknownCode:
        return -1


def filter_facts(qs: QuerySet[IncidentFact], f: IncidentFilters) -> QuerySet[IncidentFact]:
    """:func:`apply_filters` over the counting copies: the same incidents."""
    if f.domain:
        qs = qs.filter(domain=_coded("domain", f.domain))
    for name, kind in (("type", "type"), ("resource", "resource")):
        value = getattr(f, name)
        if value == NOT_RECORDED:
            qs = qs.filter(**{f"{kind}s": 0})
        elif value:
            bit = _coded(kind, value)
            if bit < 0:
                return qs.none()
            qs = qs.annotate(**{f"has_{name}": F(f"{kind}s").bitand(1 << bit)}).exclude(
                **{f"has_{name}": 0}
            )
    if f.country:
        try:
            qs = qs.filter(country=facts.country_code(f.country))
        except facts.UnknownCode:
            return qs.none()
    if f.admin1:
        areas = FactArea.objects.filter(Q(pcode=f.admin1) | Q(name__iexact=f.admin1))
        qs = qs.filter(area__in=areas.values("key"))
    if f.date_from:
        qs = qs.filter(occurred_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_on__lte=f.date_to)
    for name in ("certainty", "cause", "perpetrator"):
        value = getattr(f, name)
        if value == NOT_RECORDED and name != "cause":
            qs = qs.filter(**{name: facts.code(name, "")})
        elif value:
            qs = qs.filter(**{name: _coded(name, value)})
    if f.status:
        qs = qs.filter(status__in=[_coded("status", s) for s in f.status.split(",")])
    if f.organisation:
        org_ids = Organisation.objects.filter(code=f.organisation).values("pk")
        qs = qs.filter(organisation_id__in=org_ids)
    return qs


def get(actor: Actor, incident_id: uuid.UUID | str) -> Incident:
    """One incident the actor may see, or :class:`NotFound` (never reveals existence)."""
    try:
        incident = Incident.objects.select_related("organisation", "reported_by").get(
            pk=incident_id
        )
    except (Incident.DoesNotExist, ValueError) as exc:
        raise NotFound(f"no incident {incident_id}") from exc
    if not policies.can_view(actor, incident):
        if not actor.is_authenticated:
            raise NotAllowed("sign in first")
        raise NotFound(f"no incident {incident_id}")
    return incident


@dataclass
class Page:
    items: list[Incident]
    next_cursor: str | None


def page(qs: QuerySet[Incident], *, cursor: str | None, limit: int) -> Page:
    """Keyset pagination on (created_at, id), newest first; stable under inserts."""
    qs = qs.order_by("-created_at", "-id")
    if cursor:
        try:
            stamp, _, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
            created = datetime.fromisoformat(stamp)
            qs = qs.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=last_id))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput([FieldProblem("cursor", "is not a cursor from this API")]) from exc
    items = list(qs.select_related("organisation")[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        next_cursor = base64.urlsafe_b64encode(
            f"{last.created_at.isoformat()}|{last.id}".encode()
        ).decode()
    return Page(items=items, next_cursor=next_cursor)


@dataclass(frozen=True)
class Area:
    """A first-level area as incidents record it."""

    country: str
    pcode: str
    name: str


def areas_seen(actor: Actor, *, country: str = "", text: str = "", limit: int = 50) -> list[Area]:
    """First-level areas named by incidents the actor may see (in ``country`` if given,
    whose name or P-code holds ``text``), by name."""
    qs = visible(actor).exclude(admin1_name="", admin1_pcode="")
    if country:
        qs = qs.filter(country=country.upper())
    if text:
        qs = qs.filter(Q(admin1_name__icontains=text) | Q(admin1_pcode__icontains=text))
    rows = (
        qs.order_by("admin1_name", "admin1_pcode", "country")
        .values_list("country", "admin1_pcode", "admin1_name")
        .distinct()[:limit]
    )
    return [Area(country=c, pcode=p, name=n) for c, p, n in rows]
