"""Small helpers that turn codes and dates into what the dashboard shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.vocab import registry

Cell = dict[str, Any]
Link = Callable[..., str]


def cell(value: int | None, href: str | None) -> Cell:
    """A number and the incident-list link behind it (None: no list filter selects it).
    A count of people no counted incident records is ``None`` ("not recorded"), not 0."""
    return {"v": None if value is None else int(value), "href": href}


def heat(value: int | None, top: int) -> int:
    """Shade 0 (nothing) to 5 (the largest) for a heatmap cell."""
    return 0 if not value or not top else 1 + min(4, int(5 * value / (top + 1)))


def vocab_label(vocabulary: str, code: str) -> str:
    if not code:
        return _("not recorded")
    try:
        return registry.get(vocabulary).label(code)
    except KeyError:
        return code


def type_label(code: str, domain: str | None = None) -> str:
    """Label of a type code, from the domain's vocabulary or the first that has it."""
    if not code:
        return _("type not recorded")
    names = (
        [registry.DOMAIN_TYPES[domain]]
        if domain in registry.DOMAIN_TYPES
        else list(registry.DOMAIN_TYPES.values())
    )
    for name in names:
        vocab = registry.get(name)
        if code in vocab:
            return vocab.label(code)
    return code


def period_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: date, interval: str) -> date:
    if interval == "week":
        return start + timedelta(days=6)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def periods(first: date, last: date, interval: str) -> list[date]:
    out: list[date] = []
    current = period_start(first, interval)
    while current <= last:
        out.append(current)
        current = period_end(current, interval) + timedelta(days=1)
    return out


def iso_numeric(iso3: str) -> str | None:
    """ISO 3166 numeric code (the key of the map's country shapes)."""
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3)
    return found.numeric if found else None
