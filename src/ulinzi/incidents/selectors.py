"""Reads of incidents, always scoped by what the acting user may see."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.incidents import facts, policies
from ulinzi.incidents.filters import IncidentFilters
from ulinzi.incidents.models import Incident, IncidentFact


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


def apply_filters(qs: QuerySet[Incident], f: IncidentFilters) -> QuerySet[Incident]:
    """Incidents of ``qs`` that meet every filter set in ``f`` (:mod:`filters`)."""
    for _name, value, rule in f.chosen():
        qs = rule.incidents(qs, value)
    return qs


def visible_facts(actor: Actor) -> QuerySet[IncidentFact]:
    """The counting copies of the incidents :func:`visible` returns (the same rule)."""
    if not policies.can_list(actor):
        return IncidentFact.objects.none()
    coded = _visibility(actor, lambda domains: sorted(facts.code("domain", d) for d in domains))
    return IncidentFact.objects.filter(coded)


def filter_facts(qs: QuerySet[IncidentFact], f: IncidentFilters) -> QuerySet[IncidentFact]:
    """:func:`apply_filters` over the counting copies: the same incidents."""
    for _name, value, rule in f.chosen():
        qs = rule.facts(qs, value)
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
