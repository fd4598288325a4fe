"""A resend of a known ``source_id`` returns the record only to someone who may read it."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts.models import Organisation

pytestmark = pytest.mark.django_db

BASE = {"domain": "health_care_attack", "occurred_on": "2024-05-02", "country": "UKR"}
SECRET = {"killed": 7, "admin1_name": "Kharkivska", "narrative": "The ward was shelled."}


@pytest.fixture
def other_reporter(demo_orgs: dict[str, Organisation]) -> str:
    """A second reporter of ``cluster``: it sees only its own reports, as ``reporter`` does."""
    from ulinzi.accounts.services import ensure_user

    ensure_user(
        username="reporter_b",
        password="x" * 12,
        organisation=demo_orgs["cluster"],
        roles=["reporter"],
    )
    return "reporter_b"


def _assert_reveals_nothing(response: Any, record: dict[str, Any], owner: str) -> None:
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 409
    assert [e["field"] for e in body["errors"]] == ["source_id"]
    text = response.content.decode()
    for value in (record["id"], "Kharkivska", "shelled", owner):
        assert str(value) not in text


def test_a_reporter_replaying_the_organisations_source_id_gets_a_409(api: Any) -> None:
    made = api("monitor").post("/api/v1/incidents", {**BASE, **SECRET, "source_id": "org-1"})
    assert made.status_code == 201
    record = made.json()
    reporter = api("reporter")
    assert reporter.get(f"/api/v1/incidents/{record['id']}").status_code == 404
    _assert_reveals_nothing(
        reporter.post("/api/v1/incidents", {**BASE, "source_id": "org-1"}), record, "monitor"
    )


def test_a_reporter_replaying_another_reporters_source_id_gets_a_409(
    api: Any, other_reporter: str
) -> None:
    owner = api(other_reporter)
    made = owner.post("/api/v1/incidents", {**BASE, **SECRET, "source_id": "device-uuid-1"})
    assert made.status_code == 201
    record = made.json()
    _assert_reveals_nothing(
        api("reporter").post("/api/v1/incidents", {**BASE, "source_id": "device-uuid-1"}),
        record,
        other_reporter,
    )
    # Whoever may read it still gets the same record back on a resend.
    again = owner.post("/api/v1/incidents", {**BASE, "source_id": "device-uuid-1"})
    assert (again.status_code, again.json()["id"]) == (200, record["id"])
    seen = api("monitor").post("/api/v1/incidents", {**BASE, "source_id": "device-uuid-1"})
    assert (seen.status_code, seen.json()["id"]) == (200, record["id"])
    assert seen.json()["killed"] == 7


def test_the_service_refuses_with_a_conflict_naming_the_source_id(
    user: Any, make_incident: Any
) -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.common.problems import Conflict
    from ulinzi.incidents import services

    make_incident("monitor", source_id="org-2", killed=3)
    with pytest.raises(Conflict) as caught:
        services.create(actor=actor_for(user("reporter")), data={**BASE, "source_id": "org-2"})
    assert [p.field for p in caught.value.problems] == ["source_id"]
