"""Form fields for things a person chooses by name, never types as a code.

Each is a plain ``<select>`` (works without script) labelled in the reader's language that
posts the code; what a person or a script types by hand instead (a name in any of the
languages, any case, or the code) is accepted when it names exactly one choice, and
refused with a message naming the value otherwise.
"""

from __future__ import annotations

from typing import Any

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.geo import countries
from ulinzi.geo.countries import country
from ulinzi.web.i18n import country_choices, country_name


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def country_code(text: str) -> str | None:
    """The ISO3 code a country reference names: ISO3, ISO2, a name in English or in the
    reader's language (any case); ``None`` when it names none."""
    if not text or not str(text).strip():
        return None
    found = country(text)
    if found is not None:
        return found.iso3
    wanted = _fold(text)
    for code, name in country_choices():
        if _fold(name) == wanted:
            return code
    return None


class CountryField(forms.ChoiceField):
    """A country, chosen by its name in the reader's language; cleans to ISO3."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a country of the list."),
    }

    def __init__(self, *, blank_label: Any = "—", **kwargs: Any) -> None:
        self.blank_label = blank_label
        super().__init__(choices=self._choices, **kwargs)

    def _choices(self) -> list[tuple[str, str]]:
        return [("", str(self.blank_label)), *country_choices()]

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return (country_code(text) or text) if text else ""


def organisation_choices() -> list[tuple[str, str]]:
    return list(Organisation.objects.order_by("name").values_list("code", "name"))


def organisation_code(text: str) -> str | None:
    """The code of the organisation ``text`` names (its code or its name, any case)."""
    wanted = _fold(text)
    if not wanted:
        return None
    for code, name in organisation_choices():
        if wanted in (_fold(code), _fold(name)):
            return code
    return None


class OrganisationField(forms.ChoiceField):
    """An organisation, chosen by name; cleans to its code."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not an organisation of the list."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self._choices, **kwargs)

    def _choices(self) -> list[tuple[str, str]]:
        return [("", "—"), *organisation_choices()]

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return (organisation_code(text) or text) if text else ""


def area_pcode(country: str, area: str, actor: Actor | None = None) -> str:
    """The P-code an area picker names (``""`` when both are empty): the area chosen or
    typed in ``country`` (its P-code as given, the name of an ISO 3166-2 subdivision, or
    the name of an area that incidents the actor may see record with a P-code), or with
    no area the whole country (its ISO alpha-2 code, with which every P-code of the
    country begins). Raises :class:`ValueError` with the message to show."""
    country, area = str(country or "").strip(), " ".join(str(area or "").split())
    if not country and not area:
        return ""
    found = countries.country(country) if country else None
    if found is None:
        if area and area[:2].isalpha() and countries.country(area[:2]) is not None:
            return area.upper()  # a P-code typed without its country
        raise ValueError(str(_("Choose the country of the area.")))
    if not area:
        return found.iso2
    head = area[:2].upper()
    if head == found.iso2 and len(area) > 2 and not area[2:].strip().isalpha():
        return area.upper()
    wanted = _fold(area)
    for sub in countries.admin1(found.iso3):
        if _fold(sub.name) == wanted or _fold(sub.code) == wanted:
            return sub.code
    if actor is not None:
        from ulinzi.incidents import policies, selectors

        if policies.can_list(actor):
            for seen in selectors.areas_seen(actor, country=found.iso3, text=area, limit=50):
                if seen.pcode and _fold(seen.name) == wanted:
                    return seen.pcode.upper()
    raise ValueError(
        str(_("“%(area)s” is not an area of %(country)s we know: choose one, or give its P-code."))
        % {"area": area, "country": country_name(found.iso3)}
    )


def area_name(pcode: str, actor: Actor | None = None) -> str:
    """An area's name in the reader's language where one is known (a country's, an ISO
    3166-2 subdivision's, or the one incidents the actor may see record with this
    P-code) followed by its code; the code alone otherwise."""
    code = str(pcode or "").strip().upper()
    if len(code) == 2:
        found = countries.country(code)
        return country_name(found.iso3) if found is not None else code
    sub = pycountry.subdivisions.get(code=code)
    if sub is not None:
        return f"{sub.name} ({code})"
    if actor is not None and code:
        from ulinzi.incidents import policies, selectors

        if policies.can_list(actor):
            for seen in selectors.areas_seen(actor, text=code, limit=20):
                if seen.pcode.upper() == code and seen.name:
                    return f"{seen.name} ({code})"
    return code
