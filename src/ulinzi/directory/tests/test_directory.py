"""The directory: publishing, the pathway's nearest-first order, access, pages."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.directory import demo
from ulinzi.directory.models import Service

pytestmark = pytest.mark.django_db

BODY = {
    "name": "Test clinic",
    "kind": "health",
    "languages": ["uk"],
    "areas": [{"country": "UKR", "admin1_pcode": "UA-63", "admin1_name": "Kharkivska"}],
}


def test_pathway_lists_nearest_coverage_first(api: Any, demo_orgs: Any) -> None:
    demo.load()
    client = api("case_worker")
    got = client.get("/api/v1/services?need=psychosocial&area=UA-63")
    assert got.status_code == 200, got.content
    rows = got.json()
    assert [(r["name"], r["coverage"]) for r in rows] == [
        ("Amani psychosocial support, Kharkiv", "admin1"),
        ("National psychosocial support line", "country"),
    ]
    elsewhere = client.get("/api/v1/services?need=psychosocial&area=UA-80").json()
    assert [r["coverage"] for r in elsewhere] == ["country", "same_country"]
    congo = client.get("/api/v1/services?need=psychosocial&area=COD").json()
    assert {r["coverage"] for r in congo} == {"elsewhere"}
    only = client.get("/api/v1/services?area=COD&referrals_only=true").json()
    assert "Amani child-friendly space" not in [r["name"] for r in only]
    assert demo.load() == 0  # idempotent


def test_point_orders_within_a_level(api: Any, demo_orgs: Any) -> None:
    client = api("coordinator")
    for name, lat in (("Far clinic", 50.9), ("Near clinic", 50.0)):
        body = {**BODY, "name": name, "lat": lat, "lon": 36.2}
        assert client.post("/api/v1/services", body).status_code == 201
    rows = api("analyst").get("/api/v1/services?need=health&area=UA-63&lat=50.0&lon=36.2").json()
    assert [r["name"] for r in rows] == ["Near clinic", "Far clinic"]
    assert rows[0]["distance_km"] < rows[1]["distance_km"]


def test_publish_validates_every_field(api: Any) -> None:
    bad = api("coordinator").post(
        "/api/v1/services",
        {"name": "", "kind": "magic", "languages": ["x"], "areas": [{"country": "Atlantis"}]},
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"name", "kind", "languages", "areas[0].country"}
    assert api("coordinator").get("/api/v1/services?need=magic").status_code == 422
    assert api("coordinator").get("/api/v1/services?area=ZZ99").status_code == 422


def test_only_the_publishing_organisation_edits(api: Any) -> None:
    created = api("admin").post("/api/v1/services", BODY)
    assert created.status_code == 201
    sid = created.json()["id"]
    assert created.json()["organisation"] == "cluster"
    assert api("case_worker").post("/api/v1/services", BODY).status_code == 403
    assert api("coordinator2").patch(f"/api/v1/services/{sid}", {"hours": "x"}).status_code == 403
    changed = api("coordinator").patch(
        f"/api/v1/services/{sid}", {"hours": "24/7", "areas": [{"country": "UKR"}]}
    )
    assert changed.status_code == 200
    assert changed.json()["hours"] == "24/7"
    assert changed.json()["areas"][0]["admin1_pcode"] == ""
    assert Service.objects.get(pk=sid).areas.count() == 1


def test_pages(client: Any, user: Any) -> None:
    demo.load()
    client.force_login(user("reporter"))
    page = client.get("/directory/?need=safety_shelter&area=UA-63")
    assert page.status_code == 200
    assert "Amani safe house" in page.content.decode()
    assert client.get("/directory/new/").status_code == 403
    client.force_login(user("coordinator"))
    form = {
        "name": "Web clinic",
        "kind": "health",
        "languages": "uk, en",
        "accepts_referrals": "on",
        "areas": "UKR UA-63 Kharkivska\nUKR",
    }
    saved = client.post("/directory/new/", form)
    assert saved.status_code == 302
    service = Service.objects.get(name="Web clinic")
    assert service.languages == ["uk", "en"]
    assert service.areas.count() == 2
    assert client.get(f"/directory/{service.pk}/edit/").status_code == 200
    client.force_login(user("coordinator2"))
    assert client.get(f"/directory/{service.pk}/edit/").status_code == 403
