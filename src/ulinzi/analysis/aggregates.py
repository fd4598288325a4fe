"""The dashboard's numbers: a few aggregate queries in the database (SQLite or
PostgreSQL) over the incidents' narrow counting copy (:class:`IncidentFact`, kept in step
by every write; see :mod:`ulinzi.incidents.facts`), each serving several panels.

Every function takes the already-scoped queryset from :func:`counted` (what the actor may
see, with the dashboard's filters, duplicates and rejected reports left out), groups by
small integer codes and bit masks in the database, and decodes and expands them here
(a type mask counts once for each type it holds); :mod:`ulinzi.analysis.summary` adds the
rows up per panel and adds the links.

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

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.incidents import facts
from ulinzi.incidents.models import FactArea, Incident, IncidentFact
from ulinzi.incidents.selectors import (
    IncidentFilters,
    apply_filters,
    filter_facts,
    visible,
    visible_facts,
)

HEALTH = "health_care_attack"
MAX_POINTS = 5000
GRID = facts.GRID  # map points per degree: a 0.1° grid, about 11 km
VICTIM_GROUPS = facts.VICTIM_GROUPS
HARM_KINDS = facts.HARM_KINDS


# PostgreSQL settings for the dashboard's transaction: room to hash-aggregate and sort in
# memory (the default 4 MB spills to disk at a million incidents), no JIT compilation
# (it costs ~200 ms per query and these queries are short), and parallel scans even for
# the narrow counting table (the planner's default costs keep it to one process).
PG_SESSION = (
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL jit = off",
    "SET LOCAL parallel_setup_cost = 10",
    "SET LOCAL parallel_tuple_cost = 0.001",
)


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


def counted(actor: Actor, filters: IncidentFilters) -> QuerySet[IncidentFact]:
    """Counting copies of the incidents the actor may see that match the filters
    (status already restricted)."""
    return filter_facts(visible_facts(actor), filters).order_by()


def counted_incidents(actor: Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    """The same incidents as :func:`counted`, as incident rows."""
    return apply_filters(visible(actor), filters).order_by()


def _sum(name: str) -> Sum:
    """The people a group's incidents record; NULL when none records the count."""
    return Sum(name)


def _period(interval: str) -> str:
    return "week" if interval == "week" else "month"


def _start(interval: str, number: int) -> date:
    return facts.week_start(number) if interval == "week" else facts.month_start(number)


def _mask_filter(kind: str, mask: int, only: str | None) -> tuple[str, ...]:
    """The codes a mask counts under: all its members, or just ``only`` when given."""
    if only is None:
        return facts.members(kind, mask)
    bit = facts.codes()[kind].get(only)
    return (only,) if bit is not None and mask >> bit & 1 else ()


def time_cube(qs: QuerySet[IncidentFact], interval: str) -> list[dict[str, Any]]:
    """Incidents and people harmed per period, domain and cause."""
    period = _period(interval)
    rows = qs.values("domain", "cause", period).annotate(
        n=Count("pk"), **{kind: _sum(kind) for kind in HARM_KINDS}
    )
    return [
        {
            **r,
            "domain": facts.name("domain", r["domain"]),
            "cause": facts.name("cause", r["cause"]),
            "period": _start(interval, r.pop(period)),
        }
        for r in rows
    ]


def _areas(keys: set[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {0: ("", "")}
    wanted = sorted(k for k in keys if k)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found.update(
            (k, (p, n))
            for k, p, n in FactArea.objects.filter(key__in=chunk).values_list(
                "key", "pcode", "name"
            )
        )
    return found


def place_cube(qs: QuerySet[IncidentFact]) -> list[dict[str, Any]]:
    """Incidents, killed, injured and located incidents per place (country, first-level
    P-code and name as recorded) and certainty."""
    rows: list[dict[str, Any]] = list(
        qs.values("country", "area", "certainty").annotate(  # type: ignore[arg-type]
            n=Count("pk"), killed=_sum("killed"), injured=_sum("injured"), located=Count("cell_lat")
        )
    )
    areas = _areas({r["area"] for r in rows})
    out = []
    for r in rows:
        pcode, name = areas[r.pop("area")]
        r["country"] = facts.country_name(r["country"])
        r["certainty"] = facts.name("certainty", r["certainty"])
        out.append({**r, "admin1_pcode": pcode, "admin1_name": name})
    return out


def types_over_time(
    qs: QuerySet[IncidentFact], interval: str, only_type: str | None = None
) -> list[dict[str, Any]]:
    """Incidents per period and type (``key`` '' = no type recorded)."""
    period = _period(interval)
    counts: Counter[tuple[int, str]] = Counter()
    for r in qs.values(period, "types").annotate(n=Count("pk")):
        for code in _mask_filter("type", r["types"], only_type) or [""]:
            counts[(r[period], code)] += r["n"]
    return [{"period": _start(interval, p), "key": k, "n": n} for (p, k), n in counts.items()]


def resource_counts(qs: QuerySet[IncidentFact]) -> dict[str, int]:
    """Incidents per resource hit (facility, transport, personnel...)."""
    counts: Counter[str] = Counter()
    for r in qs.exclude(resources=0).values("resources").annotate(n=Count("pk")):
        for code in facts.members("resource", r["resources"]):
            counts[code] += r["n"]
    return dict(counts)


def harm_by_type(qs: QuerySet[IncidentFact], only_type: str | None = None) -> list[dict[str, Any]]:
    """Incidents per domain, perpetrator and type (``type`` None = no type recorded)."""
    counts: Counter[tuple[str, str, str | None]] = Counter()
    for r in qs.values("domain", "perpetrator", "types").annotate(n=Count("pk")):
        domain = facts.name("domain", r["domain"])
        perpetrator = facts.name("perpetrator", r["perpetrator"])
        typed: list[str | None] = list(_mask_filter("type", r["types"], only_type))
        for code in typed or [None]:
            counts[(domain, perpetrator, code)] += r["n"]
    return [{"domain": d, "perpetrator": p, "type": t, "n": n} for (d, p, t), n in counts.items()]


def harm_by_resource(
    qs: QuerySet[IncidentFact], only_type: str | None = None, only_resource: str | None = None
) -> list[dict[str, Any]]:
    """Attacks on health care: incidents per perpetrator, type and resource hit.

    Grouped by perpetrator and type mask only, with one filtered count per resource bit:
    about 1,500 groups at a million incidents instead of 29,000 with the resource mask."""
    health = qs.filter(domain=facts.code("domain", HEALTH)).exclude(types=0).exclude(resources=0)
    wanted = {
        code: bit
        for code, bit in facts.codes()["resource"].items()
        if only_resource is None or code == only_resource
    }
    flags = {f"r{bit}": F("resources").bitand(1 << bit) for bit in wanted.values()}
    hits = {f"n{bit}": Count("pk", filter=~Q(**{f"r{bit}": 0})) for bit in wanted.values()}
    rows: Any = health.alias(**flags).values("perpetrator", "types").annotate(**hits)
    perpetrators = facts.names("perpetrator")
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in rows:
        perpetrator = perpetrators[r["perpetrator"]]
        for typ in _mask_filter("type", r["types"], only_type):
            for code, bit in wanted.items():
                if r[f"n{bit}"]:
                    counts[(perpetrator, typ, code)] += r[f"n{bit}"]
    return [{"perpetrator": p, "type": t, "resource": c, "n": n} for (p, t, c), n in counts.items()]


def harm_by_victim_group(
    qs: QuerySet[IncidentFact], only_type: str | None = None
) -> list[dict[str, Any]]:
    """Other domains: incidents and people harmed per victim group, per domain,
    perpetrator and type (typed incidents only)."""
    others = qs.exclude(domain=facts.code("domain", HEALTH)).exclude(types=0)
    groups = {g: _sum(f"people_{g}") for g in VICTIM_GROUPS}
    harmed = {k: _sum(k) for k in HARM_KINDS}
    totals: dict[tuple[str, str, str], dict[str, int | None]] = defaultdict(dict)
    rows: Any = others.values("domain", "perpetrator", "types").annotate(
        n=Count("pk"), **harmed, **groups
    )
    for r in rows:
        key = (facts.name("domain", r["domain"]), facts.name("perpetrator", r["perpetrator"]))
        for typ in _mask_filter("type", r["types"], only_type):
            total = totals[(*key, typ)]
            total["n"] = (total.get("n") or 0) + r["n"]
            total["all"] = facts.plus(total.get("all"), *(r[k] for k in HARM_KINDS))
            for g in VICTIM_GROUPS:
                total[g] = facts.plus(total.get(g), r[g])
    return [
        {
            "domain": d,
            "perpetrator": p,
            "type": t,
            "n": c["n"],
            "all": c["all"],
            **{g: c[g] for g in VICTIM_GROUPS},
        }
        for (d, p, t), c in totals.items()
    ]


def status_counts(
    actor: Actor, filters: IncidentFilters, statuses: tuple[str, ...]
) -> dict[str, int]:
    """Incidents per status (for the statuses that are not counted), same other filters."""
    from dataclasses import replace

    qs = counted(actor, replace(filters, status=",".join(statuses)))
    rows = qs.values("status").annotate(n=Count("pk"))
    return {facts.name("status", r["status"]): r["n"] for r in rows}


def points(qs: QuerySet[IncidentFact], limit: int = MAX_POINTS) -> list[dict[str, Any]]:
    """Incident locations on a 0.1° grid (about 11 km), with counts; busiest first. Each
    point sits at the centre of its cell."""
    rows: Any = (
        qs.filter(cell_lat__isnull=False)
        .values("cell_lat", "cell_lon")
        .annotate(n=Count("pk"))
        .order_by("-n", "cell_lat", "cell_lon")[:limit]
    )
    return [
        {
            "lat": round((r["cell_lat"] + 0.5) / GRID, 3),
            "lon": round((r["cell_lon"] + 0.5) / GRID, 3),
            "n": r["n"],
        }
        for r in rows
    ]


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


def facets(qs: QuerySet[IncidentFact]) -> dict[str, list[Any]]:
    """Values for the filter menus: countries and organisations present."""
    numbers = qs.values_list("country", flat=True).distinct()
    countries = sorted(facts.country_name(n) for n in numbers)
    org_ids = list(qs.values_list("organisation_id", flat=True).distinct())
    orgs = list(
        Organisation.objects.filter(pk__in=org_ids).order_by("code").values_list("code", "name")
    )
    return {"countries": countries, "organisations": orgs}


def areas_of(qs: QuerySet[IncidentFact], country: str) -> list[tuple[str, str]]:
    """(P-code, name) of the first-level areas recorded in a country."""
    try:
        number = facts.country_code(country)
    except facts.UnknownCode:
        return []
    keys = set(qs.filter(country=number).exclude(area=0).values_list("area", flat=True).distinct())
    found = _areas(keys)
    found.pop(0, None)
    return sorted(set(found.values()), key=lambda a: (a[1], a[0]))[:500]
