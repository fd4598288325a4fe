"""Matching: point and radius (haversine), P-code containment, severity, domains."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ulinzi.alerts.matching import (
    DOMAIN_BITS,
    Area,
    bounding_box,
    domain_mask,
    haversine_km,
    matching_subscriptions,
)
from ulinzi.vocab import registry

KYIV = (50.4501, 30.5234)
LVIV = (49.8397, 24.0297)


def test_every_domain_has_a_bit() -> None:
    assert set(registry.get("domain").codes()) <= set(DOMAIN_BITS)
    assert len(set(DOMAIN_BITS.values())) == len(DOMAIN_BITS)


def test_haversine_known_distance() -> None:
    # Kyiv–Lviv is about 468 km as the crow flies.
    assert 460 < haversine_km(*KYIV, *LVIV) < 475
    assert haversine_km(*KYIV, *KYIV) == 0
    # A quarter of the equator.
    assert haversine_km(0, 0, 0, 90) == pytest.approx(math.pi * 6371.0088 / 2, rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-180, 180),
    radius=st.floats(0, 2000),
    bearing=st.floats(0, 2 * math.pi),
    fraction=st.floats(0, 1),
)
def test_bounding_box_contains_the_circle(
    lat: float, lon: float, radius: float, bearing: float, fraction: float
) -> None:
    """Any point within the radius lies inside the box (the prefilter loses nothing)."""
    box = bounding_box(lat, lon, radius)
    d = radius * fraction / 6371.0088
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    plat, plon = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
    assert box.min_lat - 1e-9 <= plat <= box.max_lat + 1e-9
    if box.min_lon > -180 or box.max_lon < 180:
        # -180° and 180° are one meridian: rounding may put the point on either side.
        assert any(
            box.min_lon - 1e-9 <= plon + turn <= box.max_lon + 1e-9 for turn in (0, 360, -360)
        )


def _area(**kw: Any) -> Area:
    kw.setdefault("severity_rank", 4)
    kw.setdefault("domain_mask", domain_mask(["health_care_attack"]))
    return Area(**kw)


def _ids(area: Area) -> set[int]:
    return {m.id for m in matching_subscriptions(area)}


def test_point_and_radius(subscribe: Any) -> None:
    near = subscribe(lat=KYIV[0], lon=KYIV[1], radius_km=10)
    far = subscribe(lat=LVIV[0], lon=LVIV[1], radius_km=10)
    # An alert 30 km from Kyiv with a 25 km radius overlaps the 10 km circle there.
    point = (KYIV[0] + 30 / 111.2, KYIV[1])
    assert _ids(_area(lat=point[0], lon=point[1], radius_km=25)) == {near.pk}
    # With a 15 km radius the circles are 30 km apart and radii sum to 25 km: no overlap.
    assert _ids(_area(lat=point[0], lon=point[1], radius_km=15)) == set()
    # A big radius reaches Lviv too.
    assert _ids(_area(lat=KYIV[0], lon=KYIV[1], radius_km=470)) == {near.pk, far.pk}
    # Corner of the bounding box but outside the circle: the exact check refuses it.
    corner = (KYIV[0] + 14 / 111.2, KYIV[1] + 14 / (111.2 * math.cos(math.radians(KYIV[0]))))
    assert haversine_km(*corner, *KYIV) > 10
    assert _ids(_area(lat=corner[0], lon=corner[1], radius_km=0)) == set()
    assert _ids(_area(lat=KYIV[0], lon=KYIV[1], radius_km=0)) == {near.pk}


def test_pcode_containment(subscribe: Any) -> None:
    region = subscribe(pcodes=["UA48"])
    district = subscribe(pcodes=["UA4802"])
    other_district = subscribe(pcodes=["UA4804"])
    other_country = subscribe(pcodes=["SY01"])
    # Alert on a sub-district: region and district subscribers cover it.
    assert _ids(_area(pcodes=("UA480202",))) == {region.pk, district.pk}
    # Alert on the region: everyone inside the region is concerned.
    assert _ids(_area(pcodes=("UA48",))) == {region.pk, district.pk, other_district.pk}
    # Alert on the country.
    assert _ids(_area(pcodes=("UA",))) == {region.pk, district.pk, other_district.pk}
    assert _ids(_area(pcodes=("SY0101",))) == {other_country.pk}
    # Another region shares only the country prefix.
    assert _ids(_area(pcodes=("UA5101",))) == set()


def test_everywhere_severity_domains_and_pause(subscribe: Any) -> None:
    everywhere = subscribe()
    flash_only = subscribe(min_severity="flash")
    gbv_only = subscribe(domains=["gbv"])
    both = subscribe(domains=["gbv", "health_care_attack"], pcodes=["UA"])
    paused = subscribe()
    paused.active = False
    paused.save()
    urgent_hca = _area(severity_rank=3, pcodes=("UA01",))
    assert _ids(urgent_hca) == {everywhere.pk, both.pk}
    flash_gbv = _area(severity_rank=4, domain_mask=domain_mask(["gbv"]), pcodes=("UA01",))
    assert _ids(flash_gbv) == {everywhere.pk, flash_only.pk, gbv_only.pk, both.pk}


def test_mixed_subscription_matches_by_either_area(subscribe: Any) -> None:
    sub = subscribe(pcodes=["SY01"], lat=KYIV[0], lon=KYIV[1], radius_km=5)
    assert _ids(_area(pcodes=("SY0102",))) == {sub.pk}
    assert _ids(_area(lat=KYIV[0], lon=KYIV[1], radius_km=1)) == {sub.pk}
    assert _ids(_area(pcodes=("UA48",), lat=0.0, lon=0.0, radius_km=1)) == set()


def test_matching_agrees_with_brute_force(subscribe: Any) -> None:
    """Random circles around one region: the SQL prefilter plus exact check equals a
    plain Python scan over every subscription."""
    rng = random.Random(7)
    subs = [
        subscribe(
            lat=rng.uniform(44, 52),
            lon=rng.uniform(22, 40),
            radius_km=rng.uniform(0, 150),
            min_severity=rng.choice(["info", "warning", "urgent", "flash"]),
        )
        for _ in range(120)
    ]
    ranks = {"info": 1, "warning": 2, "urgent": 3, "flash": 4}
    for _ in range(25):
        lat, lon, radius = rng.uniform(44, 52), rng.uniform(22, 40), rng.uniform(0, 300)
        rank = rng.randint(1, 4)
        expected = {
            s.pk
            for s in subs
            if ranks[s.min_severity] <= rank
            and haversine_km(lat, lon, s.lat, s.lon) <= radius + s.radius_km
        }
        got = _ids(_area(severity_rank=rank, lat=lat, lon=lon, radius_km=radius))
        assert got == expected
