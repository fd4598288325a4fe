"""The dashboard's numbers: a few aggregate queries in the database (SQLite or
PostgreSQL), each serving several panels so the whole dashboard reads the incidents only a
handful of times.

Every function takes the already-scoped queryset from :func:`counted` (what the actor may
see, with the dashboard's filters, duplicates and rejected reports left out) and returns
plain rows; :mod:`ulinzi.analysis.summary` adds them up per panel and adds the links.

=====================  ==========================================================
query                  panels
=====================  ==========================================================
:func:`time_cube`      totals, incidents over time by domain, casualties, causes
:func:`place_cube`     countries (map shading), top areas, certainty, located
:func:`types_over_time` incidents over time by type (only when split by type)
:func:`resource_counts` incidents that hit a facility
:func:`harm_by_type`   patterns of harm, row totals (and incidents without a type)
:func:`harm_by_resource` patterns of harm on health care, cells
:func:`harm_by_victim_group` patterns of harm in the other domains
:func:`points`         map points
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, TruncMonth, TruncWeek

from ulinzi.accounts.access import Actor
from ulinzi.incidents.models import Incident
from ulinzi.incidents.selectors import IncidentFilters, apply_filters, visible

HEALTH = "health_care_attack"
MAX_POINTS = 5000
GRID = 10  # map points per degree: a 0.1° grid, about 11 km
VICTIM_GROUPS = ("children", "health_workers", "patients")
HARM_KINDS = ("killed", "injured", "abducted", "arrested", "detained")


# PostgreSQL settings for the dashboard's transaction: room to hash-aggregate and sort in
# memory (the default 4 MB spills to disk at a million incidents), and no JIT compilation
# (it costs ~200 ms per query and these queries are short).
PG_SESSION = ("SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off")


@contextmanager
def session() -> Iterator[None]:
    """Where the dashboard's queries run. On PostgreSQL (outside another transaction): one
    read-only REPEATABLE READ transaction, so every panel counts the same snapshot, with
    :data:`PG_SESSION`. Elsewhere: as they are."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for statement in PG_SESSION:
                cursor.execute(statement)
        yield


def counted(actor: Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    """Incidents the actor may see that match the filters (status already restricted)."""
    return apply_filters(visible(actor), filters).order_by()


def _sum(name: str) -> Coalesce:
    return Coalesce(Sum(name), Value(0), output_field=IntegerField())


def _trunc(interval: str) -> TruncMonth | TruncWeek:
    return TruncWeek("occurred_on") if interval == "week" else TruncMonth("occurred_on")


def _rows(rows: Any) -> list[dict[str, Any]]:
    """Value rows as plain dicts, periods as dates."""
    out = []
    for r in rows:
        row = dict(r)
        period = row.get("period")
        if period is not None and hasattr(period, "date"):
            row["period"] = period.date()
        out.append(row)
    return out


def _terms(qs: QuerySet[Incident], name: str, kind: str, only: str | None) -> Any:
    """Join the incidents' ``kind`` terms as ``name`` (LEFT JOIN; only one code if given:
    another code of the same incidents could not be linked to a list with both filters)."""
    condition = Q(terms__kind=kind, terms__code=only) if only else Q(terms__kind=kind)
    return qs.annotate(**{name: FilteredRelation("terms", condition=condition)})


def time_cube(qs: QuerySet[Incident], interval: str) -> list[dict[str, Any]]:
    """Incidents and people harmed per period, domain and cause."""
    rows = qs.values("domain", "cause", period=_trunc(interval)).annotate(
        n=Count("id"), **{kind: _sum(kind) for kind in HARM_KINDS}
    )
    return _rows(rows)


def place_cube(qs: QuerySet[Incident]) -> list[dict[str, Any]]:
    """Incidents, killed, injured and located incidents per place (country, first-level
    P-code and name as recorded) and certainty."""
    rows = qs.values("country", "admin1_pcode", "admin1_name", "certainty").annotate(
        n=Count("id"), killed=_sum("killed"), injured=_sum("injured"), located=Count("lat")
    )
    return _rows(rows)


def types_over_time(
    qs: QuerySet[Incident], interval: str, only_type: str | None = None
) -> list[dict[str, Any]]:
    """Incidents per period and type (``key`` '' = no type recorded)."""
    rows = (
        _terms(qs, "ty", "type", only_type)
        .values(period=_trunc(interval), key=Coalesce(F("ty__code"), Value("")))
        .annotate(n=Count("id"))
    )
    return _rows(rows)


def resource_counts(qs: QuerySet[Incident]) -> dict[str, int]:
    """Incidents per resource hit (facility, transport, personnel...)."""
    rows = (
        _terms(qs, "rs", "resource", None)
        .filter(rs__code__isnull=False)
        .values(code=F("rs__code"))
        .annotate(n=Count("id"))
    )
    return {r["code"]: r["n"] for r in rows}


def harm_by_type(qs: QuerySet[Incident], only_type: str | None = None) -> list[dict[str, Any]]:
    """Incidents per domain, perpetrator and type (``type`` None = no type recorded)."""
    rows = (
        _terms(qs, "ty", "type", only_type)
        .values("domain", "perpetrator", type=F("ty__code"))
        .annotate(n=Count("id"))
    )
    return _rows(rows)


def harm_by_resource(
    qs: QuerySet[Incident], only_type: str | None = None, only_resource: str | None = None
) -> list[dict[str, Any]]:
    """Attacks on health care: incidents per perpetrator, type and resource hit."""
    joined = _terms(
        _terms(qs.filter(domain=HEALTH), "ty", "type", only_type), "rs", "resource", only_resource
    )
    rows = (
        joined.filter(ty__code__isnull=False, rs__code__isnull=False)
        .values("perpetrator", type=F("ty__code"), resource=F("rs__code"))
        .annotate(n=Count("id"))
    )
    return _rows(rows)


def _people(group: str) -> Combinable:
    expr: Combinable | None = None
    for kind in HARM_KINDS:
        name = kind if group == "all" else f"{kind}_{group}"
        term = Coalesce(F(name), Value(0))
        expr = term if expr is None else expr + term
    assert expr is not None
    return expr


def harm_by_victim_group(
    qs: QuerySet[Incident], only_type: str | None = None
) -> list[dict[str, Any]]:
    """Other domains: incidents and people harmed per victim group, per domain,
    perpetrator and type (typed incidents only)."""
    rows = (
        _terms(qs.exclude(domain=HEALTH), "ty", "type", only_type)
        .filter(ty__code__isnull=False)
        .values("domain", "perpetrator", type=F("ty__code"))
        .annotate(
            n=Count("id"),
            all=Sum(_people("all"), output_field=IntegerField()),
            **{g: Sum(_people(g), output_field=IntegerField()) for g in VICTIM_GROUPS},
        )
    )
    labels = ("domain", "perpetrator", "type")
    return [{k: v if k in labels else int(v or 0) for k, v in r.items()} for r in _rows(rows)]


def status_counts(
    actor: Actor, filters: IncidentFilters, statuses: tuple[str, ...]
) -> dict[str, int]:
    """Incidents per status (for the statuses that are not counted), same other filters."""
    from dataclasses import replace

    qs = apply_filters(visible(actor), replace(filters, status=",".join(statuses))).order_by()
    return {r["status"]: r["n"] for r in qs.values("status").annotate(n=Count("id"))}


def points(qs: QuerySet[Incident], limit: int = MAX_POINTS) -> list[dict[str, Any]]:
    """Incident locations on a 0.1° grid (about 11 km), with counts; busiest first.

    The cell is ``CAST(lat * 10 AS INTEGER)``: native and fast on both databases (rounding
    to a decimal goes through NUMERIC on PostgreSQL, several times slower)."""
    rows = (
        qs.filter(lat__isnull=False, lon__isnull=False)
        .values(
            la=Cast(F("lat") * GRID, IntegerField()),
            lo=Cast(F("lon") * GRID, IntegerField()),
        )
        .annotate(n=Count("id"))
        .order_by("-n", "la", "lo")[:limit]
    )
    return [{"lat": r["la"] / GRID, "lon": r["lo"] / GRID, "n": r["n"]} for r in rows]


def fold(name: str) -> str:
    """An area name as the incident list's ``admin1`` filter compares it (``iexact``):
    PostgreSQL compares UPPER() of both sides, SQLite's LIKE ignores ASCII case only."""
    if connection.vendor == "sqlite":
        return "".join(c.upper() if c.isascii() else c for c in name)
    return name.upper()


def area_of(pcode: str, name: str) -> str | None:
    """The key of a first-level area: its name (any case), or its P-code with no name;
    the grouping that matches the list's ``admin1`` filter (P-code, or name ignoring case)."""
    if name:
        return "n:" + fold(name)
    return "p:" + pcode if pcode else None


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
