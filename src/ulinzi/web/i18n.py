"""Country names in the page's language (ISO 3166 translations shipped with pycountry)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

from ulinzi.geo.countries import all_countries, country, places_outside_iso

# Names the ISO catalogue does not translate (and those of places outside ISO 3166).
_EXTRA: dict[str, dict[str, str]] = {
    "TUR": {"ar": "تركيا", "fr": "Turquie", "es": "Turquía"},
    **{code: dict(p["names"]) for code, p in places_outside_iso().items()},  # type: ignore[call-overload]
}


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _language(language: str | None) -> str:
    return (language or get_language() or "en")[:2]


@cache
def _translated(iso3: str, english: str, language: str) -> str:
    """Translate the common name (``Syria``) if the catalogue has it, else the ISO name."""
    if language == "en":
        return english
    if iso3 in _EXTRA and language in _EXTRA[iso3]:
        return _EXTRA[iso3][language]
    catalogue = _catalogue(language)
    found = catalogue.gettext(english)
    if found != english:
        return found
    iso = pycountry.countries.get(alpha_3=iso3)
    return catalogue.gettext(iso.name) if iso is not None else english


def country_name(code: str, language: str | None = None) -> str:
    """The name of the country with ISO3 ``code`` in ``language`` (default: the active one)."""
    found = country(code) if code else None
    if found is None:
        return code
    return _translated(found.iso3, found.name, _language(language))


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = [(c.iso3, _translated(c.iso3, c.name, language)) for c in all_countries()]
    return tuple(sorted(names, key=lambda pair: pair[1].casefold()))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(ISO3, name) for every country, sorted by name in ``language``."""
    return list(_choices(_language(language)))
