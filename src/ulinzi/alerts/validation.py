"""Checking alert and subscription input; every problem names its field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import gettext as _

from ulinzi.alerts.matching import DOMAIN_BITS, PCODE_RE, normalise_pcode
from ulinzi.alerts.models import SEVERITY_RANK
from ulinzi.common.problems import FieldProblem, InvalidInput

MAX_RADIUS_KM = 2000.0
MAX_ALERT_DAYS = 90


class Problems:
    """Collects field problems; raises them together."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, field: str, message: str, value: Any = None) -> None:
        self.items.append(FieldProblem(field, message, value))

    def raise_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


def _text(data: dict[str, Any], name: str, p: Problems, *, limit: int, required: bool) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        p.add(name, _("must be text"))
        return ""
    value = value.strip()
    if required and not value:
        p.add(name, _("is required"))
    if len(value) > limit:
        p.add(name, _("must be at most %(n)s characters") % {"n": limit})
    return value


def _domains(data: dict[str, Any], p: Problems, *, required: bool) -> list[str]:
    raw = data.get("domains") or []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        p.add("domains", _("must be a list of domain codes"))
        return []
    unknown = [d for d in raw if d not in DOMAIN_BITS]
    if unknown:
        p.add("domains", _("unknown domain: %s") % ", ".join(unknown), unknown)
    if required and not raw:
        p.add("domains", _("give at least one domain"))
    return sorted(set(raw) - set(unknown))


def _pcodes(data: dict[str, Any], p: Problems) -> list[str]:
    raw = data.get("pcodes") or []
    if isinstance(raw, str):
        raw = [c for c in raw.replace(";", ",").replace(" ", ",").split(",") if c]
    if not isinstance(raw, list):
        p.add("pcodes", _("must be a list of P-codes"))
        return []
    out = []
    for i, code in enumerate(raw):
        code = normalise_pcode(code)
        if not PCODE_RE.match(code):
            p.add(
                f"pcodes[{i}]",
                _("is not a P-code (two letters of the country, then letters or digits)"),
                code,
            )
        else:
            out.append(code)
    if len(out) > 200:
        p.add("pcodes", _("at most 200 P-codes"))
    return sorted(set(out))


def _number(data: dict[str, Any], name: str, p: Problems, low: float, high: float) -> float | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        p.add(name, _("must be a number"), raw)
        return None
    if value != value or not low <= value <= high:
        p.add(name, _("must be between %(low)s and %(high)s") % {"low": low, "high": high}, raw)
        return None
    return value


def _circle(data: dict[str, Any], p: Problems) -> tuple[float | None, float | None, float | None]:
    lat = _number(data, "lat", p, -90, 90)
    lon = _number(data, "lon", p, -180, 180)
    radius = _number(data, "radius_km", p, 0, MAX_RADIUS_KM)
    given = [data.get(k) not in (None, "") for k in ("lat", "lon", "radius_km")]
    if any(given) and not all(given):
        for name, present in zip(("lat", "lon", "radius_km"), given, strict=True):
            if not present:
                p.add(name, _("a point needs lat, lon and radius_km together"))
        return None, None, None
    return lat, lon, radius


def _severity(data: dict[str, Any], name: str, p: Problems, default: str | None) -> str:
    value = data.get(name) or default
    if value not in SEVERITY_RANK:
        p.add(name, _("must be one of %s") % ", ".join(SEVERITY_RANK), value)
        return "info"
    return str(value)


def _when(raw: Any, name: str, p: Problems) -> datetime | None:
    if isinstance(raw, datetime):
        value: datetime | None = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = parse_datetime(raw.strip())
        except ValueError:
            value = None
        if value is None:
            p.add(name, _("must be a date and time like 2025-03-01T14:00:00Z"), raw)
            return None
    else:
        p.add(name, _("is required"))
        return None
    assert value is not None
    return make_aware(value) if is_naive(value) else value


def clean_alert(data: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Validated alert fields, or :class:`InvalidInput` naming every bad field."""
    p = Problems()
    out: dict[str, Any] = {
        "title": _text(data, "title", p, limit=200, required=True),
        "threatened": _text(data, "threatened", p, limit=2000, required=True),
        "details": _text(data, "details", p, limit=10000, required=False),
        "severity": _severity(data, "severity", p, None),
        "domains": _domains(data, p, required=True),
        "pcodes": _pcodes(data, p),
    }
    out["lat"], out["lon"], out["radius_km"] = _circle(data, p)
    if (
        not out["pcodes"]
        and out["lat"] is None
        and not any(
            x.field in ("lat", "lon", "radius_km") or x.field.startswith("pcodes") for x in p.items
        )
    ):
        p.add(
            "area",
            _(
                "give the area: the P-codes of its admin areas, or a point (latitude and "
                "longitude) with a radius in kilometres, or both"
            ),
        )
    expires = _when(data.get("expires_at"), "expires_at", p)
    if expires is not None:
        if expires <= now:
            p.add("expires_at", _("must be in the future"), expires.isoformat())
        elif expires > now + timedelta(days=MAX_ALERT_DAYS):
            p.add("expires_at", _("must be within %s days") % MAX_ALERT_DAYS, expires.isoformat())
    out["expires_at"] = expires
    p.raise_any()
    return out


def clean_subscription(data: dict[str, Any]) -> dict[str, Any]:
    """Validated subscription fields (holder and secret are the service's business)."""
    from ulinzi.alerts.channels.webhook import check_address

    p = Problems()
    out: dict[str, Any] = {
        "name": _text(data, "name", p, limit=120, required=True),
        "domains": _domains(data, p, required=False),
        "min_severity": _severity(data, "min_severity", p, "info"),
        "pcodes": _pcodes(data, p),
        "in_app": bool(data.get("in_app", True)),
        "email": _text(data, "email", p, limit=254, required=False),
        "webhook_url": _text(data, "webhook_url", p, limit=500, required=False),
    }
    out["lat"], out["lon"], out["radius_km"] = _circle(data, p)
    if out["email"]:
        try:
            validate_email(out["email"])
        except ValidationError:
            p.add("email", _("is not an email address"), out["email"])
    if out["webhook_url"]:
        problem = check_address(out["webhook_url"])
        if problem:
            p.add("webhook_url", problem, out["webhook_url"])
    if not (out["in_app"] or out["email"] or out["webhook_url"]):
        p.add("channels", _("choose at least one channel: in_app, email or webhook_url"))
    p.raise_any()
    return out
