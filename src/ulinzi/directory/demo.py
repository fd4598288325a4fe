"""A handful of demo services for the two demo organisations (idempotent)."""

from __future__ import annotations

from typing import Any

from ulinzi.accounts.models import Organisation
from ulinzi.directory.models import Service, ServiceArea

_SERVICES: list[dict[str, Any]] = [
    {
        "org": "cluster",
        "name": "Kharkiv one-stop centre: clinical care after rape",
        "kind": "clinical_management_of_rape",
        "languages": ["uk", "ru", "en"],
        "hours": "24/7",
        "contact": "+380 00 000 0001 (demo)",
        "areas": [("UKR", "UA-63", "Kharkivska oblast")],
        "point": (49.99, 36.23),
    },
    {
        "org": "cluster",
        "name": "National psychosocial support line",
        "kind": "psychosocial",
        "languages": ["uk", "ru"],
        "hours": "Mon-Sat 08:00-20:00",
        "contact": "hotline 1547 (demo)",
        "areas": [("UKR", "", "")],
    },
    {
        "org": "cluster",
        "name": "Goma health post",
        "kind": "health",
        "languages": ["fr", "sw"],
        "hours": "Mon-Fri 08:00-17:00",
        "contact": "+243 000 000 001 (demo)",
        "areas": [("COD", "CD-NK", "Nord-Kivu")],
        "point": (-1.68, 29.22),
    },
    {
        "org": "amani",
        "name": "Amani safe house",
        "kind": "safety_shelter",
        "languages": ["uk", "en"],
        "hours": "24/7",
        "contact": "amani-shelter@example.org (demo)",
        "areas": [("UKR", "UA-63", "Kharkivska oblast"), ("UKR", "UA-59", "Sumska oblast")],
    },
    {
        "org": "amani",
        "name": "Amani legal aid clinic",
        "kind": "legal_aid",
        "languages": ["uk", "en"],
        "hours": "Mon-Fri 09:00-17:00",
        "contact": "+380 00 000 0002 (demo)",
        "areas": [("UKR", "", "")],
    },
    {
        "org": "amani",
        "name": "Amani psychosocial support, Kharkiv",
        "kind": "psychosocial",
        "languages": ["uk", "ru", "en"],
        "hours": "Mon-Fri 09:00-18:00",
        "contact": "+380 00 000 0003 (demo)",
        "areas": [("UKR", "UA-63", "Kharkivska oblast")],
    },
    {
        "org": "amani",
        "name": "Amani child-friendly space",
        "kind": "child_protection",
        "languages": ["fr", "sw"],
        "hours": "Mon-Fri 08:00-16:00",
        "contact": "amani-cfs@example.org (demo)",
        "areas": [("COD", "CD-NK", "Nord-Kivu")],
        "accepts_referrals": False,
    },
]


def load() -> int:
    """Create the demo services that are missing; returns how many were new."""
    new = 0
    for spec in _SERVICES:
        org = Organisation.objects.get(code=spec["org"])
        point = spec.get("point") or (None, None)
        service, created = Service.objects.get_or_create(
            organisation=org,
            name=spec["name"],
            defaults={
                "kind": spec["kind"],
                "languages": spec["languages"],
                "hours": spec["hours"],
                "contact": spec["contact"],
                "accepts_referrals": spec.get("accepts_referrals", True),
                "lat": point[0],
                "lon": point[1],
            },
        )
        if created:
            new += 1
            for country, pcode, name in spec["areas"]:
                ServiceArea.objects.create(
                    service=service, country=country, admin1_pcode=pcode, admin1_name=name
                )
    return new
