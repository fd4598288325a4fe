"""Countries and first-level subdivisions from ISO 3166 (via pycountry), and the places
real data names that ISO 3166-1 does not list (``data/places_outside_iso.json``:
Nagorno-Karabakh, Kosovo, Abyei…), each with a code of ISO's user-assigned range and the
ISO country it is counted under (its parent).

P-codes and place names from partners are accepted as given; this module only
normalises country references and offers ISO 3166-2 subdivisions as a fallback list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

# Names used in humanitarian datasets that ISO 3166 spells differently.
_ALIASES: dict[str, str] = {
    "occupied palestinian territory": "PSE",
    "opt": "PSE",
    "palestine": "PSE",
    "west bank and gaza": "PSE",
    "gaza": "PSE",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "congo, democratic republic of the": "COD",
    "republic of the congo": "COG",
    "syria": "SYR",
    "turkey": "TUR",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "russia": "RUS",
    "iran": "IRN",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "laos": "LAO",
    "south korea": "KOR",
    "north korea": "PRK",
    "burma": "MMR",
    "czech republic": "CZE",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "moldova": "MDA",
    "vietnam": "VNM",
}


PLACES_FILE = Path(__file__).with_name("data") / "places_outside_iso.json"


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    name: str
    parent: str = ""  # for a place outside ISO 3166-1: the ISO country it is counted under


@cache
def places_outside_iso() -> dict[str, dict[str, object]]:
    """The places of ``data/places_outside_iso.json`` by code."""
    data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    return {str(p["code"]): p for p in data["places"]}


@cache
def _index() -> dict[str, Country]:
    idx: dict[str, Country] = {}
    for c in pycountry.countries:
        country = Country(iso3=c.alpha_3, iso2=c.alpha_2, name=getattr(c, "common_name", c.name))
        for key in (
            c.alpha_3,
            c.alpha_2,
            c.name,
            getattr(c, "official_name", ""),
            getattr(c, "common_name", ""),
        ):
            if key:
                idx[key.lower()] = country
    for code, place in places_outside_iso().items():
        names = place["names"]
        assert isinstance(names, dict)
        found = Country(
            iso3=code, iso2=str(place["iso2"]), name=str(names["en"]), parent=str(place["parent"])
        )
        for key in (code, found.iso2, *place["aliases"]):  # type: ignore[misc]
            if key:
                idx[" ".join(str(key).lower().split())] = found
    for alias, iso3 in _ALIASES.items():
        idx[alias] = idx[iso3.lower()]
    return idx


def country(ref: str) -> Country | None:
    """Find a country by ISO3, ISO2, or name (case-insensitive); ``None`` if unknown."""
    return _index().get(" ".join(str(ref).strip().lower().split()))


def parent(code: str) -> str:
    """The ISO 3166-1 country a place outside ISO 3166 is counted under ('' for a country)."""
    found = country(code)
    return found.parent if found is not None else ""


def is_iso3(code: str) -> bool:
    c = country(code)
    return c is not None and c.iso3 == code


def all_countries() -> list[Country]:
    seen: dict[str, Country] = {}
    for c in _index().values():
        seen[c.iso3] = c
    return sorted(seen.values(), key=lambda c: c.name)


@dataclass(frozen=True)
class Subdivision:
    code: str
    name: str
    kind: str


@cache
def admin1(iso3: str) -> list[Subdivision]:
    """ISO 3166-2 first-level subdivisions of a country (those without a parent)."""
    c = country(iso3)
    if c is None:
        return []
    subs = pycountry.subdivisions.get(country_code=c.iso2) or []
    return sorted(
        (
            Subdivision(code=s.code, name=s.name, kind=s.type)
            for s in subs
            if not getattr(s, "parent_code", None)
        ),
        key=lambda s: s.name,
    )
