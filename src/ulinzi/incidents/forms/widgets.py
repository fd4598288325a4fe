"""Widgets and choice lists of the incident form."""

from __future__ import annotations

from typing import Any

from django import forms

from ulinzi.vocab import registry

BLANK = ("", "—")
# The province field suggests areas by name (``area_options`` and ``ulinzi.js``) and fills
# the P-code of the one chosen.
AREA_SEARCH = {
    "list": "incident-areas",
    "autocomplete": "off",
    "data-area-search": "id_country",
    "data-pcode-field": "id_admin1_pcode",
}


def choices(vocab: str, blank: bool = True) -> list[tuple[str, str]]:
    """The codes of ``vocab`` with their labels, after an empty choice if ``blank``."""
    out = registry.get(vocab).choices()
    return ([BLANK] if blank else []) + out


class DomainCheckboxes(forms.CheckboxSelectMultiple):
    """Type checkboxes in one group per domain, each group marked with its domain code
    so a few lines of script can show only the chosen domain's types."""

    template_name = "incidents/widgets/domain_checkboxes.html"

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        for (_label, options, _index), domain in zip(groups, registry.DOMAIN_TYPES, strict=False):
            for option in options:
                option["domain"] = domain
        return groups


def type_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Incident types grouped by domain label, in the page's language."""
    return [
        (registry.get("domain").label(domain), registry.get(vocab).choices())
        for domain, vocab in registry.DOMAIN_TYPES.items()
    ]


def type_label(code: str) -> str:
    """The label of an incident type code, whichever domain it belongs to."""
    for domain in registry.DOMAIN_TYPES:
        vocab = registry.types_for(domain)
        if code in vocab:
            return vocab.label(code)
    return code
