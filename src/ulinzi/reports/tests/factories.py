"""Incident sets for export tests, written straight to the database (fast)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident, IncidentTerm

SECRET_NARRATIVE = "Nurse Amina Odhiambo was taken from the Kisumu ward at night"
SECRET_ADMIN2 = "Secret-Admin2-Village"
SECRET_LAT, SECRET_LON = 49.123457, 31.765431
SECRET_SOURCE_ID = "SRC-CONFIDENTIAL-7781"

TYPES = {
    "health_care_attack": ["heavy_weapons", "individual_weapons", "removal_of_assets"],
    "grave_violation": ["killing_maiming", "abduction"],
    "protection": ["forced_displacement", "killing"],
}


def incident(org: Organisation, **fields: Any) -> Incident:
    """One incident with defaults, its terms mirrored like the service layer does."""
    data: dict[str, Any] = {
        "domain": "health_care_attack",
        "types": ["removal_of_assets"],
        "occurred_on": date(2024, 3, 5),
        "country": "UKR",
        "admin1_pcode": "UA48",
        "admin1_name": "Mykolaivska",
        "status": "verified",
        "cause": "armed_conflict",
        "certainty": "confirmed",
    }
    data.update(fields)
    return bulk(org, [data])[0]


def bulk(org: Organisation, rows: list[dict[str, Any]]) -> list[Incident]:
    made = Incident.objects.bulk_create([Incident(organisation=org, **r) for r in rows])
    terms = [
        IncidentTerm(incident=i, kind=kind, code=code)
        for i in made
        for kind, codes in (("type", i.types), ("resource", i.resources))
        for code in set(codes)
    ]
    IncidentTerm.objects.bulk_create(terms)
    return made


def random_rows(rng: random.Random, n: int, *, secrets: bool = True) -> list[dict[str, Any]]:
    """``n`` plausible incidents; a few carry the secret narrative, admin2 and point."""
    out = []
    start = date(2023, 1, 1)
    for i in range(n):
        domain = rng.choice(list(TYPES))
        row: dict[str, Any] = {
            "domain": domain,
            "types": rng.sample(TYPES[domain], rng.choice([1, 1, 1, 2])),
            "occurred_on": start + timedelta(days=rng.randrange(730)),
            "occurred_precision": rng.choice(["day"] * 8 + ["month", "year"]),
            "country": rng.choice(["UKR", "UKR", "SDN", "COD"]),
            "admin1_pcode": rng.choice(["ZZP01", "ZZP02", "ZZP03", ""]),
            "admin1_name": "",
            "cause": rng.choice(["armed_conflict", "armed_conflict", "criminal", "unknown"]),
            "certainty": rng.choice(["confirmed", "probable", "possible"]),
            "perpetrator": rng.choice(["state_armed_forces", "non_state_armed_group", ""]),
            "resources": rng.sample(["facility", "personnel", "transport"], rng.randrange(3)),
            "facility_type": rng.choice(["primary", "secondary", ""]),
            "status": rng.choice(["submitted", "verified", "verified", "duplicate", "draft"]),
            "killed": rng.choice([None, 0, 0, 1, 2, 3, 7, 12]),
            "injured": rng.choice([None, 0, 1, 4]),
        }
        if row["killed"] is not None:  # a part never exceeds its total (validation's rule)
            row["killed_children"] = min(rng.choice([0, 1]), row["killed"])
        row["admin1_name"] = {
            "ZZP01": "Northprov",
            "ZZP02": "Southprov",
            "ZZP03": "Eastprov",
            "": "",
        }[row["admin1_pcode"]]
        if secrets and i % 7 == 0:
            row.update(
                narrative=SECRET_NARRATIVE,
                admin2_name=SECRET_ADMIN2,
                admin2_pcode="SECRET-P2",
                lat=SECRET_LAT,
                lon=SECRET_LON,
                source_id=f"{SECRET_SOURCE_ID}-{i}",
            )
        out.append(row)
    return out
