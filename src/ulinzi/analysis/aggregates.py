"""The dashboard's numbers, each one aggregate query in the database (SQLite or PostgreSQL).

Every function takes the already-scoped queryset from :func:`counted` (what the actor may
see, with the dashboard's filters, duplicates and rejected reports left out) and returns
plain rows. :mod:`ulinzi.analysis.summary` shapes them and adds the links.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Lower, TruncMonth, TruncWeek

from ulinzi.accounts.access import Actor
from ulinzi.incidents.models import Incident, IncidentTerm
from ulinzi.incidents.selectors import IncidentFilters, apply_filters, visible

HEALTH = "health_care_attack"
MAX_POINTS = 5000
VICTIM_GROUPS = ("children", "health_workers", "patients")
HARM_KINDS = ("killed", "injured", "abducted", "arrested", "detained")


def counted(actor: Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    """Incidents the actor may see that match the filters (status already restricted)."""
    return apply_filters(visible(actor), filters).order_by()


def _sum(name: str) -> Coalesce:
    return Coalesce(Sum(name), Value(0), output_field=IntegerField())


def _trunc(interval: str, name: str = "occurred_on") -> TruncMonth | TruncWeek:
    return TruncWeek(name) if interval == "week" else TruncMonth(name)


def _rows(rows: Any) -> list[dict[str, Any]]:
    """Value rows as plain dicts (the type checker sees each as its own TypedDict)."""
    return [dict(r) for r in rows]


def _typed_ids() -> Any:
    return IncidentTerm.objects.filter(kind="type").values("incident_id")


def totals(qs: QuerySet[Incident]) -> dict[str, int]:
    """Incidents and people harmed."""
    out = qs.aggregate(incidents=Count("id"), **{kind: _sum(kind) for kind in HARM_KINDS})
    return {k: int(v or 0) for k, v in out.items()}


def facility_incidents(qs: QuerySet[Incident]) -> int:
    """Incidents that hit a health facility (resource ``facility``)."""
    hit = IncidentTerm.objects.filter(kind="resource", code="facility").values("incident_id")
    return qs.filter(id__in=hit).count()


def _type_terms(qs: QuerySet[Incident], only: str | None) -> QuerySet[IncidentTerm]:
    """Type rows of the incidents; with a type filter, only that type (another type of
    the same incidents could not be linked to a list with both filters)."""
    terms = IncidentTerm.objects.filter(kind="type", incident__in=qs)
    return terms.filter(code=only) if only else terms


def over_time(
    qs: QuerySet[Incident], interval: str, stack: str, only_type: str | None = None
) -> list[dict[str, Any]]:
    """Incidents per period, split by domain or by type (``key``; '' = no type)."""
    if stack == "domain":
        rows = qs.values(period=_trunc(interval), key=F("domain")).annotate(n=Count("id"))
        return [_dated(r) for r in _rows(rows)]
    typed = (
        _type_terms(qs, only_type)
        .values(period=_trunc(interval, "incident__occurred_on"), key=F("code"))
        .annotate(n=Count("incident_id"))
        .order_by()
    )
    untyped = (
        qs.exclude(id__in=_typed_ids())
        .values(period=_trunc(interval))
        .annotate(key=Value("", output_field=CharField()), n=Count("id"))
    )
    return [_dated(r) for r in _rows(typed) + _rows(untyped)]


def casualties_over_time(qs: QuerySet[Incident], interval: str) -> list[dict[str, Any]]:
    """Killed and injured per period."""
    rows = qs.values(period=_trunc(interval)).annotate(
        n=Count("id"), killed=_sum("killed"), injured=_sum("injured")
    )
    return [_dated(r) for r in _rows(rows)]


def causes_over_time(qs: QuerySet[Incident], interval: str) -> list[dict[str, Any]]:
    """Incidents per period and cause context (armed conflict or another cause)."""
    rows = qs.values(period=_trunc(interval), key=F("cause")).annotate(n=Count("id"))
    return [_dated(r) for r in _rows(rows)]


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    period = row["period"]
    if hasattr(period, "date"):
        period = period.date()
    return {**row, "period": period}


def harm_by_resource(
    qs: QuerySet[Incident], only_type: str | None = None, only_resource: str | None = None
) -> list[dict[str, Any]]:
    """Attacks on health care: perpetrator × type × resource hit (incident counts)."""
    health = qs.filter(domain=HEALTH)
    by_type = (
        _type_terms(health, only_type)
        .values(perpetrator=F("incident__perpetrator"), type=F("code"))
        .annotate(n=Count("incident_id"))
        .order_by()
    )
    cells = (
        _type_terms(health, only_type)
        .annotate(resource=F("incident__terms__code"), resource_kind=F("incident__terms__kind"))
        .filter(resource_kind="resource", **({"resource": only_resource} if only_resource else {}))
        .values("resource", perpetrator=F("incident__perpetrator"), type=F("code"))
        .annotate(n=Count("incident_id"))
        .order_by()
    )
    return [{**r, "resource": None} for r in _rows(by_type)] + _rows(cells)


def _people(group: str) -> Combinable:
    expr: Combinable | None = None
    for kind in HARM_KINDS:
        name = kind if group == "all" else f"{kind}_{group}"
        term = Coalesce(F(f"incident__{name}"), Value(0))
        expr = term if expr is None else expr + term
    assert expr is not None
    return expr


def harm_by_victim_group(
    qs: QuerySet[Incident], only_type: str | None = None
) -> list[dict[str, Any]]:
    """Other domains: perpetrator × type, incidents and people harmed per victim group."""
    others = qs.exclude(domain=HEALTH)
    rows = (
        _type_terms(others, only_type)
        .values(
            domain=F("incident__domain"), perpetrator=F("incident__perpetrator"), type=F("code")
        )
        .annotate(
            n=Count("incident_id"),
            all=Sum(_people("all"), output_field=IntegerField()),
            **{g: Sum(_people(g), output_field=IntegerField()) for g in VICTIM_GROUPS},
        )
        .order_by()
    )
    labels = ("domain", "perpetrator", "type")
    return [{k: v if k in labels else int(v or 0) for k, v in r.items()} for r in _rows(rows)]


def untyped_count(qs: QuerySet[Incident], *, health: bool) -> int:
    """Incidents without a recorded type (left out of the patterns tables)."""
    part = qs.filter(domain=HEALTH) if health else qs.exclude(domain=HEALTH)
    return part.exclude(id__in=_typed_ids()).count()


def area_key() -> Case:
    """An area is its name (any case) or, with no name, its P-code: the grouping that
    matches the incident list's ``admin1`` filter (P-code, or name ignoring case)."""
    return Case(
        When(admin1_name="", then=F("admin1_pcode")),
        default=Lower("admin1_name"),
        output_field=CharField(),
    )


def top_areas(qs: QuerySet[Incident], limit: int = 15) -> list[dict[str, Any]]:
    """First-level areas with the most incidents (P-code, or the name when no P-code)."""
    rows = (
        qs.exclude(admin1_pcode="", admin1_name="")
        .values("country", area=area_key())
        .annotate(
            n=Count("id"),
            name=Max("admin1_name"),
            pcode=Max("admin1_pcode"),
            killed=_sum("killed"),
            injured=_sum("injured"),
        )
        .order_by("-n", "country", "area")[:limit]
    )
    return _rows(rows)


def certainty_mix(qs: QuerySet[Incident]) -> list[dict[str, Any]]:
    return _rows(qs.values("certainty").annotate(n=Count("id")).order_by("-n"))


def by_country(qs: QuerySet[Incident]) -> list[dict[str, Any]]:
    return _rows(
        qs.values("country")
        .annotate(n=Count("id"), killed=_sum("killed"), injured=_sum("injured"))
        .order_by("-n", "country")
    )


def points(qs: QuerySet[Incident], limit: int = MAX_POINTS) -> list[dict[str, Any]]:
    """Incident locations on a grid of 0.01° (about 1 km), with counts; busiest first.

    The grid cell is ``CAST(lat * 100 AS INTEGER)``: native and fast on both databases
    (rounding to a decimal goes through NUMERIC on PostgreSQL, several times slower)."""
    rows = (
        qs.filter(lat__isnull=False, lon__isnull=False)
        .values(
            la=Cast(F("lat") * 100, IntegerField()),
            lo=Cast(F("lon") * 100, IntegerField()),
        )
        .annotate(n=Count("id"))
        .order_by("-n", "la", "lo")[:limit]
    )
    return [{"lat": r["la"] / 100, "lon": r["lo"] / 100, "n": r["n"]} for r in rows]


def located_count(qs: QuerySet[Incident]) -> int:
    return qs.filter(lat__isnull=False, lon__isnull=False).count()


def date_span(qs: QuerySet[Incident]) -> tuple[date | None, date | None]:
    from django.db.models import Min

    out = qs.aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    return out["first"], out["last"]


def facets(qs: QuerySet[Incident]) -> dict[str, list[Any]]:
    """Values for the filter menus: countries and organisations present."""
    countries = list(qs.values_list("country", flat=True).distinct().order_by("country"))
    orgs = list(
        qs.values_list("organisation__code", "organisation__name")
        .distinct()
        .order_by("organisation__code")
    )
    return {"countries": countries, "organisations": orgs}


def areas_of(qs: QuerySet[Incident], country: str) -> list[tuple[str, str]]:
    """(P-code, name) of the first-level areas recorded in a country."""
    return list(
        qs.filter(country=country)
        .exclude(admin1_pcode="", admin1_name="")
        .values_list("admin1_pcode", "admin1_name")
        .distinct()
        .order_by("admin1_name")[:500]
    )
