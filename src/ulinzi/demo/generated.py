"""Generated incidents for the domains no public dataset covers (grave violations, GBV,
SEAH, protection), so every screen has something to show. Deterministic and idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.geo.countries import admin1
from ulinzi.incidents import services
from ulinzi.vocab import registry

COUNTRIES = ("UKR", "COD", "SDN", "MMR", "AFG", "SYR", "HTI", "BFA")
DOMAINS = {"grave_violation": 0.3, "gbv": 0.25, "seah": 0.1, "protection": 0.35}
PERPETRATORS = {
    "grave_violation": ["state_armed_forces", "non_state_armed_group", "foreign_forces", "unknown"],
    "gbv": ["intimate_partner", "family_member", "civilian", "non_state_armed_group", "unknown"],
    "seah": ["aid_personnel", "unknown"],
    "protection": ["state_armed_forces", "non_state_armed_group", "police", "criminal", "unknown"],
}
CAUSES = {
    "grave_violation": ["armed_conflict"],
    "gbv": ["armed_conflict", "criminal", "other", "unknown"],
    "seah": ["other", "workplace"],
    "protection": ["armed_conflict", "civil_unrest", "criminal", "pandemic_related"],
}
NARRATIVE = "Generated demo record; no real person or event is described."


def generate(count: int = 800, seed: int = 2026) -> int:
    """Create up to ``count`` generated incidents; returns how many were new."""
    rng = random.Random(seed)
    monitors = [User.objects.get(username="monitor"), User.objects.get(username="monitor2")]
    actors = [actor_for(u) for u in monitors]
    start = date(2021, 1, 1)
    span = (date(2025, 12, 31) - start).days
    created = 0
    domains = list(DOMAINS)
    weights = list(DOMAINS.values())
    for n in range(count):
        domain = rng.choices(domains, weights)[0]
        country = rng.choice(COUNTRIES)
        areas = admin1(country)
        area = rng.choice(areas) if areas else None
        types = registry.types_for(domain).codes()
        killed = rng.choice([0, 0, 0, 1, 2]) if domain in ("grave_violation", "protection") else 0
        data = {
            "source_id": f"demo-{n:05d}",
            "domain": domain,
            "types": [rng.choice([t for t in types if t not in ("other", "unknown", "non_gbv")])],
            "occurred_on": start + timedelta(days=rng.randrange(span)),
            "occurred_precision": rng.choice(["day", "day", "day", "month"]),
            "country": country,
            "admin1_pcode": area.code if area else "",
            "admin1_name": area.name if area else "",
            "cause": rng.choice(CAUSES[domain]),
            "certainty": rng.choice(["confirmed", "probable", "possible"]),
            "perpetrator": rng.choice(PERPETRATORS[domain]),
            "killed": killed,
            "injured": rng.choice([0, 0, 1, 1, 2, 3]),
            "killed_children": min(killed, rng.choice([0, 1]))
            if domain == "grave_violation"
            else None,
            "narrative": NARRATIVE,
        }
        _, new = services.create(actor=actors[n % 2], data=data)
        created += int(new)
    return created
