"""Template filters that turn codes into words in the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from ulinzi.vocab import registry
from ulinzi.web.i18n import country_choices
from ulinzi.web.i18n import country_name as _country_name

register = template.Library()

# Incident fields whose values are codes of a vocabulary.
FIELD_VOCABS = {
    "domain": "domain",
    "cause": "cause",
    "certainty": "certainty",
    "perpetrator": "perpetrator",
    "facility_type": "facility_type",
    "geo_precision": "geo_precision",
    "status": "incident_status",
}


@register.filter
def label(code: str, vocabulary: str) -> str:
    """``{{ incident.cause|label:"cause" }}``, ``{{ case.risk_level|label:"risk_level" }}``"""
    return registry.label(vocabulary, str(code)) if code else ""


def _codes(codes: Iterable[str] | str | None) -> list[str]:
    """One code or a list of codes as a list (a string is one code, never its letters)."""
    if not codes:
        return []
    return [codes] if isinstance(codes, str) else [str(c) for c in codes]


def _type_label(code: str, domain: str | None = None) -> str:
    domains = [domain] if domain in registry.DOMAIN_TYPES else []
    for d in [*domains, *registry.DOMAIN_TYPES]:
        vocab = registry.types_for(d)
        if code in vocab:
            return vocab.label(code)
    return code


@register.filter
def type_labels(codes: Iterable[str] | str, domain: str) -> str:
    """``{{ incident.types|type_labels:incident.domain }}``"""
    return ", ".join(_type_label(c, domain) for c in _codes(codes))


@register.filter
def labels(codes: Iterable[str] | str, vocabulary: str) -> str:
    """``{{ case.needs|labels:"need" }}`` → ``Health care, Legal aid``"""
    return ", ".join(label(c, vocabulary) for c in _codes(codes))


@register.filter
def code_list_labels(codes: str, vocabulary: str) -> str:
    """``"draft,submitted"|code_list_labels:"incident_status"`` → ``Draft, Submitted``"""
    return labels([c for c in (codes or "").split(",") if c], vocabulary)


@register.filter
def recorded(count: int | None) -> Any:
    """A count of people, or "not recorded" when no counted report records it (never
    shown as 0)."""
    return pgettext("count", "not recorded") if count is None else count


@register.filter
def country_name(code: str) -> str:
    """``{{ incident.country|country_name }}`` → ``Ukraine`` / ``أوكرانيا``"""
    return _country_name(code) if code else ""


@register.filter
def precision(code: str) -> str:
    """How precisely a date is known, in words."""
    words = {
        "day": pgettext("date precision", "exact day"),
        "month": pgettext("date precision", "month only"),
        "year": pgettext("date precision", "year only"),
    }
    return words.get(code, code)


@register.filter
def history_action(action: str) -> str:
    words = {
        "created": _("recorded"),
        "updated": _("changed"),
        "verified": _("verified"),
        "rejected": _("rejected"),
        "imported": _("imported"),
        "linked": _("linked to the same incident from another source"),
        "unlinked": _("no longer linked to another source"),
    }
    return words.get(action, action)


_ROW = re.compile(r"^row (\d+)$")
_REASONS = (
    (re.compile(r"^re-import, row (\d+)$"), gettext_noop("re-import, row %(n)s")),
    (re.compile(r"^linkage run (\d+)$"), gettext_noop("linkage run %(n)s")),
    (re.compile(r"^review decision$"), gettext_noop("review decision")),
)
_SSA_RULE = "; certainty from independent sources (SSA rule)"


@register.filter
def history_reason(reason: str) -> str:
    """The reasons the system writes into an incident's history, in words; a person's
    own reason is shown as written."""
    rule = reason.endswith(_SSA_RULE)
    text = reason[: -len(_SSA_RULE)] if rule else reason
    for pattern, message in _REASONS:
        found = pattern.match(text)
        if found:
            text = _(message) % {"n": found.group(1)} if found.groups() else _(message)
            if rule:
                text += "; " + _("certainty from independent sources (SSA rule)")
            return text
    return reason


@register.filter
def field_label(name: str) -> str:
    from ulinzi.incidents.forms.labels import field_labels

    return field_labels().get(name, name)


@register.filter
def change_value(value: Any, field: str) -> str:
    """One side of a change in an incident's history, in words."""
    if value is None or value == "" or value == []:
        return "—"
    if value == "(set)":
        return _("(given)")
    if value == "(hidden)":
        return _("(hidden)")
    if value == "(changed)":
        return _("(changed)")
    if value == "(previous source row)":
        return _("(previous source row)")
    if value == "(previous version kept)":
        return _("(previous version kept)")
    if field == "raw_source" and _ROW.match(str(value)):
        return _("row %(n)s") % {"n": _ROW.match(str(value)).group(1)}  # type: ignore[union-attr]
    if field in FIELD_VOCABS:
        return label(str(value), FIELD_VOCABS[field])
    if field == "occurred_precision":
        return precision(str(value))
    if field == "country":
        return country_name(str(value))
    if field == "types" and isinstance(value, list):
        return type_labels(value, "")
    if field == "resources" and isinstance(value, list):
        return labels(value, "resource")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def incident_counts(incident: Any) -> dict[str, Any]:
    from ulinzi.incidents.forms.labels import count_table

    return count_table(incident)


@register.simple_tag
def query_with(query: dict[str, str], **changes: str) -> str:
    """The current filters as a query string, with some values replaced."""
    merged = {**query, **{k: v for k, v in changes.items() if v is not None}}
    return urlencode({k: v for k, v in merged.items() if v})


@register.simple_tag
def country_options(selected: str = "") -> str:
    """``<option>`` elements of every country, by name in the page's language, with the
    ISO3 code ``selected`` chosen: ``<select name="country">{% country_options code %}``."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, " selected" if code == selected else "", name) for code, name in country_choices()),
    )


@register.inclusion_tag("web/_point_picker.html")
def point_picker(lat_id: str, lon_id: str) -> dict[str, Any]:
    """A map to pick the point of the fields with ids ``lat_id`` and ``lon_id``
    (``static/ulinzi/point-picker.js``); hidden until its script runs."""
    from django.conf import settings

    return {
        "lat": lat_id,
        "lon": lon_id,
        "tiles": getattr(settings, "ULINZI_TILE_URL", "") or "",
        "attribution": getattr(settings, "ULINZI_TILE_ATTRIBUTION", "") or "",
    }


@register.inclusion_tag("web/_area_options.html", takes_context=True)
def area_options(context: dict[str, Any], list_id: str) -> dict[str, Any]:
    """A ``<datalist>`` of the first-level areas named by incidents the user may see (the
    suggestions without script; ``ulinzi.js`` narrows them as one types)."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.incidents import policies, selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    names: list[str] = []
    searchable = False
    if user is not None and user.is_authenticated:
        who = actor_for(user)
        if policies.can_list(who):
            searchable = True
            names = sorted({a.name or a.pcode for a in selectors.areas_seen(who, limit=300)})
    return {"list_id": list_id, "names": names, "searchable": searchable}


@register.inclusion_tag("web/_area_picker.html", takes_context=True)
def area_picker(
    context: dict[str, Any],
    name: str,
    country: str = "",
    area: str = "",
    error: str = "",
    blank: str = "—",
    hint: str = "",
) -> dict[str, Any]:
    """An area chosen by name: a country list (``NAME_country``) and an area field
    (``NAME``) suggesting the country's areas as one types (``area_options``); read
    back with :func:`ulinzi.web.pickers.area_pcode`."""
    return {
        "request": context.get("request"),
        "name": name,
        "country": country or "",
        "area": area or "",
        "error": error,
        "blank": blank,
        "hint": hint,
    }


@register.simple_tag(takes_context=True)
def area_names(context: dict[str, Any], pcodes: Any) -> str:
    """The areas of a list of P-codes by name (``pickers.area_name``), comma separated."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.web.pickers import area_name

    user = getattr(context.get("request"), "user", None)
    who = actor_for(user) if user is not None and user.is_authenticated else None
    return ", ".join(area_name(code, who) for code in pcodes or ())
