"""The incidents' counting copy (:class:`IncidentFact`): how values become small integers,
and how the copy is kept in step.

Codes come from ``data/fact_codes.json``: one number per vocabulary code, a bit per type
and per resource. The file only ever grows (a number, once given, keeps its meaning);
a test fails when a vocabulary code has no number. Countries are their three letters read
as a base-26 number; areas are a 63-bit hash of P-code and name, kept in :class:`FactArea`.
People harmed are copied as recorded: a count no source records is NULL, never 0.

Every write of incidents goes through :mod:`ulinzi.incidents.writes`, which writes the
copy of what it touched inside the same transaction, so the copy commits or rolls back
with the incidents.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.db import connection

from ulinzi.incidents.models import COUNT_KINDS, FactArea, Incident, IncidentFact

CODES_FILE = Path(__file__).with_name("data") / "fact_codes.json"
WEEK_ZERO = date(2000, 1, 3)  # a Monday
GRID = 10  # map cells per degree
VICTIM_GROUPS = ("children", "health_workers", "patients")
HARM_KINDS = COUNT_KINDS
# The count fields summed into each victim group's people harmed.
GROUP_FIELDS = {g: tuple(f"{k}_{g}" for k in HARM_KINDS) for g in VICTIM_GROUPS}
SOURCE_FIELDS = (
    "pk", "organisation_id", "reported_by_id", "status", "domain", "country", "cause",
    "certainty", "perpetrator", "occurred_on", "admin1_pcode", "admin1_name", "types",
    "resources", "lat", "lon", *HARM_KINDS, *(f for g in GROUP_FIELDS.values() for f in g),
)  # fmt: skip
BATCH = 2000


class UnknownCode(ValueError):
    """A value with no number in ``fact_codes.json``."""


@cache
def codes() -> dict[str, dict[str, int]]:
    data: dict[str, dict[str, int]] = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    return data


@cache
def names(kind: str) -> dict[int, str]:
    return {number: code for code, number in codes()[kind].items()}


def code(kind: str, value: str | None) -> int:
    try:
        return codes()[kind][value or ""]
    except KeyError:
        raise UnknownCode(f"{kind} {value!r} has no number in {CODES_FILE.name}") from None


def name(kind: str, number: int) -> str:
    return names(kind)[number]


def bits(kind: str, values: Iterable[str]) -> int:
    mask = 0
    for value in values:
        mask |= 1 << code(kind, value)
    return mask


@lru_cache(maxsize=8192)
def members(kind: str, mask: int) -> tuple[str, ...]:
    """The codes whose bits are set in ``mask``, in bit order (masks repeat: cached)."""
    out = []
    bit = 0
    while mask:
        if mask & 1:
            out.append(name(kind, bit))
        mask >>= 1
        bit += 1
    return tuple(out)


@lru_cache(maxsize=1024)
def country_code(iso3: str) -> int:
    letters = iso3.upper()
    if len(letters) != 3 or not all("A" <= c <= "Z" for c in letters):
        raise UnknownCode(f"country {iso3!r} is not three letters")
    return (ord(letters[0]) - 65) * 676 + (ord(letters[1]) - 65) * 26 + ord(letters[2]) - 65


def country_name(number: int) -> str:
    return chr(65 + number // 676) + chr(65 + number // 26 % 26) + chr(65 + number % 26)


@lru_cache(maxsize=65536)
def area_key(pcode: str, name: str) -> int:
    """0 for no area; otherwise a positive 63-bit hash of P-code and name."""
    if not pcode and not name:
        return 0
    digest = hashlib.blake2b(f"{pcode}\x1f{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1 or 1


def month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def week_of(day: date) -> int:
    return (day - WEEK_ZERO).days // 7


def week_start(number: int) -> date:
    return WEEK_ZERO + timedelta(days=7 * number)


def plus(*values: int | None) -> int | None:
    """The sum of the counts that are recorded; None when none is (not recorded is not 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _cell(value: float | None) -> int | None:
    return None if value is None else math.floor(value * GRID)


def build(row: dict[str, Any]) -> tuple[IncidentFact, tuple[int, str, str]]:
    """The fact of one incident (a dict of :data:`SOURCE_FIELDS`) and its area."""
    values, area = fact_values(row)
    return IncidentFact(**values), area


def fact_values(row: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, str, str]]:
    """The fact of one incident as attribute values (no model object: imports build a
    million of these) and its area (key, P-code, name)."""
    day: date = row["occurred_on"]
    located = row["lat"] is not None and row["lon"] is not None
    pcode, area_name = row["admin1_pcode"] or "", row["admin1_name"] or ""
    key = area_key(pcode, area_name)
    values = dict(
        incident_id=row["pk"],
        organisation_id=row["organisation_id"],
        reported_by_id=row["reported_by_id"],
        status=code("status", row["status"]),
        domain=code("domain", row["domain"]),
        country=country_code(row["country"]),
        cause=code("cause", row["cause"]),
        certainty=code("certainty", row["certainty"]),
        perpetrator=code("perpetrator", row["perpetrator"]),
        occurred_on=day,
        month=month_of(day),
        week=week_of(day),
        area=key,
        types=bits("type", row["types"] or ()),
        resources=bits("resource", row["resources"] or ()),
        cell_lat=_cell(row["lat"]) if located else None,
        cell_lon=_cell(row["lon"]) if located else None,
        **{kind: row[kind] for kind in HARM_KINDS},
        **{
            f"people_{group}": plus(*map(row.get, fields)) for group, fields in GROUP_FIELDS.items()
        },
    )
    return values, (key, pcode, area_name)


def _chunks(ids: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _limit() -> int:
    return 900 if connection.vendor == "sqlite" else BATCH


def refresh(ids: Iterable[Any]) -> int:
    """Rewrite the facts of these incidents from their current rows (a deleted incident's
    fact goes with it). Call inside the transaction that changed them."""
    wanted = list(dict.fromkeys(ids))
    done = 0
    for chunk in _chunks(wanted, _limit()):
        rows = Incident.objects.filter(pk__in=chunk).values(*SOURCE_FIELDS)
        IncidentFact.objects.filter(incident_id__in=chunk).delete()
        done += write(rows)
    return done


def write(rows: Iterable[dict[str, Any]]) -> int:
    """Insert the facts of incidents that have none yet."""
    built = [build(row) for row in rows]
    add_areas(area for _, area in built)
    IncidentFact.objects.bulk_create([fact for fact, _ in built], batch_size=_limit() // 2)
    return len(built)


def add_areas(areas: Iterable[tuple[int, str, str]]) -> None:
    """Record the areas (key, P-code, name) of facts about to be written; known ones
    are left as they are."""
    new = {key: FactArea(key=key, pcode=p, name=n) for key, p, n in areas if key}
    if new:
        FactArea.objects.bulk_create(list(new.values()), ignore_conflicts=True)


def _pages(size: int) -> Iterator[list[dict[str, Any]]]:
    """Every incident's :data:`SOURCE_FIELDS`, ``size`` rows at a time, in key order."""
    last = None
    while True:
        qs = Incident.objects.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values(*SOURCE_FIELDS)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def rebuild(batch: int = 20_000) -> int:
    """Rewrite every fact from the incidents (after a restore, or to repair)."""
    IncidentFact.objects.all().delete()
    done = sum(write(rows) for rows in _pages(batch))
    with connection.cursor() as cursor:  # fresh statistics, or the planner guesses badly
        cursor.execute(f"ANALYZE {connection.ops.quote_name(IncidentFact._meta.db_table)}")
    return done


def differences(limit: int = 20) -> list[str]:
    """Where the facts differ from the incidents (empty when in step)."""
    problems: list[str] = []
    fields = [f.attname for f in IncidentFact._meta.concrete_fields]
    for rows in _pages(_limit()):
        if len(problems) >= limit:
            break
        stored = IncidentFact.objects.in_bulk([r["pk"] for r in rows])
        for row in rows:
            expected, _ = build(row)
            found = stored.get(row["pk"])
            if found is None:
                problems.append(f"incident {row['pk']}: no fact")
                continue
            bad = [n for n in fields if getattr(found, n) != getattr(expected, n)]
            if bad:
                problems.append(f"incident {row['pk']}: {', '.join(bad)} differ")
    orphans = IncidentFact.objects.exclude(incident_id__in=Incident.objects.values("pk"))
    problems.extend(f"fact {pk}: no incident" for pk in orphans.values_list("pk", flat=True)[:5])
    return problems[:limit]
