"""Versions of alerts: an ETag on reads and on cancelling; a stale If-Match is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ulinzi.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_a_stale_cancel_is_refused_with_the_current_version(api: Any, raise_alert: Any) -> None:
    alert = raise_alert(pcodes=["UA4802"])
    url = f"/api/v1/alerts/{alert.pk}"
    raiser, coordinator = api("monitor"), api("coordinator")
    assert raiser.get(url)["ETag"] == '"1"'
    done = coordinator.client.post(
        f"{url}/cancel", content_type="application/json", HTTP_IF_MATCH='"1"', **coordinator.headers
    )
    assert (done.status_code, done["ETag"], done.json()["version"]) == (200, '"2"', 2)
    stale = raiser.client.post(
        f"{url}/cancel", content_type="application/json", HTTP_IF_MATCH='"1"', **raiser.headers
    )
    assert stale.status_code == 412, stale.content
    assert (stale["ETag"], stale.json()["version"]) == ('"2"', 2)
    alert.refresh_from_db()
    assert alert.cancelled_by is not None and alert.cancelled_by.username == "coordinator"


def test_a_stale_cancel_page_says_so(user: Any, raise_alert: Any) -> None:
    alert = raise_alert(pcodes=["UA4802"])
    page = Client()
    page.force_login(user("monitor"))
    assert 'name="version" value="1"' in page.get(f"/alerts/{alert.pk}/").content.decode()
    Alert.objects.filter(pk=alert.pk).update(version=2)  # changed meanwhile
    answer = page.post(f"/alerts/{alert.pk}/cancel/", {"version": "1"}, follow=True)
    assert "Someone else changed this record after you opened it" in answer.content.decode()
    assert Alert.objects.get(pk=alert.pk).cancelled_at is None
