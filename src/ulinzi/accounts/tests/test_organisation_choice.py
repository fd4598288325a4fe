"""One choice of organisation for everything a user records: naming an organisation the
user does not act for is the same 422 on the field ``organisation``, with the same code,
whatever is recorded."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

ALERT = {
    "title": "Armed group moving towards the district hospital",
    "threatened": "District hospital",
    "severity": "urgent",
    "domains": ["health_care_attack"],
    "expires_at": "2999-01-01T00:00:00Z",
}
SITE = {
    "name": "Clinic",
    "site_type": "health_facility",
    "lat": 48.1,
    "lon": 37.7,
    "valid_from": "2025-05-01",
}
RECORDS = [
    ("/api/v1/incidents", {"domain": "protection", "occurred_on": "2025-01-15", "country": "UKR"}),
    ("/api/v1/alerts", ALERT),
    ("/api/v1/alerts/subscriptions", {"name": "x"}),
    ("/api/v1/deconfliction/sites", SITE),
]


@pytest.mark.parametrize(("path", "body"), RECORDS, ids=[p for p, _ in RECORDS])
def test_an_organisation_the_user_does_not_act_for_is_refused_on_its_field(
    api: Any, path: str, body: dict[str, Any]
) -> None:
    answer = api("monitor").post(path, {**body, "organisation": "amani"})  # monitor: cluster
    assert answer.status_code == 422, (path, answer.status_code, answer.content)
    problems = answer.json()["errors"]
    assert [(p["field"], p.get("code")) for p in problems] == [
        ("organisation", "organisation_not_yours")
    ], problems
