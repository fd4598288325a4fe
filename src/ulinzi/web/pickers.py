"""Form fields for things a person chooses by name, never types as a code.

Each is a plain ``<select>`` (works without script) labelled in the reader's language that
posts the code; what a person or a script types by hand instead (a name in any of the
languages, any case, or the code) is accepted when it names exactly one choice, and
refused with a message naming the value otherwise.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.geo.countries import country
from ulinzi.web.i18n import country_choices


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
