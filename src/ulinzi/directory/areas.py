"""Reading an area reference: an ISO3 country (``UKR``), an admin1 P-code (``UA63``,
whose first two letters are the ISO 3166 alpha-2 country) or an admin1 name with a
country given beside it."""

from __future__ import annotations

from dataclasses import dataclass

from ulinzi.geo import countries


@dataclass(frozen=True)
class Area:
    country: str = ""
    admin1_pcode: str = ""
    admin1_name: str = ""

    @property
    def empty(self) -> bool:
        return not (self.country or self.admin1_pcode or self.admin1_name)


def parse(area: str | None, country: str | None = None) -> Area | None:
    """An :class:`Area`, or ``None`` when the reference names no country we know."""
    text = (area or "").strip()
    given_country = ""
    if country:
        found = countries.country(country)
        if found is None:
            return None
        given_country = found.iso3
    if not text:
        return Area(country=given_country)
    found = countries.country(text)
    if found is not None and len(text) == 3 and found.iso3 == text.upper():
        return Area(country=found.iso3)
    head = countries.country(text[:2]) if text[:2].isalpha() else None
    if head is not None and any(ch.isdigit() for ch in text[2:]):
        if given_country and head.iso3 != given_country:
            return None
        return Area(country=head.iso3, admin1_pcode=text.upper())
    if given_country:
        return Area(country=given_country, admin1_name=text)
    return None
