"""Query budgets: the incident list (page and API) and an incident's page take a fixed
number of queries, whatever the number of incidents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# The most queries each may take, as measured: session, user, the actor (memberships and
# agreements, once), then the page's own reads. Before the actor was built once per
# request the list page took 12 and an incident page 12; the API page took 2 more
# queries per incident whose narrative it returned (its audited read), 105 for 50.
LIST_PAGE = 10
LIST_API = 7
INCIDENT_PAGE = 8


def _queries(fetch: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more(make_incident: Any, count: int) -> None:
    for n in range(count):
        make_incident(
            domain="health_care_attack",
            types=["setting_fire"],
            resources=["facility"],
            admin1_name=f"Area {n % 7}",
            narrative=f"What happened, number {n}.",
        )


@pytest.fixture
def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user("coordinator"))
    return client


def test_the_incident_list_takes_the_same_queries_for_5_and_50(
    signed_in: Client, make_incident: Any
) -> None:
    _more(make_incident, 5)
    few = _queries(lambda: signed_in.get("/incidents/?domain=health_care_attack"))
    _more(make_incident, 45)
    many = _queries(lambda: signed_in.get("/incidents/?domain=health_care_attack"))
    assert few == many <= LIST_PAGE


def test_the_incident_api_takes_the_same_queries_for_5_and_50(api: Any, make_incident: Any) -> None:
    client = api("coordinator")
    _more(make_incident, 5)
    few = _queries(lambda: client.get("/api/v1/incidents?limit=50"))
    _more(make_incident, 45)
    many = _queries(lambda: client.get("/api/v1/incidents?limit=50"))
    assert few == many <= LIST_API


def test_an_incident_page_takes_the_same_queries_for_5_and_50(
    signed_in: Client, make_incident: Any
) -> None:
    _more(make_incident, 4)
    incident = make_incident(narrative="Seen at the gate.", types=["killing"])
    few = _queries(lambda: signed_in.get(f"/incidents/{incident.pk}/"))
    _more(make_incident, 45)
    many = _queries(lambda: signed_in.get(f"/incidents/{incident.pk}/"))
    assert few == many <= INCIDENT_PAGE
