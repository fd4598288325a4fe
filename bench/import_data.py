"""Generate an HXL CSV of realistic incidents for the import benchmark (streamed to disk).

Columns and tags are those of Ulinzi's partner export, plus coordinates and a
description, as a partner's file would have them: ids, dates over 2016–2024, ten
countries with their provinces (P-code and name) and points, one or two incident types,
resources, facility type, cause, certainty, perpetrator, counts (mostly zero, a few
large), and a one- or two-sentence description.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

COLUMNS = (
    ("Ulinzi id", "#meta+id"),
    ("Date", "#date+occurred"),
    ("Country", "#country+code"),
    ("Admin 1 P-code", "#adm1+pcode"),
    ("Admin 1", "#adm1+name"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("Domain", "#event+category"),
    ("Incident types", "#event+type"),
    ("Resources affected", "#x_resources"),
    ("Facility type", "#loc+type"),
    ("Cause", "#cause"),
    ("Certainty", "#meta+certainty"),
    ("Perpetrator", "#group+perp"),
    ("Killed", "#affected+killed"),
    ("Killed (health workers)", "#affected+killed+health_workers"),
    ("Injured", "#affected+injured"),
    ("Injured (health workers)", "#affected+injured+health_workers"),
    ("Abducted", "#affected+abducted"),
    ("Description", "#description"),
)
PLACES = {
    "UKR": [("UA63", "Kharkivska", 49.99, 36.23), ("UA14", "Donetska", 48.0, 37.8),
            ("UA12", "Dnipropetrovska", 48.46, 35.04), ("UA65", "Khersonska", 46.63, 32.61)],
    "PSE": [("PS02", "Gaza Strip", 31.42, 34.37), ("PS01", "West Bank", 31.95, 35.2)],
    "SDN": [("SD01", "Khartoum", 15.5, 32.56), ("SD07", "North Darfur", 13.63, 25.35)],
    "COD": [("CD61", "Nord-Kivu", -0.79, 29.04), ("CD62", "Sud-Kivu", -2.5, 28.86),
            ("CD54", "Ituri", 1.56, 30.25)],
    "MMR": [("MMR005", "Sagaing", 21.9, 95.97), ("MMR013", "Yangon", 16.87, 96.2)],
    "SYR": [("SY07", "Idleb", 35.93, 36.63), ("SY02", "Aleppo", 36.2, 37.16)],
    "AFG": [("AF01", "Kabul", 34.53, 69.17), ("AF23", "Kandahar", 31.63, 65.71)],
    "YEM": [("YE26", "Taizz", 13.58, 44.02), ("YE11", "Al Hudaydah", 14.8, 42.95)],
    "BFA": [("BF46", "Sahel", 14.1, -0.4), ("BF49", "Est", 12.06, 0.35)],
    "NGA": [("NG008", "Borno", 11.83, 13.15), ("NG002", "Adamawa", 9.33, 12.4)],
}  # fmt: skip
TYPES = (
    "heavy_weapons", "individual_weapons", "obstruction", "psychological_violence",
    "removal_of_assets", "abduction_arrest_detention", "armed_search",
    "assault_without_weapons", "militarization", "setting_fire",
)  # fmt: skip
RESOURCES = ("facility", "transport", "personnel", "patients", "supplies", "warehouse")
FACILITIES = ("primary", "secondary", "tertiary", "mobile_clinic", "pharmacy", "")
CAUSES = ("armed_conflict",) * 6 + ("civil_unrest", "criminal", "pandemic_related", "unknown")
CERTAINTY = ("confirmed",) * 8 + ("probable", "possible")
PERPETRATORS = ("state_armed_forces", "non_state_armed_group", "foreign_forces", "police",
                "criminal", "unknown")  # fmt: skip
WHAT = (
    "A health facility was struck by shelling",
    "An ambulance was stopped at a checkpoint",
    "Armed men entered a clinic and took medicines",
    "A nurse was threatened at work",
    "A hospital was damaged in an air strike",
    "Health workers were detained for a day",
)
DETAIL = (
    "Services were suspended for a week.",
    "No patients were inside at the time.",
    "The facility reopened after repairs.",
    "Staff were evacuated to a nearby town.",
    "",
)


def _count(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        return "0"
    if r < 0.97:
        return str(rng.randint(1, 5))
    return str(rng.randint(6, 60))


def write(path: Path, rows: int, seed: int = 7) -> Path:
    """Write ``rows`` incidents to ``path`` (header, tag row, data) and return it."""
    rng = random.Random(seed)
    start = date(2016, 1, 1)
    span = (date(2024, 12, 31) - start).days
    countries = list(PLACES)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([c for c, _ in COLUMNS])
        out.writerow([t for _, t in COLUMNS])
        for i in range(rows):
            iso = rng.choice(countries)
            pcode, name, lat, lon = rng.choice(PLACES[iso])
            killed, injured = _count(rng), _count(rng)
            types = rng.sample(TYPES, rng.choice((1, 1, 1, 2)))
            res = rng.sample(RESOURCES, rng.choice((1, 1, 2)))
            out.writerow(
                (
                    f"BENCH-{i:08d}",
                    (start + timedelta(days=rng.randint(0, span))).isoformat(),
                    iso,
                    pcode,
                    name,
                    f"{lat + rng.uniform(-0.5, 0.5):.5f}",
                    f"{lon + rng.uniform(-0.5, 0.5):.5f}",
                    "health_care_attack",
                    " | ".join(types),
                    " | ".join(res),
                    rng.choice(FACILITIES),
                    rng.choice(CAUSES),
                    rng.choice(CERTAINTY),
                    rng.choice(PERPETRATORS),
                    killed,
                    str(min(int(killed), rng.randint(0, 1))),
                    injured,
                    str(min(int(injured), rng.randint(0, 2))),
                    "0" if rng.random() < 0.95 else str(rng.randint(1, 4)),
                    f"{rng.choice(WHAT)} in {name}. {rng.choice(DETAIL)}".strip(),
                )
            )
    return path
