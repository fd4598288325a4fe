"""The dashboard's query budget: the number of database queries behind the page is a
constant, whatever the number of incidents it counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ulinzi.analysis import generate
from ulinzi.incidents.models import Incident

pytestmark = pytest.mark.django_db

# The queries of the whole page (session, user, roles, agreements, the panels, the
# menus), as measured on SQLite and PostgreSQL: fewer is fine, more fails.
QUERIES = [({}, 18), ({"country": "ukr", "stack": "type", "interval": "week"}, 21)]


def _queries(client: Any, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/analysis/", query)
    assert page.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(("query", "budget"), QUERIES, ids=["all", "filtered"])
def test_the_dashboard_makes_as_many_queries_for_50_incidents_as_for_5(
    demo_orgs: Any, client: Any, user: Any, query: dict[str, str], budget: int
) -> None:
    orgs = [demo_orgs["cluster"], demo_orgs["amani"]]
    options = generate.Options(seed=5, countries=("UKR", "SDN"))
    generate.bulk_load(5, orgs, options)
    client.force_login(user("coordinator"))
    client.get("/analysis/", query)  # the session's first request sets it up
    few = _queries(client, query)
    generate.bulk_load(45, orgs, generate.Options(seed=6, countries=("UKR", "SDN")))
    assert Incident.objects.count() == 50
    many = _queries(client, query)
    assert many == few
    assert few <= budget
