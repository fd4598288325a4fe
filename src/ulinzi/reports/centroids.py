"""A representative point per country (ISO3), for maps of country-level figures.

Derived once from Natural Earth 110m shapes (``scripts/build-country-centroids.py``):
the centroid of each country's largest polygon. Countries too small for that scale have
no point (their features carry a null geometry).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "country_centroids.json"


@cache
def _all() -> dict[str, tuple[float, float]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {code: (float(lon), float(lat)) for code, (lon, lat) in raw.items()}


def centroid(iso3: str) -> tuple[float, float] | None:
    """(lon, lat) of the country, or ``None`` when unknown."""
    return _all().get((iso3 or "").upper())
