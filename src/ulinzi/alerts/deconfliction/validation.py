"""Checking site and movement input; every problem names its field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.alerts.deconfliction.models import SiteType
from ulinzi.alerts.validation import Problems, _number, _text, _when

MAX_ROUTE_POINTS = 500


def _date(data: dict[str, Any], name: str, p: Problems, *, required: bool) -> date | None:
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            p.add(name, _("is required"))
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        p.add(name, _("must be a date as YYYY-MM-DD"), raw)
        return None


def _required_number(
    data: dict[str, Any], name: str, p: Problems, low: float, high: float
) -> float:
    value = _number(data, name, p, low, high)
    if value is None and data.get(name) in (None, ""):
        p.add(name, _("is required"))
    return value if value is not None else 0.0


def clean_site(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {
        "name": _text(data, "name", p, limit=200, required=True),
        "site_type": data.get("site_type") or "",
        "lat": _required_number(data, "lat", p, -90, 90),
        "lon": _required_number(data, "lon", p, -180, 180),
        "valid_from": _date(data, "valid_from", p, required=True),
        "valid_until": _date(data, "valid_until", p, required=False),
    }
    if out["site_type"] not in SiteType.values:
        p.add("site_type", _("must be one of %s") % ", ".join(SiteType.values), out["site_type"])
    if out["valid_from"] and out["valid_until"] and out["valid_until"] < out["valid_from"]:
        p.add("valid_until", _("must not be before valid_from"))
    p.raise_any()
    return out


def _route(data: dict[str, Any], p: Problems) -> list[list[float]]:
    raw = data.get("route")
    if not isinstance(raw, list) or len(raw) < 2:
        p.add("route", _("give at least two points as [latitude, longitude]"))
        return []
    if len(raw) > MAX_ROUTE_POINTS:
        p.add("route", _("at most %s points") % MAX_ROUTE_POINTS)
        return []
    out = []
    for i, point in enumerate(raw):
        try:
            lat, lon = (float(x) for x in point)
        except (TypeError, ValueError):
            p.add(f"route[{i}]", _("must be [latitude, longitude]"), point)
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            p.add(f"route[{i}]", _("is not on Earth"), point)
            continue
        out.append([lat, lon])
    return out


def _count(data: dict[str, Any], name: str, p: Problems, default: int) -> int:
    raw = data.get(name, default)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        p.add(name, _("must be a whole number"), raw)
        return default
    if not 0 <= value <= 100000:
        p.add(name, _("must be between 0 and 100000"), raw)
    return value


def clean_movement(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {
        "purpose": _text(data, "purpose", p, limit=200, required=True),
        "route": _route(data, p),
        "vehicles": _count(data, "vehicles", p, 1),
        "vehicles_description": _text(data, "vehicles_description", p, limit=500, required=False),
        "people": _count(data, "people", p, 0),
        "cargo": _text(data, "cargo", p, limit=500, required=False),
        "emergency": bool(data.get("emergency")),
    }
    times: dict[str, datetime | None] = {}
    for name in ("departure_from", "departure_until", "arrival_from", "arrival_until"):
        times[name] = _when(data.get(name), name, p)
    pairs = [
        ("departure_from", "departure_until"),
        ("arrival_from", "arrival_until"),
        ("departure_from", "arrival_from"),
    ]
    for earlier, later in pairs:
        a, b = times[earlier], times[later]
        if a is not None and b is not None and b < a:
            p.add(later, _("must not be before %s") % earlier)
    out.update(times)
    p.raise_any()
    return out
