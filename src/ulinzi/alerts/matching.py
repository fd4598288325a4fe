"""Which subscriptions an alert reaches.

Two kinds of area can overlap:

* P-codes are hierarchical by prefix (``UA48`` contains ``UA4802`` which contains
  ``UA480202``). An alert's code matches a subscription that covers the same code, a
  parent of it (the subscriber covers the whole region) or a child of it (the alert
  covers the subscriber's district).
* Circles (point and radius in km) overlap when the great-circle (haversine) distance
  between the centres is at most the sum of the radii; a radius of 0 is a point.

P-codes and circles are not compared with each other (Ulinzi keeps no boundary
shapes): give both when a subscriber or an alert should match either way. A
subscription with no area matches everywhere.

Speed: the database does the prefilter — active, severity rank (indexed), domain bit
mask, the P-code join (indexed) and the circles' bounding boxes (indexed) — and Python
computes the exact distance for the few bounding-box candidates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from ulinzi.alerts.models import Subscription, SubscriptionArea

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180

# One bit per domain; append new domains at the end, never renumber.
DOMAIN_BITS: dict[str, int] = {
    "health_care_attack": 1,
    "grave_violation": 2,
    "gbv": 4,
    "seah": 8,
    "protection": 16,
    "education_attack": 32,
    "aid_security": 64,
    "food_security": 128,
}
ALL_DOMAINS_MASK = (1 << 30) - 1

PCODE_RE = re.compile(r"^[A-Z]{2}[A-Z0-9_-]{0,38}$")


def domain_mask(domains: Iterable[str]) -> int:
    """Bit mask of ``domains``; an empty list means every domain."""
    codes = list(domains)
    if not codes:
        return ALL_DOMAINS_MASK
    mask = 0
    for code in codes:
        mask |= DOMAIN_BITS[code]
    return mask


def normalise_pcode(code: str) -> str:
    return str(code).strip().upper()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, radius_km: float) -> Box:
    """A latitude/longitude box that contains the circle (wider near the poles)."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The widest longitude span is at the latitude edge nearest a pole.
    cos_edge = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_edge) if cos_edge > 1e-9 else 360.0
    min_lon, max_lon = lon - dlon, lon + dlon
    if dlon >= 180 or min_lon <= -180 or max_lon >= 180:
        return Box(min_lat, max_lat, -180.0, 180.0)
    return Box(min_lat, max_lat, min_lon, max_lon)


@dataclass(frozen=True)
class Area:
    """The area and filters of an alert, as matching needs them."""

    severity_rank: int
    domain_mask: int
    pcodes: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None

    @property
    def has_circle(self) -> bool:
        return self.lat is not None and self.lon is not None and self.radius_km is not None


def _prefixes(code: str) -> list[str]:
    """``UA4802`` → ``UA``, ``UA4``, ``UA48``, ``UA480``, ``UA4802`` (its possible parents)."""
    return [code[:n] for n in range(2, len(code) + 1)]


def _eligible(area: Area) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(active=True, min_severity_rank__lte=area.severity_rank)
        .annotate(_domains=F("domain_mask").bitand(area.domain_mask))
        .filter(_domains__gt=0)
    )


def exact_query(area: Area) -> QuerySet[Subscription]:
    """Subscriptions that match without a distance check: everywhere, or by P-code."""
    q = Q(everywhere=True)
    if area.pcodes:
        parents = sorted({p for code in area.pcodes for p in _prefixes(code)})
        children = Q()
        for code in area.pcodes:
            children |= Q(pcode__startswith=code)
        q |= Q(
            id__in=SubscriptionArea.objects.filter(Q(pcode__in=parents) | children).values(
                "subscription_id"
            )
        )
    return _eligible(area).filter(q)


def circle_candidates(area: Area) -> QuerySet[Subscription]:
    """Subscriptions whose circle's box overlaps the alert circle's box."""
    if not area.has_circle:
        return Subscription.objects.none()
    assert area.lat is not None and area.lon is not None and area.radius_km is not None
    box = bounding_box(area.lat, area.lon, area.radius_km)
    return _eligible(area).filter(
        min_lat__lte=box.max_lat,
        max_lat__gte=box.min_lat,
        min_lon__lte=box.max_lon,
        max_lon__gte=box.min_lon,
    )


@dataclass(frozen=True)
class Match:
    """A matching subscription, with what fan-out needs to address it."""

    id: int
    organisation_id: int | None
    user_id: int | None
    channels: tuple[str, ...]


FIELDS = ("id", "organisation_id", "user_id", "in_app", "has_email", "webhook_url")


def _match(row: tuple[object, ...]) -> Match:
    sub_id, org_id, user_id, in_app, has_email, webhook_url = row[:6]
    channels = []
    if in_app:
        channels.append("in_app")
    if has_email:
        channels.append("email")
    if webhook_url:
        channels.append("webhook")
    return Match(int(sub_id), org_id, user_id, tuple(channels))  # type: ignore[arg-type, call-overload]


def matching_subscriptions(area: Area) -> list[Match]:
    """Every active subscription the alert reaches, each once, in id order."""
    found: dict[int, Match] = {}
    for row in exact_query(area).values_list(*FIELDS):
        match = _match(row)
        found[match.id] = match
    if area.has_circle:
        assert area.lat is not None and area.lon is not None and area.radius_km is not None
        rows = circle_candidates(area).values_list(*FIELDS, "lat", "lon", "radius_km")
        for row in rows:
            lat, lon, radius = row[6], row[7], row[8]
            if row[0] in found or lat is None or lon is None or radius is None:
                continue
            if haversine_km(area.lat, area.lon, lat, lon) <= area.radius_km + radius:  # type: ignore[arg-type]
                match = _match(row)
                found[match.id] = match
    return [found[k] for k in sorted(found)]
