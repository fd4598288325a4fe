"""Bulk-generated incidents for tests and the analysis benchmark: every domain, types
and resources, places with P-codes and points, all statuses including duplicates and
rejected reports. Deterministic for a seed.

Written in batches by :func:`ulinzi.incidents.writes.insert` (codes and counting copy,
no history, no audit): it is test and benchmark data, not a way to record incidents.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from ulinzi.accounts.models import Organisation
from ulinzi.geo.countries import admin1
from ulinzi.incidents import writes
from ulinzi.incidents.models import Incident
from ulinzi.vocab import registry

# Approximate centres (lat, lon) of countries where attacks are recorded.
CENTRES: dict[str, tuple[float, float]] = {
    "UKR": (49.0, 32.0),
    "COD": (-2.9, 23.6),
    "SDN": (15.6, 30.2),
    "MMR": (21.0, 96.0),
    "AFG": (34.0, 66.0),
    "SYR": (35.0, 38.5),
    "HTI": (19.0, -72.5),
    "BFA": (12.3, -1.6),
    "PSE": (31.9, 35.2),
    "YEM": (15.6, 47.6),
    "SOM": (5.2, 46.2),
    "SSD": (7.3, 30.2),
    "MLI": (17.6, -3.9),
    "NGA": (9.1, 8.7),
    "CAF": (6.6, 20.9),
    "ETH": (9.1, 40.5),
    "LBN": (33.9, 35.9),
    "IRQ": (33.2, 43.7),
    "LBY": (26.3, 17.2),
    "CMR": (5.7, 12.7),
    "MOZ": (-18.7, 35.5),
    "NER": (17.6, 8.1),
    "TCD": (15.5, 18.7),
    "COL": (4.6, -74.1),
    "VEN": (6.4, -66.6),
    "PAK": (30.4, 69.3),
    "BGD": (23.7, 90.4),
    "IND": (22.0, 79.0),
    "MEX": (23.6, -102.5),
    "NIC": (12.9, -85.2),
}
STATUSES = (
    ("submitted",) * 60
    + ("verified",) * 30
    + ("draft",) * 4
    + ("duplicate",) * 4
    + ("rejected",) * 2
)
START = date(2016, 1, 1)
DAYS = (date(2025, 12, 31) - START).days


@dataclass
class Options:
    seed: int = 7
    health_share: float = 0.8
    countries: Sequence[str] = tuple(CENTRES)


def _codes(vocabulary: str) -> list[str]:
    return registry.get(vocabulary).codes()


def _maybe(rng: random.Random, values: list[str], blank: float) -> str:
    return "" if rng.random() < blank else rng.choice(values)


def _count(rng: random.Random, weights: Sequence[int]) -> int | None:
    if rng.random() < 0.1:
        return None
    return rng.choices(range(len(weights)), weights)[0]


def incidents(
    n: int, organisations: Sequence[Organisation], options: Options | None = None
) -> Iterator[Incident]:
    """``n`` unsaved incidents, spread over the organisations."""
    o = options or Options()
    rng = random.Random(o.seed)
    domains = registry.get("domain").codes()
    others = [d for d in domains if d != "health_care_attack"]
    types = {d: registry.types_for(d).codes() for d in domains}
    resources = _codes("resource")
    perpetrators = _codes("perpetrator")
    certainties = _codes("certainty")
    causes = _codes("cause")
    facilities = _codes("facility_type")
    areas = {c: admin1(c)[:12] for c in o.countries}
    for i in range(n):
        org = organisations[i % len(organisations)]
        domain = "health_care_attack" if rng.random() < o.health_share else rng.choice(others)
        country = rng.choice(o.countries)
        area = rng.choice(areas[country]) if areas[country] and rng.random() < 0.85 else None
        centre = CENTRES.get(country, (0.0, 0.0))
        located = rng.random() < 0.6
        killed = _count(rng, (70, 15, 8, 4, 2, 1))
        injured = _count(rng, (55, 20, 10, 8, 4, 3))
        incident = Incident(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            organisation=org,
            source_id=f"gen-{o.seed}-{i}",
            domain=domain,
            types=sorted(set(rng.sample(types[domain], k=rng.choice((0, 1, 1, 1, 2))))),
            occurred_on=START + timedelta(days=rng.randrange(DAYS)),
            country=country,
            admin1_pcode=area.code if area and rng.random() < 0.9 else "",
            admin1_name=area.name if area else "",
            lat=centre[0] + rng.uniform(-2, 2) if located else None,
            lon=centre[1] + rng.uniform(-2, 2) if located else None,
            cause=rng.choice(causes),
            certainty=_maybe(rng, certainties, 0.1),
            perpetrator=_maybe(rng, perpetrators, 0.25),
            resources=sorted(set(rng.sample(resources, k=rng.choice((0, 1, 1, 2)))))
            if domain == "health_care_attack"
            else [],
            facility_type=_maybe(rng, facilities, 0.5) if domain == "health_care_attack" else "",
            status=rng.choice(STATUSES),
            killed=killed,
            injured=injured,
            killed_children=min(killed or 0, rng.choice((0, 0, 1))) if killed is not None else None,
            injured_health_workers=min(injured or 0, rng.choice((0, 1))) if injured else None,
            injured_patients=min(injured or 0, rng.choice((0, 0, 1))) if injured else None,
            abducted=rng.choice((None, 0, 0, 0, 1, 2)),
            detained=rng.choice((None, 0, 0, 0, 0, 1)),
        )
        if incident.admin1_pcode and not incident.admin1_name and area:
            incident.admin1_name = area.name
        yield incident


def bulk_load(
    n: int,
    organisations: Sequence[Organisation],
    options: Options | None = None,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``n`` generated incidents in batches; returns how many were written."""
    written = 0
    pending: list[Incident] = []

    def flush() -> None:
        nonlocal written
        with transaction.atomic():
            writes.insert(pending)
        written += len(pending)
        pending.clear()
        if progress:
            progress(written)

    for incident in incidents(n, organisations, options):
        pending.append(incident)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return written
