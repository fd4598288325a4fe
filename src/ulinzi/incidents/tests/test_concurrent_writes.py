"""Concurrent writes to one incident: no acknowledged change is lost.

Real concurrency: every request runs the WSGI app in its own thread, on its own database
connection, against a database those connections share (PostgreSQL's test database; on
SQLite a file copy of the in-memory test database, see :func:`shared_database`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from ulinzi.incidents import facts
from ulinzi.incidents.models import Incident, IncidentChange

PAIRS = 20


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """A database that connections of several threads really share. An in-memory SQLite
    test database cannot be (its shared-cache mode fails writers with 'table is locked'
    instead of waiting), so for the test it is copied to a file that every new
    connection opens; the in-memory one is put back, untouched, afterwards."""
    if connection.vendor != "sqlite" or not getattr(connection, "is_in_memory_db")():
        yield
        return
    connection.ensure_connection()
    memory, memory_name = connection.connection, connection.settings_dict["NAME"]
    copy = sqlite3.connect(tmp_path / "shared.sqlite3")
    memory.backup(copy)
    copy.close()
    connection.connection = None  # detached, not closed: closing would drop it
    connection.settings_dict["NAME"] = str(tmp_path / "shared.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory


def _race(*requests: Callable[[], Any]) -> list[Any]:
    """Run the requests at the same moment, each in a thread with its own connection."""
    start = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)

    def run(n: int) -> None:
        try:
            start.wait()
            answers[n] = requests[n]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _incident(client: Any, source_id: str) -> str:
    made = client.post(
        "/api/v1/incidents",
        {
            "domain": "protection",
            "occurred_on": "2025-01-15",
            "country": "UKR",
            "source_id": source_id,
        },
    )
    assert made.status_code == 201, made.content
    return str(made.json()["id"])


def _patches_of_different_fields(monitor: Any, coordinator: Any, n: int) -> bool:
    """Two PATCHes of different fields at once; whether both changes were kept."""
    url = f"/api/v1/incidents/{_incident(monitor, f'patch-{n}')}"
    answers = _race(
        lambda: monitor.patch(url, {"killed": 5, "types": ["arbitrary_arrest_detention"]}),
        lambda: coordinator.patch(url, {"injured": 7, "admin1_name": "Kharkivska"}),
    )
    assert [a.status_code for a in answers] == [200, 200], [a.content for a in answers]
    incident = Incident.objects.get(pk=url.rsplit("/", 1)[1])
    history = IncidentChange.objects.filter(incident=incident)
    assert sorted(history.values_list("action", flat=True)) == ["created", "updated", "updated"]
    assert list(incident.terms.values_list("code", flat=True)) == incident.types
    kept = (incident.killed, incident.types, incident.injured, incident.admin1_name)
    return kept == (5, ["arbitrary_arrest_detention"], 7, "Kharkivska")


def _verify_racing_a_patch(monitor: Any, coordinator: Any, n: int) -> bool:
    """A PATCH and a verification at once; whether both were kept."""
    url = f"/api/v1/incidents/{_incident(monitor, f'verify-{n}')}"
    answers = _race(
        lambda: monitor.patch(url, {"killed": 4}),
        lambda: coordinator.post(f"{url}/verify", {"certainty": "confirmed"}),
    )
    assert [a.status_code for a in answers] == [200, 200], [a.content for a in answers]
    incident = Incident.objects.get(pk=url.rsplit("/", 1)[1])
    return (incident.killed, incident.status, incident.certainty) == (4, "verified", "confirmed")


def test_concurrent_writes_to_one_incident_lose_nothing(shared_database: None, api: Any) -> None:
    monitor, coordinator = api("monitor"), api("coordinator")
    lost = {
        race.__name__: sum(not race(monitor, coordinator, n) for n in range(PAIRS))
        for race in (_patches_of_different_fields, _verify_racing_a_patch)
    }
    assert lost == {"_patches_of_different_fields": 0, "_verify_racing_a_patch": 0}, (
        f"pairs (of {PAIRS}) that lost an acknowledged change: {lost}"
    )
    assert facts.differences() == []  # the counting copy followed every change
