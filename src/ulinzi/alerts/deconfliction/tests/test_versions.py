"""Versions of sites and movements: an ETag on reads and writes; a stale If-Match (or a
stale version of a reviewed item) refuses the change with 412 and the current version."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.alerts.deconfliction.models import Batch, Movement, Site

from .test_pages_and_api import _movement

pytestmark = pytest.mark.django_db

SITE = {
    "name": "Clinic",
    "site_type": "health_facility",
    "lat": 48.1,
    "lon": 37.7,
    "valid_from": "2025-05-01",
}


@pytest.fixture
def parties(demo_orgs: Any) -> Any:
    from ulinzi.alerts.deconfliction.demo import ensure_parties

    return ensure_parties("test-password")


def _refused_with(answer: Any, current: int) -> None:
    assert answer.status_code == 412, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert (answer["ETag"], answer.json()["version"]) == (f'"{current}"', current)


def test_a_site(api: Any, parties: Any) -> None:
    owner, cell = api("monitor2"), api("coordinator2")
    site = owner.post("/api/v1/deconfliction/sites", SITE).json()
    url = f"/api/v1/deconfliction/sites/{site['id']}"
    assert owner.get(url)["ETag"] == '"1"' and site["version"] == 1
    sent = cell.post(
        "/api/v1/deconfliction/notifications", {"parties": ["party-a"], "sites": [site["id"]]}
    )
    assert sent.status_code == 201
    assert owner.get(url)["ETag"] == '"2"'  # notified
    stale = owner.client.post(
        f"{url}/removal",
        data={"reason": "closed"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **owner.headers,
    )
    _refused_with(stale, 2)
    assert Site.objects.get(pk=site["id"]).status == "notified"
    asked = owner.client.post(
        f"{url}/removal",
        data={"reason": "closed"},
        content_type="application/json",
        HTTP_IF_MATCH='"2"',
        **owner.headers,
    )
    assert (asked.status_code, asked["ETag"], asked.json()["status"]) == (
        200,
        '"3"',
        "removal_requested",
    )


def test_a_movement_changed_since_it_was_reviewed_is_not_sent(api: Any, parties: Any) -> None:
    owner, cell = api("monitor2"), api("coordinator2")
    movement = owner.post("/api/v1/deconfliction/movements", _movement(60)).json()
    url = f"/api/v1/deconfliction/movements/{movement['id']}"
    assert owner.get(url)["ETag"] == '"1"'
    first = cell.post(
        "/api/v1/deconfliction/notifications",
        {"parties": ["party-a"], "movements": [movement["id"]], "versions": {movement["id"]: 1}},
    )
    assert first.status_code == 201
    batches = Batch.objects.count()
    again = cell.post(  # reviewed at version 1, sent meanwhile: version 2
        "/api/v1/deconfliction/notifications",
        {"parties": ["party-b"], "movements": [movement["id"]], "versions": {movement["id"]: 1}},
    )
    _refused_with(again, 2)
    assert Batch.objects.count() == batches
    assert Movement.objects.get(pk=movement["id"]).version == 2


def test_the_send_form_carries_each_items_version(parties: Any, api: Any, user: Any) -> None:
    from django.test import Client

    site = api("monitor2").post("/api/v1/deconfliction/sites", SITE).json()
    page = Client()
    page.force_login(user("coordinator2"))
    html = page.get("/deconfliction/").content.decode()
    assert f'name="version-{site["id"]}" value="1"' in html
    Site.objects.filter(pk=site["id"]).update(version=2)  # changed meanwhile
    answer = page.post(
        "/deconfliction/send/",
        {"parties": ["party-a"], "sites": [site["id"]], f"version-{site['id']}": "1"},
        follow=True,
    )
    assert "Someone else changed this record after you opened it" in answer.content.decode()
    assert Site.objects.get(pk=site["id"]).status == "submitted"


def test_a_stale_removal_request_keeps_its_reason(parties: Any, api: Any, user: Any) -> None:
    from django.test import Client

    owner = api("monitor2")
    site = owner.post("/api/v1/deconfliction/sites", SITE).json()
    page = Client()
    page.force_login(user("monitor2"))
    assert (
        'name="version" value="1"'
        in page.get(f"/deconfliction/sites/{site['id']}/").content.decode()
    )
    sent = api("coordinator2").post(  # notified meanwhile: version 2
        "/api/v1/deconfliction/notifications", {"parties": ["party-a"], "sites": [site["id"]]}
    )
    assert sent.status_code == 201
    answer = page.post(
        f"/deconfliction/sites/{site['id']}/removal/",
        {"reason": "The clinic moved to the school", "version": "1"},
    )
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Someone else changed this record after you opened it" in html
    assert 'name="reason" value="The clinic moved to the school"' in html
    now = Site.objects.get(pk=site["id"])
    assert (now.status, now.removal_reason, now.version) == ("notified", "", 2)


def test_a_stale_send_keeps_the_choices_and_the_reason(parties: Any, api: Any, user: Any) -> None:
    from django.test import Client

    site = api("monitor2").post("/api/v1/deconfliction/sites", SITE).json()
    page = Client()
    page.force_login(user("coordinator2"))
    Site.objects.filter(pk=site["id"]).update(version=2)  # changed meanwhile
    answer = page.post(
        "/deconfliction/send/",
        {
            "parties": ["party-b"],
            "sites": [site["id"]],
            f"version-{site['id']}": "1",
            "override_lead_time": "on",
            "override_reason": "Convoy moved up by the cell at 06:00",
        },
    )
    assert answer.status_code == 409
    html = answer.content.decode()
    assert 'value="Convoy moved up by the cell at 06:00"' in html
    assert f'value="{site["id"]}" checked' in html
    assert 'value="party-b" checked' in html and 'value="party-a" checked' not in html
    assert 'name="override_lead_time" checked' in html
    assert Batch.objects.count() == 0
