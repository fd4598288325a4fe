"""The alerts API and pages: raising, problems naming fields, inbox, board, access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.alerts.models import Delivery


def _body(**kw: Any) -> dict[str, Any]:
    body = {
        "title": "Airstrike warning",
        "threatened": "Field hospital",
        "severity": "flash",
        "domains": ["health_care_attack"],
        "lat": 50.45,
        "lon": 30.52,
        "radius_km": 20,
        "expires_at": (timezone.now() + timedelta(hours=3)).isoformat(),
    }
    body.update(kw)
    return body


def test_raise_inbox_acknowledge_board(api: Any, subscribe: Any) -> None:
    sub = subscribe("coordinator2", organisation="amani", lat=50.5, lon=30.6, radius_km=10)
    r = api("monitor").post("/api/v1/alerts", _body())
    assert r.status_code == 201, r.content
    alert = r.json()
    assert alert["matched"] == 1 and alert["severity"] == "flash"

    inbox = api("analyst2").get("/api/v1/alerts/inbox").json()
    assert [i["alert"]["id"] for i in inbox["items"]] == [alert["id"]]
    assert inbox["items"][0]["acknowledged_at"] is None
    assert api("analyst2").get(f"/api/v1/alerts/{alert['id']}").status_code == 200

    r = api("analyst2").post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["acknowledged"] == 1
    # A second acknowledgement keeps the first.
    again = api("coordinator2").post(f"/api/v1/alerts/{alert['id']}/acknowledge").json()
    assert again["acknowledged"] == 0 and again["at"] == r.json()["at"]

    board = api("coordinator").get(f"/api/v1/alerts/{alert['id']}/deliveries").json()
    assert [(b["subscription"], b["acknowledged_via"]) for b in board] == [(sub.pk, "api")]
    assert board[0]["deliveries"][0]["state"] == "acknowledged"
    # The recipient organisation does not see the raiser's board.
    assert api("coordinator2").get(f"/api/v1/alerts/{alert['id']}/deliveries").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"severity": "catastrophic"}, "severity"),
        ({"domains": ["weather"]}, "domains"),
        ({"domains": []}, "domains"),
        ({"lat": 95}, "lat"),
        ({"radius_km": None}, "radius_km"),
        ({"lat": None, "lon": None, "radius_km": None}, "area"),
        ({"pcodes": ["not a code"]}, "pcodes[0]"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"incident": "6f1c1bd4-3a4c-4a47-9d8e-2f3b7d0c0a11"}, "incident"),
    ],
)
def test_bad_alert_input_names_the_field(api: Any, change: dict[str, Any], field: str) -> None:
    r = api("monitor").post("/api/v1/alerts", _body(**change))
    assert r.status_code == 422, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]


def test_subscription_rules(api: Any, settings: Any) -> None:
    settings.ULINZI_WEBHOOK_ALLOW = "127.0.0.1"
    r = api("coordinator").post(
        "/api/v1/alerts/subscriptions",
        {"name": "Cluster hooks", "organisation": "cluster", "webhook_url": "http://127.0.0.1:9/x"},
    )
    assert r.status_code == 201
    assert len(r.json()["webhook_secret"]) >= 40  # shown once
    listed = api("coordinator").get(f"/api/v1/alerts/subscriptions/{r.json()['id']}").json()
    assert "webhook_secret" not in listed
    # An analyst cannot subscribe the organisation, only themselves.
    r = api("analyst").post(
        "/api/v1/alerts/subscriptions", {"name": "x", "organisation": "cluster"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "organisation"
    r = api("analyst").post("/api/v1/alerts/subscriptions", {"name": "x", "in_app": False})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "channels"
    r = api("analyst").post(
        "/api/v1/alerts/subscriptions", {"name": "x", "webhook_url": "ftp://example.org/"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "webhook_url"
    # Party focal points receive no alerts at all.
    assert (
        api("party_focal_point").post("/api/v1/alerts/subscriptions", {"name": "x"}).status_code
        == 403
    )
    assert api("party_focal_point").get("/api/v1/alerts/inbox").status_code == 403


INTERNAL_URLS = [
    "http://127.0.0.1:8080/h",
    "http://127.1/h",
    "http://2130706433/h",
    "http://0x7f000001/h",
    "http://10.1.2.3/h",
    "http://172.16.0.1/h",
    "https://192.168.1.10/h",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/h",
    "http://224.0.0.1/h",
    "http://240.0.0.1/h",
    "http://0.0.0.0/h",
    "http://[::1]/h",
    "http://[::]/h",
    "http://[fd12:3456::1]/h",
    "http://[fe80::1]/h",
    "http://[::ffff:127.0.0.1]/h",
    "http://[::ffff:169.254.169.254]/h",
    "http://[ff02::1]/h",
    "http://localhost:8000/h",
    "http://LOCALHOST./h",
    "http://hooks.localhost/h",
    "http://intranet/h",
    "http://metadata.google.internal/computeMetadata/v1/",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_webhook_addresses_are_refused_by_default(api: Any, url: str) -> None:
    r = api("analyst").post("/api/v1/alerts/subscriptions", {"name": "x", "webhook_url": url})
    assert r.status_code == 422, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["webhook_url"]


def test_the_allow_list_lets_internal_receivers_through(api: Any, settings: Any) -> None:
    settings.ULINZI_WEBHOOK_ALLOW = "10.20.0.0/16, hooks.ops.internal"
    for url in ("http://10.20.3.4/h", "https://hooks.ops.internal/h"):
        r = api("analyst").post("/api/v1/alerts/subscriptions", {"name": url, "webhook_url": url})
        assert r.status_code == 201, r.content
    r = api("analyst").post(
        "/api/v1/alerts/subscriptions", {"name": "x", "webhook_url": "http://10.21.0.1/h"}
    )
    assert r.status_code == 422


def test_the_subscription_page_names_the_refused_address(user: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user("analyst"))
    r = client.post(
        "/alerts/subscriptions/",
        {"name": "x", "in_app": "on", "webhook_url": "http://169.254.169.254/"},
    )
    assert r.status_code in (200, 422)
    assert "169.254.169.254 is not a public address" in r.content.decode()


def test_linked_incident_must_be_visible(api: Any, make_incident: Any) -> None:
    mine = make_incident("monitor", domain="health_care_attack")
    r = api("monitor").post("/api/v1/alerts", _body(incident=str(mine.pk)))
    assert r.status_code == 201 and r.json()["incident"] == str(mine.pk)
    # amani's monitor cannot link cluster's GBV incident it may not see.
    hidden = make_incident("monitor", domain="gbv")
    r = api("monitor2").post("/api/v1/alerts", _body(incident=str(hidden.pk)))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "incident"


def _client(user: Any, username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_pages(user: Any, subscribe: Any, raise_alert: Any) -> None:
    subscribe("coordinator2", organisation="amani", pcodes=["UA48"])
    alert = raise_alert(pcodes=["UA4802"], lat=50.4, lon=30.5, radius_km=5)
    monitor = _client(user, "monitor")
    for url in (
        "/alerts/",
        "/alerts/new/",
        "/alerts/inbox/",
        "/alerts/map/",
        "/alerts/subscriptions/",
        f"/alerts/{alert.pk}/",
    ):
        assert monitor.get(url).status_code == 200, url
    board = monitor.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Deliveries and acknowledgements" in board and "not yet" in board
    assert alert.title in monitor.get("/alerts/map/").content.decode()

    analyst2 = _client(user, "analyst2")
    assert alert.title in analyst2.get("/alerts/inbox/").content.decode()
    detail = analyst2.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Deliveries and acknowledgements" not in detail
    r = analyst2.post(f"/alerts/{alert.pk}/acknowledge/")
    assert r.status_code == 302
    assert Delivery.objects.get(alert=alert).state == "acknowledged"

    party = _client(user, "party_focal_point")
    for url in ("/alerts/", "/alerts/inbox/", "/alerts/map/", "/alerts/subscriptions/"):
        assert party.get(url).status_code == 403, url
    assert party.get(f"/alerts/{alert.pk}/").status_code == 404
    assert _client(user, "analyst").get("/alerts/new/").status_code == 403
    assert analyst2.post(f"/alerts/{alert.pk}/cancel/").status_code == 403


def test_raise_through_the_form(user: Any, subscribe: Any) -> None:
    subscribe("coordinator2", organisation="amani", pcodes=["UA48"])
    client = _client(user, "monitor")
    expires = (timezone.now() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post("/alerts/new/", {"title": "x", "severity": "urgent", "expires_at": expires})
    assert bad.status_code == 200
    assert "give at least one domain" in bad.content.decode()
    r = client.post(
        "/alerts/new/",
        {
            "title": "Road blocked",
            "threatened": "Ambulance route",
            "severity": "urgent",
            "domains": ["health_care_attack"],
            "area_country": "UKR",
            "area": "ua4802",
            "expires_at": expires,
        },
    )
    assert r.status_code == 302
    assert Delivery.objects.filter(subscription__organisation__code="amani").count() == 1
