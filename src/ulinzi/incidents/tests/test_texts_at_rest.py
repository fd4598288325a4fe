"""Verification notes, rejection reasons and source rows: encrypted in the database,
shown only to roles that may read the narrative (API and pages), each read audited; the
migration encrypts what older versions stored in clear."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from ulinzi.accounts.access import actor_for
from ulinzi.audit.models import AuditEvent
from ulinzi.common import crypto
from ulinzi.incidents import services
from ulinzi.incidents.models import Incident, IncidentChange

pytestmark = pytest.mark.django_db

BASE = {"domain": "protection", "occurred_on": "2025-01-15", "country": "UKR"}


def _stored(sql: str, key: Any) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, [key.hex if connection.vendor == "sqlite" else key])
        return cursor.fetchone()[0]


def _db_key(incident: Incident) -> Any:
    return incident.pk.hex if connection.vendor == "sqlite" else incident.pk


def test_reasons_and_source_rows_are_ciphertext_in_the_database(api: Any, user: Any) -> None:
    coordinator = api("coordinator")
    iid = coordinator.post("/api/v1/incidents", BASE).json()["id"]
    coordinator.post(f"/api/v1/incidents/{iid}/verify", {"note": "the midwife confirmed it"})
    coordinator.post(f"/api/v1/incidents/{iid}/reject", {"reason": "her brother retracted"})
    imported, _ = services.create(
        actor=actor_for(user("monitor")),
        data={**BASE, "source_id": "row-1"},
        raw_source={"Event Description": "the convoy driver was beaten"},
    )
    incident = Incident.objects.get(pk=iid)
    reason = _stored("SELECT status_reason FROM incidents_incident WHERE id = %s", incident.pk)
    raw = _stored("SELECT raw_source FROM incidents_incident WHERE id = %s", imported.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason FROM incidents_incidentchange WHERE incident_id = %s "
            "AND reason <> '' ORDER BY id",
            [_db_key(incident)],
        )
        history = [row[0] for row in cursor.fetchall()]
    assert len(history) == 2
    for stored in (reason, raw, *history):
        assert crypto.is_ciphertext(stored)
        for word in ("midwife", "brother", "convoy"):
            assert word not in stored
    assert incident.status_reason == "her brother retracted"
    assert Incident.objects.get(pk=imported.pk).raw_source == {
        "Event Description": "the convoy driver was beaten"
    }
    reasons = list(
        IncidentChange.objects.filter(incident=incident).values_list("reason", flat=True)
    )
    assert reasons == ["", "the midwife confirmed it", "her brother retracted"]


@pytest.fixture
def rejected(api: Any) -> str:
    """A protection incident of ``cluster`` (shared with ``amani``), verified then rejected."""
    coordinator = api("coordinator")
    iid = str(coordinator.post("/api/v1/incidents", BASE).json()["id"])
    coordinator.post(f"/api/v1/incidents/{iid}/verify", {"note": "seen by our nurse"})
    coordinator.post(f"/api/v1/incidents/{iid}/reject", {"reason": "the family asked us"})
    AuditEvent.objects.all().delete()
    return iid


@pytest.mark.parametrize("username", ["analyst", "admin", "coordinator2", "analyst2"])
def test_roles_that_may_not_read_narratives_get_no_reason(
    api: Any, rejected: str, username: str
) -> None:
    client = api(username)
    one = client.get(f"/api/v1/incidents/{rejected}")
    assert one.status_code == 200, one.content  # they do see the incident itself
    assert one.json()["status"] == "rejected"
    assert one.json()["status_reason"] is None and one.json()["narrative"] is None
    assert "raw_source" not in one.json()
    listed = {i["id"]: i for i in client.get("/api/v1/incidents").json()["items"]}
    assert listed[rejected]["status_reason"] is None
    history = client.get(f"/api/v1/incidents/{rejected}/history").json()
    assert [c["action"] for c in history] == ["created", "verified", "rejected"]
    assert [c["reason"] for c in history] == [None, None, None]
    assert not AuditEvent.objects.filter(object_id=rejected).exists()


def test_narrative_readers_get_the_reason_and_the_read_is_audited(api: Any, rejected: str) -> None:
    client = api("investigator")
    assert client.get(f"/api/v1/incidents/{rejected}").json()["status_reason"] == (
        "the family asked us"
    )
    event = AuditEvent.objects.get(object_id=rejected)
    assert (event.username, event.action, event.fields) == (
        "investigator",
        "read",
        ["status_reason"],
    )
    history = client.get(f"/api/v1/incidents/{rejected}/history").json()
    assert [c["reason"] for c in history] == ["", "seen by our nurse", "the family asked us"]
    fields = [e.fields for e in AuditEvent.objects.filter(object_id=rejected).order_by("id")]
    assert fields == [["status_reason"], ["history.reason"]]


def _page(username: str, iid: str) -> str:
    client = Client()
    assert client.login(username=username, password="ulinzi-demo")
    response = client.get(f"/incidents/{iid}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_reasons_only_to_narrative_readers(rejected: str) -> None:
    for username in ("analyst", "coordinator2"):
        html = _page(username, rejected)
        assert "nurse" not in html and "the family asked us" not in html
    assert not AuditEvent.objects.filter(object_id=rejected).exists()
    html = _page("monitor", rejected)
    assert "the family asked us" in html and "seen by our nurse" in html
    fields = [e.fields for e in AuditEvent.objects.filter(object_id=rejected).order_by("id")]
    assert fields == [["status_reason"], ["history.reason"]]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_what_was_stored_in_clear(make_incident: Any) -> None:
    before = [("incidents", "0003_fewer_indexes")]
    incident = make_incident("monitor", narrative="kept encrypted all along")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        key = _db_key(incident)
        with connection.cursor() as cursor:
            # What an older version wrote: JSON and text in clear.
            cursor.execute(
                "UPDATE incidents_incident SET raw_source = %s, status_reason = %s WHERE id = %s",
                [json.dumps({"Event Description": "the old row"}), "an old reason", key],
            )
            cursor.execute(
                "INSERT INTO incidents_incidentchange (incident_id, at, username, action, "
                "changes, reason) VALUES (%s, CURRENT_TIMESTAMP, '', 'rejected', '{}', %s)",
                [key, "an old rejection"],
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("incidents"))  # back to the latest
    raw = _stored("SELECT raw_source FROM incidents_incident WHERE id = %s", incident.pk)
    reason = _stored("SELECT status_reason FROM incidents_incident WHERE id = %s", incident.pk)
    assert crypto.is_ciphertext(raw) and crypto.is_ciphertext(reason)
    assert "old" not in raw and "old" not in reason
    fresh = Incident.objects.get(pk=incident.pk)
    assert fresh.raw_source == {"Event Description": "the old row"}
    assert fresh.status_reason == "an old reason"
    assert fresh.narrative == "kept encrypted all along"
    change = IncidentChange.objects.get(incident=fresh, action="rejected")
    assert change.reason == "an old rejection"
