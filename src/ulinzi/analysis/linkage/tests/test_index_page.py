"""``/linkage/``: what linkage offers each reader, and who may not open it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from django.test import Client

from ulinzi.analysis.linkage.models import ReviewPair


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="ulinzi-demo")
    return client


@pytest.fixture
def one_pair(make_incident: Any) -> ReviewPair:
    a = make_incident("monitor", domain="health_care_attack", country="SDN")
    b = make_incident("monitor", domain="health_care_attack", country="SDN")
    left, right = sorted([str(a.id), str(b.id)])
    return ReviewPair.objects.create(
        left_id=UUID(left), right_id=UUID(right), match_probability=0.7, match_weight=1.0
    )


def test_a_coordinator_finds_the_queue_and_the_totals(one_pair: ReviewPair) -> None:
    html = signed_in("coordinator").get("/linkage/").content.decode()
    assert '<a href="/linkage/review/">' in html
    assert "1 pair waits for a decision." in html
    assert '<a href="/linkage/estimate/">' in html
    assert "No linkage run yet." in html


def test_an_analyst_finds_the_totals_only(one_pair: ReviewPair) -> None:
    response = signed_in("analyst").get("/linkage/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/linkage/estimate/">' in html
    assert "/linkage/review/" not in html and "waits for a decision" not in html


@pytest.mark.parametrize(
    "username", ["monitor", "admin", "case_worker", "reporter", "party_focal_point"]
)
def test_other_roles_are_refused(one_pair: ReviewPair, username: str) -> None:
    response = signed_in(username).get("/linkage/")
    assert response.status_code == 403
    assert "waits for a decision" not in response.content.decode()


def test_visitors_are_asked_to_sign_in(db: Any) -> None:
    response = Client().get("/linkage/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
