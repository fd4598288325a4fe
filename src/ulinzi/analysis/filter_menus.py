"""Choices for the dashboard's filter form: vocabularies, and the countries, areas and
organisations present in what the user may see."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ulinzi.accounts.access import Actor
from ulinzi.analysis import aggregates
from ulinzi.analysis.params import COUNTED_STATUSES, DashboardParams
from ulinzi.geo.countries import country as find_country
from ulinzi.incidents.filters import RULES, IncidentFilters
from ulinzi.vocab import registry


def _types(domain: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    domains = [domain] if domain in registry.DOMAIN_TYPES else list(registry.DOMAIN_TYPES)
    labels = dict(registry.get("domain").choices())
    return [(labels.get(d, d), registry.types_for(d).choices()) for d in domains if d]


def presets(params: DashboardParams, today: date | None = None) -> list[dict[str, Any]]:
    """Quick periods: last 12 months, this year, last year, everything."""
    today = today or date.today()
    year = today.year
    spans = [
        ("last12", today - timedelta(days=364), today),
        ("this_year", date(year, 1, 1), today),
        ("last_year", date(year - 1, 1, 1), date(year - 1, 12, 31)),
        ("all", None, None),
    ]
    return [
        {
            "key": key,
            "query": params.query(
                date_from=start.isoformat() if start else None,
                date_to=end.isoformat() if end else None,
            ),
        }
        for key, start, end in spans
    ]


def menus(actor: Actor, params: DashboardParams) -> dict[str, Any]:
    """The dashboard's menus, named after their filters: the vocabularies of
    :mod:`ulinzi.incidents.filters`, and what is present in what the actor may see."""
    everything = aggregates.counted(actor, IncidentFilters(status=",".join(COUNTED_STATUSES)))
    found = aggregates.facets(everything)
    countries = []
    for code in found["countries"]:
        c = find_country(code)
        countries.append((code, c.name if c else code))
    countries.sort(key=lambda c: c[1])
    areas: list[tuple[str, str]] = []
    if params.filters.country:
        areas = aggregates.areas_of(everything, params.filters.country)
    vocabularies = {
        name: rule.choices()
        for name, rule in RULES.items()
        if rule.vocabulary is not None and name != "status"
    }
    return {
        **vocabularies,
        "country": countries,
        "areas": areas,
        "organisation": found["organisations"],
        "type": _types(params.filters.domain),
        "status": [(s, registry.get("incident_status").label(s)) for s in COUNTED_STATUSES],
        "presets": presets(replace(params)),
    }
