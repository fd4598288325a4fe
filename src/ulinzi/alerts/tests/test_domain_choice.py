"""Domains of an alert or a subscription are ticked, one box each (no Ctrl-click), and stay
ticked when the form is refused."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_domains_are_boxes_that_stay_ticked(user: Any) -> None:
    client = Client()
    client.force_login(user("monitor"))
    for path in ("/alerts/new/", "/alerts/subscriptions/"):
        html = client.get(path).content.decode()
        assert '<select name="domains"' not in html and " multiple" not in html
        assert '<input type="checkbox" name="domains" value="health_care_attack">' in html
    refused = client.post(
        "/alerts/new/", {"title": "x", "domains": ["gbv", "protection"], "severity": "urgent"}
    ).content.decode()
    assert '<input type="checkbox" name="domains" value="gbv" checked>' in refused
    assert '<input type="checkbox" name="domains" value="protection" checked>' in refused
    assert '<input type="checkbox" name="domains" value="seah">' in refused


def test_who_may_not_raise_alerts_gets_no_form(user: Any) -> None:
    client = Client()
    client.force_login(user("analyst"))
    response = client.get("/alerts/new/")
    assert response.status_code == 403
    assert 'name="domains"' not in response.content.decode()
