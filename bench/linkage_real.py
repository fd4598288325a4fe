"""Real linkage truth: Insecurity Insight's explosive-weapons and health-care files.

The publisher reuses its ``SiND Event ID`` for the same event across datasets, so two
rows with one event id are one incident. The files are read here straight with openpyxl
into the linker's input frame (:data:`ulinzi.analysis.linkage.standardise.RAW_COLUMNS`);
the event id is kept apart as the truth and never shown to the linker, nor is any
narrative. Each file is a source of its own; both are the publisher's, so the
same-organisation comparison sees two sources.

Column mapping, the same for both files where they share a column: ``Date`` → day;
``Country ISO``; ``Admin 1``; ``Latitude``/``Longitude`` and ``Geo Precision`` (health
care only); ``Reported Perpetrator Name`` (normalised) → perpetrator; health workers
killed (+ aid health workers killed, explosive-weapons file) → killed; health workers
injured → injured (health-care file only: the explosive-weapons file has no injured
column, so it is not recorded, not 0). Types in the shared codes: explosive ordnance
(``Explosive Weapon Type``, or ``Weapon Carried/Used``) → heavy_weapons, arson →
setting_fire (as the importer infers them). Domain: rows whose ``Sector Affected``
includes health care are ``health_care_attack``; the other sectors keep their own domain
(education, aid operations, protection), as domain routing files them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

REAL = Path("/work/shared/data/real")
HEALTH_CARE = "insecurity_insight_attacks_on_health_care_2016_2023.xlsx"
EXPLOSIVE = "insecurity_insight_explosive_weapons_2020_2023.xlsx"
HEAVY = ("aerial bomb", "shelling", "artillery", "rocket", "missile", "mortar", "cluster bomb")
GEO = {"2": "near_25km", "3": "admin2", "4": "admin1", "5": "linear_feature", "6": "country"}
SECTORS = {
    "health care": "health_care_attack",
    "education": "education_attack",
    "aid operations": "aid_security",
    "protection": "protection",
    "food security": "food_security",
}


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    """The first sheet's rows as dicts by header (row 2, the HXL tags, skipped)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
        next(rows)
        for values in rows:
            if any(v is not None for v in values):
                yield dict(zip(header, values, strict=False))
    finally:
        book.close()


def _count(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(float(value))


def _types(weapon: Any) -> list[str]:
    found: list[str] = []
    for part in str(weapon or "").lower().split(","):
        part = part.strip()
        if part.startswith(HEAVY) and "heavy_weapons" not in found:
            found.append("heavy_weapons")
        elif part == "arson" and "setting_fire" not in found:
            found.append("setting_fire")
    return found


def _domain(sectors: Any) -> str:
    names = [s.strip().lower() for s in str(sectors or "").split(",") if s.strip()]
    if "health care" in names:
        return SECTORS["health care"]
    return SECTORS.get(names[0], "other") if names else "other"


def _geo(value: Any) -> str:
    text = str(value or "").strip()
    return GEO.get(text[1:2], "") if text.startswith("(") else ""


def _base(row: dict[str, Any], uid: str, source: str) -> dict[str, Any]:
    day = row.get("Date")
    return {
        "unique_id": uid,
        "organisation": source,
        "occurred_on": pd.Timestamp(day).date() if day is not None else None,
        "occurred_precision": "day",
        "country": str(row.get("Country ISO") or "").strip().upper(),
        "admin1_pcode": None,
        "admin1_name": row.get("Admin 1"),
        "admin2_pcode": None,
        "admin2_name": None,
        "facility_type": None,
        "facility_name": None,
        "perpetrator": row.get("Reported Perpetrator Name"),
    }


def health_care(path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    for i, row in enumerate(_rows(path)):
        out = _base(row, f"hc{i}", "ii-health-care")
        out.update(
            domain="health_care_attack",
            types=_types(row.get("Weapon Carried/Used")),
            lat=row.get("Latitude"),
            lon=row.get("Longitude"),
            geo_precision=_geo(row.get("Geo Precision")),
            killed=_count(row.get("Health Workers Killed")),
            injured=_count(row.get("Health Workers Injured")),
        )
        yield out, row.get("SiND Event ID")


def explosive(path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    for i, row in enumerate(_rows(path)):
        out = _base(row, f"ew{i}", "ii-explosive-weapons")
        hw = _count(row.get("Health Workers Killed"))
        aid_hw = _count(row.get("Aid Health Workers Killed"))
        out.update(
            domain=_domain(row.get("Sector Affected")),
            types=_types(row.get("Explosive Weapon Type")),
            lat=None,
            lon=None,
            geo_precision="",
            killed=None if hw is None and aid_hw is None else (hw or 0) + (aid_hw or 0),
            injured=None,
        )
        yield out, row.get("SiND Event ID")


def load(
    health_care_path: Path = REAL / HEALTH_CARE, explosive_path: Path = REAL / EXPLOSIVE
) -> tuple[pd.DataFrame, pd.Series]:
    """The linker's input frame (both files) and, apart, each row's true incident: its
    event id, or the row itself when it has none."""
    rows: list[dict[str, Any]] = []
    truth: list[str] = []
    for reader, path in ((health_care, health_care_path), (explosive, explosive_path)):
        for row, event in reader(path):
            if row["occurred_on"] is None or not row["country"]:
                continue  # not linkable: no date or no country
            rows.append(row)
            truth.append(f"event:{int(event)}" if event not in (None, "") else row["unique_id"])
    return pd.DataFrame(rows), pd.Series(truth, name="truth")
