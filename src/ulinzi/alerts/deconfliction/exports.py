"""Per-party exports of what was notified: CSV with HXL hashtags, and GeoJSON.

Both state that notification is voluntary and guarantees nothing: the CSV in a first
line above the header and hashtag rows (HXL readers skip rows above the header), the
GeoJSON as a ``notice`` member of the collection.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.db.models import QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.alerts.deconfliction import conf, policies
from ulinzi.alerts.deconfliction.models import Notification
from ulinzi.common import safecsv
from ulinzi.common.problems import NotAllowed, NotFound

COLUMNS: list[tuple[str, str, str]] = [
    # (header, HXL hashtag, content key)
    ("Notification", "#meta+id", "notification"),
    ("Kind", "#meta+type", "type"),
    ("Item", "#meta+item+id", "id"),
    ("Name or purpose", "#loc+name", "name"),
    ("Site type", "#loc+type", "site_type"),
    ("Organisation", "#org+name", "organisation"),
    ("Latitude", "#geo+lat", "lat"),
    ("Longitude", "#geo+lon", "lon"),
    ("Route (lat lon; …)", "#geo+route", "route"),
    ("From", "#date+start", "start"),
    ("Until", "#date+end", "end"),
    ("Departure window ends", "#date+departure+end", "departure_until"),
    ("Arrival window starts", "#date+arrival+start", "arrival_from"),
    ("Vehicles", "#x_vehicles+num", "vehicles"),
    ("People", "#x_people+num", "people"),
    ("Cargo", "#x_cargo", "cargo"),
    ("Emergency", "#x_emergency", "emergency"),
    ("Notified", "#date+reported", "sent_at"),
    ("Acknowledged", "#date+acknowledged", "acknowledged_at"),
]


def party_notifications(
    actor: Actor, party_code: str
) -> tuple[Organisation, QuerySet[Notification]]:
    """The party and what was notified to it that the actor may see."""
    party = Organisation.objects.filter(code=party_code, kind=Organisation.Kind.PARTY).first()
    if party is None:
        raise NotFound(f"no party {party_code}")
    if party.pk in policies.focal_parties(actor):
        qs = Notification.objects.filter(party=party)
    elif policies.cells(actor):
        qs = Notification.objects.filter(party=party, coordinated_by_id__in=policies.cells(actor))
    else:
        raise NotAllowed(
            "only the party's focal points and the coordinator export its notifications"
        )
    return party, qs.order_by("sent_at", "id")


def _row(n: Notification) -> dict[str, Any]:
    c = n.content
    route = c.get("route") or []
    return {
        "notification": str(n.pk),
        "type": c.get("type", n.kind),
        "id": c.get("id"),
        "name": c.get("name") or c.get("purpose"),
        "site_type": c.get("site_type", ""),
        "organisation": c.get("organisation"),
        "lat": c.get("lat", route[0][0] if route else ""),
        "lon": c.get("lon", route[0][1] if route else ""),
        "route": "; ".join(f"{p[0]} {p[1]}" for p in route),
        "start": c.get("valid_from") or c.get("departure_from"),
        "end": c.get("valid_until") or c.get("arrival_until") or "",
        "departure_until": c.get("departure_until", ""),
        "arrival_from": c.get("arrival_from", ""),
        "vehicles": c.get("vehicles", ""),
        "people": c.get("people", ""),
        "cargo": c.get("cargo", ""),
        "emergency": {True: "yes", False: "no"}.get(c.get("emergency"), ""),  # type: ignore[call-overload]
        "sent_at": n.sent_at.isoformat(),
        "acknowledged_at": n.acknowledged_at.isoformat() if n.acknowledged_at else "",
    }


def to_csv(notifications: QuerySet[Notification]) -> str:
    """The notice, the header, the hashtags, then one row per site or movement (formulas
    made inert)."""
    out = io.StringIO()
    writer = safecsv.Writer(out)
    writer.writerow([str(conf.NOTICE)])
    writer.writerow([h for h, _, _ in COLUMNS])
    writer.writerow([t for _, t, _ in COLUMNS])
    for n in notifications:
        row = _row(n)
        writer.writerow(["" if row[k] is None else row[k] for _, _, k in COLUMNS])
    return out.getvalue()


def to_geojson(party: Organisation, notifications: QuerySet[Notification]) -> str:
    features = []
    for n in notifications:
        c = n.content
        if c.get("route"):
            geometry = {"type": "LineString", "coordinates": [[p[1], p[0]] for p in c["route"]]}
        else:
            geometry = {"type": "Point", "coordinates": [c["lon"], c["lat"]]}
        properties = {k: v for k, v in _row(n).items() if k not in ("lat", "lon", "route")}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return json.dumps(
        {
            "type": "FeatureCollection",
            "name": f"Humanitarian notifications to {party.name}",
            "notice": str(conf.NOTICE),
            "features": features,
        },
        ensure_ascii=False,
    )
